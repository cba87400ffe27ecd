"""Oscillators that look for turning points: Fisher transform, DeMarker and relative vigor index."""

from __future__ import annotations

import math

from lean_core.indicators.base import BarIndicator, Indicator, name_first
from lean_core.indicators.data_point import DataBar, IndicatorDataPoint
from lean_core.indicators.moving_average_type import MovingAverageType, as_indicator
from lean_core.indicators.rolling_window import RollingWindow
from lean_core.indicators.window import Maximum, Minimum

__all__ = ["DeMarkerIndicator", "FisherTransform", "RelativeVigorIndex", "RelativeVigorIndexSignal"]


class FisherTransform(BarIndicator):
    """The Fisher transform of the median price's place in its `period` range, smoothed."""

    __slots__ = ("_maximum", "_minimum", "_previous")

    _ALPHA = 0.33

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        super().__init__(name if name is not None else f"FISH({period})")
        self._maximum = Maximum(period, name="MedianMax")
        self._minimum = Minimum(period, name="MedianMin")
        self._previous = 0.0
        self.warm_up_period = period

    @property
    def is_ready(self) -> bool:
        """Return True after `period` bars."""
        return self._maximum.is_ready and self._minimum.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._previous = 0.0
        self._maximum.reset()
        self._minimum.reset()
        super().reset()

    def _compute_next_value(self, input: DataBar) -> float:
        price = (input.low + input.high) / 2
        self._minimum.update(input.end_time, price)
        self._maximum.update(input.end_time, price)
        if not self.is_ready:
            return 0.0
        lowest, highest = self._minimum.current.value, self._maximum.current.value
        x = transformed = 0.0
        if lowest != highest:
            alpha = self._ALPHA
            x = alpha * 2 * ((price - lowest) / (highest - lowest) - 0.5) + (1 - alpha) * self._previous
            transformed = _fisher(x)
        self._previous = x
        return transformed + 0.5 * self.current.value


def _fisher(x: float) -> float:
    # clipped so the log stays finite
    x = min(max(x, -0.999), 0.999)
    return 0.5 * math.log((1.0 + x) / (1.0 - x))


class DeMarkerIndicator(BarIndicator):
    """DeMarker: the average of upward high moves over the average of all high and low moves."""

    __slots__ = ("_last_high", "_last_low", "_maximum_average", "_minimum_average")

    @name_first
    def __init__(
        self,
        period: int,
        moving_average_type: MovingAverageType = MovingAverageType.SIMPLE,
        *,
        name: str | None = None,
    ) -> None:
        kind = MovingAverageType(moving_average_type)
        super().__init__(name if name is not None else f"DEM({period},{kind.lean_name})")
        self._maximum_average = as_indicator(kind, period)
        self._minimum_average = as_indicator(kind, period)
        self._last_high = 0.0
        self._last_low = 0.0
        self.warm_up_period = period

    @property
    def is_ready(self) -> bool:
        """Return True once both averages are."""
        return self._maximum_average.is_ready and self._minimum_average.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._last_high = 0.0
        self._last_low = 0.0
        self._maximum_average.reset()
        self._minimum_average.reset()
        super().reset()

    def _compute_next_value(self, input: DataBar) -> float:
        up = down = 0.0
        if self.samples > 1:
            up = max(input.high - self._last_high, 0.0)
            down = max(self._last_low - input.low, 0.0)
        self._maximum_average.update(input.end_time, up)
        self._minimum_average.update(input.end_time, down)
        self._last_high = input.high
        self._last_low = input.low
        if not self.is_ready:
            return 0.0
        upward = self._maximum_average.current.value
        total = upward + self._minimum_average.current.value
        return upward / total if total > 0 else 0.0


def _weighted_sum(latest: float, previous: list[float]) -> float:
    """Return the 1-2-2-1 weighted mean of `latest` and the three before it."""
    return (latest + 2 * (previous[0] + previous[1]) + previous[2]) / 6


class RelativeVigorIndexSignal(Indicator):
    """The RVI's signal line: a 1-2-2-1 weighted average of its last four values."""

    __slots__ = ("_recent",)

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self._recent: RollingWindow[IndicatorDataPoint] = RollingWindow(3)
        self.warm_up_period = 3

    @property
    def is_ready(self) -> bool:
        """Return True after three values."""
        return self._recent.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        super().reset()
        self._recent.reset()

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        if not self.is_ready:
            self._recent.add(input)
            return 0.0
        previous = [point.value for point in self._recent]
        self._recent.add(input)
        return _weighted_sum(input.value, previous)


class RelativeVigorIndex(BarIndicator):
    """RVI: the averaged close - open over the averaged high - low, each smoothed 1-2-2-1 over four bars."""

    __slots__ = ("_close_band", "_previous_bars", "_range_band", "signal")

    @name_first
    def __init__(
        self,
        period: int,
        moving_average_type: MovingAverageType = MovingAverageType.SIMPLE,
        *,
        name: str | None = None,
    ) -> None:
        kind = MovingAverageType(moving_average_type)
        name = name if name is not None else f"RVI({period},{kind.lean_name})"
        super().__init__(name)
        self._close_band = as_indicator(kind, period, "_closingBand")
        self._range_band = as_indicator(kind, period, "_rangeBand")
        self.signal = RelativeVigorIndexSignal(f"{name}_S")
        self._previous_bars: RollingWindow[DataBar] = RollingWindow(3)
        self.warm_up_period = period + 3

    @property
    def is_ready(self) -> bool:
        """Return True once both averages are."""
        return self._close_band.is_ready and self._range_band.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        super().reset()
        self._close_band.reset()
        self._range_band.reset()
        self._previous_bars.reset()
        self.signal.reset()

    def _compute_next_value(self, input: DataBar) -> float:
        if not self._previous_bars.is_ready:
            self._previous_bars.add(input)
            return 0.0
        previous = list(self._previous_bars)
        moves = [bar.close - bar.open for bar in previous]
        ranges = [bar.high - bar.low for bar in previous]
        time = input.end_time
        self._close_band.update(time, _weighted_sum(input.close - input.open, moves))
        self._range_band.update(time, _weighted_sum(input.high - input.low, ranges))
        self._previous_bars.add(input)
        if not self.is_ready:
            return 0.0
        range_average = self._range_band.current.value
        rvi = self._close_band.current.value / range_average if range_average != 0 else 0.0
        self.signal.update(time, rvi)
        return rvi
