"""How each batch-capable indicator's state moves between the indicator object and its kernel.

An adapter lays the indicator's state out as arrays for its kernel (`export_state`), runs the kernel
over inputs (`run`), writes a kernel's state back into the object (`import_state`) and publishes one
computed row as the streaming update would (`publish`). This module holds the base class and the
moving averages' adapters; `registry.py` lists every family's.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeVar

import numpy as np
import numpy.typing as npt

from lean_core.indicators.base import IndicatorBase
from lean_core.indicators.batch import kernels
from lean_core.indicators.moving_averages import ExponentialMovingAverage, SimpleMovingAverage, Sum
from lean_core.symbols import Symbol

__all__ = ["MOVING_AVERAGE_ADAPTERS", "BatchAdapter", "KernelState", "publish_value"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
KernelState = tuple[npt.NDArray[Any], ...]
"""The arrays a kernel advances in place, in the order it takes them."""

IndicatorT = TypeVar("IndicatorT", bound=IndicatorBase[Any])


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
    def import_state(self, indicator: IndicatorT, state: KernelState) -> None:
        """Make the indicator's own state the kernel's."""

    @abstractmethod
    def run(self, state: KernelState, inputs: FloatArray, out: FloatArray) -> None:
        """Compute a row of `out` per input row, advancing `state`.

        `inputs` is 1-D for one input field, else one column per field of `input_fields`.
        """

    def parts(self, indicator: IndicatorT) -> tuple[IndicatorBase[Any], ...]:
        """Return the indicators `publish` updates along with this one (its bands, its average...).

        The batch ties them to itself as it ties the indicator: an update or reset of any of them
        first hands the batch's state back, so none computes from a stale state.
        """
        return ()

    def accepts(self, indicator: IndicatorT) -> bool:
        """Return whether the kernel computes this instance (some options may have no kernel)."""
        return True

    def publish(
        self, indicator: IndicatorT, symbol: Symbol | None, time: datetime, row: Sequence[float]
    ) -> None:
        """Count one input and make its value current, as the streaming update does."""
        publish_value(indicator, symbol, time, row[0])


def publish_value(indicator: IndicatorBase[Any], symbol: Symbol | None, time: datetime, value: float) -> None:
    """Count a sample; a NaN value is the streaming path's "no value" (`current` stays)."""
    if math.isnan(value):
        indicator.samples += 1
    else:
        indicator._publish(symbol, time, value)


class _RunningSumAdapter(BatchAdapter[SimpleMovingAverage | Sum]):
    """SMA and SUM: state = (ring of the last `period` values, [total], [oldest slot, values seen])."""

    def export_state(self, indicator: SimpleMovingAverage | Sum) -> KernelState:
        running = indicator._sum
        ring = np.zeros(running._size, dtype=np.float64)
        ring[: len(running._values)] = running._values
        floats = np.array([running.total], dtype=np.float64)
        ints = np.array([running._next, running._samples], dtype=np.int64)
        return ring, floats, ints

    def import_state(self, indicator: SimpleMovingAverage | Sum, state: KernelState) -> None:
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


class ExponentialMovingAverageAdapter(BatchAdapter[ExponentialMovingAverage]):
    """`ExponentialMovingAverage`: state = ([seed sum, current, weight, retain], [samples, period])."""

    def export_state(self, indicator: ExponentialMovingAverage) -> KernelState:
        values = [indicator._initial_sum, indicator.current.value, indicator._k, indicator._retain]
        floats = np.array(values, dtype=np.float64)
        return floats, np.array([indicator.samples, indicator._period], dtype=np.int64)

    def import_state(self, indicator: ExponentialMovingAverage, state: KernelState) -> None:
        indicator._initial_sum = float(state[0][0])

    def run(self, state: KernelState, inputs: FloatArray, out: FloatArray) -> None:
        floats, ints = state
        kernels.ema_kernel(inputs, floats, ints, out)


MOVING_AVERAGE_ADAPTERS: dict[type[IndicatorBase[Any]], BatchAdapter[Any]] = {
    SimpleMovingAverage: SimpleMovingAverageAdapter(),
    Sum: SumAdapter(),
    ExponentialMovingAverage: ExponentialMovingAverageAdapter(),
}
