"""Order events: what happened to an order, the only way a fill reaches the algorithm."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import msgspec

from lean_core.enums import OrderDirection, OrderStatus
from lean_core.symbols import Symbol

ZERO = Decimal(0)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class OrderEvent(msgspec.Struct, frozen=True, tag=True, kw_only=True):
    """A change of an order's state, as LEAN's `OrderEvent` (prices and quantities are decimals).

    The symbol travels as its identifier string and ticker value so that the event is a plain
    wire message; `symbol` rebuilds the `Symbol`.
    """

    order_id: int
    id: int
    symbol_id: str
    symbol_value: str
    utc_time_ns: int
    status: OrderStatus
    direction: OrderDirection
    quantity: Decimal
    fill_price: Decimal = ZERO
    fill_price_currency: str = "USD"
    fill_quantity: Decimal = ZERO
    order_fee_amount: Decimal = ZERO
    order_fee_currency: str = "USD"
    message: str = ""
    is_assignment: bool = False
    limit_price: Decimal | None = None
    stop_price: Decimal | None = None
    trigger_price: Decimal | None = None
    trailing_amount: Decimal | None = None

    @property
    def symbol(self) -> Symbol:
        """Return the event's symbol."""
        return Symbol.parse(self.symbol_id, self.symbol_value)

    @property
    def utc_time(self) -> datetime:
        """Return the event time as an aware UTC datetime."""
        return _EPOCH + timedelta(microseconds=self.utc_time_ns // 1000)

    @property
    def absolute_fill_quantity(self) -> Decimal:
        """Return the unsigned fill quantity."""
        return abs(self.fill_quantity)

    @property
    def is_fill(self) -> bool:
        """Tell whether the event carries a (partial) fill."""
        return self.status in (OrderStatus.FILLED, OrderStatus.PARTIALLY_FILLED)
