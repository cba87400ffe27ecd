"""Indicators that pick values out of a rolling window: maximum, minimum, delay and midpoints."""

from __future__ import annotations

from typing import ClassVar

from lean_core.indicators.base import BarIndicator, Indicator, WindowIndicator, name_first
from lean_core.indicators.data_point import DataBar, IndicatorDataPoint
from lean_core.indicators.rolling_window import RollingWindow

__all__ = ["Delay", "Maximum", "MidPoint", "MidPrice", "Minimum", "WindowIdentity"]


class _Extreme(WindowIndicator[IndicatorDataPoint]):
    """The extreme of the last `period` values: `Maximum` or `Minimum`, and how many inputs ago it came."""

    __slots__ = ("_since", "_values")

    #: True for the maximum; a flag rather than a method, so the hot comparison stays inline
    _largest: ClassVar[bool]

    def __init__(self, name: str, period: int) -> None:
        super().__init__(name, period)
        # the values as floats, not the window of input points: numbers alone make a state the
        # batch path can hand back to the object
        self._values: RollingWindow[float] = RollingWindow(period)
        self._since = 0

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        super().reset()  # first: it takes back a batch's state, which the clearing then drops
        self._since = 0
        self._values.reset()

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        values = self._values
        value = input.value
        values.add(value)
        current = self.current.value
        largest = self._largest
        if values.samples == 1 or (value >= current if largest else value <= current):
            self._since = 0
            return value
        if self._since >= self.period - 1:
            # the extreme just left the window: search it again, the newest winning ties
            newest_first = list(values)
            index = newest_first.index(max(newest_first) if largest else min(newest_first))
            self._since = index
            return newest_first[index]
        self._since += 1
        return current

    def _compute_window_value(
        self, window: RollingWindow[IndicatorDataPoint], input: IndicatorDataPoint
    ) -> float:  # pragma: no cover - `_compute_next_value` keeps its own window of floats
        raise NotImplementedError


class Maximum(_Extreme):
    """The largest of the last `period` values, and how many inputs ago it came."""

    __slots__ = ()
    _largest = True

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        super().__init__(name if name is not None else f"MAX({period})", period)

    @property
    def periods_since_maximum(self) -> int:
        """Return how many inputs ago the maximum came (0: the latest input)."""
        return self._since


class Minimum(_Extreme):
    """The smallest of the last `period` values, and how many inputs ago it came."""

    __slots__ = ()
    _largest = False

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        super().__init__(name if name is not None else f"MIN({period})", period)

    @property
    def periods_since_minimum(self) -> int:
        """Return how many inputs ago the minimum came (0: the latest input)."""
        return self._since


class Delay(WindowIndicator[IndicatorDataPoint]):
    """The value `period` inputs back (the first input's value until there is one)."""

    __slots__ = ()

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        super().__init__(name if name is not None else f"DELAY({period})", period)
        self.warm_up_period = period + 1

    def _compute_window_value(
        self, window: RollingWindow[IndicatorDataPoint], input: IndicatorDataPoint
    ) -> float:
        return self._value_period_back(window)


class WindowIdentity(WindowIndicator[IndicatorDataPoint]):
    """Each input's value, ready once `period` values were seen."""

    __slots__ = ()

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        super().__init__(name if name is not None else f"WIN-ID{period}", period)

    def _compute_window_value(
        self, window: RollingWindow[IndicatorDataPoint], input: IndicatorDataPoint
    ) -> float:
        return input.value


class MidPoint(Indicator):
    """Halfway between the highest and lowest of the last `period` values."""

    __slots__ = ("_maximum", "_minimum")

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        super().__init__(name if name is not None else f"MIDPOINT({period})")
        self._maximum = Maximum(period)
        self._minimum = Minimum(period)
        self.warm_up_period = period

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._maximum.reset()
        self._minimum.reset()
        super().reset()

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        self._maximum.update(input)
        self._minimum.update(input)
        return (self._maximum.current.value + self._minimum.current.value) / 2


class MidPrice(BarIndicator):
    """Halfway between the highest high and lowest low of the last `period` bars."""

    __slots__ = ("_maximum", "_minimum")

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        super().__init__(name if name is not None else f"MIDPRICE({period})")
        self._maximum = Maximum(period)
        self._minimum = Minimum(period)
        self.warm_up_period = period

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._maximum.reset()
        self._minimum.reset()
        super().reset()

    def _compute_next_value(self, input: DataBar) -> float:
        self._maximum.update(input.end_time, input.high)
        self._minimum.update(input.end_time, input.low)
        return (self._maximum.current.value + self._minimum.current.value) / 2
