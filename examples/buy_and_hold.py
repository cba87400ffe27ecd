# region imports
from AlgorithmImports import *
# endregion


class BuyAndHoldWithTrend(QCAlgorithm):
    """Hold SPY while its fast moving average is above the slow one; the README's first backtest."""

    def initialize(self):
        self.set_start_date(2024, 1, 2)
        self.set_end_date(2024, 1, 5)
        self.set_cash(100000)
        self.spy = self.add_equity("SPY", Resolution.MINUTE).symbol
        self.fast = self.ema(self.spy, 20, Resolution.MINUTE)
        self.slow = self.ema(self.spy, 60, Resolution.MINUTE)
        self.schedule.on(
            self.date_rules.every_day(self.spy),
            self.time_rules.before_market_close(self.spy, 5),
            self.report,
        )

    def on_data(self, data):
        if not self.slow.is_ready:
            return
        if self.fast.current.value > self.slow.current.value and not self.portfolio.invested:
            self.set_holdings(self.spy, 1)
        elif self.fast.current.value < self.slow.current.value and self.portfolio.invested:
            self.liquidate(self.spy)

    def report(self):
        self.log(f"{self.time}: portfolio value {self.portfolio.total_portfolio_value:,.2f}")

    def on_order_event(self, order_event):
        if order_event.status == OrderStatus.FILLED:
            self.debug(f"{self.time} filled {order_event.fill_quantity} {order_event.symbol} at {order_event.fill_price}")
