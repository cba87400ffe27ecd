# ruff: noqa: F403, F405
# BasicTemplateAlgorithm over several symbols: spread the cash equally on the first bar, then hold.
from AlgorithmImports import *


class BenchBasicTemplate(QCAlgorithm):
    """Buy every ticker of the `tickers` parameter with an equal share of the cash, once."""

    def initialize(self):
        self.set_start_date(2023, 1, 3)
        self.set_end_date(2023, 12, 29)
        self.set_cash(100000)
        tickers = self.get_parameter("tickers", "SPY").split(",")
        self.symbols = [self.add_equity(ticker, Resolution.MINUTE).symbol for ticker in tickers]

    def on_data(self, data):
        if not self.portfolio.invested:
            for symbol in self.symbols:
                self.set_holdings(symbol, 1 / len(self.symbols))
