"""How each batch-capable indicator's state moves between the indicator object and its kernel.

An adapter lays the indicator's state out as arrays for its kernel (`export_state`), runs the kernel
over inputs (`run`), writes a kernel's state back into the object (`import_state`) and publishes one
computed row as the streaming update would (`publish`). This module holds the base class, its
helpers, and the moving averages' adapters (which the composites of every family also run their
averages through: see `averages.py`); `registry.py` lists every family's.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar, Generic, NamedTuple, TypeVar

import numpy as np
import numpy.typing as npt

from lean_core.indicators.base import IndicatorBase
from lean_core.indicators.batch import kernels
from lean_core.indicators.data_point import IndicatorDataPoint, new_point
from lean_core.indicators.moving_averages import (
    ExponentialMovingAverage,
    LinearWeightedMovingAverage,
    SimpleMovingAverage,
    Sum,
    WilderMovingAverage,
)
from lean_core.indicators.rolling_window import RollingWindow
from lean_core.symbols import Symbol

__all__ = [
    "MOVING_AVERAGE_ADAPTERS",
    "BatchAdapter",
    "CompositeAdapter",
    "FedInputs",
    "KernelState",
    "export_point_window",
    "feed_point_window",
    "publish_value",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
KernelState = tuple[npt.NDArray[Any], ...]
"""The arrays a kernel advances in place, in the order it takes them."""

IndicatorT = TypeVar("IndicatorT", bound=IndicatorBase[Any])


class FedInputs(NamedTuple):
    """The inputs a kernel state took since the indicator's own state, with the rows it computed.

    For the state a kernel does not carry: the points of a window of inputs (their symbol and
    times), or what an indicator's parts were fed.
    """

    symbol: Symbol | None
    times: Sequence[datetime]
    #: 1-D for one input field, else one column per field
    inputs: FloatArray
    #: one row per input, as `run` wrote them
    outputs: FloatArray


class BatchAdapter(ABC, Generic[IndicatorT]):
    """Moves one indicator class's state to and from its kernel."""

    #: values a kernel computes per input: the indicator's own first, then its parts'
    outputs: ClassVar[int] = 1
    #: the bar fields a kernel reads, in its input columns' order; one field: a 1-D input array
    input_fields: ClassVar[tuple[str, ...]] = ("close",)

    @abstractmethod
    def export_state(self, indicator: IndicatorT) -> KernelState:
        """Return the indicator's state as its kernel's arrays (new arrays: the kernel writes them)."""

    @abstractmethod
    def import_state(self, indicator: IndicatorT, state: KernelState, fed: FedInputs) -> None:
        """Make the indicator's own state the kernel's, which took `fed` since the indicator's own.

        `samples`, `current` and `window` (the indicator's and its parts') are already those
        of the last row `fed` holds: publishing set them.
        """

    @abstractmethod
    def run(self, state: KernelState, inputs: FloatArray, out: FloatArray) -> None:
        """Compute a row of `out` per input row, advancing `state`.

        `inputs` is 1-D for one input field, else one column per field of `input_fields`.
        """

    def accepts(self, indicator: IndicatorT) -> bool:
        """Return whether the kernel computes this instance (its options may ask for another kernel)."""
        return True

    def parts(self, indicator: IndicatorT) -> tuple[IndicatorBase[Any], ...]:
        """Return the indicators `publish` updates along with this one (an RSI's averages, the bands...).

        The batch ties them to itself as it ties the indicator: an update or reset of any of them
        from elsewhere first hands the batch's state back, so none computes from a stale state.
        """
        return ()

    def publish(
        self, indicator: IndicatorT, symbol: Symbol | None, time: datetime, row: Sequence[float]
    ) -> None:
        """Count one input and make its value current, as the streaming update does."""
        publish_value(indicator, symbol, time, row[0])


class CompositeAdapter(BatchAdapter[IndicatorT]):
    """An indicator whose parts publish before it does: RSI, MACD, ATR, Bollinger bands."""

    def publish(
        self, indicator: IndicatorT, symbol: Symbol | None, time: datetime, row: Sequence[float]
    ) -> None:
        # streaming counts the input before the parts take it: their handlers see that count
        indicator.samples += 1
        self.publish_parts(indicator, symbol, time, row)
        indicator.samples -= 1  # publish_value counts it
        publish_value(indicator, symbol, time, row[0])

    @abstractmethod
    def publish_parts(
        self, indicator: IndicatorT, symbol: Symbol | None, time: datetime, row: Sequence[float]
    ) -> None:
        """Publish the parts' values of one row (columns 1 on), in the streaming path's order."""


def publish_value(indicator: IndicatorBase[Any], symbol: Symbol | None, time: datetime, value: float) -> None:
    """Count a sample; a NaN value is the streaming path's "no value" (`current` stays)."""
    if math.isnan(value):
        indicator.samples += 1
    else:
        indicator._publish(symbol, time, value)


def export_point_window(window: RollingWindow[IndicatorDataPoint], *extra: int) -> KernelState:
    """Return a window of input points as a kernel's state: (ring, [oldest slot, samples, *extra]).

    The ring holds the points' values laid out as the window's items.
    """
    ring = np.zeros(window.size, dtype=np.float64)
    ring[: window.count] = [point.value for point in window._items]
    return ring, np.array([window._tail, window.samples, *extra], dtype=np.int64)


def feed_point_window(
    window: RollingWindow[IndicatorDataPoint],
    symbol: Symbol | None,
    times: Sequence[datetime],
    values: FloatArray,
) -> None:
    """Add the points a kernel took to the window of input points, as their updates would have.

    Only the last `size + 1` can still show (the window and the point pushed out last, which the
    rates of change read), so the others are only counted: whole turns of the ring of them, so
    that every point kept lands in the slot its update gives it (and the ring the next batch
    exports is the streaming one).
    """
    count, size = len(times), window.size
    skipped = max(0, count - (size + 1))
    if size:
        skipped -= skipped % size
    for time, value in zip(times[skipped:], values[skipped:].tolist(), strict=True):
        window.add(new_point(symbol, time, value))
    window._samples += skipped


class _RunningSumAdapter(BatchAdapter[SimpleMovingAverage | Sum]):
    """SMA and SUM: state = (ring of the last `period` values, [total], [oldest slot, values seen])."""

    def export_state(self, indicator: SimpleMovingAverage | Sum) -> KernelState:
        running = indicator._sum
        ring = np.zeros(running._size, dtype=np.float64)
        ring[: len(running._values)] = running._values
        floats = np.array([running.total], dtype=np.float64)
        ints = np.array([running._next, running._samples], dtype=np.int64)
        return ring, floats, ints

    def import_state(self, indicator: SimpleMovingAverage | Sum, state: KernelState, fed: FedInputs) -> None:
        ring, floats, ints = state
        running = indicator._sum
        seen = int(ints[1])
        running._values = ring[: min(seen, len(ring))].tolist()
        running._next = int(ints[0])
        running._samples = seen
        running.total = float(floats[0])


class SimpleMovingAverageAdapter(_RunningSumAdapter):
    """`SimpleMovingAverage` through `sma_kernel`."""

    def run(self, state: KernelState, inputs: FloatArray, out: FloatArray) -> None:
        ring, floats, ints = state
        kernels.sma_kernel(inputs, ring, floats, ints, out)


class SumAdapter(_RunningSumAdapter):
    """`Sum` through `sum_kernel`."""

    def run(self, state: KernelState, inputs: FloatArray, out: FloatArray) -> None:
        ring, floats, ints = state
        kernels.sum_kernel(inputs, ring, floats, ints, out)


class _SmoothingAdapter(BatchAdapter[ExponentialMovingAverage | WilderMovingAverage]):
    """EMA and Wilder's average, seeded by the simple average of their first values.

    State = ([seed sum, current, weight, retain], [samples, period]); `kind` picks the seed rule.
    """

    kind: ClassVar[int]

    def export_state(self, indicator: ExponentialMovingAverage | WilderMovingAverage) -> KernelState:
        values = [indicator._initial_sum, indicator.current.value, indicator._k, indicator._retain]
        floats = np.array(values, dtype=np.float64)
        return floats, np.array([indicator.samples, indicator._period], dtype=np.int64)

    def import_state(
        self, indicator: ExponentialMovingAverage | WilderMovingAverage, state: KernelState, fed: FedInputs
    ) -> None:
        indicator._initial_sum = float(state[0][0])  # current and samples: published

    def run(self, state: KernelState, inputs: FloatArray, out: FloatArray) -> None:
        floats, ints = state
        kernels.smoothing_kernel(inputs, floats, ints, out, self.kind)


class ExponentialMovingAverageAdapter(_SmoothingAdapter):
    """`ExponentialMovingAverage` through `smoothing_kernel`."""

    kind = kernels.EXPONENTIAL


class WilderMovingAverageAdapter(_SmoothingAdapter):
    """`WilderMovingAverage` through `smoothing_kernel`."""

    kind = kernels.WILDERS


class LinearWeightedMovingAverageAdapter(BatchAdapter[LinearWeightedMovingAverage]):
    """`LinearWeightedMovingAverage`: state = (ring, [oldest slot, samples, denominator]).

    The ring only feeds the kernel: the indicator's window of points is rebuilt from the inputs.
    """

    def export_state(self, indicator: LinearWeightedMovingAverage) -> KernelState:
        return export_point_window(indicator._inputs, indicator._denominator)

    def import_state(
        self, indicator: LinearWeightedMovingAverage, state: KernelState, fed: FedInputs
    ) -> None:
        feed_point_window(indicator._inputs, fed.symbol, fed.times, fed.inputs)

    def run(self, state: KernelState, inputs: FloatArray, out: FloatArray) -> None:
        ring, ints = state
        kernels.lwma_kernel(inputs, ring, ints, out, int(ints[2]))


MOVING_AVERAGE_ADAPTERS: dict[type[IndicatorBase[Any]], BatchAdapter[Any]] = {
    SimpleMovingAverage: SimpleMovingAverageAdapter(),
    Sum: SumAdapter(),
    ExponentialMovingAverage: ExponentialMovingAverageAdapter(),
    WilderMovingAverage: WilderMovingAverageAdapter(),
    LinearWeightedMovingAverage: LinearWeightedMovingAverageAdapter(),
}
