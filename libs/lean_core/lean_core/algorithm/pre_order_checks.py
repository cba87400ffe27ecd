"""LEAN's pre-order checks: what `QCAlgorithm` refuses before an order exists.

A failed check gives LEAN's response code and message; the order gets no id, so it is never
counted or hashed (LEAN's `PreOrderChecksImpl`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from lean_core.enums import OrderType
from lean_core.orders.order_rules import OrderErrorCode
from lean_core.securities.market_prices import to_local
from lean_core.securities.security import Security

MARKET_ON_CLOSE_SUBMISSION_BUFFER = timedelta(minutes=15.5)
MAXIMUM_ORDERS = 10_000

WARMING_UP = (
    "This operation is not allowed in Initialize or during warm up: OrderRequest.Submit. "
    "Please move this code to the OnWarmupFinished() method."
)
MISSING_SECURITY = "You haven't requested data for this symbol. Add it with add_security() in initialize()."
ZERO_QUANTITY = "Unable to submit order with id 0 that has zero quantity."
NO_DATA = (
    "There is no data for this symbol yet, please check the security.HasData flag to ensure there is "
    "at least one data point."
)
MOO_DURING_REGULAR_HOURS = "Cannot submit a MarketOnOpen order while the market is open."
MOC_TOO_LATE = (
    "MarketOnClose orders must be placed within 00:15:30 before market close. Override this TimeSpan "
    "buffer by setting Orders.MarketOnCloseOrder.SubmissionTimeBuffer in QCAlgorithm.Initialize()."
)
PASSED = (OrderErrorCode.NONE, "")


@dataclass(frozen=True, slots=True)
class OrderCheckInput:
    """What the checks look at."""

    order_type: OrderType
    security: Security
    quantity: Decimal
    utc_time: datetime
    orders_count: int
    daily_resolution_only: bool


def security_problem(check: OrderCheckInput) -> tuple[OrderErrorCode, str]:
    """Check the quantity and the security's state."""
    security, quantity = check.security, check.quantity
    lot = security.symbol_properties.lot_size
    name = security.symbol.value
    problems = (
        (quantity == 0, OrderErrorCode.ORDER_QUANTITY_ZERO, ZERO_QUANTITY),
        (
            abs(quantity) < lot,
            OrderErrorCode.ORDER_QUANTITY_LESS_THAN_LOT_SIZE,
            f"Unable to submit order with id 0 which quantity ({abs(quantity)}) is less than lot "
            f"size ({lot}).",
        ),
        (
            not security.is_tradable,
            OrderErrorCode.NON_TRADABLE_SECURITY,
            f"The security with symbol '{name}' is marked as non-tradable.",
        ),
        (
            security.price == 0,
            OrderErrorCode.SECURITY_PRICE_ZERO,
            f"{name}: asset price is $0. If using custom data make sure you've set the 'Value' property.",
        ),
        (not security.has_data, OrderErrorCode.SECURITY_HAS_NO_DATA, NO_DATA),
        (
            check.orders_count > MAXIMUM_ORDERS,
            OrderErrorCode.EXCEEDED_MAXIMUM_ORDERS,
            f"You have exceeded maximum number of orders ({MAXIMUM_ORDERS}), for unlimited orders upgrade "
            "your account.",
        ),
    )
    for failed, code, message in problems:
        if failed:
            return code, message
    return order_type_problem(check)


def order_type_problem(check: OrderCheckInput) -> tuple[OrderErrorCode, str]:
    """Check the market-on-open and market-on-close timing rules."""
    security = check.security
    moo = check.order_type == OrderType.MARKET_ON_OPEN
    if moo and security.is_market_open(check.utc_time) and not check.daily_resolution_only:
        return OrderErrorCode.MARKET_ON_OPEN_NOT_ALLOWED_DURING_REGULAR_HOURS, MOO_DURING_REGULAR_HOURS
    if check.order_type == OrderType.MARKET_ON_CLOSE and within_market_on_close_buffer(
        security, check.utc_time
    ):
        return OrderErrorCode.MARKET_ON_CLOSE_ORDER_TOO_LATE, MOC_TOO_LATE
    return PASSED


def within_market_on_close_buffer(security: Security, utc_time: datetime) -> bool:
    """Tell whether it is too late for a market-on-close order today."""
    hours = security.exchange_hours
    if hours.is_always_open:
        return False
    exchange_now = to_local(security, utc_time)
    next_close = hours.get_next_market_close(exchange_now, False)
    return exchange_now + MARKET_ON_CLOSE_SUBMISSION_BUFFER > next_close
