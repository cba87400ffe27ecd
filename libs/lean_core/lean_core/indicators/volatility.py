"""Volatility indicators: variance, deviations, true range and its averages, mass index, choppiness."""

from __future__ import annotations

import math

from lean_core.indicators.base import (
    BarIndicator,
    IndicatorInputError,
    TradeBarIndicator,
    WindowIndicator,
    name_first,
)
from lean_core.indicators.data_point import DataBar, IndicatorDataPoint, TradeBarLike
from lean_core.indicators.extensions import ema
from lean_core.indicators.moving_average_type import MovingAverageType, as_indicator
from lean_core.indicators.moving_averages import ExponentialMovingAverage, SimpleMovingAverage, Sum
from lean_core.indicators.rolling_window import RollingWindow

__all__ = [
    "AverageRange",
    "AverageTrueRange",
    "ChoppinessIndex",
    "MassIndex",
    "MeanAbsoluteDeviation",
    "NormalizedAverageTrueRange",
    "RogersSatchellVolatility",
    "StandardDeviation",
    "TrueRange",
    "Variance",
    "true_range_of",
]


class Variance(WindowIndicator[IndicatorDataPoint]):
    """The population variance of the last `period` values (of those seen, while fewer).

    LEAN sums in decimals; here the running sums are of values minus a reference value and are
    re-added exactly once per window length, so floats neither cancel nor drift. A window of
    identical values gives exactly 0, as LEAN's decimals do.
    """

    __slots__ = ("_last_value", "_run_length", "_shift", "_sum", "_sum_of_squares", "_values")

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        super().__init__(name if name is not None else f"VAR({period})", period)
        # the values as floats, not the window of input points: numbers alone make a state the
        # batch path can hand back to the object (as the moving averages' running sums)
        self._values: RollingWindow[float] = RollingWindow(period)
        self._clear()

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        super().reset()
        self._values.reset()
        self._clear()

    def _clear(self) -> None:
        self._shift = 0.0
        self._sum = 0.0
        self._sum_of_squares = 0.0
        self._last_value = math.nan
        self._run_length = 0

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        value = input.value
        self._values.add(value)
        return self._variance_after(value)

    def _compute_window_value(
        self, window: RollingWindow[IndicatorDataPoint], input: IndicatorDataPoint
    ) -> float:  # pragma: no cover - `_compute_next_value` keeps its own window of floats
        raise NotImplementedError

    def _variance_after(self, value: float) -> float:
        """Return the variance once `value`, the newest of `_values`, is in the sums."""
        window = self._values
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
                removed = window.most_recently_removed - self._shift
                total -= removed
                squares -= removed * removed
            self._sum = total
            self._sum_of_squares = squares
        count = window.count
        if samples < 2 or self._run_length >= count:
            return 0.0
        mean = self._sum / count
        return max(0.0, self._sum_of_squares / count - mean * mean)

    def _resynchronise(self, window: RollingWindow[float], shift: float) -> None:
        offsets = [value - shift for value in window]
        self._shift = shift
        self._sum = math.fsum(offsets)
        self._sum_of_squares = math.fsum(offset * offset for offset in offsets)


class StandardDeviation(Variance):
    """The population standard deviation of the last `period` values."""

    __slots__ = ()

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        super().__init__(period, name=name if name is not None else f"STD({period})")

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        return math.sqrt(super()._compute_next_value(input))


def true_range_of(bar: DataBar, previous_close: float) -> float:
    """Return the greatest of high - low, |high - previous close| and |low - previous close|."""
    high = bar.high
    low = bar.low
    return max(high - low, abs(high - previous_close), abs(low - previous_close))


class TrueRange(BarIndicator):
    """The greatest of high - low, |previous close - high| and |previous close - low|."""

    __slots__ = ("_previous_close",)

    def __init__(self, name: str = "TR") -> None:
        super().__init__(name)
        self.warm_up_period = 2
        # the previous bar's close, all of it the range needs: a number the batch path can
        # hand back to the object, where a bar object could not be rebuilt from its columns
        self._previous_close: float | None = None

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        super().reset()
        self._previous_close = None

    def _compute_next_value(self, input: DataBar) -> float:
        previous_close = self._previous_close
        self._previous_close = input.close
        if previous_close is None or self.samples < 2:
            return input.high - input.low
        return true_range_of(input, previous_close)


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
            self.moving_average_type, period, f"{name}_{self.moving_average_type.lean_name}"
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


class MeanAbsoluteDeviation(WindowIndicator[IndicatorDataPoint]):
    """The mean absolute deviation of the last `period` values from their mean."""

    __slots__ = ("mean",)

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        name = name if name is not None else f"MAD({period})"
        super().__init__(name, period)
        self.mean = SimpleMovingAverage(period, name=f"{name}_Mean")

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self.mean.reset()
        super().reset()

    def _compute_window_value(
        self, window: RollingWindow[IndicatorDataPoint], input: IndicatorDataPoint
    ) -> float:
        self.mean.update(input)
        if self.samples < 2:
            return 0.0
        mean = self.mean.current.value
        return math.fsum(abs(point.value - mean) for point in window) / window.count


class NormalizedAverageTrueRange(BarIndicator):
    """NATR: the average true range (Wilder-smoothed) as a percentage of the close."""

    __slots__ = ("_atr", "_last_atr", "_period", "_true_range")

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        name = name if name is not None else f"NATR({period})"
        super().__init__(name)
        self._period = period
        self._true_range = TrueRange(name + "_TR")
        self._atr = AverageTrueRange(period, MovingAverageType.SIMPLE, name=name + "_ATR")
        self._last_atr = 0.0
        self.warm_up_period = period + 1

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._true_range.reset()
        self._atr.reset()
        self._last_atr = 0.0
        super().reset()

    def _compute_next_value(self, input: DataBar) -> float:
        self._true_range.update(input)
        if self.samples <= self._period + 1:
            # the simple average of the first true ranges seeds Wilder's smoothing
            self._atr.update(input)
            self._last_atr = self._atr.current.value
        else:
            period = self._period
            self._last_atr = (self._last_atr * (period - 1) + self._true_range.current.value) / period
        return self._last_atr / input.close * 100 if input.close != 0 else 0.0


class MassIndex(TradeBarIndicator):
    """The mass index: the `sum_period` sum of EMA(high - low) / EMA(EMA(high - low))."""

    __slots__ = ("_ema1", "_ema2", "_sum")

    @name_first
    def __init__(self, ema_period: int = 9, sum_period: int = 25, *, name: str | None = None) -> None:
        super().__init__(name if name is not None else f"MASS({ema_period},{sum_period})")
        self._ema1 = ExponentialMovingAverage(ema_period)
        self._ema2 = ema(self._ema1, ema_period)
        self._sum = Sum(sum_period)
        self.warm_up_period = 2 * (ema_period - 1) + sum_period

    @property
    def is_ready(self) -> bool:
        """Return True once the sum is."""
        return self._sum.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        super().reset()
        self._ema1.reset()
        self._ema2.reset()
        self._sum.reset()

    def _compute_next_value(self, input: TradeBarLike) -> float:
        self._ema1.update(input.end_time, input.high - input.low)
        if self._ema2.is_ready:
            smoothed = self._ema2.current.value
            ratio = self._ema1.current.value / smoothed if smoothed != 0 else 0.0
            self._sum.update(input.end_time, ratio)
        if not self._sum.is_ready:
            return float(self._sum.period)
        return self._sum.current.value


class ChoppinessIndex(BarIndicator):
    """CHOP: 100 * log10(sum of true ranges / (highest high - lowest low)) / log10(period)."""

    __slots__ = ("_highs", "_lows", "_period", "_true_range", "_true_ranges")

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        super().__init__(name if name is not None else f"CHOP({period})")
        self._period = period
        self._true_range = TrueRange()
        self._true_ranges: RollingWindow[float] = RollingWindow(period)
        self._highs: RollingWindow[float] = RollingWindow(period)
        self._lows: RollingWindow[float] = RollingWindow(period)
        self.warm_up_period = period

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._true_range.reset()
        for window in (self._true_ranges, self._highs, self._lows):
            window.reset()
        super().reset()

    def _compute_next_value(self, input: DataBar) -> float:
        self._true_range.update(input)
        self._highs.add(input.high)
        self._lows.add(input.low)
        ready_range = self._true_range.is_ready
        self._true_ranges.add(self._true_range.current.value if ready_range else input.high - input.low)
        if not self.is_ready:
            return 0.0
        spread = max(self._highs) - min(self._lows)
        if spread == 0:
            return 100.0
        return 100.0 * math.log10(math.fsum(self._true_ranges) / spread) / math.log10(self._period)


class RogersSatchellVolatility(BarIndicator):
    """Rogers-Satchell volatility over `period` bars, from each bar's open, high, low and close."""

    __slots__ = ("_period", "_sum")

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        name = name if name is not None else f"RSV({period})"
        super().__init__(name)
        self._period = period
        self._sum = Sum(period, name=name + "_Sum")
        self.warm_up_period = period

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._sum.reset()
        super().reset()

    def _compute_next_value(self, input: DataBar) -> float:
        high, low, open_, close = input.high, input.low, input.open, input.close
        # as LEAN: a bar with a zero price adds nothing
        if 0 in (open_, high, low, close):
            return 0.0
        if min(open_, high, low, close) < 0 < max(open_, high, low, close):
            raise IndicatorInputError(
                "prices of one bar must share a sign", indicator=self.name, time=input.end_time, value=close
            )
        term = math.log(high / close) * math.log(high / open_) + math.log(low / close) * math.log(low / open_)
        self._sum.update(input.end_time, term)
        if not self.is_ready:
            return 0.0
        return math.sqrt(self._sum.current.value / self._period)


class AverageRange(BarIndicator):
    """The simple average of high - low over `period` bars."""

    __slots__ = ("_sma",)

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        name = name if name is not None else f"AR({period})"
        super().__init__(name)
        self._sma = SimpleMovingAverage(period, name=name + "_SMA")
        self.warm_up_period = period

    @property
    def is_ready(self) -> bool:
        """Return True once the average is."""
        return self._sma.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._sma.reset()
        super().reset()

    def _compute_next_value(self, input: DataBar) -> float:
        self._sma.update(input.end_time, input.high - input.low)
        return self._sma.current.value
