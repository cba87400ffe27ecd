"""Indicators that pick values out of a rolling window: maximum, minimum, delay and midpoints."""

from __future__ import annotations

from lean_core.indicators.base import BarIndicator, Indicator, WindowIndicator, name_first
from lean_core.indicators.data_point import DataBar, IndicatorDataPoint
from lean_core.indicators.rolling_window import RollingWindow

__all__ = ["Delay", "Maximum", "MidPoint", "MidPrice", "Minimum", "WindowIdentity"]


class Maximum(WindowIndicator[IndicatorDataPoint]):
    """The largest of the last `period` values, and how many inputs ago it came."""

    __slots__ = ("periods_since_maximum",)

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        super().__init__(name if name is not None else f"MAX({period})", period)
        #: how many inputs ago the maximum came (0: the latest input)
        self.periods_since_maximum = 0

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self.periods_since_maximum = 0
        super().reset()

    def _compute_window_value(
        self, window: RollingWindow[IndicatorDataPoint], input: IndicatorDataPoint
    ) -> float:
        if self.samples == 1 or input.value >= self.current.value:
            self.periods_since_maximum = 0
            return input.value
        if self.periods_since_maximum >= self.period - 1:
            # the maximum just left the window: search it again, the newest winning ties
            values = [point.value for point in window]
            index = values.index(max(values))
            self.periods_since_maximum = index
            return values[index]
        self.periods_since_maximum += 1
        return self.current.value


class Minimum(WindowIndicator[IndicatorDataPoint]):
    """The smallest of the last `period` values, and how many inputs ago it came."""

    __slots__ = ("periods_since_minimum",)

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        super().__init__(name if name is not None else f"MIN({period})", period)
        #: how many inputs ago the minimum came (0: the latest input)
        self.periods_since_minimum = 0

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self.periods_since_minimum = 0
        super().reset()

    def _compute_window_value(
        self, window: RollingWindow[IndicatorDataPoint], input: IndicatorDataPoint
    ) -> float:
        if self.samples == 1 or input.value <= self.current.value:
            self.periods_since_minimum = 0
            return input.value
        if self.periods_since_minimum >= self.period - 1:
            values = [point.value for point in window]
            index = values.index(min(values))
            self.periods_since_minimum = index
            return values[index]
        self.periods_since_minimum += 1
        return self.current.value


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
