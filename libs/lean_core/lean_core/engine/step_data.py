"""One data batch as the algorithm walks it: a step cursor, lazy prices and lazy slices.

Nothing is built per step for a security nobody looks at. Each security's cache holds a
`PendingRows` that applies the batch's rows up to the cursor when a price is read, and each
step's `Slice` makes its bar objects only when user code reads it. A row reaches the cache as
its floats: its bar object, shared with the slice, is built only when someone reads it. All
give exactly what applying every row in step order gives: the replay only skips rows whose
every field a later row overwrites.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from lean_core.data.bars import (
    QuoteBar,
    QuoteBarFrame,
    Tick,
    TickFrame,
    TradeBar,
    TradeBarFrame,
    local_datetimes,
    quote_bar_at,
    trade_bar_at,
)
from lean_core.data.custom_data import DynamicData
from lean_core.data.slice import CustomData, QuoteBars, Slice, SymbolPoints, Ticks, TradeBars
from lean_core.engine.security_updates import (
    BarFrame,
    FactorRun,
    PriceFactors,
    data_point,
    factor_run,
    put_point,
)
from lean_core.securities.cache_entries import QuoteBarEntry, TradeBarEntry
from lean_core.securities.security import Security
from lean_core.symbols import Symbol

DataPoint = TradeBar | QuoteBar | Tick | DynamicData
BoolArray = npt.NDArray[np.bool_]
Int64Array = npt.NDArray[np.int64]
_ROWS_BEFORE_LISTS = 16
"""Rows a frame reads from its arrays before it copies its columns to lists."""


class StepCursor:
    """The step of the current batch the algorithm has reached (-1 before the first)."""

    __slots__ = ("index",)

    def __init__(self) -> None:
        self.index = -1


@dataclass(slots=True)
class FrameRows:
    """One subscription's frame in a batch and the row (or tick rows) it has at each step."""

    security: Security
    frame: BarFrame
    rows: Int64Array
    factors: PriceFactors
    is_internal: bool
    last_real_step: Int64Array | None = None
    """Per step, the latest step up to it with a real (not filled-forward) bar; None for ticks and custom."""
    complete: BoolArray | None = None
    """Per row, whether every cache field the bar sets is non-zero (so it hides all earlier rows)."""
    _points: dict[int, DataPoint] = field(default_factory=dict)
    _reads: int = 0
    _lists: tuple[list[Any], ...] | None = None
    _times: tuple[list[datetime], list[datetime]] = ([], [])
    _factor_run: FactorRun = (0, -1, None)

    def __post_init__(self) -> None:
        frame = self.frame
        if isinstance(frame, TradeBarFrame | QuoteBarFrame):
            self.last_real_step = _last_real_steps(self.rows, frame.is_fill_forward)
            self.complete = _complete_rows(frame)

    def point(self, row: int) -> DataPoint:
        """Return a row's data point, built once and shared by the cache and the slice."""
        point = self._points.get(row)
        if point is None:
            point = self._build(row)
            self._points[row] = point
        return point

    def _build(self, row: int) -> DataPoint:
        frame = self.frame
        lists = self._columns()
        if lists is None:
            return data_point(frame, row, self.security.exchange_hours.time_zone)
        time, end_time = self._times[0][row], self._times[1][row]
        if isinstance(frame, TradeBarFrame):
            return trade_bar_at(frame.symbol, time, end_time, lists, row)
        assert isinstance(frame, QuoteBarFrame)
        return quote_bar_at(frame.symbol, time, end_time, lists, row)

    def _columns(self) -> tuple[list[Any], ...] | None:
        """Return a bar frame's value columns as lists once its rows are read step after step.

        Python lists index several times faster than numpy scalars, and whole time columns
        convert at once: worth a copy for a frame read row after row, not for the few rows a
        catch-up reads. None until then (and for ticks and custom data).
        """
        if self._lists is not None:
            return self._lists
        frame = self.frame
        self._reads += 1
        if self._reads <= _ROWS_BEFORE_LISTS or not isinstance(frame, TradeBarFrame | QuoteBarFrame):
            return None
        zone = self.security.exchange_hours.time_zone
        self._times = (local_datetimes(frame.time, zone), local_datetimes(frame.end_time, zone))
        self._lists = tuple(column.tolist() for column in frame.value_columns())
        return self._lists

    def apply(self, step: int) -> None:
        """Put this frame's rows of one step into its security's cache."""
        if isinstance(self.frame, TickFrame):
            for row in range(int(self.rows[step]), int(self.rows[step + 1])):
                put_point(self.security, self.point(row), self._factor(row))
            return
        row = int(self.rows[step])
        if row < 0:
            return
        lists = self._columns()
        if lists is None:
            put_point(self.security, self.point(row), self._factor(row))
        elif isinstance(self.frame, TradeBarFrame):
            self._take_trade_bar(row, lists)
        else:
            self._take_quote_bar(row, lists)

    def _take_trade_bar(self, row: int, lists: tuple[list[Any], ...]) -> None:
        """Give the cache a trade row's floats: it builds the bar object only if someone reads it."""
        factor = self._set_factor(row)
        open_, high, low, close, volume, is_fill_forward = lists
        if is_fill_forward[row]:
            return
        values = (open_[row], high[row], low[row], close[row], volume[row])
        time, end_time = self._times[0][row], self._times[1][row]
        cache = self.security.cache
        cache.take_trade_bar(TradeBarEntry(time, end_time, values, cache.converter, factor, self, row))

    def _take_quote_bar(self, row: int, lists: tuple[list[Any], ...]) -> None:
        """Give the cache a quote row's floats (a NaN close marks a missing side, as in `_side`)."""
        factor = self._set_factor(row)
        (bid_open, bid_high, bid_low, bid_close, bid_size,
         ask_open, ask_high, ask_low, ask_close, ask_size, is_fill_forward) = lists  # fmt: skip
        if is_fill_forward[row]:
            return
        bid = ask = None
        if not math.isnan(bid_close[row]):
            bid = (bid_open[row], bid_high[row], bid_low[row], bid_close[row])
        if not math.isnan(ask_close[row]):
            ask = (ask_open[row], ask_high[row], ask_low[row], ask_close[row])
        time, end_time = self._times[0][row], self._times[1][row]
        cache = self.security.cache
        sizes = (bid_size[row], ask_size[row])
        cache.take_quote_bar(
            QuoteBarEntry(time, end_time, (bid, ask), sizes, cache.converter, factor, self, row)
        )

    def _set_factor(self, row: int) -> Decimal:
        """Make a row's factor the security's, as `put_point` does, and return the factor in force."""
        factor = self._factor(row)
        if factor is None:
            return self.security.price_factor
        self.security.price_factor = factor
        return factor

    def _factor(self, row: int) -> Decimal | None:
        """Return a row's exact price factor: rows come in order, so mostly from the same run."""
        first, stop, factor = self._factor_run
        if first <= row < stop:
            return factor
        self._factor_run = run = factor_run(self.factors, row)
        return run[2]


def _last_real_steps(rows: Int64Array, is_fill_forward: BoolArray) -> Int64Array:
    real = rows >= 0
    real[real] = ~is_fill_forward[rows[real]]
    steps = np.where(real, np.arange(len(rows), dtype=np.int64), -1)
    return np.maximum.accumulate(steps) if len(steps) else steps


def _complete_rows(frame: TradeBarFrame | QuoteBarFrame) -> BoolArray:
    columns: tuple[npt.NDArray[np.float64], ...]
    if isinstance(frame, TradeBarFrame):
        columns = (frame.open, frame.high, frame.low, frame.close, frame.volume)
    else:
        columns = (
            frame.bid_open, frame.bid_high, frame.bid_low, frame.bid_close, frame.bid_size,
            frame.ask_open, frame.ask_high, frame.ask_low, frame.ask_close, frame.ask_size,
        )  # fmt: skip
    complete = np.ones(len(frame), dtype=np.bool_)
    for column in columns:
        complete &= (column != 0) & ~np.isnan(column)  # NaN: a missing quote side
    return complete


class PendingRows:
    """A security's rows in the batch, applied to its cache up to the cursor when it is read."""

    __slots__ = ("_applied", "_cursor", "_frames", "_security")

    def __init__(self, security: Security, frames: list[FrameRows], cursor: StepCursor) -> None:
        self._security = security
        self._frames = frames
        self._cursor = cursor
        self._applied = -1

    def catch_up(self) -> None:
        """Apply the rows of every step up to the cursor that were not applied yet."""
        target = self._cursor.index
        if target <= self._applied:
            return
        first, self._applied = self._applied + 1, target
        for step in range(self._replay_start(first, target), target + 1):
            for frame in self._frames:
                frame.apply(step)

    def _replay_start(self, first: int, target: int) -> int:
        """Return the first step whose rows can change what the cache shows after `target`.

        A frame's last real bar sets every field that frame writes when none of them is zero,
        so earlier steps matter only when some frame's last bar leaves a field to an older one.
        """
        if first == target:  # one step, the usual read
            return self._one_step_start(target)
        return self._range_start(first, target)

    def _one_step_start(self, step: int) -> int:
        """Return what `_range_start(step, step)` returns, with less work.

        The range rule replays the step when a frame has a real bar in it, or when the cache has
        no last data yet; it skips a step of only filled-forward bars otherwise.
        """
        for frame in self._frames:
            steps = frame.last_real_step
            if steps is None or steps[step] == step:
                return step
        return step if self._security.cache._last is None else step + 1

    def _range_start(self, first: int, target: int) -> int:
        start = target + 1
        for frame in self._frames:
            if frame.last_real_step is None or frame.complete is None:
                return first  # ticks and custom data replay in full
            step = int(frame.last_real_step[target])
            if step < first:
                continue
            if not frame.complete[int(frame.rows[step])]:
                return first
            start = min(start, step)
        if start > first and self._security.cache._last is None and not self._keeps_last_data(first, target):
            return first  # an older point would stay the cache's last data: replay everything
        return start

    def _keeps_last_data(self, first: int, target: int) -> bool:
        """Tell whether a frame's last bar in the range becomes the cache's last data when replayed.

        With no last data yet, the first point of a partial replay is kept whatever the tie rule
        says, where a full replay might keep an older one. That cannot matter once some later
        point is kept by the rule itself: a default-type bar that is not a trade bar arriving
        after a quote bar of the same step (a quote ends at the step's time, as the trade does).
        """
        is_equity = self._security.cache.is_equity
        for index, frame in enumerate(self._frames):
            if frame.last_real_step is None:
                return False
            step = int(frame.last_real_step[target])
            if step < first:
                continue
            if isinstance(frame.frame, QuoteBarFrame):
                if not is_equity:  # a quote bar of another type is kept unconditionally
                    return True
            elif not any(_real_quote_at(other, step) for other in self._frames[:index]):
                return True
        return False


def _real_quote_at(frame: FrameRows, step: int) -> bool:
    """Tell whether a quote frame has a real (not filled-forward) bar at a step."""
    if not isinstance(frame.frame, QuoteBarFrame):
        return False
    row = int(frame.rows[step])
    return row >= 0 and not bool(frame.frame.is_fill_forward[row])


class StepContents:
    """The slice contents of one step: the non-internal frames' points at that step."""

    __slots__ = ("_by_symbol", "_frames", "_step", "has_data")

    def __init__(
        self, frames: list[FrameRows], by_symbol: dict[Symbol, list[FrameRows]], step: int, has_data: bool
    ) -> None:
        self._frames = frames
        self._by_symbol = by_symbol
        self._step = step
        self.has_data = has_data

    def points_of(self, symbol: Symbol) -> SymbolPoints | None:
        """Return the symbol's points at this step, filed as `fill` files them (None with ticks)."""
        points = SymbolPoints()
        for frame in self._by_symbol.get(symbol, ()):
            if isinstance(frame.frame, TickFrame):
                return None
            row = int(frame.rows[self._step])
            if row < 0:
                continue
            point = frame.point(row)
            if isinstance(point, TradeBar):
                points.bar = point
            elif isinstance(point, QuoteBar):
                points.quote = point
            else:
                points.custom = point
        return points

    def fill(self, bars: TradeBars, quotes: QuoteBars, ticks: Ticks, custom: CustomData) -> None:
        """Put the step's points into the slice's collections."""
        step = self._step
        for frame in self._frames:
            symbol = frame.frame.symbol
            if isinstance(frame.frame, TickFrame):
                start, stop = int(frame.rows[step]), int(frame.rows[step + 1])
                if stop > start:
                    ticks._items[symbol] = [frame.point(row) for row in range(start, stop)]  # type: ignore[misc]
                continue
            row = int(frame.rows[step])
            if row < 0:
                continue
            point = frame.point(row)
            if isinstance(point, TradeBar):
                bars._items[symbol] = point
            elif isinstance(point, QuoteBar):
                quotes._items[symbol] = point
            else:
                custom._items[symbol] = point


class BatchSteps:
    """A batch's frames, the cursor over its steps, and each security's pending rows."""

    def __init__(self, frames: list[FrameRows], step_count: int) -> None:
        self.cursor = StepCursor()
        self._visible = [frame for frame in frames if not frame.is_internal]
        self._by_symbol: dict[Symbol, list[FrameRows]] = {}
        for frame in self._visible:
            self._by_symbol.setdefault(frame.frame.symbol, []).append(frame)
        self._has_data = _steps_with_data(self._visible, step_count)
        by_security: dict[int, list[FrameRows]] = {}
        securities: dict[int, Security] = {}
        for frame in frames:
            by_security.setdefault(id(frame.security), []).append(frame)
            securities[id(frame.security)] = frame.security
        self._pending = [
            (securities[key], PendingRows(securities[key], group, self.cursor))
            for key, group in by_security.items()
        ]

    def attach(self) -> None:
        """Make the securities read their prices from this batch."""
        for security, pending in self._pending:
            security.cache.attach(pending)

    def detach(self) -> None:
        """Apply what is left of the batch to every security and stop reading from it.

        The caches then build what still waits on the batch's frames, so they do not keep it alive.
        """
        for security, pending in self._pending:
            pending.catch_up()
            security.cache.attach(None)
            security.cache.settle()

    def advance(self, step: int) -> None:
        """Move to a step: its prices become what the securities show."""
        self.cursor.index = step

    def slice(self, step: int, local_time: datetime, utc_time: datetime) -> Slice:
        """Return the step's slice (its bar objects are built when read)."""
        contents = StepContents(self._visible, self._by_symbol, step, bool(self._has_data[step]))
        return Slice(local_time, utc_time, contents=contents)


def _steps_with_data(frames: list[FrameRows], step_count: int) -> BoolArray:
    has_data = np.zeros(step_count, dtype=np.bool_)
    for frame in frames:
        if isinstance(frame.frame, TickFrame):
            has_data |= np.diff(frame.rows) > 0
        else:
            has_data |= frame.rows >= 0
    return has_data
