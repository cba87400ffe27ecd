# Re-creation of LEAN's MACDTrendAlgorithm: go long SPY when the daily MACD(12, 26, 9)
# histogram, relative to the fast average, rises above a small band; exit below it.
from AlgorithmImports import *


class MACDTrendAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2004, 1, 1)
        self.set_end_date(2015, 1, 1)
        self.set_cash(100000)
        self.add_equity("SPY", Resolution.DAILY)
        self._macd = self.macd("SPY", 12, 26, 9, MovingAverageType.EXPONENTIAL, Resolution.DAILY)
        self._last_trade_day = None

    def on_data(self, data):
        if not self._macd.is_ready:
            return
        today = self.time.date()
        if self._last_trade_day == today:
            return

        band = 0.0025
        quantity = self.portfolio["SPY"].quantity
        spread = (self._macd.current.value - self._macd.signal.current.value) / self._macd.fast.current.value

        if quantity <= 0 and spread > band:
            self.set_holdings("SPY", 1.0)
        elif quantity >= 0 and spread < -band:
            self.liquidate("SPY")

        self._last_trade_day = today
