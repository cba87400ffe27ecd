# Re-creation of LEAN's ConsolidatorRollingWindowRegressionAlgorithm: a 10-minute
# TradeBarConsolidator keeps its last two bars in a window; check indexing on every bar.
from AlgorithmImports import *


class ConsolidatorRollingWindowRegressionAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 11)
        self.add_equity("SPY", Resolution.MINUTE)

        self._bars_seen = 0
        self._ten_minute = TradeBarConsolidator(timedelta(minutes=10))
        self._ten_minute.data_consolidated += self._on_ten_minute_bar
        self.subscription_manager.add_consolidator("SPY", self._ten_minute)

    def _on_ten_minute_bar(self, sender, bar):
        self._bars_seen += 1
        latest = self._ten_minute[0]
        if self._ten_minute.current != latest:
            raise AssertionError("current should be the newest window entry")
        if latest.time != bar.time:
            raise AssertionError(f"window[0] time {latest.time} differs from the emitted bar's {bar.time}")
        if latest.value != bar.close:
            raise AssertionError(f"window[0] value {latest.value} differs from the emitted close {bar.close}")

        if self._ten_minute.window.count >= 2:
            older = self._ten_minute[1]
            if self._ten_minute.previous != older:
                raise AssertionError("previous should be window entry 1")
            if older.time >= bar.time:
                raise AssertionError(f"window[1] time {older.time} is not before window[0] time {bar.time}")
            if older.value <= 0:
                raise AssertionError("window[1] should hold a positive value")

    def on_data(self, data):
        pass

    def on_end_of_algorithm(self):
        if self._bars_seen == 0:
            raise AssertionError("the consolidator never emitted a bar")
        if self._ten_minute.window.count != 2:
            raise AssertionError(f"window should hold 2 bars, holds {self._ten_minute.window.count}")
