"""LEAN's order response codes and the checks the transaction handler applies at submission."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from enum import IntEnum
from typing import Any, Protocol

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
