"""The algorithm's view of its orders (`self.transactions`): tickets and an order-book replica.

The transaction handler owns order state; this replica changes only through the replies and
events it sends back, as a live algorithm learns of its orders from the broker.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from lean_core.algorithm.order_ticket import OrderResponse, OrderTicket, UpdateOrderFields
from lean_core.bus import messages as m
from lean_core.orders.events import OrderEvent
from lean_core.orders.orders import Order
from lean_core.orders.records import order_from_record
from lean_core.statistics.dotnet import decimal_from_double
from lean_core.symbols import Symbol

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class OrderLink(Protocol):
    """What the transaction manager needs from the engine."""

    def submit(self, request: m.SubmitOrderRequest) -> m.OrderReply: ...

    def update(self, request: m.UpdateOrderRequest) -> m.OrderReply: ...

    def cancel(self, request: m.CancelOrderRequest) -> m.OrderReply: ...

    def current_utc_ns(self) -> int: ...

    @property
    def run_id(self) -> str: ...


def to_decimal(value: float | int | Decimal | None) -> Decimal | None:
    """Convert a user-given number as LEAN receives it: ints exactly, floats as C#'s (decimal)double."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, bool | int):
        return Decimal(int(value))
    return decimal_from_double(float(value))


class SecurityTransactionManager:
    """Submit, update and cancel orders; keep their tickets and latest known state."""

    def __init__(
        self,
        link: OrderLink,
        on_events: Callable[[list[OrderEvent]], None],
        on_warning: Callable[[str], None] = lambda _: None,
    ) -> None:
        self._link = link
        self._on_events = on_events
        self._on_warning = on_warning
        self._orders: dict[int, Order] = {}
        # The orders that can still fill: per-step and sizing queries skip the closed ones.
        self._open: dict[int, Order] = {}
        self._tickets: dict[int, OrderTicket] = {}

    # -- requests -----------------------------------------------------------------------------
    def submit(self, request: m.SubmitOrderRequest, ticket: OrderTicket) -> OrderTicket:
        """Send a submit request, then record the order and apply its events."""
        reply = self._link.submit(request)
        ticket._manager = self
        ticket.submit_response = OrderResponse(reply.order_id, reply.error_code, reply.error_message)
        if reply.order_id:
            ticket.order_id = reply.order_id
            self._tickets[reply.order_id] = ticket
        self._absorb(reply)
        return ticket

    def update_order(self, ticket: OrderTicket, fields: UpdateOrderFields) -> OrderResponse:
        """Send an update request for a ticket's order."""
        request = m.UpdateOrderRequest(
            run_id=self._link.run_id,
            utc_ns=self._link.current_utc_ns(),
            order_id=ticket.order_id,
            quantity=to_decimal(fields.quantity),
            limit_price=to_decimal(fields.limit_price),
            stop_price=to_decimal(fields.stop_price),
            trigger_price=to_decimal(fields.trigger_price),
            trailing_amount=to_decimal(fields.trailing_amount),
            tag=fields.tag,
        )
        reply = self._link.update(request)
        self._absorb(reply)
        return OrderResponse(ticket.order_id, reply.error_code, reply.error_message)

    def cancel_order(self, ticket: OrderTicket, tag: str | None = None) -> OrderResponse:
        """Send a cancel request for a ticket's order."""
        request = m.CancelOrderRequest(
            run_id=self._link.run_id, utc_ns=self._link.current_utc_ns(), order_id=ticket.order_id, tag=tag
        )
        reply = self._link.cancel(request)
        self._absorb(reply)
        return OrderResponse(ticket.order_id, reply.error_code, reply.error_message)

    def apply_reply(self, reply: m.OrderReply) -> None:
        """Apply a reply that arrived outside a request (e.g. resting orders filling)."""
        self._absorb(reply)

    def _absorb(self, reply: m.OrderReply) -> None:
        for warning in reply.warnings:
            self._on_warning(warning)
        records = [reply.order, *reply.orders] if reply.order is not None else reply.orders
        for record in records:
            order = order_from_record(record)
            self._orders[record.id] = order
            if order.is_open:
                self._open[record.id] = order
            else:
                self._open.pop(record.id, None)
            ticket = self._tickets.get(record.id)
            if ticket is not None:
                ticket.tag = order.tag  # a ticket shows its order's tag, default or updated
        for event in reply.events:
            ticket = self._tickets.get(event.order_id)
            if ticket is not None:
                ticket.add_order_event(event)
        if reply.events:
            self._on_events(list(reply.events))

    # -- queries ------------------------------------------------------------------------------
    @property
    def orders_count(self) -> int:
        """Return how many orders got an id."""
        return len(self._orders)

    @property
    def last_order_id(self) -> int:
        """Return the highest order id so far (0 before the first order)."""
        return max(self._orders, default=0)

    def get_order_by_id(self, order_id: int) -> OrderView | None:
        """Return the latest known state of an order."""
        order = self._orders.get(order_id)
        return OrderView(order) if order is not None else None

    def get_order_ticket(self, order_id: int) -> OrderTicket | None:
        """Return the ticket of an order."""
        return self._tickets.get(order_id)

    def get_orders(self, predicate: Callable[[OrderView], bool] | None = None) -> list[OrderView]:
        """Return every order, or those matching `predicate`."""
        views = [OrderView(order) for order in self._orders.values()]
        return [view for view in views if predicate is None or predicate(view)]

    def get_open_orders(self, symbol: Symbol | str | None = None) -> list[OrderView]:
        """Return the open orders, of one symbol if given."""
        return [OrderView(order) for order in self.exact_open_orders(symbol)]

    def exact_open_orders(self, symbol: Symbol | str | None = None) -> list[Order]:
        """Return the open orders with their decimal fields (engine and sizing use)."""
        return [o for o in self._open.values() if _matches(o.symbol, symbol)]

    def get_order_tickets(self, predicate: Callable[[OrderTicket], bool] | None = None) -> list[OrderTicket]:
        """Return every ticket, or those matching `predicate`."""
        return [t for t in self._tickets.values() if predicate is None or predicate(t)]

    def get_open_order_tickets(self, symbol: Symbol | str | None = None) -> list[OrderTicket]:
        """Return the tickets of open orders."""
        tickets = (self._tickets.get(o.id) for o in self.exact_open_orders(symbol))
        return [t for t in tickets if t is not None]

    def get_open_orders_remaining_quantity(self, symbol: Symbol | str | None = None) -> float:
        """Return the unfilled quantity of the open orders."""
        remaining = Decimal(0)
        for ticket in self.get_open_order_tickets(symbol):
            remaining += ticket.quantity - Decimal(repr(ticket.quantity_filled))
        return float(remaining)

    def cancel_open_orders(
        self, symbol: Symbol | str | None = None, tag: str | None = None
    ) -> list[OrderTicket]:
        """Cancel every open order (of one symbol if given) and return their tickets.

        Without a symbol LEAN tags each order with when `CancelOpenOrders()` cancelled it.
        """
        tickets = self.get_open_order_tickets(symbol)
        if symbol is None:
            moment = _EPOCH + timedelta(microseconds=self._link.current_utc_ns() // 1000)
            tag = f"Canceled by CancelOpenOrders() at {moment:%Y-%m-%dT%H:%M:%S.%f}0Z"  # C#'s "o"
        for ticket in tickets:
            ticket.cancel(tag)
        return tickets

    def get_quantity_filled(self, order_id: int) -> Decimal:
        """Return the signed quantity filled so far of an order (the portfolio's order provider)."""
        ticket = self._tickets.get(order_id)
        return ticket._quantity_filled if ticket is not None else Decimal(0)


def _matches(order_symbol: Symbol, wanted: Symbol | str | None) -> bool:
    if wanted is None:
        return True
    if isinstance(wanted, Symbol):
        return order_symbol == wanted
    return order_symbol.value == wanted.upper() or str(order_symbol.id) == wanted


class OrderView:
    """An order as LEAN's Python API shows it: prices and quantities are floats.

    LEAN's orders hold decimals, which reach Python as floats; the engine keeps the exact
    `Order` and users read it through this view, so `order.quantity * 0.5` works as in LEAN.
    """

    __slots__ = ("_order",)

    def __init__(self, order: Order) -> None:
        self._order = order

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._order, name)
        return float(value) if isinstance(value, Decimal) else value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OrderView) and other._order == self._order

    def __hash__(self) -> int:
        return hash(self._order.id)

    def __repr__(self) -> str:
        order = self._order
        quantity = float(order.quantity)
        return f"Order {order.id}: {order.type.name} {order.symbol.value} {quantity} {order.status.name}"


class ExactOrderProvider:
    """The algorithm's order book as the buying-power models need it: exact open orders and fills."""

    def __init__(self, transactions: SecurityTransactionManager) -> None:
        self._transactions = transactions

    def get_open_orders(self) -> list[Order]:
        """Return the open orders with decimal fields."""
        return self._transactions.exact_open_orders()

    def get_quantity_filled(self, order_id: int) -> Decimal:
        """Return the signed quantity filled so far."""
        return self._transactions.get_quantity_filled(order_id)
