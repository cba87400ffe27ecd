# Re-creation of LEAN's StopLimitOrderRegressionAlgorithm: daily SPY with a 30/60 EMA trend filter;
# a buy stop-limit above the high when the trend turns up, then a sell stop-limit below the low
# once the trend turns down.
from AlgorithmImports import *


class StopLimitOrderRegressionAlgorithm(QCAlgorithm):
    tolerance = 0.001
    fast_period = 30
    slow_period = 60

    def initialize(self):
        self.set_start_date(2013, 1, 1)
        self.set_end_date(2017, 1, 1)
        self.set_cash(100000)

        self._symbol = self.add_equity("SPY", Resolution.DAILY).symbol
        self._fast = self.ema(self._symbol, self.fast_period, Resolution.DAILY)
        self._slow = self.ema(self._symbol, self.slow_period, Resolution.DAILY)

        self._entry = None
        self._exit = None

    def on_data(self, slice):
        if not self._ready():
            return

        security = self.securities[self._symbol]
        if self._entry is None and self._trend_up():
            self._entry = self.stop_limit_order(
                self._symbol, 100, stop_price=security.high * 1.10, limit_price=security.high * 1.11
            )
        elif self._entry.status == OrderStatus.FILLED and self._exit is None and self._trend_down():
            self._exit = self.stop_limit_order(
                self._symbol, -100, stop_price=security.low * 0.99, limit_price=security.low * 0.98
            )

    def on_order_event(self, order_event):
        if order_event.status != OrderStatus.FILLED:
            return
        order = self.transactions.get_order_by_id(order_event.order_id)
        if not order.stop_triggered:
            raise AssertionError("a filled stop-limit order must have its stop triggered")
        if order_event.direction == OrderDirection.BUY:
            limit = self._entry.get("LIMIT_PRICE")
            if order_event.fill_price > limit:
                raise AssertionError(f"buy filled at {order_event.fill_price}, above its limit {limit}")
        else:
            limit = self._exit.get("LIMIT_PRICE")
            if order_event.fill_price < limit:
                raise AssertionError(f"sell filled at {order_event.fill_price}, below its limit {limit}")

    def _ready(self):
        return self._fast.is_ready and self._slow.is_ready

    def _trend_up(self):
        return self._ready() and self._fast.current.value > self._slow.current.value * (1 + self.tolerance)

    def _trend_down(self):
        return self._ready() and self._fast.current.value < self._slow.current.value * (1 + self.tolerance)
