# Re-creation of LEAN's Python WarmupHistoryAlgorithm: two EMAs on EURUSD seconds, warmed up in
# initialize from a DataFrame history of both pairs, then a long/short switch on their cross.
from AlgorithmImports import *


class WarmupHistoryAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2014, 5, 2)
        self.set_end_date(2014, 5, 2)
        self.set_cash(100000)
        self.add_forex("EURUSD", Resolution.SECOND)
        self.add_forex("NZDUSD", Resolution.SECOND)

        fast_period = 60
        slow_period = 3600
        self.fast = self.ema("EURUSD", fast_period)
        self.slow = self.ema("EURUSD", slow_period)

        # One bar more than the slow period, as LEAN's example asks for.
        history = self.history(["EURUSD", "NZDUSD"], slow_period + 1)
        self.log(str(history.loc["EURUSD"].tail()))
        self.log(str(history.loc["NZDUSD"].tail()))

        for moment, row in history.loc["EURUSD"].iterrows():
            self.fast.update(moment, row["close"])
            self.slow.update(moment, row["close"])

        self.log(f"FAST {'IS' if self.fast.is_ready else 'IS NOT'} READY. Samples: {self.fast.samples}")
        self.log(f"SLOW {'IS' if self.slow.is_ready else 'IS NOT'} READY. Samples: {self.slow.samples}")

    def on_data(self, data):
        if self.fast.current.value > self.slow.current.value:
            self.set_holdings("EURUSD", 1)
        else:
            self.set_holdings("EURUSD", -1)
