"""Which indicator classes have a batch path: each family's adapters, by exact class."""

from __future__ import annotations

from typing import Any

from lean_core.indicators.base import IndicatorBase
from lean_core.indicators.batch.adapters import MOVING_AVERAGE_ADAPTERS, BatchAdapter

__all__ = ["ADAPTERS", "adapter_for"]

ADAPTERS: dict[type[IndicatorBase[Any]], BatchAdapter[Any]] = {
    **MOVING_AVERAGE_ADAPTERS,
}


def adapter_for(indicator: IndicatorBase[Any]) -> BatchAdapter[Any] | None:
    """Return the adapter of the indicator's exact class (a subclass may compute its own way), or None."""
    return ADAPTERS.get(type(indicator))
