"""An order's value at the security's current price (LEAN's `Order.GetValue`)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from lean_core.enums import OrderType
from lean_core.orders.orders import Order
from lean_core.securities.decimals import ZERO

if TYPE_CHECKING:
    from lean_core.securities.security import Security

__all__ = ["order_value", "unit_order_value"]


def _bounded(quantity: Decimal, reference: Decimal | None, price: Decimal) -> Decimal:
    # A sell is valued at the higher of the two prices, a buy at the lower (LEAN's worst case).
    if reference is None:
        return quantity * price
    if quantity < 0:
        return quantity * max(reference, price)
    if quantity > 0:
        return quantity * min(reference, price)
    return ZERO


def unit_order_value(order: Order, price: Decimal) -> Decimal:
    """Return the order value in quote-currency units at `price`, before multiplier and conversion."""
    match order.type:
        case OrderType.LIMIT | OrderType.STOP_LIMIT | OrderType.LIMIT_IF_TOUCHED:
            return _bounded(order.quantity, order.limit_price, price)
        case OrderType.STOP_MARKET | OrderType.TRAILING_STOP:
            return _bounded(order.quantity, order.stop_price, price)
        case _:
            return order.quantity * price


def order_value(order: Order, security: Security) -> Decimal:
    """Return the order value in the account currency at the security's current price."""
    value = unit_order_value(order, security.exact_price)
    return (
        value * security.quote_currency.exact_conversion_rate * security.symbol_properties.contract_multiplier
    )
