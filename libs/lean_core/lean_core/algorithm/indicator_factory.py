"""What the indicator helper mixins need from the algorithm: a way to build and register an indicator.

Most helpers differ only in the indicator they build: `period_helper` and `bar_helper` write
those, so a mixin declares them in a line each (`sma = period_helper("SMA", SimpleMovingAverage, ...)`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from lean_core.indicators import IndicatorBase

__all__ = ["IndicatorFactory", "IndicatorT", "bar_helper", "period_helper"]

IndicatorT = TypeVar("IndicatorT", bound=IndicatorBase[Any])


class IndicatorFactory:
    """Base of the helper mixins; `IndicatorHelpersMixin` supplies `_create`."""

    __slots__ = ()

    def _create(
        self,
        symbol: Any,
        kind: str,
        cls: Callable[..., IndicatorT],
        resolution: Any,
        selector: Any,
        *args: Any,
    ) -> IndicatorT:
        """Build `cls(*args)` named after `kind` and register it to update from `symbol`'s data."""
        raise NotImplementedError("an indicator helper mixin needs IndicatorHelpersMixin to build indicators")


def period_helper(kind: str, cls: Callable[..., IndicatorT], what: str) -> Callable[..., IndicatorT]:
    """The helper `(symbol, period, resolution=None, selector=None)` building `cls(period)`."""

    def create_period_indicator(
        self: IndicatorFactory, symbol: Any, period: int, resolution: Any = None, selector: Any = None
    ) -> IndicatorT:
        return self._create(symbol, f"{kind}({period})", cls, resolution, selector, period)

    return _described(create_period_indicator, kind, what)


def bar_helper(kind: str, cls: Callable[..., IndicatorT], what: str) -> Callable[..., IndicatorT]:
    """The helper `(symbol, resolution=None, selector=None)` building `cls()` named `KIND`."""

    def create_indicator(
        self: IndicatorFactory, symbol: Any, resolution: Any = None, selector: Any = None
    ) -> IndicatorT:
        return self._create(symbol, kind, cls, resolution, selector)

    return _described(create_indicator, kind, what)


def _described(helper: Callable[..., IndicatorT], kind: str, what: str) -> Callable[..., IndicatorT]:
    helper.__name__ = helper.__qualname__ = kind.lower()
    helper.__doc__ = f"Create an auto-updated {what}."
    return helper
