"""Slippage: how far a fill price moves against the order (LEAN's slippage models)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from lean_core.orders.orders import Order
from lean_core.securities.decimals import ZERO, to_decimal

if TYPE_CHECKING:
    from lean_core.securities.security import Security

__all__ = ["ConstantSlippageModel", "NullSlippageModel", "SlippageModel"]


class SlippageModel:
    """Returns the price slippage of an order; the base has none."""

    def get_slippage_approximation(self, security: Security, order: Order) -> Decimal:
        """Return the slippage in price units (added to buys, subtracted from sells)."""
        return ZERO


class NullSlippageModel(SlippageModel):
    """No slippage (LEAN's default)."""


class ConstantSlippageModel(SlippageModel):
    """A fixed fraction of the last data point's value."""

    def __init__(self, slippage_percent: Decimal | float) -> None:
        self.slippage_percent = to_decimal(slippage_percent)

    def get_slippage_approximation(self, security: Security, order: Order) -> Decimal:
        """Return the last value x the fraction, or 0 before any data."""
        value = security.exact_last_data_price
        return ZERO if value is None else value * self.slippage_percent
