"""Oscillators of a bar's range: stochastic, Williams %R, CCI, ultimate, awesome, BOP, IBS."""

from __future__ import annotations

from lean_core.indicators.base import BarIndicator, IndicatorBase, name_first
from lean_core.indicators.composite import FunctionalIndicator
from lean_core.indicators.data_point import DataBar, IndicatorDataPoint
from lean_core.indicators.moving_average_type import MovingAverageType, as_indicator
from lean_core.indicators.moving_averages import Sum
from lean_core.indicators.volatility import MeanAbsoluteDeviation, TrueRange
from lean_core.indicators.window import Maximum, Minimum

__all__ = [
    "AwesomeOscillator",
    "BalanceOfPower",
    "CommodityChannelIndex",
    "InternalBarStrength",
    "Stochastic",
    "UltimateOscillator",
    "WilliamsPercentR",
]


class Stochastic(BarIndicator):
    """The stochastic oscillator: where the close sits in the `period` range (fast), smoothed into %K and %D.

    The value is the fast stochastic; `stoch_k` averages it over `k_period` bars and `stoch_d`
    averages %K over `d_period` bars, all in percent.
    """

    __slots__ = ("_maximum", "_minimum", "_sum_fast_k", "_sum_slow_k", "fast_stoch", "stoch_d", "stoch_k")

    @name_first
    def __init__(self, period: int, k_period: int, d_period: int, *, name: str | None = None) -> None:
        name = name if name is not None else f"STO({period},{k_period},{d_period})"
        super().__init__(name)
        self._maximum = Maximum(period, name=name + "_Max")
        self._minimum = Minimum(period, name=name + "_Min")
        self._sum_fast_k = Sum(k_period, name=name + "_SumFastK")
        self._sum_slow_k = Sum(d_period, name=name + "_SumD")
        self.fast_stoch = FunctionalIndicator(
            name + "_FastStoch", self._compute_fast_stoch, lambda _: self._maximum.is_ready
        )
        self.stoch_k = FunctionalIndicator(
            name + "_StochK",
            lambda bar: self._compute_stoch_k(k_period, bar),
            lambda _: self._sum_fast_k.is_ready,
        )
        self.stoch_d = FunctionalIndicator(
            name + "_StochD", lambda bar: self._compute_stoch_d(d_period), lambda _: self._sum_slow_k.is_ready
        )
        self.warm_up_period = period + k_period + d_period - 2

    @property
    def is_ready(self) -> bool:
        """Return True once the fast stochastic, %K and %D are."""
        return self.fast_stoch.is_ready and self.stoch_k.is_ready and self.stoch_d.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        for part in (self.fast_stoch, self.stoch_k, self.stoch_d):
            part.reset()
        for window in (self._maximum, self._minimum, self._sum_fast_k, self._sum_slow_k):
            window.reset()
        super().reset()

    def _compute_next_value(self, input: DataBar) -> float:
        self._maximum.update(input.end_time, input.high)
        self._minimum.update(input.end_time, input.low)
        self.fast_stoch.update(input)
        self.stoch_k.update(input)
        self.stoch_d.update(input)
        return self.fast_stoch.current.value

    def _compute_fast_stoch(self, input: DataBar) -> float:
        if not self._maximum.is_ready:
            return 0.0
        lowest = self._minimum.current.value
        denominator = self._maximum.current.value - lowest
        if denominator == 0:
            return 0.0
        fast = (input.close - lowest) / denominator
        self._sum_fast_k.update(input.end_time, fast)
        return fast * 100

    def _compute_stoch_k(self, k_period: int, input: DataBar) -> float:
        if not self._sum_fast_k.is_ready:
            return 0.0
        k = self._sum_fast_k.current.value / k_period
        self._sum_slow_k.update(input.end_time, k)
        return k * 100

    def _compute_stoch_d(self, d_period: int) -> float:
        if not self._sum_slow_k.is_ready:
            return 0.0
        return self._sum_slow_k.current.value / d_period * 100


class WilliamsPercentR(BarIndicator):
    """Williams %R: -100 * (highest high - close) / (highest high - lowest low) over `period` bars."""

    __slots__ = ("maximum", "minimum")

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        name = name if name is not None else f"WILR({period})"
        super().__init__(name)
        self.maximum = Maximum(period, name=name + "_Max")
        self.minimum = Minimum(period, name=name + "_Min")
        self.warm_up_period = period

    @property
    def is_ready(self) -> bool:
        """Return True after `period` bars."""
        return self.maximum.is_ready and self.minimum.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self.maximum.reset()
        self.minimum.reset()
        super().reset()

    def _compute_next_value(self, input: DataBar) -> float:
        self.minimum.update(input.end_time, input.low)
        self.maximum.update(input.end_time, input.high)
        if not self.is_ready:
            return 0.0
        highest = self.maximum.current.value
        spread = highest - self.minimum.current.value
        return 0.0 if spread == 0 else -100.0 * (highest - input.close) / spread


class CommodityChannelIndex(BarIndicator):
    """CCI: (typical price - its average) / (0.015 * its mean absolute deviation)."""

    __slots__ = ("moving_average_type", "typical_price_average", "typical_price_mean_deviation")

    _K = 0.015

    @name_first
    def __init__(
        self,
        period: int,
        moving_average_type: MovingAverageType = MovingAverageType.SIMPLE,
        *,
        name: str | None = None,
    ) -> None:
        name = name if name is not None else f"CCI({period})"
        super().__init__(name)
        self.moving_average_type = MovingAverageType(moving_average_type)
        self.typical_price_average = as_indicator(self.moving_average_type, period, name + "_TypicalPriceAvg")
        self.typical_price_mean_deviation = MeanAbsoluteDeviation(period, name=name + "_TypicalPriceMAD")
        self.warm_up_period = period

    @property
    def is_ready(self) -> bool:
        """Return True once the average and the deviation are."""
        return self.typical_price_average.is_ready and self.typical_price_mean_deviation.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self.typical_price_average.reset()
        self.typical_price_mean_deviation.reset()
        super().reset()

    def _compute_next_value(self, input: DataBar) -> float:
        typical_price = (input.high + input.low + input.close) / 3.0
        self.typical_price_average.update(input.end_time, typical_price)
        self.typical_price_mean_deviation.update(input.end_time, typical_price)
        weighted_deviation = self._K * self.typical_price_mean_deviation.current.value
        if weighted_deviation == 0:
            return 0.0
        return (typical_price - self.typical_price_average.current.value) / weighted_deviation


class UltimateOscillator(BarIndicator):
    """The ultimate oscillator: buying pressure over true range on three horizons, weighted 4:2:1."""

    __slots__ = ("_buying_pressure", "_previous_bar", "_true_range", "_true_ranges")

    @name_first
    def __init__(self, period1: int, period2: int, period3: int, *, name: str | None = None) -> None:
        name = name if name is not None else f"ULTOSC({period1},{period2},{period3})"
        super().__init__(name)
        self._true_range = TrueRange(name + "_TR")
        periods = (period1, period2, period3)
        self._buying_pressure = [Sum(p, name=f"{name}_BP{i}") for i, p in enumerate(periods, start=1)]
        self._true_ranges = [Sum(p, name=f"{name}_TR{i}") for i, p in enumerate(periods, start=1)]
        self._previous_bar: DataBar | None = None
        self.warm_up_period = max(periods) + 1

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._previous_bar = None
        self._true_range.reset()
        for total in (*self._buying_pressure, *self._true_ranges):
            total.reset()
        super().reset()

    def _compute_next_value(self, input: DataBar) -> float:
        self._true_range.update(input)
        previous = self._previous_bar
        self._previous_bar = input
        if previous is None or self.samples == 1:
            return 50.0
        pressure = input.close - min(input.low, previous.close)
        for buying, range_sum in zip(self._buying_pressure, self._true_ranges, strict=True):
            buying.update(input.end_time, pressure)
            range_sum.update(self._true_range.current)
        if not self.is_ready:
            return 50.0
        ranges = [total.current.value for total in self._true_ranges]
        if 0 in ranges:
            return self.current.value
        averages = [buying.current.value / r for buying, r in zip(self._buying_pressure, ranges, strict=True)]
        return 100.0 * (4 * averages[0] + 2 * averages[1] + averages[2]) / 7


class AwesomeOscillator(BarIndicator):
    """AO: fast average - slow average of the median price (high + low) / 2."""

    __slots__ = ("fast_ao", "slow_ao")

    @name_first
    def __init__(
        self,
        fast_period: int,
        slow_period: int,
        moving_average_type: MovingAverageType = MovingAverageType.SIMPLE,
        *,
        name: str | None = None,
    ) -> None:
        kind = MovingAverageType(moving_average_type)
        super().__init__(name if name is not None else f"AO({fast_period},{slow_period},{kind.lean_name})")
        self.slow_ao: IndicatorBase[IndicatorDataPoint] = as_indicator(kind, slow_period)
        self.fast_ao: IndicatorBase[IndicatorDataPoint] = as_indicator(kind, fast_period)
        self.warm_up_period = max(slow_period, fast_period)

    @property
    def is_ready(self) -> bool:
        """Return True once both averages are."""
        return self.slow_ao.is_ready and self.fast_ao.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self.fast_ao.reset()
        self.slow_ao.reset()
        super().reset()

    def _compute_next_value(self, input: DataBar) -> float:
        median = (input.high + input.low) / 2
        self.slow_ao.update(input.end_time, median)
        self.fast_ao.update(input.end_time, median)
        return self.fast_ao.current.value - self.slow_ao.current.value if self.is_ready else 0.0


class BalanceOfPower(BarIndicator):
    """BOP: (close - open) / (high - low), 0 for a bar without range."""

    __slots__ = ()

    def __init__(self, name: str = "BOP") -> None:
        super().__init__(name)
        self.warm_up_period = 1

    def _compute_next_value(self, input: DataBar) -> float:
        spread = input.high - input.low
        return (input.close - input.open) / spread if spread > 0 else 0.0


class InternalBarStrength(BarIndicator):
    """IBS: where the close sits in the bar's range, (close - low) / (high - low); 0.5 without range."""

    __slots__ = ()

    def __init__(self, name: str = "IBS()") -> None:
        super().__init__(name)
        self.warm_up_period = 1

    def _compute_next_value(self, input: DataBar) -> float:
        if input.high == input.low:
            return 0.5
        return (input.close - input.low) / (input.high - input.low)
