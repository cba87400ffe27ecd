"""The batch path in the time step: helper indicators computed a batch at a time, published per step.

When a batch arrives, each indicator a helper (`self.sma(...)` and the rest) feeds straight from a
symbol's trade bars gets all its values for the batch from its kernel at once. The time step then
publishes the value of each step that has a bar, where the streaming path would have updated the
indicator through its consolidator: same values, same order, same `updated` events. Whatever the
batch path cannot take (no kernel, a non-finite price, ticks or custom data) streams as before.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from lean_core.algorithm.subscriptions import Registration
from lean_core.data.bars import TradeBarFrame
from lean_core.engine.step_data import BatchSteps, StepCursor
from lean_core.indicators.batch import IndicatorBatch, adapter_for

__all__ = ["IndicatorStepFeed", "finish_indicator_feeds", "start_indicator_feeds"]

FloatArray = npt.NDArray[np.float64]


class IndicatorStepFeed:
    """One registration's batch of indicator values and the steps that publish them."""

    __slots__ = ("_batch", "_cursor", "_has_bar")

    def __init__(self, batch: IndicatorBatch, cursor: StepCursor, has_bar: list[bool]) -> None:
        self._batch = batch
        self._cursor = cursor
        self._has_bar = has_bar

    def publish(self) -> bool:
        """Publish the current step's value, if its step has a bar; False once the batch let go."""
        batch = self._batch
        if not batch.attached:  # something else updated the indicator: stream from here on
            return False
        if self._has_bar[self._cursor.index]:
            batch.publish_next()
        return True


def start_indicator_feeds(
    registrations: list[Registration], steps: BatchSteps, first_step: int
) -> list[IndicatorBatch]:
    """Compute this batch's values of every batch-capable indicator and attach their feeds.

    `first_step` is the first step the time step runs: earlier ones only prime prices.
    """
    batches = []
    for registration in registrations:
        registration.feed = None
        indicator = registration.indicator
        if indicator is None or not registration.reads_trades:
            continue
        adapter = adapter_for(indicator)
        if adapter is None:
            continue
        frame = steps.trade_bar_frame(registration.symbol)
        if frame is None:
            continue
        bars = frame.frame
        assert isinstance(bars, TradeBarFrame)
        has_bar = frame.rows >= 0
        has_bar[:first_step] = False
        rows = frame.rows[has_bar]
        end_ns = bars.end_time[rows]
        if len(rows) > 1 and not bool((np.diff(end_ns) > 0).all()):
            continue  # a repeated end time, which the consolidator would drop: leave it to streaming
        end_times = frame.local_end_times()
        times = [end_times[row] for row in rows.tolist()]
        if not _finite_bars(bars, rows):
            continue  # the streaming update raises on a non-finite price, at its step
        inputs = _input_columns(bars, rows, adapter.input_fields)
        batch = IndicatorBatch.start(indicator, registration.symbol, inputs, times)
        if batch is not None:
            registration.feed = IndicatorStepFeed(batch, steps.cursor, has_bar.tolist())
            batches.append(batch)
    return batches


def _finite_bars(bars: TradeBarFrame, rows: npt.NDArray[np.int64]) -> bool:
    columns = (bars.open, bars.high, bars.low, bars.close, bars.volume)
    return all(bool(np.isfinite(column[rows]).all()) for column in columns)


def _input_columns(bars: TradeBarFrame, rows: npt.NDArray[np.int64], fields: tuple[str, ...]) -> FloatArray:
    """Return the fields' values at `rows`: 1-D for one field, else one column per field."""
    if len(fields) == 1:
        return np.ascontiguousarray(getattr(bars, fields[0])[rows], dtype=np.float64)
    return np.ascontiguousarray(
        np.column_stack([getattr(bars, name)[rows] for name in fields]), dtype=np.float64
    )


def finish_indicator_feeds(registrations: list[Registration], batches: list[IndicatorBatch]) -> None:
    """Detach every feed: each indicator takes its state as of its last published value."""
    for registration in registrations:
        registration.feed = None
    for batch in batches:
        batch.detach()
