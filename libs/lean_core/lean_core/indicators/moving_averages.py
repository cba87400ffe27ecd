"""The classic moving averages: simple, exponential, Wilder's, weighted, DEMA, TEMA, TRIMA, Hull."""

from __future__ import annotations

import math

from lean_core.indicators.base import Indicator, WindowIndicator, name_first
from lean_core.indicators.data_point import IndicatorDataPoint
from lean_core.indicators.rolling_window import RollingWindow

__all__ = [
    "DoubleExponentialMovingAverage",
    "ExponentialMovingAverage",
    "HullMovingAverage",
    "LinearWeightedMovingAverage",
    "SimpleMovingAverage",
    "Sum",
    "TriangularMovingAverage",
    "TripleExponentialMovingAverage",
    "WilderMovingAverage",
]


class _RunningSum:
    """A sum over the last `size` values, re-added exactly once per window length so no error builds up.

    It keeps the values as floats in a ring of its own rather than reading the indicator's
    window of input points: the sums update once per bar of every `sma(...)` an algorithm makes.
    """

    __slots__ = ("_next", "_samples", "_size", "_values", "total")

    def __init__(self, size: int) -> None:
        self._size = size
        self._values: list[float] = []
        # the slot of the oldest value once the ring is full
        self._next = 0
        self._samples = 0
        self.total = 0.0

    @property
    def count(self) -> int:
        """Return how many values the sum covers now."""
        return len(self._values)

    def add(self, value: float) -> float:
        """Add `value`, drop the value `size` back, and return the sum of the last `size` values."""
        samples = self._samples = self._samples + 1
        values = self._values
        size = self._size
        if samples <= size:
            values.append(value)
            total = self.total + value
        else:
            slot = self._next
            removed = values[slot]
            values[slot] = value
            self._next = slot + 1 if slot + 1 < size else 0
            total = self.total + value - removed
        if samples % size == 0:
            # fsum is exact, so the order the ring holds the values in does not matter
            total = math.fsum(values)
        self.total = total
        return total


class Sum(WindowIndicator[IndicatorDataPoint]):
    """The sum of the last `period` values."""

    __slots__ = ("_sum",)

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        super().__init__(name if name is not None else f"SUM({period})", period)
        self._sum = _RunningSum(period)

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        super().reset()
        self._sum = _RunningSum(self.period)

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        # the running sum keeps the values itself: the window of input points stays unused
        return self._sum.add(input.value)

    def _compute_window_value(
        self, window: RollingWindow[IndicatorDataPoint], input: IndicatorDataPoint
    ) -> float:
        return math.fsum(point.value for point in window)


class SimpleMovingAverage(WindowIndicator[IndicatorDataPoint]):
    """The mean of the last `period` values (of those seen, while fewer)."""

    __slots__ = ("_sum",)

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        super().__init__(name if name is not None else f"SMA({period})", period)
        self._sum = _RunningSum(period)

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        super().reset()
        self._sum = _RunningSum(self.period)

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        # the running sum keeps the values itself: the window of input points stays unused
        running = self._sum
        return running.add(input.value) / len(running._values)

    def _compute_window_value(
        self, window: RollingWindow[IndicatorDataPoint], input: IndicatorDataPoint
    ) -> float:
        return math.fsum(point.value for point in window) / window.count


class ExponentialMovingAverage(Indicator):
    """An exponential moving average seeded with the simple average of the first `period` values."""

    __slots__ = ("_initial_sum", "_k", "_period", "_retain")

    @name_first
    def __init__(
        self, period: int, smoothing_factor: float | None = None, *, name: str | None = None
    ) -> None:
        if name is None:
            name = f"EMA({period})" if smoothing_factor is None else f"EMA({period},{smoothing_factor})"
        super().__init__(name)
        self._period = period
        self._k = (
            self.smoothing_factor_default(period) if smoothing_factor is None else float(smoothing_factor)
        )
        self._retain = 1.0 - self._k
        self._initial_sum = 0.0
        self.warm_up_period = period

    @staticmethod
    def smoothing_factor_default(period: int) -> float:
        """Return LEAN's default smoothing factor, 2 / (period + 1)."""
        return 2.0 / (1 + period)

    @property
    def smoothing_factor(self) -> float:
        """Return the weight a new value gets."""
        return self._k

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        super().reset()
        self._initial_sum = 0.0

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        samples = self.samples
        period = self._period
        if samples < period:
            self._initial_sum += input.value
            return 0.0
        if samples == period:
            self._initial_sum += input.value
            return self._initial_sum / period
        return input.value * self._k + self.current.value * self._retain


class WilderMovingAverage(Indicator):
    """Wilder's smoothing: an exponential average with weight 1/period, seeded by the simple average."""

    __slots__ = ("_initial_sum", "_k", "_period", "_retain")

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        super().__init__(name if name is not None else f"WWMA{period}")
        self._period = period
        self._k = 1.0 / period
        self._retain = 1.0 - self._k
        self._initial_sum = 0.0
        self.warm_up_period = period

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        super().reset()
        self._initial_sum = 0.0

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        samples = self.samples
        if samples < self._period:
            self._initial_sum += input.value
            return self._initial_sum / samples
        # from the period-th value on LEAN smooths, which at that value equals the simple average
        return input.value * self._k + self.current.value * self._retain


class LinearWeightedMovingAverage(WindowIndicator[IndicatorDataPoint]):
    """A weighted average of the last `period` values, the newest weighing `period`, the oldest 1."""

    __slots__ = ("_denominator",)

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        super().__init__(name if name is not None else f"LWMA({period})", period)
        self._denominator = period * (period + 1) // 2

    def _compute_window_value(
        self, window: RollingWindow[IndicatorDataPoint], input: IndicatorDataPoint
    ) -> float:
        if not window.is_ready:
            return 0.0
        numerator = 0.0
        weight = window.size
        for point in window:
            numerator += weight * point.value
            weight -= 1
        return numerator / self._denominator


class DoubleExponentialMovingAverage(Indicator):
    """DEMA: (1 + v) * EMA - v * EMA(EMA), with volume factor v (1 by default)."""

    __slots__ = ("_ema1", "_ema2", "_volume_factor")

    @name_first
    def __init__(self, period: int, volume_factor: float = 1.0, *, name: str | None = None) -> None:
        name = name if name is not None else f"DEMA({period})"
        super().__init__(name)
        self._volume_factor = float(volume_factor)
        self._ema1 = ExponentialMovingAverage(period, name=name + "_1")
        self._ema2 = ExponentialMovingAverage(period, name=name + "_2")
        self.warm_up_period = 1 + 2 * (period - 1)

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._ema1.reset()
        self._ema2.reset()
        super().reset()

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        ema1 = self._ema1
        ema1.update(input)
        if not ema1.is_ready:
            return ema1.current.value
        self._ema2.update(ema1.current)
        factor = self._volume_factor
        return (factor + 1) * ema1.current.value - factor * self._ema2.current.value


class TripleExponentialMovingAverage(Indicator):
    """TEMA: 3 * EMA - 3 * EMA(EMA) + EMA(EMA(EMA))."""

    __slots__ = ("_ema1", "_ema2", "_ema3")

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        name = name if name is not None else f"TEMA({period})"
        super().__init__(name)
        self._ema1 = ExponentialMovingAverage(period, name=name + "_1")
        self._ema2 = ExponentialMovingAverage(period, name=name + "_2")
        self._ema3 = ExponentialMovingAverage(period, name=name + "_3")
        self.warm_up_period = 3 * (period - 1) + 1

    @property
    def is_ready(self) -> bool:
        """Return True once the third average is ready."""
        return self._ema3.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._ema1.reset()
        self._ema2.reset()
        self._ema3.reset()
        super().reset()

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        ema1, ema2, ema3 = self._ema1, self._ema2, self._ema3
        ema1.update(input)
        if ema1.is_ready:
            ema2.update(ema1.current)
        if ema2.is_ready:
            ema3.update(ema2.current)
        if not ema3.is_ready:
            return 0.0
        return 3.0 * ema1.current.value - 3.0 * ema2.current.value + ema3.current.value


class TriangularMovingAverage(Indicator):
    """TRIMA: a simple average of a simple average, the two periods splitting `period`."""

    __slots__ = ("_sma1", "_sma2")

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        name = name if name is not None else f"TRIMA({period})"
        super().__init__(name)
        first = period // 2 if period % 2 == 0 else (period + 1) // 2
        second = period // 2 + 1 if period % 2 == 0 else (period + 1) // 2
        self._sma1 = SimpleMovingAverage(first, name=name + "_1")
        self._sma2 = SimpleMovingAverage(second, name=name + "_2")
        self.warm_up_period = period

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._sma1.reset()
        self._sma2.reset()
        super().reset()

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        self._sma1.update(input)
        self._sma2.update(self._sma1.current)
        return self._sma2.current.value


class HullMovingAverage(Indicator):
    """HMA: an LWMA over sqrt(period) of 2 * LWMA(period / 2) - LWMA(period)."""

    __slots__ = ("_fast", "_hull", "_slow")

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        if period < 2:
            raise ValueError(f"the Hull moving average period must be at least 2, got period={period}")
        super().__init__(name if name is not None else f"HMA({period})")
        self._slow = LinearWeightedMovingAverage(period)
        # LEAN rounds half to even (.NET Math.Round), as Python's round does
        self._fast = LinearWeightedMovingAverage(round(period / 2))
        root = round(math.sqrt(period))
        self._hull = LinearWeightedMovingAverage(root)
        self.warm_up_period = period + root - 1

    @property
    def is_ready(self) -> bool:
        """Return True once the outer average is ready."""
        return self._hull.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        super().reset()
        self._slow.reset()
        self._fast.reset()
        self._hull.reset()

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        fast_ready = self._fast.update(input)
        slow_ready = self._slow.update(input)
        if fast_ready and slow_ready:
            spread = 2.0 * self._fast.current.value - self._slow.current.value
            self._hull.update(IndicatorDataPoint(None, input.end_time, spread))
        return self._hull.current.value
