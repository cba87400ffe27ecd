"""Batch adapters of the momentum family: momentum and the rates of change.

Also Wilder's and the linear weighted average, which RSI and MACD average with.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from lean_core.indicators.base import IndicatorBase, WindowIndicator
from lean_core.indicators.batch import momentum_kernels as kernels
from lean_core.indicators.batch.adapters import BatchAdapter, FedInputs, KernelState
from lean_core.indicators.data_point import IndicatorDataPoint, new_point
from lean_core.indicators.momentum import (
    Momentum,
    MomentumPercent,
    RateOfChange,
    RateOfChangePercent,
    RateOfChangeRatio,
)
from lean_core.indicators.moving_averages import LinearWeightedMovingAverage, WilderMovingAverage
from lean_core.indicators.rolling_window import RollingWindow
from lean_core.symbols import Symbol

__all__ = ["MOMENTUM_ADAPTERS"]

FloatArray = npt.NDArray[np.float64]


# --------------------------------------------------------------------------------------------
# Windows of input points
# --------------------------------------------------------------------------------------------
def _export_window(window: RollingWindow[IndicatorDataPoint], *extra: int) -> KernelState:
    """Return a window's values as a ring laid out as its items, and [oldest slot, samples, *extra]."""
    ring = np.zeros(window.size, dtype=np.float64)
    ring[: window.count] = [point.value for point in window._items]
    return ring, np.array([window._tail, window.samples, *extra], dtype=np.int64)


def _feed_window(
    window: RollingWindow[IndicatorDataPoint],
    symbol: Symbol | None,
    times: Sequence[datetime],
    values: FloatArray,
) -> None:
    """Add the points a kernel took to the window of input points, as their updates would have.

    Only the last `size + 1` can still show (the window and the point pushed out last, which the
    rates of change read), so only those are added and the others only counted.
    """
    count = len(times)
    skipped = count - min(count, window.size + 1)
    for time, value in zip(times[skipped:], values[skipped:].tolist(), strict=True):
        window.add(new_point(symbol, time, value))
    window._samples += skipped


class _ChangeAdapter(BatchAdapter[WindowIndicator[IndicatorDataPoint]]):
    """Momentum and the rates of change: state = (ring of the window's values, [oldest slot, samples]).

    The ring only feeds the kernel: the indicator's window of points is rebuilt from the inputs.
    """

    def __init__(self, mode: int) -> None:
        self._mode = mode

    def export_state(self, indicator: WindowIndicator[IndicatorDataPoint]) -> KernelState:
        return _export_window(indicator._inputs)

    def import_state(
        self, indicator: WindowIndicator[IndicatorDataPoint], state: KernelState, fed: FedInputs
    ) -> None:
        _feed_window(indicator._inputs, fed.symbol, fed.times, fed.inputs)

    def run(self, state: KernelState, inputs: FloatArray, out: FloatArray) -> None:
        ring, ints = state
        kernels.change_kernel(inputs, ring, ints, out, self._mode)


class LinearWeightedMovingAverageAdapter(BatchAdapter[LinearWeightedMovingAverage]):
    """`LinearWeightedMovingAverage`: state = (ring, [oldest slot, samples, denominator])."""

    def export_state(self, indicator: LinearWeightedMovingAverage) -> KernelState:
        return _export_window(indicator._inputs, indicator._denominator)

    def import_state(
        self, indicator: LinearWeightedMovingAverage, state: KernelState, fed: FedInputs
    ) -> None:
        _feed_window(indicator._inputs, fed.symbol, fed.times, fed.inputs)

    def run(self, state: KernelState, inputs: FloatArray, out: FloatArray) -> None:
        ring, ints = state
        kernels.lwma_kernel(inputs, ring, ints, out, int(ints[2]))


class WilderMovingAverageAdapter(BatchAdapter[WilderMovingAverage]):
    """`WilderMovingAverage`: state = ([first values' sum, current, weight, retain], [samples, period])."""

    def export_state(self, indicator: WilderMovingAverage) -> KernelState:
        values = [indicator._initial_sum, indicator.current.value, indicator._k, indicator._retain]
        floats = np.array(values, dtype=np.float64)
        return floats, np.array([indicator.samples, indicator._period], dtype=np.int64)

    def import_state(self, indicator: WilderMovingAverage, state: KernelState, fed: FedInputs) -> None:
        indicator._initial_sum = float(state[0][0])

    def run(self, state: KernelState, inputs: FloatArray, out: FloatArray) -> None:
        floats, ints = state
        kernels.wilder_kernel(inputs, floats, ints, out)


MOMENTUM_ADAPTERS: dict[type[IndicatorBase[Any]], BatchAdapter[Any]] = {
    Momentum: _ChangeAdapter(kernels.MOMENTUM),
    RateOfChange: _ChangeAdapter(kernels.RATE_OF_CHANGE),
    RateOfChangePercent: _ChangeAdapter(kernels.RATE_OF_CHANGE_PERCENT),
    MomentumPercent: _ChangeAdapter(kernels.RATE_OF_CHANGE_PERCENT),
    RateOfChangeRatio: _ChangeAdapter(kernels.RATE_OF_CHANGE_RATIO),
    WilderMovingAverage: WilderMovingAverageAdapter(),
    LinearWeightedMovingAverage: LinearWeightedMovingAverageAdapter(),
}
