"""`PythonIndicator`: the base of indicators an algorithm writes itself, as LEAN's Python API has it."""

from __future__ import annotations

from typing import Any

from lean_core.indicators.base import BaseDataIndicator, IndicatorBase

__all__ = ["PythonIndicator"]


class PythonIndicator(BaseDataIndicator):
    """A base for indicators written in an algorithm: define `update(input)` and keep `value` current.

    `update` gets each input as it comes (a bar or a data point) and returns whether the
    indicator is ready (or None to let an `is_ready` property say). LEAN's update cycle runs
    around it, so forward-only time, `samples`, `current`, `window` and the `updated` event
    behave as for any other indicator.
    """

    def __init__(self, name: str = "") -> None:
        super().__init__(name)
        #: the value the subclass computes; it becomes `current` after each update
        self.value: Any = 0.0
        self._python_ready = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own_update = cls.__dict__.get("update")
        if own_update is not None:
            # keep the subclass's computation, and put LEAN's update cycle in front of it
            setattr(cls, "_python_update", own_update)  # noqa: B010 - a class attribute set at run time
            setattr(cls, "update", IndicatorBase.update)  # noqa: B010

    @property
    def is_ready(self) -> bool:
        """Return what the subclass's last update said."""
        return self._python_ready

    def _python_update(self, input: Any) -> bool | None:
        raise NotImplementedError(f"{type(self).__name__} must define update(self, input) -> bool")

    def _compute_next_value(self, input: Any) -> float:
        ready = self._python_update(input)
        # None leaves readiness to the subclass's own is_ready, as in LEAN
        self._python_ready = bool(ready) if ready is not None else bool(self.is_ready)
        return float(self.value)

    def reset(self) -> None:
        """Return the indicator to its state before any input (the subclass resets its own state)."""
        self._python_ready = False
        super().reset()
