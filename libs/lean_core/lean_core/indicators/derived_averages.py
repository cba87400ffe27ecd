"""Moving averages built from weights, other averages or a regression line.

ALMA (Gaussian weights), T3 (three DEMAs), ZLEMA (an EMA of lag-corrected prices), RMA (three
SMAs), LSMA and the time-series forecast (the least-squares line, at its end and one step on).
"""

from __future__ import annotations

import math

from lean_core.indicators.base import Identity, Indicator, WindowIndicator, format_parameter, name_first
from lean_core.indicators.data_point import IndicatorDataPoint
from lean_core.indicators.moving_averages import (
    DoubleExponentialMovingAverage,
    ExponentialMovingAverage,
    SimpleMovingAverage,
)
from lean_core.indicators.rolling_window import RollingWindow
from lean_core.indicators.window import Delay

__all__ = [
    "ArnaudLegouxMovingAverage",
    "LeastSquaresMovingAverage",
    "RelativeMovingAverage",
    "T3MovingAverage",
    "TimeSeriesForecast",
    "ZeroLagExponentialMovingAverage",
]


class ArnaudLegouxMovingAverage(WindowIndicator[IndicatorDataPoint]):
    """ALMA: a Gaussian-weighted average, its peak `offset` of the way from oldest to newest."""

    __slots__ = ("_weights",)

    @name_first
    def __init__(self, period: int, sigma: int = 6, offset: float = 0.85, *, name: str | None = None) -> None:
        name = name if name is not None else f"ALMA({period},{sigma},{format_parameter(offset)})"
        if not 0 <= offset <= 1:
            raise ValueError(f"{name}: offset must be within [0, 1], got offset={offset}")
        super().__init__(name, period)
        centre = math.floor(offset * (period - 1))
        width = period / sigma
        raw = [math.exp(-((i - centre) ** 2) / (2 * width * width)) for i in range(period)]
        total = math.fsum(raw)
        # newest first, as the window iterates
        self._weights = [weight / total for weight in reversed(raw)]

    def _compute_window_value(
        self, window: RollingWindow[IndicatorDataPoint], input: IndicatorDataPoint
    ) -> float:
        if not self.is_ready:
            return input.value
        return math.fsum(point.value * weight for point, weight in zip(window, self._weights, strict=True))


class T3MovingAverage(Indicator):
    """Tillson's T3: a DEMA of a DEMA of a DEMA, each with volume factor `volume_factor`."""

    __slots__ = ("_gd1", "_gd2", "_gd3")

    @name_first
    def __init__(self, period: int, volume_factor: float = 0.7, *, name: str | None = None) -> None:
        name = name if name is not None else f"T3({period},{format_parameter(volume_factor)})"
        super().__init__(name)
        self._gd1 = DoubleExponentialMovingAverage(period, volume_factor, name=name + "_1")
        self._gd2 = DoubleExponentialMovingAverage(period, volume_factor, name=name + "_2")
        self._gd3 = DoubleExponentialMovingAverage(period, volume_factor, name=name + "_3")
        self.warm_up_period = 1 + 6 * (period - 1)

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._gd1.reset()
        self._gd2.reset()
        self._gd3.reset()
        super().reset()

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        self._gd1.update(input)
        if not self._gd1.is_ready:
            return self._gd1.current.value
        self._gd2.update(self._gd1.current)
        if not self._gd2.is_ready:
            return self._gd2.current.value
        self._gd3.update(self._gd2.current)
        return self._gd3.current.value


class ZeroLagExponentialMovingAverage(Indicator):
    """ZLEMA: an EMA of value + (value - value (period - 1) / 2 inputs back)."""

    __slots__ = ("_delayed", "_ema")

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        name = name if name is not None else f"ZLEMA({period})"
        super().__init__(name)
        self._ema = ExponentialMovingAverage(period, name=name + "_EMA")
        # LEAN rounds half to even, as Python's round does
        self._delayed = Delay(round((period - 1) / 2.0))
        self.warm_up_period = period + period // 2

    @property
    def is_ready(self) -> bool:
        """Return True once the lag and the EMA are."""
        return self._delayed.is_ready and self._ema.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._ema.reset()
        self._delayed.reset()
        super().reset()

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        if not self._delayed.update(input):
            return 0.0
        value = input.value
        self._ema.update(input.end_time, value + (value - self._delayed.current.value))
        return self._ema.current.value


class RelativeMovingAverage(Indicator):
    """RMA: long SMA - medium SMA + short SMA, over period, 2 * period and 3 * period."""

    __slots__ = ("long_average", "medium_average", "short_average")

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        name = name if name is not None else f"RMA({period})"
        super().__init__(name)
        self.short_average = SimpleMovingAverage(period, name=name + "_Short")
        self.medium_average = SimpleMovingAverage(period * 2, name=name + "_Medium")
        self.long_average = SimpleMovingAverage(period * 3, name=name + "_Long")
        self.warm_up_period = self.long_average.warm_up_period

    @property
    def is_ready(self) -> bool:
        """Return True once the long average is."""
        return self.long_average.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        super().reset()
        self.short_average.reset()
        self.medium_average.reset()
        self.long_average.reset()

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        self.short_average.update(input)
        self.medium_average.update(input)
        self.long_average.update(input)
        short, medium, long = self.short_average, self.medium_average, self.long_average
        return long.current.value - medium.current.value + short.current.value


def _least_squares(values_oldest_first: list[float]) -> tuple[float, float]:
    """Return the intercept and slope of the line through (1, v1), (2, v2), ..."""
    count = len(values_oldest_first)
    mean_x = (count + 1) / 2
    mean_y = math.fsum(values_oldest_first) / count
    covariance = math.fsum((x - mean_x) * (y - mean_y) for x, y in enumerate(values_oldest_first, start=1))
    variance = math.fsum((x - mean_x) ** 2 for x in range(1, count + 1))
    slope = covariance / variance
    return mean_y - slope * mean_x, slope


class LeastSquaresMovingAverage(WindowIndicator[IndicatorDataPoint]):
    """LSMA: the least-squares line through the last `period` values, taken at its newest point."""

    __slots__ = ("intercept", "slope")

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        name = name if name is not None else f"LSMA({period})"
        super().__init__(name, period)
        self.intercept = Identity(name + "_Intercept")
        self.slope = Identity(name + "_Slope")

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self.intercept.reset()
        self.slope.reset()
        super().reset()

    def _compute_window_value(
        self, window: RollingWindow[IndicatorDataPoint], input: IndicatorDataPoint
    ) -> float:
        if not window.is_ready or window.count < 2:
            return input.value
        intercept, slope = _least_squares([point.value for point in window][::-1])
        self.intercept.update(input.end_time, intercept)
        self.slope.update(input.end_time, slope)
        return self.intercept.current.value + self.slope.current.value * self.period


class TimeSeriesForecast(WindowIndicator[IndicatorDataPoint]):
    """TSF: the least-squares line through the last `period` values, taken one step past the newest."""

    __slots__ = ()

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        name = name if name is not None else f"TSF({period})"
        if period < 2:
            raise ValueError(f"{name}: period must be at least 2, got period={period}")
        super().__init__(name, period)

    def _compute_window_value(
        self, window: RollingWindow[IndicatorDataPoint], input: IndicatorDataPoint
    ) -> float:
        if not self.is_ready:
            return 0.0
        intercept, slope = _least_squares([point.value for point in window][::-1])
        return intercept + slope * (self.period + 1)
