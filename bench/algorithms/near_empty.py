# ruff: noqa: F403, F405
# The engine's floor: subscribe to every ticker and do nothing with the data.
from AlgorithmImports import *


class BenchNearEmpty(QCAlgorithm):
    """Add the `tickers` parameter's symbols at minute resolution; on_data does nothing."""

    def initialize(self):
        self.set_start_date(2023, 1, 3)
        self.set_end_date(2023, 12, 29)
        self.set_cash(100000)
        for ticker in self.get_parameter("tickers", "SPY").split(","):
            self.add_equity(ticker, Resolution.MINUTE)

    def on_data(self, data):
        pass
