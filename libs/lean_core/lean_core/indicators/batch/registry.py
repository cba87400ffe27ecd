"""Which indicator classes have a batch path: each family's adapters, by exact class."""

from __future__ import annotations

from typing import Any

from lean_core.indicators.base import IndicatorBase
from lean_core.indicators.batch.adapters import MOVING_AVERAGE_ADAPTERS, BatchAdapter
from lean_core.indicators.batch.momentum_adapters import MOMENTUM_ADAPTERS
from lean_core.indicators.batch.volatility_adapters import VOLATILITY_ADAPTERS

__all__ = ["ADAPTERS", "adapter_for"]

ADAPTERS: dict[type[IndicatorBase[Any]], BatchAdapter[Any]] = {
    **MOVING_AVERAGE_ADAPTERS,
    **MOMENTUM_ADAPTERS,
    **VOLATILITY_ADAPTERS,
}


def adapter_for(indicator: IndicatorBase[Any]) -> BatchAdapter[Any] | None:
    """Return the adapter of the indicator's exact class (a subclass may compute its own way), or None.

    None too when the adapter does not take the instance's options (an RSI or Bollinger bands over
    an average without a kernel, say).
    """
    adapter = ADAPTERS.get(type(indicator))
    return adapter if adapter is not None and adapter.accepts(indicator) else None
