"""Adaptive moving averages, whose smoothing follows the market: KER, KAMA, VIDYA, MGD and FRAMA."""

from __future__ import annotations

import math
from typing import cast

from lean_core.indicators.base import BarIndicator, WindowIndicator, name_first
from lean_core.indicators.data_point import DataBar, IndicatorDataPoint
from lean_core.indicators.momentum_oscillators import ChandeMomentumOscillator
from lean_core.indicators.rolling_window import RollingWindow

__all__ = [
    "FractalAdaptiveMovingAverage",
    "KaufmanAdaptiveMovingAverage",
    "KaufmanEfficiencyRatio",
    "McGinleyDynamic",
    "VariableIndexDynamicAverage",
]


def _value_at(window: RollingWindow[IndicatorDataPoint], index: int) -> float:
    return cast(IndicatorDataPoint, window[index]).value


class KaufmanEfficiencyRatio(WindowIndicator[IndicatorDataPoint]):
    """KER: the net change over `period` values divided by the sum of the absolute steps (0 to 1)."""

    __slots__ = ("_path_length", "_trailing_value")

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        # the window holds period + 1 values: `period` steps
        super().__init__(name if name is not None else f"KER({period})", period + 1)
        self._path_length = 0.0
        self._trailing_value = 0.0

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._path_length = 0.0
        self._trailing_value = 0.0
        super().reset()

    def _compute_window_value(
        self, window: RollingWindow[IndicatorDataPoint], input: IndicatorDataPoint
    ) -> float:
        samples = self.samples
        period = self.period
        if samples < period:
            if samples > 1:
                self._path_length += abs(input.value - _value_at(window, 1))
            return input.value
        if samples == period:
            self._path_length += abs(input.value - _value_at(window, 1))
        trailing = _value_at(window, period - 1)
        net_change = input.value - trailing
        if samples > period:
            # slide the path: drop the step that left the window, add the newest one
            self._path_length -= abs(self._trailing_value - trailing)
            self._path_length += abs(input.value - _value_at(window, 1))
        self._trailing_value = trailing
        path = self._path_length
        if path <= net_change or path == 0:
            return 1.0
        return abs(net_change / path)


class KaufmanAdaptiveMovingAverage(KaufmanEfficiencyRatio):
    """KAMA: an average whose smoothing moves between a fast and a slow EMA's with the efficiency ratio."""

    __slots__ = ("_previous_kama", "_slow_factor", "_spread_factor")

    @name_first
    def __init__(
        self, period: int, fast_ema_period: int = 2, slow_ema_period: int = 30, *, name: str | None = None
    ) -> None:
        name = name if name is not None else f"KAMA({period},{fast_ema_period},{slow_ema_period})"
        super().__init__(period, name=name)
        self._slow_factor = 2.0 / (slow_ema_period + 1)
        self._spread_factor = 2.0 / (fast_ema_period + 1) - self._slow_factor
        self._previous_kama = 0.0

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._previous_kama = 0.0
        super().reset()

    def _compute_window_value(
        self, window: RollingWindow[IndicatorDataPoint], input: IndicatorDataPoint
    ) -> float:
        efficiency = super()._compute_window_value(window, input)
        if self.samples < self.period:
            return input.value
        if self.samples == self.period:
            self._previous_kama = _value_at(window, 1)
        smoothing = (efficiency * self._spread_factor + self._slow_factor) ** 2
        self._previous_kama += (input.value - self._previous_kama) * smoothing
        return self._previous_kama


class VariableIndexDynamicAverage(WindowIndicator[IndicatorDataPoint]):
    """VIDYA: an EMA whose weight is scaled by the absolute Chande momentum oscillator."""

    __slots__ = ("_cmo", "_smoothing_factor", "_vidya")

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        super().__init__(name if name is not None else f"VIDYA({period})", period)
        self._cmo = ChandeMomentumOscillator(period)
        self._smoothing_factor = 2.0 / (period + 1)
        self._vidya = 0.0
        self.warm_up_period = period + 1

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._vidya = 0.0
        self._cmo.reset()
        super().reset()

    def _compute_window_value(
        self, window: RollingWindow[IndicatorDataPoint], input: IndicatorDataPoint
    ) -> float:
        self._cmo.update(input)
        if not self.is_ready:
            self._vidya = input.value
            return 0.0
        weight = self._smoothing_factor * abs(self._cmo.current.value / 100)
        self._vidya = input.value * weight + self._vidya * (1 - weight)
        return self._vidya


class McGinleyDynamic(WindowIndicator[IndicatorDataPoint]):
    """McGinley's dynamic: an average that speeds up as prices run away from it."""

    __slots__ = ()

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        super().__init__(name if name is not None else f"MGD({period})", period)

    def _compute_window_value(
        self, window: RollingWindow[IndicatorDataPoint], input: IndicatorDataPoint
    ) -> float:
        if not self.is_ready:
            return 0.0
        if self.samples == self.period:
            # seeded with the simple average of the first `period` values
            return math.fsum(point.value for point in window) / self.period
        previous = self.current.value
        if previous == 0 or input.value == 0:
            return previous
        ratio = input.value / previous
        denominator = self.period * ratio**4
        if denominator == 0:
            return previous
        return previous + (input.value - previous) / denominator


class FractalAdaptiveMovingAverage(BarIndicator):
    """FRAMA: an EMA of the median price whose weight follows the fractal dimension of the last `n` bars."""

    __slots__ = ("_highs", "_lows", "_n", "_w")

    @name_first
    def __init__(self, n: int, long_period: int = 198, *, name: str | None = None) -> None:
        name = name if name is not None else f"FRAMA({n},{long_period})"
        if n % 2 > 0:
            raise ValueError(f"{name}: n must be even, got n={n}")
        super().__init__(name)
        self._n = n
        self._w = math.log(2.0 / (1 + long_period))
        self._highs: RollingWindow[float] = RollingWindow(n)
        self._lows: RollingWindow[float] = RollingWindow(n)
        self.warm_up_period = n

    @property
    def is_ready(self) -> bool:
        """Return True after `n` bars."""
        return self._highs.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._highs.reset()
        self._lows.reset()
        super().reset()

    def _compute_next_value(self, input: DataBar) -> float:
        price = (input.high + input.low) / 2
        self._highs.add(input.high)
        self._lows.add(input.low)
        if self._highs.samples <= self._highs.size:
            return price
        alpha = math.exp(self._w * (self._dimension() - 1))
        alpha = min(max(alpha, 0.01), 1.0)
        return alpha * price + (1 - alpha) * self.current.value

    def _dimension(self) -> float:
        half = self._n // 2
        highs = list(self._highs)
        lows = list(self._lows)
        recent = (max(highs[:half]) - min(lows[:half])) / half
        older = (max(highs[half:]) - min(lows[half:])) / half
        whole = (max(highs) - min(lows)) / self._n
        if recent + older > 0 and whole > 0:
            return math.log((recent + older) / whole) / math.log(2)
        return 0.0
