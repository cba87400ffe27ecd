# Re-creation of LEAN's ConsolidatorStartTimeRegressionAlgorithm: hourly bars anchored at
# 9:30 must start at 9:30, 10:30, ..., 14:30 on a single trading day.
from AlgorithmImports import *


class ConsolidatorStartTimeRegressionAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2013, 10, 4)
        self.set_end_date(2013, 10, 4)
        self.add_equity("SPY", Resolution.MINUTE)

        hourly = TradeBarConsolidator(timedelta(hours=1), start_time=timedelta(hours=9, minutes=30))
        hourly.data_consolidated += self._on_hour_bar
        self.subscription_manager.add_consolidator("SPY", hourly)
        self._pending_starts = [time(hour, 30) for hour in range(9, 15)]

    def _on_hour_bar(self, _, bar):
        if self.time != bar.end_time:
            raise AssertionError(f"bar ending {bar.end_time} was delivered at {self.time}")
        self.debug(f"{self.time} - Consolidation")
        wanted = self._pending_starts.pop(0)
        if bar.time.time() != wanted:
            raise AssertionError(f"bar starts at {bar.time.time()}, expected {wanted}")
        if bar.period != timedelta(hours=1):
            raise AssertionError(f"bar period is {bar.period}, expected one hour")

    def on_end_of_algorithm(self):
        if self._pending_starts:
            raise AssertionError(f"bars never emitted for {self._pending_starts}")
