# ruff: noqa: F403, F405
# SMA(10)/SMA(30) crossover on every ticker: buy a fixed number of whole shares above, flat below.
from AlgorithmImports import *


class BenchSmaCross(QCAlgorithm):
    """Per symbol: buy 10 shares when SMA(10) is above SMA(30) and flat, liquidate when below and long.

    Parameters: `tickers` (comma-separated), `quantity` (shares per entry) and `max-orders` (send no
    order once that many exist; 0: no limit), so that the run stays under the engine's order limit.
    """

    def initialize(self):
        self.set_start_date(2023, 1, 3)
        self.set_end_date(2023, 12, 29)
        self.set_cash(1000000)
        self.quantity = int(self.get_parameter("quantity", "10"))
        self.max_orders = int(self.get_parameter("max-orders", "0"))
        self.averages = {}
        for ticker in self.get_parameter("tickers", "SPY").split(","):
            symbol = self.add_equity(ticker, Resolution.MINUTE).symbol
            self.averages[symbol] = (self.sma(symbol, 10), self.sma(symbol, 30))

    def on_data(self, data):
        for symbol, (fast, slow) in self.averages.items():
            if not slow.is_ready or not data.contains_key(symbol):
                continue
            if self.max_orders and self.transactions.orders_count >= self.max_orders:
                return
            invested = self.portfolio[symbol].invested
            if fast.current.value > slow.current.value and not invested:
                self.market_order(symbol, self.quantity)
            elif fast.current.value < slow.current.value and invested:
                self.liquidate(symbol)
