"""LEAN's order response codes and the checks the transaction handler applies at submission."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal
from enum import IntEnum
from typing import Any, Protocol

from lean_core.enums import OrderType
from lean_core.orders.orders import Order


class OrderErrorCode(IntEnum):
    """LEAN's `OrderResponseErrorCode` values."""

    NONE = 0
    PROCESSING_ERROR = -1
    ORDER_ALREADY_EXISTS = -2
    INSUFFICIENT_BUYING_POWER = -3
    BROKERAGE_MODEL_REFUSED_TO_SUBMIT_ORDER = -4
    BROKERAGE_FAILED_TO_SUBMIT_ORDER = -5
    BROKERAGE_FAILED_TO_UPDATE_ORDER = -6
    BROKERAGE_HANDLER_REFUSED_TO_UPDATE_ORDER = -7
    BROKERAGE_FAILED_TO_CANCEL_ORDER = -8
    INVALID_ORDER_STATUS = -9
    UNABLE_TO_FIND_ORDER = -10
    ORDER_QUANTITY_ZERO = -11
    UNSUPPORTED_REQUEST_TYPE = -12
    PRE_ORDER_CHECKS_ERROR = -13
    MISSING_SECURITY = -14
    EXCHANGE_NOT_OPEN = -15
    SECURITY_PRICE_ZERO = -16
    FOREX_BASE_AND_QUOTE_CURRENCIES_REQUIRED = -17
    FOREX_CONVERSION_RATE_ZERO = -18
    SECURITY_HAS_NO_DATA = -19
    EXCEEDED_MAXIMUM_ORDERS = -20
    MARKET_ON_CLOSE_ORDER_TOO_LATE = -21
    INVALID_REQUEST = -22
    REQUEST_CANCELED = -23
    ALGORITHM_WARMING_UP = -24
    BROKERAGE_MODEL_REFUSED_TO_UPDATE_ORDER = -25
    QUOTE_CURRENCY_REQUIRED = -26
    CONVERSION_RATE_ZERO = -27
    NON_TRADABLE_SECURITY = -28
    NON_EXERCISABLE_SECURITY = -29
    ORDER_QUANTITY_LESS_THAN_LOT_SIZE = -30
    EXCEEDS_SHORTABLE_QUANTITY = -31
    INVALID_NEW_ORDER_STATUS = -32
    EUROPEAN_OPTION_NOT_EXPIRED_ON_EXERCISE = -33
    OPTION_ORDER_ON_STOCK_SPLIT = -34
    MARKET_ON_OPEN_NOT_ALLOWED_DURING_REGULAR_HOURS = -35


class _Lots(Protocol):
    @property
    def lot_size(self) -> Decimal: ...


class _SecurityLike(Protocol):
    @property
    def symbol_properties(self) -> _Lots: ...


class _BrokerageLike(Protocol):
    def can_submit_order(self, security: Any, order: Order) -> tuple[bool, str]: ...


def round_to_lot(quantity: Decimal, lot_size: Decimal) -> Decimal:
    """Round a quantity toward zero to a whole number of lots, as LEAN does at submission."""
    if lot_size <= 0:
        return quantity
    lots = (quantity / lot_size).to_integral_value(rounding=ROUND_DOWN)
    return lots * lot_size


def check_submit(
    order: Order, security: _SecurityLike, brokerage: _BrokerageLike
) -> tuple[OrderErrorCode, str]:
    """Round the quantity to lots and return the first problem found (code NONE and "" if none)."""
    order.quantity = round_to_lot(order.quantity, security.symbol_properties.lot_size)
    if order.quantity == 0:
        return (
            OrderErrorCode.ORDER_QUANTITY_ZERO,
            f"Unable to submit order with id {order.id} that has zero quantity.",
        )
    accepted, reason = brokerage.can_submit_order(security, order)
    if not accepted:
        return (
            OrderErrorCode.BROKERAGE_MODEL_REFUSED_TO_SUBMIT_ORDER,
            f"OrderID: {order.id} - Brokerage model refused to submit the order: {reason}",
        )
    return OrderErrorCode.NONE, ""


#: The prices LEAN rounds to the minimum price variation, by order type: (attribute, LEAN's name).
_ROUNDED_PRICES: dict[OrderType, tuple[tuple[str, str], ...]] = {
    OrderType.LIMIT: (("limit_price", "LimitPrice"),),
    OrderType.STOP_MARKET: (("stop_price", "StopPrice"),),
    OrderType.STOP_LIMIT: (("limit_price", "LimitPrice"), ("stop_price", "StopPrice")),
    OrderType.TRAILING_STOP: (("stop_price", "StopPrice"), ("trailing_amount", "TrailingAmount")),
    OrderType.LIMIT_IF_TOUCHED: (("limit_price", "LimitPrice"), ("trigger_price", "TriggerPrice")),
}


def round_order_prices(order: Order, increment_for: Callable[[Decimal], Decimal]) -> list[str]:
    """Round the order's prices to the security's increment, half to even; describe each change.

    `increment_for(price)` is the security's minimum price variation at that price (0: leave it).
    A percentage trailing amount is a fraction, not a price, so it stays as given.
    """
    changes: list[str] = []
    for attribute, name in _ROUNDED_PRICES.get(order.type, ()):
        if attribute == "trailing_amount" and order.trailing_as_percentage:
            continue
        price: Decimal | None = getattr(order, attribute)
        if price is None:
            continue
        increment = increment_for(price)
        if increment <= 0:
            continue
        rounded = (price / increment).quantize(Decimal(1), rounding=ROUND_HALF_EVEN) * increment
        setattr(order, attribute, rounded)
        if rounded != price:
            changes.append(
                "Warning: To meet brokerage precision requirements, order "
                f"{name} was rounded to {rounded:f} from {price:f}"
            )
    return changes
