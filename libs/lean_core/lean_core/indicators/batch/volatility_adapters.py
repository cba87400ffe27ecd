"""The volatility family's adapters: variance and deviation, true range and its average, Bollinger
bands, Wilder's average (the true range's default smoothing) and the rolling maximum and minimum.

The composite indicators (`AverageTrueRange`, `BollingerBands`) run their parts' kernels one after
the other over the batch, each part's state laid out after the indicator's own arrays, and
publish their parts in the order the streaming `_compute_next_value` updates them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from lean_core.indicators.bands import BollingerBands
from lean_core.indicators.base import IndicatorBase
from lean_core.indicators.batch import volatility_kernels as kernels
from lean_core.indicators.batch.adapters import (
    BatchAdapter,
    ExponentialMovingAverageAdapter,
    KernelState,
    SimpleMovingAverageAdapter,
    publish_value,
)
from lean_core.indicators.moving_averages import (
    ExponentialMovingAverage,
    SimpleMovingAverage,
    WilderMovingAverage,
)
from lean_core.indicators.rolling_window import RollingWindow
from lean_core.indicators.volatility import AverageTrueRange, StandardDeviation, TrueRange, Variance
from lean_core.indicators.window import Maximum, Minimum
from lean_core.symbols import Symbol

__all__ = ["VOLATILITY_ADAPTERS"]

FloatArray = npt.NDArray[np.float64]


# -- windows of floats ------------------------------------------------------------------------
def _export_window(window: RollingWindow[float]) -> tuple[FloatArray, int, int, float]:
    """Return a window as (ring, tail, values seen, value removed last: NaN while none)."""
    ring = np.zeros(window.size, dtype=np.float64)
    ring[: len(window._items)] = window._items
    removed = window._most_recently_removed
    return ring, window._tail, window._samples, math.nan if removed is None else removed


def _import_window(
    window: RollingWindow[float], ring: FloatArray, tail: int, seen: int, removed: float
) -> None:
    window._items = ring[: min(seen, len(ring))].tolist()
    window._tail = tail
    window._samples = seen
    window._most_recently_removed = removed if seen > len(ring) else None


# -- variance and standard deviation ------------------------------------------------------------
class VarianceAdapter(BatchAdapter[Variance]):
    """`Variance`: state = (window ring, [shift, sum, sum of squares, last value, removed],
    [tail, values seen, run length])."""

    #: whether the kernel takes the square root (the standard deviation)
    root: ClassVar[bool] = False

    def export_state(self, indicator: Variance) -> KernelState:
        ring, tail, seen, removed = _export_window(indicator._values)
        sums = [indicator._shift, indicator._sum, indicator._sum_of_squares, indicator._last_value, removed]
        ints = np.array([tail, seen, indicator._run_length], dtype=np.int64)
        return ring, np.array(sums, dtype=np.float64), ints

    def import_state(self, indicator: Variance, state: KernelState) -> None:
        ring, floats, ints = state
        _import_window(indicator._values, ring, int(ints[0]), int(ints[1]), float(floats[4]))
        indicator._shift = float(floats[0])
        indicator._sum = float(floats[1])
        indicator._sum_of_squares = float(floats[2])
        indicator._last_value = float(floats[3])
        indicator._run_length = int(ints[2])

    def run(self, state: KernelState, inputs: FloatArray, out: FloatArray) -> None:
        ring, floats, ints = state
        kernels.variance_kernel(inputs, ring, floats, ints, out, self.root)


class StandardDeviationAdapter(VarianceAdapter):
    """`StandardDeviation`: the variance's state, the square root of its value."""

    root = True


# -- Wilder's average ---------------------------------------------------------------------------
class WilderMovingAverageAdapter(BatchAdapter[WilderMovingAverage]):
    """`WilderMovingAverage`: state = ([seed sum, current, weight, retain], [samples, period])."""

    def export_state(self, indicator: WilderMovingAverage) -> KernelState:
        values = [indicator._initial_sum, indicator.current.value, indicator._k, indicator._retain]
        floats = np.array(values, dtype=np.float64)
        return floats, np.array([indicator.samples, indicator._period], dtype=np.int64)

    def import_state(self, indicator: WilderMovingAverage, state: KernelState) -> None:
        indicator._initial_sum = float(state[0][0])  # current and samples: published

    def run(self, state: KernelState, inputs: FloatArray, out: FloatArray) -> None:
        floats, ints = state
        kernels.wilders_kernel(inputs, floats, ints, out)


# The averages a composite indicator's part may be, by exact class; the position in
# `_AVERAGE_KINDS` is the number a composite's state names its part's kernel by.
_AVERAGES: dict[type[IndicatorBase[Any]], BatchAdapter[Any]] = {
    SimpleMovingAverage: SimpleMovingAverageAdapter(),
    ExponentialMovingAverage: ExponentialMovingAverageAdapter(),
    WilderMovingAverage: WilderMovingAverageAdapter(),
}
_AVERAGE_KINDS: tuple[type[IndicatorBase[Any]], ...] = tuple(_AVERAGES)


def _average_kind(average: IndicatorBase[Any]) -> int:
    return _AVERAGE_KINDS.index(type(average))


def _average_adapter(kind: int) -> BatchAdapter[Any]:
    return _AVERAGES[_AVERAGE_KINDS[kind]]


# -- true range and its average -----------------------------------------------------------------
class TrueRangeAdapter(BatchAdapter[TrueRange]):
    """`TrueRange` over (high, low, close): state = ([previous close, NaN: none], [samples])."""

    input_fields = ("high", "low", "close")

    def export_state(self, indicator: TrueRange) -> KernelState:
        close = indicator._previous_close
        floats = np.array([math.nan if close is None else close], dtype=np.float64)
        return floats, np.array([indicator.samples], dtype=np.int64)

    def import_state(self, indicator: TrueRange, state: KernelState) -> None:
        close = float(state[0][0])
        indicator._previous_close = None if math.isnan(close) else close

    def run(self, state: KernelState, inputs: FloatArray, out: FloatArray) -> None:
        floats, ints = state
        kernels.true_range_kernel(inputs, floats, ints, out)


_TRUE_RANGE = TrueRangeAdapter()


class AverageTrueRangeAdapter(BatchAdapter[AverageTrueRange]):
    """`AverageTrueRange` with a simple, exponential or Wilder's (default) average.

    Outputs: the value, the true range, the average. State: ([average kind], *true range state,
    *average state).
    """

    outputs = 3
    input_fields = ("high", "low", "close")

    def accepts(self, indicator: AverageTrueRange) -> bool:
        return type(indicator._smoother) in _AVERAGES

    def parts(self, indicator: AverageTrueRange) -> tuple[IndicatorBase[Any], ...]:
        return indicator.true_range, indicator._smoother

    def export_state(self, indicator: AverageTrueRange) -> KernelState:
        smoother = indicator._smoother
        kind = np.array([_average_kind(smoother)], dtype=np.int64)
        true_range = _TRUE_RANGE.export_state(indicator.true_range)
        return (kind, *true_range, *_average_adapter(int(kind[0])).export_state(smoother))

    def import_state(self, indicator: AverageTrueRange, state: KernelState) -> None:
        _TRUE_RANGE.import_state(indicator.true_range, state[1:3])
        _average_adapter(int(state[0][0])).import_state(indicator._smoother, state[3:])

    def run(self, state: KernelState, inputs: FloatArray, out: FloatArray) -> None:
        _TRUE_RANGE.run(state[1:3], inputs, out[:, 1:2])
        ranges = np.ascontiguousarray(out[:, 1])
        _average_adapter(int(state[0][0])).run(state[3:], ranges, out[:, 2:3])
        out[:, 0] = out[:, 2]  # the indicator's value is its average's

    def publish(
        self, indicator: AverageTrueRange, symbol: Symbol | None, time: datetime, row: Sequence[float]
    ) -> None:
        publish_value(indicator.true_range, symbol, time, row[1])
        publish_value(indicator._smoother, symbol, time, row[2])
        publish_value(indicator, symbol, time, row[0])


# -- Bollinger bands ----------------------------------------------------------------------------
_DEVIATION = StandardDeviationAdapter()


class BollingerBandsAdapter(BatchAdapter[BollingerBands]):
    """`BollingerBands` with a simple (default), exponential or Wilder's middle band.

    Outputs: the value, then the parts in the order they update: deviation, middle band, price,
    lower, upper, band width, %B (see `bollinger_kernel`). State: ([k], [inputs until ready,
    middle band kind], *deviation state, *middle band state).
    """

    outputs = 8

    def accepts(self, indicator: BollingerBands) -> bool:
        return type(indicator.middle_band) in _AVERAGES

    def parts(self, indicator: BollingerBands) -> tuple[IndicatorBase[Any], ...]:
        bands = (indicator.lower_band, indicator.upper_band, indicator.band_width, indicator.percent_b)
        return indicator.standard_deviation, indicator.middle_band, indicator.price, *bands

    def export_state(self, indicator: BollingerBands) -> KernelState:
        middle = indicator.middle_band
        # the parts' readiness is by samples, and each takes one sample an input
        parts = (indicator.standard_deviation, middle, indicator.price)
        wait = max(0, *(part.warm_up_period - part.samples for part in parts))
        kind = _average_kind(middle)
        own = (np.array([indicator._k], dtype=np.float64), np.array([wait, kind], dtype=np.int64))
        deviation = _DEVIATION.export_state(indicator.standard_deviation)
        return (*own, *deviation, *_average_adapter(kind).export_state(middle))

    def import_state(self, indicator: BollingerBands, state: KernelState) -> None:
        _DEVIATION.import_state(indicator.standard_deviation, state[2:5])
        _average_adapter(int(state[1][1])).import_state(indicator.middle_band, state[5:])

    def run(self, state: KernelState, inputs: FloatArray, out: FloatArray) -> None:
        _DEVIATION.run(state[2:5], inputs, out[:, 1:2])
        _average_adapter(int(state[1][1])).run(state[5:], inputs, out[:, 2:3])
        kernels.bollinger_kernel(inputs, state[0], state[1], out)

    def publish(
        self, indicator: BollingerBands, symbol: Symbol | None, time: datetime, row: Sequence[float]
    ) -> None:
        publish_value(indicator.standard_deviation, symbol, time, row[1])
        publish_value(indicator.middle_band, symbol, time, row[2])
        indicator.price._publish(symbol, time, row[3])
        indicator.lower_band._publish(symbol, time, row[4])
        indicator.upper_band._publish(symbol, time, row[5])
        if not math.isnan(row[6]):  # a zero middle band: the width takes no sample at all
            indicator.band_width._publish(symbol, time, row[6])
        publish_value(indicator.percent_b, symbol, time, row[7])
        publish_value(indicator, symbol, time, row[0])


# -- maximum and minimum ------------------------------------------------------------------------
class _ExtremeAdapter(BatchAdapter[Maximum | Minimum]):
    """`Maximum` / `Minimum`: state = (window ring, [current, removed], [tail, values seen, inputs
    since the extreme]); outputs the value and the inputs since it came."""

    outputs = 2
    largest: ClassVar[bool]

    def export_state(self, indicator: Maximum | Minimum) -> KernelState:
        ring, tail, seen, removed = _export_window(indicator._values)
        floats = np.array([indicator.current.value, removed], dtype=np.float64)
        return ring, floats, np.array([tail, seen, indicator._since], dtype=np.int64)

    def import_state(self, indicator: Maximum | Minimum, state: KernelState) -> None:
        ring, floats, ints = state
        _import_window(indicator._values, ring, int(ints[0]), int(ints[1]), float(floats[1]))
        indicator._since = int(ints[2])

    def run(self, state: KernelState, inputs: FloatArray, out: FloatArray) -> None:
        ring, floats, ints = state
        kernels.extreme_kernel(inputs, ring, floats, ints, out, self.largest)

    def publish(
        self, indicator: Maximum | Minimum, symbol: Symbol | None, time: datetime, row: Sequence[float]
    ) -> None:
        # the streaming update counts the inputs since before it publishes (handlers read it)
        indicator._since = int(row[1])
        publish_value(indicator, symbol, time, row[0])


class MaximumAdapter(_ExtremeAdapter):
    """`Maximum` through `extreme_kernel`."""

    largest = True


class MinimumAdapter(_ExtremeAdapter):
    """`Minimum` through `extreme_kernel`."""

    largest = False


VOLATILITY_ADAPTERS: dict[type[IndicatorBase[Any]], BatchAdapter[Any]] = {
    Variance: VarianceAdapter(),
    StandardDeviation: _DEVIATION,
    WilderMovingAverage: _AVERAGES[WilderMovingAverage],
    TrueRange: _TRUE_RANGE,
    AverageTrueRange: AverageTrueRangeAdapter(),
    BollingerBands: BollingerBandsAdapter(),
    Maximum: MaximumAdapter(),
    Minimum: MinimumAdapter(),
}
