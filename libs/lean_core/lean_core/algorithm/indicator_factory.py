"""What the indicator helper mixins need from the algorithm: a way to build and register an indicator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from lean_core.indicators import IndicatorBase

__all__ = ["IndicatorFactory", "IndicatorT"]

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
