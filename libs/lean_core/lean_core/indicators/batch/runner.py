"""Run an indicator over a batch of inputs at once, then publish its values one step at a time.

`IndicatorBatch` is the batch path the engine uses: it computes every value of a batch with the
indicator's kernel when the batch arrives, and each `publish_next` makes the next one current,
counted and announced through `updated` exactly as a streaming `update` would. The kernel's state
is the indicator's until the batch ends (`detach`), when it goes back into the object. An input
from anywhere else (a manual `update`, `reset`, a second registration) detaches the batch first,
so the indicator never computes from a stale state.

`update_batch` is the same path for a caller holding a whole series.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt

from lean_core.indicators.base import IndicatorBase
from lean_core.indicators.batch.adapters import BatchAdapter, KernelState, publish_value
from lean_core.indicators.batch.registry import adapter_for
from lean_core.indicators.data_point import new_point
from lean_core.symbols import Symbol

__all__ = ["IndicatorBatch", "compute_batch", "update_batch"]

FloatArray = npt.NDArray[np.float64]


def _copy(state: KernelState) -> KernelState:
    return tuple(array.copy() for array in state)


class IndicatorBatch:
    """One indicator's values over a batch of inputs, published in order."""

    __slots__ = (
        "_adapter",
        "_end_state",
        "_inputs",
        "_parts",
        "_published",
        "_rows",
        "_start_state",
        "_times",
        "_values",
        "attached",
        "indicator",
        "symbol",
    )

    def __init__(
        self,
        indicator: IndicatorBase[Any],
        adapter: BatchAdapter[Any],
        symbol: Symbol | None,
        inputs: FloatArray,
        times: Sequence[datetime],
    ) -> None:
        parts = adapter.parts(indicator)
        for each in (indicator, *parts):
            if each._batch is not None:
                each._batch.detach()
        self.indicator = indicator
        self.symbol = symbol
        self._adapter = adapter
        self._inputs = inputs
        self._times = times
        self._start_state = adapter.export_state(indicator)
        self._end_state = _copy(self._start_state)
        out = np.empty((len(inputs), adapter.outputs), dtype=np.float64)
        adapter.run(self._end_state, inputs, out)
        # one-value kernels publish straight from a list of floats: the per-step path stays short
        self._values: list[float] = out[:, 0].tolist()
        self._rows: list[list[float]] | None = out.tolist() if adapter.outputs > 1 else None
        self._published = 0
        if indicator._last_symbol is not symbol:
            indicator._switch_symbol(symbol)  # what the first streaming update would do
        self.attached = True
        self._parts = parts
        indicator._batch = self
        for part in parts:  # a part's own update or reset detaches the whole batch first
            part._batch = self

    @classmethod
    def start(
        cls,
        indicator: IndicatorBase[Any],
        symbol: Symbol | None,
        inputs: FloatArray,
        times: Sequence[datetime],
    ) -> IndicatorBatch | None:
        """Return the batch of these inputs, or None when the streaming path must take them.

        That is: no kernel for the indicator's class, no inputs, an input that is not a finite
        number (the streaming path raises on it, at its step), or a first input older than the
        indicator's last (the streaming path ignores those).
        """
        adapter = adapter_for(indicator)
        if adapter is None or not len(inputs) or not np.isfinite(inputs).all():
            return None
        if indicator._last_symbol is symbol:
            last = indicator._last_input
        else:
            last = indicator._previous_inputs.get(symbol)
        if last is not None and times[0] < last.end_time:
            return None
        return cls(indicator, adapter, symbol, inputs, times)

    @property
    def remaining(self) -> int:
        """Return how many computed values were not published yet."""
        return len(self._values) - self._published

    def publish_next(self) -> None:
        """Make the next input's value current, as `update` with that input would."""
        index = self._published
        self._published = index + 1
        indicator = self.indicator
        if self._rows is None:
            publish_value(indicator, self.symbol, self._times[index], self._values[index])
        else:
            self._adapter.publish(indicator, self.symbol, self._times[index], self._rows[index])

    def detach(self) -> None:
        """Give the indicator its own state as of the last value published, and stop publishing."""
        if not self.attached:
            return
        self.attached = False
        indicator = self.indicator
        indicator._batch = None
        for part in self._parts:
            part._batch = None
        published = self._published
        if published == len(self._values):
            state = self._end_state
        else:  # stopped early: recompute the state of the values published (kernels are cheap)
            state = _copy(self._start_state)
            out = np.empty((published, self._adapter.outputs), dtype=np.float64)
            self._adapter.run(state, self._inputs[:published], out)
        self._adapter.import_state(indicator, state)
        if published:  # what the out-of-order check compares with, and its value (a bar's close)
            index = published - 1
            value = self._inputs[index] if self._inputs.ndim == 1 else self._inputs[index, -1]
            indicator._last_input = new_point(self.symbol, self._times[index], float(value))


def compute_batch(indicator: IndicatorBase[Any], inputs: FloatArray) -> FloatArray:
    """Return the indicator's values for `inputs` without publishing them or changing the indicator.

    For measuring the kernels alone (use `update_batch` to feed the indicator). `inputs` holds the
    adapter's `input_fields` as columns when there are several. Raises TypeError for an indicator
    without a batch path.
    """
    adapter = adapter_for(indicator)
    if adapter is None:
        raise TypeError(f"{type(indicator).__name__} has no batch path")
    out = np.empty((len(inputs), adapter.outputs), dtype=np.float64)
    adapter.run(adapter.export_state(indicator), inputs, out)
    return out[:, 0]


def update_batch(
    indicator: IndicatorBase[Any], times: Sequence[datetime], inputs: FloatArray, symbol: Symbol | None = None
) -> bool:
    """Feed a series through the batch path: the same end state and values as one `update` per input.

    `inputs` holds the adapter's `input_fields` as columns when there are several (high, low and
    close for a bar indicator, say). Falls back to streaming updates where the batch path cannot
    take the inputs; a bar indicator without a batch path raises TypeError. Returns `is_ready`.
    """
    batch = None
    if all(earlier <= later for earlier, later in pairwise(times)):
        batch = IndicatorBatch.start(indicator, symbol, np.ascontiguousarray(inputs, dtype=np.float64), times)
    if batch is None:
        if inputs.ndim != 1:
            raise TypeError(f"{indicator.name}: bar inputs take the batch path only; update() it with bars")
        for time, value in zip(times, inputs.tolist(), strict=True):
            indicator.update(new_point(symbol, time, value))
        return indicator.is_ready
    for _ in range(batch.remaining):
        batch.publish_next()
    batch.detach()
    return indicator.is_ready
