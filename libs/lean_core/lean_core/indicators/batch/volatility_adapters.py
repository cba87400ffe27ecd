"""The volatility family's adapters: variance and deviation, true range and its average, Bollinger
bands and the rolling maximum and minimum.

The composites (`AverageTrueRange`, `BollingerBands`) run their own kernels, then their average's
through the average's own adapter (any average `averages.py` lists), their state packed as that
module lays it out; they publish their parts in the order the streaming `_compute_next_value`
updates them.
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
from lean_core.indicators.batch import extreme_kernels, variance_kernels
from lean_core.indicators.batch import volatility_kernels as kernels
from lean_core.indicators.batch.adapters import (
    BatchAdapter,
    CompositeAdapter,
    FedInputs,
    KernelState,
    publish_value,
)
from lean_core.indicators.batch.averages import (
    SIMPLE,
    average_kinds,
    has_kernels,
    import_average,
    pack,
    run_average,
    smoothing_kinds,
    take_last_input,
    unpack,
)
from lean_core.indicators.rolling_window import RollingWindow
from lean_core.indicators.volatility import AverageTrueRange, StandardDeviation, TrueRange, Variance
from lean_core.indicators.window import Maximum, Minimum
from lean_core.symbols import Symbol

__all__ = ["VOLATILITY_ADAPTERS"]

FloatArray = npt.NDArray[np.float64]


# -- windows of floats ------------------------------------------------------------------------
def _export_value_window(window: RollingWindow[float]) -> tuple[FloatArray, int, int, float]:
    """Return a window as (ring, tail, values seen, value removed last: NaN while none)."""
    ring = np.zeros(window.size, dtype=np.float64)
    ring[: len(window._items)] = window._items
    removed = window._most_recently_removed
    return ring, window._tail, window._samples, math.nan if removed is None else removed


def _import_value_window(
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
        ring, tail, seen, removed = _export_value_window(indicator._values)
        sums = [indicator._shift, indicator._sum, indicator._sum_of_squares, indicator._last_value, removed]
        ints = np.array([tail, seen, indicator._run_length], dtype=np.int64)
        return ring, np.array(sums, dtype=np.float64), ints

    def import_state(self, indicator: Variance, state: KernelState, fed: FedInputs) -> None:
        ring, floats, ints = state
        _import_value_window(indicator._values, ring, int(ints[0]), int(ints[1]), float(floats[4]))
        indicator._shift = float(floats[0])
        indicator._sum = float(floats[1])
        indicator._sum_of_squares = float(floats[2])
        indicator._last_value = float(floats[3])
        indicator._run_length = int(ints[2])

    def run(self, state: KernelState, inputs: FloatArray, out: FloatArray) -> None:
        ring, floats, ints = state
        variance_kernels.variance_kernel(inputs, ring, floats, ints, out[:, 0], self.root)


class StandardDeviationAdapter(VarianceAdapter):
    """`StandardDeviation`: the variance's state, the square root of its value."""

    root = True


# -- true range and its average -----------------------------------------------------------------
class TrueRangeAdapter(BatchAdapter[TrueRange]):
    """`TrueRange` over (high, low, close): state = ([previous close, NaN: none], [samples])."""

    input_fields = ("high", "low", "close")

    def export_state(self, indicator: TrueRange) -> KernelState:
        close = indicator._previous_close
        floats = np.array([math.nan if close is None else close], dtype=np.float64)
        return floats, np.array([indicator.samples], dtype=np.int64)

    def import_state(self, indicator: TrueRange, state: KernelState, fed: FedInputs) -> None:
        close = float(state[0][0])
        indicator._previous_close = None if math.isnan(close) else close

    def run(self, state: KernelState, inputs: FloatArray, out: FloatArray) -> None:
        floats, ints = state
        kernels.true_range_kernel(inputs, floats, ints, out)


_TRUE_RANGE = TrueRangeAdapter()


class AverageTrueRangeAdapter(CompositeAdapter[AverageTrueRange]):
    """`AverageTrueRange` over an average with a kernel (Wilder's by default).

    Outputs: the value, the true range, the average. State: the true range's arrays with the
    average's, packed (`averages.pack`).
    """

    outputs = 3
    input_fields = ("high", "low", "close")

    def accepts(self, indicator: AverageTrueRange) -> bool:
        return has_kernels(indicator._smoother)

    def parts(self, indicator: AverageTrueRange) -> tuple[IndicatorBase[Any], ...]:
        return indicator.true_range, indicator._smoother

    def export_state(self, indicator: AverageTrueRange) -> KernelState:
        return pack(_TRUE_RANGE.export_state(indicator.true_range), (indicator._smoother,))

    def run(self, state: KernelState, inputs: FloatArray, out: FloatArray) -> None:
        kinds = smoothing_kinds(state)
        if kinds is not None:  # one kernel for the true range and its average
            _, range_floats, range_ints, floats, ints = state
            kernels.atr_kernel(inputs, range_floats, range_ints, floats, ints, out, kinds[0])
            return
        true_range, (average,) = unpack(state)
        _TRUE_RANGE.run(true_range, inputs, out[:, 1:2])
        out[:, 2] = run_average(average, out[:, 1])
        out[:, 0] = out[:, 2]  # the indicator's value is its average's

    def import_state(self, indicator: AverageTrueRange, state: KernelState, fed: FedInputs) -> None:
        if not len(fed.times):
            return
        true_range, (average,) = unpack(state)
        rows = fed.outputs
        _TRUE_RANGE.import_state(indicator.true_range, true_range, fed._replace(outputs=rows[:, 1:2]))
        # the true range took the bars (of the last, the batch keeps the close), the average the ranges
        take_last_input(indicator.true_range, fed.symbol, fed.times[-1], float(fed.inputs[-1, -1]))
        ranges = FedInputs(fed.symbol, fed.times, rows[:, 1], rows[:, 2:3])
        import_average(average, indicator._smoother, ranges)

    def publish_parts(
        self, indicator: AverageTrueRange, symbol: Symbol | None, time: datetime, row: Sequence[float]
    ) -> None:
        publish_value(indicator.true_range, symbol, time, row[1])
        publish_value(indicator._smoother, symbol, time, row[2])


# -- Bollinger bands ----------------------------------------------------------------------------
_DEVIATION = StandardDeviationAdapter()


class BollingerBandsAdapter(CompositeAdapter[BollingerBands]):
    """`BollingerBands` over a middle band with a kernel (a simple average by default).

    Outputs: the value, then the parts in the order they update: deviation, middle band, price,
    lower, upper, band width, %B (see `bollinger_kernel`). State: ([k], [inputs until ready],
    *deviation state) with the middle band's, packed (`averages.pack`).
    """

    outputs = 8

    def accepts(self, indicator: BollingerBands) -> bool:
        return has_kernels(indicator.middle_band)

    def parts(self, indicator: BollingerBands) -> tuple[IndicatorBase[Any], ...]:
        bands = (indicator.lower_band, indicator.upper_band, indicator.band_width, indicator.percent_b)
        return indicator.standard_deviation, indicator.middle_band, indicator.price, *bands

    def export_state(self, indicator: BollingerBands) -> KernelState:
        middle = indicator.middle_band
        # the parts' readiness is by samples, and each takes one sample an input
        parts = (indicator.standard_deviation, middle, indicator.price)
        wait = max(0, *(part.warm_up_period - part.samples for part in parts))
        own = (np.array([indicator._k], dtype=np.float64), np.array([wait], dtype=np.int64))
        return pack((*own, *_DEVIATION.export_state(indicator.standard_deviation)), (middle,))

    def run(self, state: KernelState, inputs: FloatArray, out: FloatArray) -> None:
        if average_kinds(state) == (SIMPLE,):  # the default: one kernel for every part
            _, k, wait, deviation_ring, deviation_floats, deviation_ints, ring, floats, ints = state
            kernels.bollinger_sma_kernel(
                inputs, k, wait, deviation_ring, deviation_floats, deviation_ints, ring, floats, ints, out
            )
            return
        (k, wait, *deviation), (middle,) = unpack(state)
        _DEVIATION.run(tuple(deviation), inputs, out[:, 1:2])
        out[:, 2] = run_average(middle, inputs)
        kernels.bollinger_kernel(inputs, k, wait, out)

    def import_state(self, indicator: BollingerBands, state: KernelState, fed: FedInputs) -> None:
        if not len(fed.times):
            return
        (_, _, *deviation_state), (middle,) = unpack(state)
        deviation, rows = indicator.standard_deviation, fed.outputs
        _DEVIATION.import_state(deviation, tuple(deviation_state), fed._replace(outputs=rows[:, 1:2]))
        take_last_input(deviation, fed.symbol, fed.times[-1], float(fed.inputs[-1]))
        import_average(middle, indicator.middle_band, fed._replace(outputs=rows[:, 2:3]))

    def publish_parts(
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


# -- maximum and minimum ------------------------------------------------------------------------
class _ExtremeAdapter(BatchAdapter[Maximum | Minimum]):
    """`Maximum` / `Minimum`: state = (window ring, [current, removed], [tail, values seen, inputs
    since the extreme]); outputs the value and the inputs since it came."""

    outputs = 2

    def export_state(self, indicator: Maximum | Minimum) -> KernelState:
        ring, tail, seen, removed = _export_value_window(indicator._values)
        floats = np.array([indicator.current.value, removed], dtype=np.float64)
        return ring, floats, np.array([tail, seen, indicator._since], dtype=np.int64)

    def import_state(self, indicator: Maximum | Minimum, state: KernelState, fed: FedInputs) -> None:
        ring, floats, ints = state
        _import_value_window(indicator._values, ring, int(ints[0]), int(ints[1]), float(floats[1]))
        indicator._since = int(ints[2])

    def publish(
        self, indicator: Maximum | Minimum, symbol: Symbol | None, time: datetime, row: Sequence[float]
    ) -> None:
        # the streaming update counts the inputs since before it publishes (handlers read it)
        indicator._since = int(row[1])
        publish_value(indicator, symbol, time, row[0])


class MaximumAdapter(_ExtremeAdapter):
    """`Maximum` through `extreme_kernels.maximum_kernel`."""

    def run(self, state: KernelState, inputs: FloatArray, out: FloatArray) -> None:
        ring, floats, ints = state
        extreme_kernels.maximum_kernel(inputs, ring, floats, ints, out)


class MinimumAdapter(_ExtremeAdapter):
    """`Minimum` through `extreme_kernels.minimum_kernel`."""

    def run(self, state: KernelState, inputs: FloatArray, out: FloatArray) -> None:
        ring, floats, ints = state
        extreme_kernels.minimum_kernel(inputs, ring, floats, ints, out)


VOLATILITY_ADAPTERS: dict[type[IndicatorBase[Any]], BatchAdapter[Any]] = {
    Variance: VarianceAdapter(),
    StandardDeviation: _DEVIATION,
    TrueRange: _TRUE_RANGE,
    AverageTrueRange: AverageTrueRangeAdapter(),
    BollingerBands: BollingerBandsAdapter(),
    Maximum: MaximumAdapter(),
    Minimum: MinimumAdapter(),
}
