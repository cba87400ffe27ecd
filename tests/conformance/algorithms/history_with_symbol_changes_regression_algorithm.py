# Re-creation of LEAN's HistoryWithSymbolChangesRegressionAlgorithm: 5700 days of WM daily history,
# which spans the ticker's renames (UW, then WMI, then WM), must follow the map file: 3926 bars, the
# first one UW's close of 1998-03-02, adjusted.
from AlgorithmImports import *

EXPECTED_BARS = 3926
FIRST_END_TIME = datetime(1998, 3, 2, 16, 0)
FIRST_CLOSE = 24.88039125


class HistoryWithSymbolChangesRegressionAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 11)
        self.set_cash(100000)
        symbol = self.add_equity("WM", Resolution.DAILY).symbol

        history = self.history([symbol], timedelta(days=5700), Resolution.DAILY)
        bars = history.loc[symbol] if symbol in history.index else history
        self.debug(f"history bars: {len(bars)}")
        if len(bars) != EXPECTED_BARS:
            raise AssertionError(f"expected {EXPECTED_BARS} history bars, got {len(bars)}")

        first_end_time = bars.index[0]
        first_close = bars["close"].iloc[0]
        if first_end_time != FIRST_END_TIME or first_close != FIRST_CLOSE:
            raise AssertionError(f"unexpected first bar: {first_end_time} close {first_close}")
