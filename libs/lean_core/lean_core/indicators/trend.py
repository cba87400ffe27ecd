"""Trend indicators: ADX, ADXR, Aroon, Vortex and SuperTrend."""

from __future__ import annotations

from lean_core.indicators.base import BarIndicator, format_parameter, name_first
from lean_core.indicators.composite import CompositeIndicator, FunctionalIndicator
from lean_core.indicators.data_point import DataBar, IndicatorDataPoint
from lean_core.indicators.extensions import of, over
from lean_core.indicators.moving_average_type import MovingAverageType
from lean_core.indicators.moving_averages import Sum, WilderMovingAverage
from lean_core.indicators.rolling_window import RollingWindow
from lean_core.indicators.volatility import AverageTrueRange, true_range_of
from lean_core.indicators.window import Maximum, Minimum

__all__ = [
    "AroonOscillator",
    "AverageDirectionalIndex",
    "AverageDirectionalMovementIndexRating",
    "SuperTrend",
    "Vortex",
]


def _directional_movements(bar: DataBar, previous: DataBar) -> tuple[float, float]:
    """Return the +DM and -DM of `bar`: the larger outward move of high or low, else 0."""
    up = bar.high - previous.high
    down = previous.low - bar.low
    plus = up if bar.high > previous.high and up >= down else 0.0
    minus = down if previous.low > bar.low and down > up else 0.0
    return plus, minus


class AverageDirectionalIndex(BarIndicator):
    """ADX: Wilder's average of 100 * |+DI - -DI| / (+DI + -DI), the DIs from smoothed directional movement.

    `positive_directional_index` and `negative_directional_index` are +DI and -DI in percent.
    """

    __slots__ = (
        "_adx",
        "_period",
        "_previous_bar",
        "_smoothed",
        "negative_directional_index",
        "positive_directional_index",
    )

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        name = name if name is not None else f"ADX({period})"
        super().__init__(name)
        self._period = period
        self._previous_bar: DataBar | None = None
        # Wilder-smoothed true range, +DM and -DM
        self._smoothed = [0.0, 0.0, 0.0]
        self.positive_directional_index = FunctionalIndicator(
            name + "_PositiveDirectionalIndex",
            lambda _: self._index(1),
            lambda _: self.samples > self._period,
        )
        self.negative_directional_index = FunctionalIndicator(
            name + "_NegativeDirectionalIndex",
            lambda _: self._index(2),
            lambda _: self.samples > self._period,
        )
        self._adx = WilderMovingAverage(period)
        self.warm_up_period = period * 2

    @property
    def is_ready(self) -> bool:
        """Return True once the average of the directional index is."""
        return self._adx.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        super().reset()
        self._previous_bar = None
        self._smoothed = [0.0, 0.0, 0.0]
        self._adx.reset()
        self.positive_directional_index.reset()
        self.negative_directional_index.reset()

    def _compute_next_value(self, input: DataBar) -> float:
        previous = self._previous_bar
        true_range, plus, minus = 0.0, 0.0, 0.0
        if previous is not None:
            true_range = true_range_of(input, previous.close)
            plus, minus = _directional_movements(input, previous)
        self._smooth((true_range, plus, minus))
        self._previous_bar = input
        # as LEAN, the indexes are stamped with this indicator's previous value
        self.positive_directional_index.update(self.current)
        self.negative_directional_index.update(self.current)
        positive = self.positive_directional_index.current.value
        negative = self.negative_directional_index.current.value
        total = positive + negative
        if total == 0:
            return 50.0
        self._adx.update(input.end_time, 100.0 * abs(positive - negative) / total)
        return self._adx.current.value

    def _smooth(self, raw: tuple[float, float, float]) -> None:
        # sums until period + 1 bars, then Wilder's smoothing: drop a period-th of the total
        decay = self.samples > self._period + 1
        for index, value in enumerate(raw):
            total = self._smoothed[index]
            self._smoothed[index] = total + value - (total / self._period if decay else 0.0)

    def _index(self, which: int) -> float:
        true_range = self._smoothed[0]
        if true_range != 0 and self.samples > self._period:
            return 100.0 * self._smoothed[which] / true_range
        return 0.0


class AverageDirectionalMovementIndexRating(BarIndicator):
    """ADXR: the mean of the ADX and the ADX `period` - 1 values back."""

    __slots__ = ("_history", "_period", "adx")

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        name = name if name is not None else f"ADXR({period})"
        super().__init__(name)
        self._period = period
        self.adx = AverageDirectionalIndex(period, name=name + "_ADX")
        self._history: RollingWindow[float] = RollingWindow(period)
        self.warm_up_period = period * 3 - 1

    @property
    def is_ready(self) -> bool:
        """Return True once `period` ADX values were kept."""
        return self._history.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self.adx.reset()
        self._history.reset()
        super().reset()

    def _compute_next_value(self, input: DataBar) -> float:
        self.adx.update(input)
        if self.adx.is_ready:
            self._history.add(self.adx.current.value)
        if not self.is_ready:
            return 50.0
        oldest = self._history[self._period - 1]
        return (self.adx.current.value + (oldest or 0.0)) / 2


class AroonOscillator(BarIndicator):
    """Aroon up - Aroon down: how recently, within the period, the highest high and lowest low came."""

    __slots__ = ("aroon_down", "aroon_up")

    @name_first
    def __init__(self, up_period: int, down_period: int | None = None, *, name: str | None = None) -> None:
        down_period = up_period if down_period is None else down_period
        name = name if name is not None else f"AROON({up_period},{down_period})"
        super().__init__(name)
        highest = Maximum(up_period + 1, name=name + "_Max")
        lowest = Minimum(down_period + 1, name=name + "_Min")

        def aroon_up(point: IndicatorDataPoint) -> float:
            highest.update(point)
            return 100.0 * (up_period - highest.periods_since_maximum) / up_period

        def aroon_down(point: IndicatorDataPoint) -> float:
            lowest.update(point)
            return 100.0 * (down_period - lowest.periods_since_minimum) / down_period

        self.aroon_up = FunctionalIndicator(
            name + "_AroonUp", aroon_up, lambda _: highest.is_ready, highest.reset
        )
        self.aroon_down = FunctionalIndicator(
            name + "_AroonDown", aroon_down, lambda _: lowest.is_ready, lowest.reset
        )
        self.warm_up_period = 1 + max(up_period, down_period)

    @property
    def is_ready(self) -> bool:
        """Return True once Aroon up and down are."""
        return self.aroon_up.is_ready and self.aroon_down.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self.aroon_up.reset()
        self.aroon_down.reset()
        super().reset()

    def _compute_next_value(self, input: DataBar) -> float:
        self.aroon_up.update(IndicatorDataPoint(None, input.end_time, input.high))
        self.aroon_down.update(IndicatorDataPoint(None, input.end_time, input.low))
        return self.aroon_up.current.value - self.aroon_down.current.value


class Vortex(BarIndicator):
    """The vortex indicator: upward and downward vortex movement over the summed true range."""

    __slots__ = (
        "_atr",
        "_atr_sum",
        "_minus_sum",
        "_plus_sum",
        "_previous_bar",
        "minus_vortex",
        "plus_vortex",
    )

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        name = name if name is not None else f"VTX({period})"
        super().__init__(name)
        self._atr = AverageTrueRange(1, MovingAverageType.SIMPLE, name=f"{name}_ATR")
        self._atr_sum = of(Sum(period, name="ATR_Sum"), self._atr)
        self._plus_sum = Sum(period, name="PlusVM_Sum")
        self._minus_sum = Sum(period, name="MinusVM_Sum")
        self.plus_vortex: CompositeIndicator = over(self._plus_sum, self._atr_sum)
        self.minus_vortex: CompositeIndicator = over(self._minus_sum, self._atr_sum)
        self._previous_bar: DataBar | None = None
        self.warm_up_period = period

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        super().reset()
        for part in (self._atr, self._atr_sum, self._plus_sum, self._minus_sum):
            part.reset()
        self.plus_vortex.reset()
        self.minus_vortex.reset()
        self._previous_bar = None

    def _compute_next_value(self, input: DataBar) -> float:
        self._atr.update(input)
        previous = self._previous_bar
        if previous is not None:
            self._plus_sum.update(input.end_time, abs(input.high - previous.low))
            self._minus_sum.update(input.end_time, abs(input.low - previous.high))
        self._previous_bar = input
        if not self.is_ready:
            return 0.0
        return (self.plus_vortex.current.value + self.minus_vortex.current.value) / 2


class SuperTrend(BarIndicator):
    """SuperTrend: a band `multiplier` ATRs off the median price, flipping sides when the close crosses it."""

    __slots__ = (
        "_atr",
        "_multiplier",
        "_previous_close",
        "_previous_lower",
        "_previous_super",
        "_previous_upper",
        "basic_lower_band",
        "basic_upper_band",
        "current_trailing_lower_band",
        "current_trailing_upper_band",
    )

    @name_first
    def __init__(
        self,
        period: int,
        multiplier: float,
        moving_average_type: MovingAverageType = MovingAverageType.WILDERS,
        *,
        name: str | None = None,
    ) -> None:
        super().__init__(name if name is not None else f"SuperTrend({period},{format_parameter(multiplier)})")
        self._atr = AverageTrueRange(period, moving_average_type)
        self._multiplier = float(multiplier)
        self.warm_up_period = period
        self._clear()

    def _clear(self) -> None:
        self._previous_upper = 0.0
        self._previous_lower = 0.0
        self._previous_close = 0.0
        # -1 marks "no trend yet", as in LEAN
        self._previous_super = -1.0
        self.basic_upper_band = 0.0
        self.basic_lower_band = 0.0
        self.current_trailing_upper_band = 0.0
        self.current_trailing_lower_band = 0.0

    @property
    def is_ready(self) -> bool:
        """Return True once the average true range is."""
        return self._atr.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._atr.reset()
        self._clear()
        super().reset()

    def _compute_next_value(self, input: DataBar) -> float:
        if not self._atr.update(input):
            self._previous_close = input.close
            return 0.0
        close = input.close
        median = (input.high + input.low) / 2
        offset = self._multiplier * self._atr.current.value
        self.basic_lower_band = median - offset
        self.basic_upper_band = median + offset
        lower, upper = self._trail(self.basic_lower_band, self.basic_upper_band)
        previous_super = self._previous_super
        super_trend = previous_super
        if previous_super in (-1, self._previous_upper):
            super_trend = upper if close <= upper else lower
        elif previous_super == self._previous_lower:
            super_trend = lower if close >= lower else upper
        self._previous_close = close
        self._previous_super = super_trend
        self._previous_lower = lower
        self._previous_upper = upper
        return super_trend

    def _trail(self, basic_lower: float, basic_upper: float) -> tuple[float, float]:
        previous_close = self._previous_close
        lower_moves = basic_lower > self._previous_lower or previous_close < self._previous_lower
        upper_moves = basic_upper < self._previous_upper or previous_close > self._previous_upper
        self.current_trailing_lower_band = basic_lower if lower_moves else self._previous_lower
        self.current_trailing_upper_band = basic_upper if upper_moves else self._previous_upper
        return self.current_trailing_lower_band, self.current_trailing_upper_band
