"""Volatility indicators: variance, standard deviation, true range, ATR and Bollinger Bands."""

from __future__ import annotations

import math

from lean_core.indicators.base import (
    BarIndicator,
    Identity,
    Indicator,
    IndicatorBase,
    WindowIndicator,
    name_first,
)
from lean_core.indicators.data_point import DataBar, IndicatorDataPoint
from lean_core.indicators.moving_averages import MovingAverageType, as_indicator
from lean_core.indicators.rolling_window import RollingWindow

__all__ = [
    "AverageTrueRange",
    "BollingerBands",
    "StandardDeviation",
    "TrueRange",
    "Variance",
]


class Variance(WindowIndicator[IndicatorDataPoint]):
    """The population variance of the last `period` values (of those seen, while fewer).

    LEAN sums in decimals; here the running sums are of values minus a reference value and are
    re-added exactly once per window length, so floats neither cancel nor drift. A window of
    identical values gives exactly 0, as LEAN's decimals do.
    """

    __slots__ = ("_last_value", "_run_length", "_shift", "_sum", "_sum_of_squares")

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        super().__init__(name if name is not None else f"VAR({period})", period)
        self._clear()

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        super().reset()
        self._clear()

    def _clear(self) -> None:
        self._shift = 0.0
        self._sum = 0.0
        self._sum_of_squares = 0.0
        self._last_value = math.nan
        self._run_length = 0

    def _compute_window_value(
        self, window: RollingWindow[IndicatorDataPoint], input: IndicatorDataPoint
    ) -> float:
        value = input.value
        self._run_length = self._run_length + 1 if value == self._last_value else 1
        self._last_value = value
        samples = window.samples
        size = window.size
        if samples == 1 or samples % size == 0:
            self._resynchronise(window, value)
        else:
            offset = value - self._shift
            total = self._sum + offset
            squares = self._sum_of_squares + offset * offset
            if samples > size:
                removed = window.most_recently_removed.value - self._shift
                total -= removed
                squares -= removed * removed
            self._sum = total
            self._sum_of_squares = squares
        count = window.count
        if samples < 2 or self._run_length >= count:
            return 0.0
        mean = self._sum / count
        return max(0.0, self._sum_of_squares / count - mean * mean)

    def _resynchronise(self, window: RollingWindow[IndicatorDataPoint], shift: float) -> None:
        offsets = [point.value - shift for point in window]
        self._shift = shift
        self._sum = math.fsum(offsets)
        self._sum_of_squares = math.fsum(offset * offset for offset in offsets)


class StandardDeviation(Variance):
    """The population standard deviation of the last `period` values."""

    __slots__ = ()

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        super().__init__(period, name=name if name is not None else f"STD({period})")

    def _compute_window_value(
        self, window: RollingWindow[IndicatorDataPoint], input: IndicatorDataPoint
    ) -> float:
        return math.sqrt(super()._compute_window_value(window, input))


class TrueRange(BarIndicator):
    """The greatest of high - low, |previous close - high| and |previous close - low|."""

    __slots__ = ("_previous_bar",)

    def __init__(self, name: str = "TR") -> None:
        super().__init__(name)
        self.warm_up_period = 2
        self._previous_bar: DataBar | None = None

    @property
    def is_ready(self) -> bool:
        """Return True after two bars."""
        return self.samples > 1

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        super().reset()
        self._previous_bar = None

    def _compute_next_value(self, input: DataBar) -> float:
        high = input.high
        low = input.low
        greatest = high - low
        previous = self._previous_bar
        self._previous_bar = input
        if previous is None or self.samples < 2:
            return greatest
        previous_close = previous.close
        return max(greatest, abs(previous_close - high), abs(previous_close - low))


class AverageTrueRange(BarIndicator):
    """ATR: a moving average (Wilder's by default) of the true range."""

    __slots__ = ("_smoother", "moving_average_type", "true_range")

    @name_first
    def __init__(
        self,
        period: int,
        moving_average_type: MovingAverageType = MovingAverageType.WILDERS,
        *,
        name: str | None = None,
    ) -> None:
        name = name if name is not None else f"ATR({period})"
        super().__init__(name)
        self.moving_average_type = MovingAverageType(moving_average_type)
        self.true_range = TrueRange(name)
        self._smoother = as_indicator(
            self.moving_average_type, period, f"{name}_{_lean_name(self.moving_average_type)}"
        )
        self.warm_up_period = period

    @property
    def is_ready(self) -> bool:
        """Return True once the average is ready."""
        return self._smoother.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._smoother.reset()
        self.true_range.reset()
        super().reset()

    def _compute_next_value(self, input: DataBar) -> float:
        true_range = self.true_range
        before = true_range.current
        true_range.update(input)
        if true_range.current is not before:
            self._smoother.update(true_range.current)
        return self._smoother.current.value


def _lean_name(moving_average_type: MovingAverageType) -> str:
    """Return the type's C# name ("Wilders"), which LEAN puts in sub-indicator names."""
    if moving_average_type is MovingAverageType.MGD:
        return "MGD"
    return "".join(part.capitalize() for part in moving_average_type.name.split("_"))


class _BandComponent(Indicator):
    """A value `BollingerBands` computes and publishes; ready once the middle band and deviation are."""

    __slots__ = ("_deviation", "_middle")

    def __init__(
        self, name: str, middle: IndicatorBase[IndicatorDataPoint], deviation: StandardDeviation
    ) -> None:
        super().__init__(name)
        self._middle = middle
        self._deviation = deviation
        self.warm_up_period = deviation.warm_up_period

    @property
    def is_ready(self) -> bool:
        """Return True once the bands are."""
        return self._middle.is_ready and self._deviation.is_ready

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        return input.value


class BollingerBands(Indicator):
    """Bands `k` standard deviations above and below a moving average (simple by default).

    The value is the input price; the bands are sub-indicators. As in LEAN, once ready the
    indicator does not update while the deviation is 0 (the %B band would be undefined).
    """

    __slots__ = (
        "_k",
        "band_width",
        "lower_band",
        "middle_band",
        "moving_average_type",
        "percent_b",
        "price",
        "standard_deviation",
        "upper_band",
    )

    @name_first
    def __init__(
        self,
        period: int,
        k: float,
        moving_average_type: MovingAverageType = MovingAverageType.SIMPLE,
        *,
        name: str | None = None,
    ) -> None:
        name = name if name is not None else f"BB({period},{k})"
        super().__init__(name)
        self._k = float(k)
        self.moving_average_type = MovingAverageType(moving_average_type)
        self.standard_deviation = StandardDeviation(period, name=name + "_StandardDeviation")
        self.middle_band = as_indicator(self.moving_average_type, period, name + "_MiddleBand")
        deviation = self.standard_deviation
        self.lower_band = _BandComponent(name + "_LowerBand", self.middle_band, deviation)
        self.upper_band = _BandComponent(name + "_UpperBand", self.middle_band, deviation)
        self.band_width = _BandComponent(name + "_BandWidth", self.middle_band, deviation)
        self.percent_b = _BandComponent(name + "_%B", self.middle_band, deviation)
        self.price = Identity(name + "_Close")
        self.warm_up_period = period

    @property
    def is_ready(self) -> bool:
        """Return True once the middle band and the deviation are ready."""
        return self.middle_band.is_ready and self.standard_deviation.is_ready and self.price.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self.standard_deviation.reset()
        self.middle_band.reset()
        self.upper_band.reset()
        self.lower_band.reset()
        self.band_width.reset()
        self.percent_b.reset()
        self.price.reset()
        super().reset()

    def _compute_next_value(self, input: IndicatorDataPoint) -> float | None:
        deviation = self.standard_deviation
        middle = self.middle_band
        deviation.update(input)
        middle.update(input)
        symbol = input.symbol
        time = input.end_time
        # the price is an identity of the input this indicator has already accepted
        self.price._publish(symbol, time, input.value)
        offset = deviation.current.value * self._k
        middle_value = middle.current.value
        lower = middle_value - offset
        upper = middle_value + offset
        self.lower_band._publish(symbol, time, lower)
        self.upper_band._publish(symbol, time, upper)
        width = upper - lower
        # a zero denominator is LEAN's math error: the band keeps its value (%B still counts it)
        if middle_value != 0:
            self.band_width._publish(symbol, time, width / middle_value * 100)
        if width != 0:
            self.percent_b._publish(symbol, time, (input.value - lower) / width)
        else:
            self.percent_b.samples += 1
        if self.is_ready and deviation.current.value == 0:
            return None
        return input.value
