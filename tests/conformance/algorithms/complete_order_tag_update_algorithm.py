# Re-creation of LEAN's CompleteOrderTagUpdateAlgorithm: a far-away SPY limit order is placed and
# cancelled at once, then 100 shares are bought at the market; the tags of both closed orders are
# updated afterwards and must stick.
from AlgorithmImports import *


class CompleteOrderTagUpdateAlgorithm(QCAlgorithm):
    tag_after_fill = "This is the tag set after order was filled."
    tag_after_cancel = "This is the tag set after order was canceled."

    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 11)
        self.set_cash(100000)
        self._spy = self.add_equity("SPY", Resolution.MINUTE).symbol
        self._quantity = 100
        self._limit_ticket = None
        self._market_ticket = None

    def on_data(self, data):
        if self.portfolio.invested:
            return
        if self._limit_ticket is None:
            # priced far below the market so it can't fill before it is cancelled
            self._limit_ticket = self.limit_order(self._spy, 100, self.securities[self._spy].price * 0.1)
            self._limit_ticket.cancel()
        else:
            self.market_order(self._spy, self._quantity)

    def on_order_event(self, order_event):
        if order_event.status == OrderStatus.CANCELED:
            if self._limit_ticket is None or order_event.order_id != self._limit_ticket.order_id:
                raise AssertionError("only the limit order should be cancelled")
            self._set_tag(self._limit_ticket, self.tag_after_cancel)
        elif order_event.status == OrderStatus.FILLED:
            market_tickets = self.transactions.get_order_tickets(lambda t: t.order_type == OrderType.MARKET)
            self._market_ticket = market_tickets[0]
            if order_event.order_id != self._market_ticket.order_id:
                raise AssertionError("only the market order should fill")
            self._set_tag(self._market_ticket, self.tag_after_fill)

    def on_end_of_algorithm(self):
        self._check_tag(self._market_ticket, self.tag_after_fill)
        if (
            self._market_ticket.quantity != self._quantity
            or self._market_ticket.quantity_filled != self._quantity
        ):
            raise AssertionError("the market order's quantity must not change")
        self._check_tag(self._limit_ticket, self.tag_after_cancel)

    def _set_tag(self, ticket, tag):
        fields = UpdateOrderFields()
        fields.tag = tag
        response = ticket.update(fields)
        if response.is_error:
            raise AssertionError(
                f"updating the tag of order {ticket.order_id} failed: {response.error_message}"
            )

    def _check_tag(self, ticket, tag):
        if ticket is None:
            raise AssertionError("ticket missing")
        if ticket.tag != tag:
            raise AssertionError(f"ticket {ticket.order_id} tag is {ticket.tag!r}")
        if self.transactions.get_order_by_id(ticket.order_id).tag != tag:
            raise AssertionError(f"order {ticket.order_id} tag was not updated")
