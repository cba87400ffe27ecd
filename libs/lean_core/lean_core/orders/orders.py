"""Orders: the transaction handler's record of what was asked and what happened to it.

One class serves every order type, as the fields LEAN's subclasses add (limit, stop, trigger,
trailing) are optional here. Money and quantities are `Decimal`, as in LEAN; the float
properties are the values LEAN's Python API hands to user code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from lean_core.enums import (
    DataNormalizationMode,
    OrderDirection,
    OrderStatus,
    OrderType,
    SecurityType,
    TimeInForce,
)
from lean_core.symbols import Symbol

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class OrderSubmissionData:
    """The security's bid, ask and last price when the order was submitted (LEAN's decimals)."""

    bid_price: Decimal
    ask_price: Decimal
    last_price: Decimal


@dataclass(slots=True)
class Order:
    """An order and its state; `time` and the other timestamps are UTC."""

    id: int
    symbol: Symbol
    quantity: Decimal
    type: OrderType
    time: datetime
    tag: str = ""
    status: OrderStatus = OrderStatus.NEW
    price: Decimal = ZERO
    price_currency: str = "USD"
    time_in_force: TimeInForce = TimeInForce.GOOD_TIL_CANCELED
    good_til_date: datetime | None = None
    limit_price: Decimal | None = None
    stop_price: Decimal | None = None
    trigger_price: Decimal | None = None
    trailing_amount: Decimal | None = None
    trailing_as_percentage: bool = False
    stop_triggered: bool = False
    trigger_touched: bool = False
    contingent_id: int = 0
    broker_id: list[str] = field(default_factory=list)
    created_time: datetime | None = None
    last_fill_time: datetime | None = None
    last_update_time: datetime | None = None
    canceled_time: datetime | None = None
    submission_data: OrderSubmissionData | None = None
    price_adjustment_mode: DataNormalizationMode = DataNormalizationMode.ADJUSTED

    def __post_init__(self) -> None:
        if self.created_time is None:
            self.created_time = self.time

    @property
    def direction(self) -> OrderDirection:
        """Return buy for a positive quantity, sell for a negative one, hold for zero."""
        if self.quantity > 0:
            return OrderDirection.BUY
        if self.quantity < 0:
            return OrderDirection.SELL
        return OrderDirection.HOLD

    @property
    def absolute_quantity(self) -> Decimal:
        """Return the unsigned quantity."""
        return abs(self.quantity)

    @property
    def security_type(self) -> SecurityType:
        """Return the type of the ordered security."""
        return self.symbol.security_type

    @property
    def is_marketable(self) -> bool:
        """Tell whether the order takes liquidity: market orders, and limits through the submission quote.

        A buy limit at or above the ask, or a sell limit at or below the bid, when it was submitted
        is marketable (LEAN's `Order.IsMarketable`); so are market and combo market orders.
        """
        if self.type == OrderType.LIMIT:
            return _limit_is_marketable(self)
        return self.type in (OrderType.MARKET, OrderType.COMBO_MARKET)

    @property
    def value(self) -> Decimal:
        """Return quantity times the order price, as LEAN's `Order.Value` (before currency conversion)."""
        return self.quantity * self.price

    @property
    def is_open(self) -> bool:
        """Tell whether the order can still fill."""
        return not self.status.is_closed

    def default_tag(self, currency_symbol: str) -> str:
        """Return the tag LEAN gives an order submitted without one: only trailing stops have text."""
        if self.type != OrderType.TRAILING_STOP or self.trailing_amount is None:
            return ""
        if self.trailing_as_percentage:
            return f"Trailing Amount: {self.trailing_amount * 100:f}%"
        return f"Trailing Amount: {currency_symbol}{self.trailing_amount:f}"


def _limit_is_marketable(order: Order) -> bool:
    data, limit = order.submission_data, order.limit_price
    if data is None or limit is None:
        return False
    direction = order.direction
    if direction == OrderDirection.BUY:
        return limit >= data.ask_price
    return direction == OrderDirection.SELL and limit <= data.bid_price
