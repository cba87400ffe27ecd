"""Indicators made of other indicators or of functions: composite, constant and functional.

A `CompositeIndicator` combines two indicators: each time both have published a new value
(or one has and the other is a constant) it applies its composer to them, stamped with the
later of their times. This is how LEAN's `IndicatorExtensions` (`plus`, `over`, ...) and
several indicators (Ichimoku, TSI, Vortex) wire their parts together.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from lean_core.indicators.base import BaseDataIndicator, Indicator, IndicatorBase, name_first
from lean_core.indicators.data_point import IndicatorDataPoint

__all__ = [
    "CompositeIndicator",
    "ConstantIndicator",
    "FunctionalIndicator",
    "IndicatorComposer",
    "ResetCompositeIndicator",
]

#: Combines the left and right indicators into a value; None is LEAN's math error (no update).
IndicatorComposer = Callable[[Any, Any], "float | Decimal | None"]


class ConstantIndicator(Indicator):
    """Always the same value, and always ready."""

    __slots__ = ("_value",)

    def __init__(self, name: str, value: float | Decimal) -> None:
        super().__init__(name)
        self._value = float(value)
        # the value holds from the start, before any update
        self.reset()

    @property
    def is_ready(self) -> bool:
        """Return True: a constant needs no input."""
        return True

    def reset(self) -> None:
        """Return to the state before any input, which still holds the constant."""
        super().reset()
        self.current = IndicatorDataPoint(None, datetime.min, self._value)
        self.window.reset()
        self.window.add(self.current)

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        return self._value


class CompositeIndicator(Indicator):
    """Combine two indicators' values with `composer` each time both have a new one.

    Built as `CompositeIndicator(left, right, composer)` or, named, `CompositeIndicator(name,
    left, right, composer)`; `composer(left, right)` returns the value, or None where the value
    is undefined (a zero denominator), which leaves the current value as it was.
    """

    __slots__ = ("_composer", "left", "right")

    @name_first
    def __init__(
        self,
        left: IndicatorBase[Any],
        right: IndicatorBase[Any],
        composer: IndicatorComposer,
        *,
        name: str | None = None,
    ) -> None:
        super().__init__(name if name is not None else f"COMPOSE({left.name},{right.name})")
        self.left = left
        self.right = right
        self._composer = composer
        self._wire()

    @property
    def is_ready(self) -> bool:
        """Return True once both sides are."""
        return self.left.is_ready and self.right.is_ready

    def reset(self) -> None:
        """Reset both sides and this indicator."""
        self.left.reset()
        self.right.reset()
        super().reset()

    def _compute_next_value(self, input: IndicatorDataPoint) -> float | None:
        result = self._composer(self.left, self.right)
        return None if result is None else float(result)

    def _wire(self) -> None:
        left_is_constant = isinstance(self.left, ConstantIndicator)
        right_is_constant = isinstance(self.right, ConstantIndicator)
        # a side's fresh value waits here until the other side has one too
        pending: dict[str, bool] = {"left": False, "right": False}

        def on_left(sender: object, point: IndicatorDataPoint) -> None:
            pending["left"] = True
            if pending["right"] or right_is_constant:
                self._fire(point, pending)

        def on_right(sender: object, point: IndicatorDataPoint) -> None:
            pending["right"] = True
            if pending["left"] or left_is_constant:
                self._fire(point, pending)

        self.left.updated += on_left
        self.right.updated += on_right

    def _fire(self, point: IndicatorDataPoint, pending: dict[str, bool]) -> None:
        time = max(point.time, self.left.current.time, self.right.current.time)
        self.update(IndicatorDataPoint(None, time, 0.0))
        pending["left"] = pending["right"] = False


class ResetCompositeIndicator(CompositeIndicator):
    """A composite whose reset also runs `extra_reset` (for state its composer keeps elsewhere)."""

    __slots__ = ("_extra_reset",)

    @name_first
    def __init__(
        self,
        left: IndicatorBase[Any],
        right: IndicatorBase[Any],
        composer: IndicatorComposer,
        extra_reset: Callable[[], object],
        *,
        name: str | None = None,
    ) -> None:
        name = name if name is not None else f"RESET_COMPOSE({left.name},{right.name})"
        super().__init__(left, right, composer, name=name)
        self._extra_reset = extra_reset

    def reset(self) -> None:
        """Reset both sides, this indicator and the extra state."""
        super().reset()
        self._extra_reset()


class FunctionalIndicator(BaseDataIndicator):
    """An indicator whose value, readiness and reset are functions given to it.

    `compute_next_value(input)` gets each input as given (a data point, a bar or a tick);
    `is_ready(indicator)` gets this indicator.
    """

    __slots__ = ("_compute", "_is_ready", "_reset")

    def __init__(
        self,
        name: str,
        compute_next_value: Callable[[Any], float | Decimal | None],
        is_ready: Callable[[Any], bool],
        reset: Callable[[], object] | None = None,
    ) -> None:
        super().__init__(name)
        self._compute = compute_next_value
        self._is_ready = is_ready
        self._reset = reset

    @property
    def is_ready(self) -> bool:
        """Return what the readiness function says."""
        return self._is_ready(self)

    def reset(self) -> None:
        """Run the reset function, if any, then return to the state before any input."""
        if self._reset is not None:
            self._reset()
        super().reset()

    def _compute_next_value(self, input: Any) -> float | None:
        result = self._compute(input)
        return None if result is None else float(result)
