"""Order tickets: the algorithm's handle on an order it submitted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from lean_core.enums import OrderStatus, OrderType
from lean_core.orders.events import OrderEvent
from lean_core.symbols import Symbol

if TYPE_CHECKING:
    from lean_core.algorithm.transactions import SecurityTransactionManager


@dataclass(frozen=True, slots=True)
class OrderResponse:
    """The outcome of a submit, update or cancel request (LEAN's `OrderResponse`)."""

    order_id: int
    error_code: int = 0
    error_message: str = ""

    @property
    def is_success(self) -> bool:
        """Tell whether the request was accepted."""
        return self.error_code == 0

    @property
    def is_error(self) -> bool:
        """Tell whether the request was refused."""
        return self.error_code != 0


@dataclass(slots=True)
class OrderTicket:
    """Track, update and cancel one order; the fill state comes from its order events."""

    order_id: int
    symbol: Symbol
    quantity: Decimal
    order_type: OrderType
    time: datetime
    tag: str = ""
    status: OrderStatus = OrderStatus.NEW
    submit_response: OrderResponse | None = None
    order_events: list[OrderEvent] = field(default_factory=list)
    _manager: SecurityTransactionManager | None = field(default=None, repr=False)
    _filled_value: Decimal = field(default=Decimal(0), repr=False)
    _quantity_filled: Decimal = field(default=Decimal(0), repr=False)
    _on_change: Callable[[], None] | None = field(default=None, repr=False)

    # -- fill state ---------------------------------------------------------------------------
    @property
    def quantity_filled(self) -> float:
        """Return the filled quantity so far."""
        return float(self._quantity_filled)

    @property
    def average_fill_price(self) -> float:
        """Return the quantity-weighted average fill price."""
        if not self._quantity_filled:
            return 0.0
        return float(self._filled_value / self._quantity_filled)

    def add_order_event(self, event: OrderEvent) -> None:
        """Record an event of this order and update the ticket's state."""
        self.order_events.append(event)
        if event.fill_quantity:
            self._filled_value += event.fill_price * event.fill_quantity
            self._quantity_filled += event.fill_quantity
        self.status = event.status
        if event.quantity:
            self.quantity = event.quantity

    # -- requests -----------------------------------------------------------------------------
    def update(self, fields: UpdateOrderFields) -> OrderResponse:
        """Change the order's quantity, prices or tag."""
        return self._require_manager().update_order(self, fields)

    def update_quantity(self, quantity: float, tag: str | None = None) -> OrderResponse:
        """Change the order's quantity."""
        return self.update(UpdateOrderFields(quantity=quantity, tag=tag))

    def update_limit_price(self, limit_price: float, tag: str | None = None) -> OrderResponse:
        """Change the order's limit price."""
        return self.update(UpdateOrderFields(limit_price=limit_price, tag=tag))

    def update_stop_price(self, stop_price: float, tag: str | None = None) -> OrderResponse:
        """Change the order's stop price."""
        return self.update(UpdateOrderFields(stop_price=stop_price, tag=tag))

    def update_trigger_price(self, trigger_price: float, tag: str | None = None) -> OrderResponse:
        """Change the order's trigger price."""
        return self.update(UpdateOrderFields(trigger_price=trigger_price, tag=tag))

    def update_stop_trailing_amount(self, trailing_amount: float, tag: str | None = None) -> OrderResponse:
        """Change a trailing stop's trailing amount."""
        return self.update(UpdateOrderFields(trailing_amount=trailing_amount, tag=tag))

    def update_tag(self, tag: str) -> OrderResponse:
        """Change the order's tag."""
        return self.update(UpdateOrderFields(tag=tag))

    def cancel(self, tag: str | None = None) -> OrderResponse:
        """Cancel the order if it is still open."""
        return self._require_manager().cancel_order(self, tag)

    def get(self, field_name: str) -> float:
        """Return one of the order's prices by LEAN's `OrderField` name (e.g. "LIMIT_PRICE")."""
        order = self._require_manager().get_order_by_id(self.order_id)
        value = getattr(order, field_name.lower(), None) if order is not None else None
        return float(value) if value is not None else 0.0

    def _require_manager(self) -> SecurityTransactionManager:
        if self._manager is None:
            raise RuntimeError(f"order ticket {self.order_id} was never submitted")
        return self._manager

    def __int__(self) -> int:
        return self.order_id

    def __str__(self) -> str:
        return (
            f"{self.order_id}: {self.order_type.name} {self.status.name} "
            f"{self.symbol.value} {self.quantity} (filled {self._quantity_filled})"
        )


@dataclass(slots=True)
class UpdateOrderFields:
    """The fields an update changes; None leaves a field as it is."""

    quantity: float | None = None
    limit_price: float | None = None
    stop_price: float | None = None
    trigger_price: float | None = None
    trailing_amount: float | None = None
    tag: str | None = None
