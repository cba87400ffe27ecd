# Re-creation of LEAN's TrailingStopOrderRegressionAlgorithm: a 100-share buy trailing stop ($2 behind
# the market) on the first bar, then a 100-share sell trailing stop ($0.50 behind) once invested,
# checking on every bar that each stop keeps within its trailing amount of the previous bar.
from AlgorithmImports import *


class TrailingStopOrderRegressionAlgorithm(QCAlgorithm):
    buy_trailing_amount = 2
    sell_trailing_amount = 0.5

    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 11)
        self.set_cash(100000)
        self._symbol = self.add_equity("SPY").symbol

        self._buy_ticket = None
        self._sell_ticket = None
        self._last_slice = None

    def on_data(self, slice):
        if not slice.contains_key(self._symbol):
            return

        if self._buy_ticket is None:
            self._buy_ticket = self.trailing_stop_order(
                self._symbol, 100, trailing_amount=self.buy_trailing_amount, trailing_as_percentage=False
            )
        elif self._buy_ticket.status != OrderStatus.FILLED:
            self._check_buy_stop()

        if self._sell_ticket is None:
            if self.portfolio.invested:
                self._sell_ticket = self.trailing_stop_order(
                    self._symbol,
                    -100,
                    trailing_amount=self.sell_trailing_amount,
                    trailing_as_percentage=False,
                )
        elif self._sell_ticket.status != OrderStatus.FILLED:
            self._check_sell_stop()

        self._last_slice = slice

    def _check_buy_stop(self):
        # the stop is trailed with the previous bar, after on_data ran for it
        stop = self._buy_ticket.get("STOP_PRICE")
        if self._last_slice.quote_bars.contains_key(self._symbol):
            low = self._last_slice.quote_bars[self._symbol].ask.low
        else:
            low = self._last_slice.bars[self._symbol].low
        if stop - low > self.buy_trailing_amount:
            raise AssertionError(f"buy stop {stop} is more than {self.buy_trailing_amount} above low {low}")

    def _check_sell_stop(self):
        stop = self._sell_ticket.get("STOP_PRICE")
        if self._last_slice.quote_bars.contains_key(self._symbol):
            high = self._last_slice.quote_bars[self._symbol].bid.high
        else:
            high = self._last_slice.bars[self._symbol].high
        if high - stop > self.sell_trailing_amount:
            raise AssertionError(f"sell stop {stop} is over {self.sell_trailing_amount} below high {high}")

    def on_order_event(self, order_event):
        if order_event.status != OrderStatus.FILLED:
            return
        if order_event.direction == OrderDirection.BUY:
            stop = self._buy_ticket.get("STOP_PRICE")
            if order_event.fill_price < stop:
                raise AssertionError(
                    f"buy trailing stop filled at {order_event.fill_price}, below its stop {stop}"
                )
        else:
            stop = self._sell_ticket.get("STOP_PRICE")
            if order_event.fill_price > stop:
                raise AssertionError(
                    f"sell trailing stop filled at {order_event.fill_price}, above its stop {stop}"
                )
