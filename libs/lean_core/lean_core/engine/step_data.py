"""One data batch as the algorithm walks it: a step cursor, lazy prices and lazy slices.

Nothing is built per step for a security nobody looks at. Each security's cache holds a
`PendingRows` that applies the batch's rows up to the cursor when a price is read, and each
step's `Slice` makes its bar objects only when user code reads it (a row's bar object, shared
by both, is built once; see `FrameRows`). Both give exactly what applying every row in step
order gives: the replay only skips rows whose every field a later row overwrites.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from lean_core.data.bars import QuoteBar, QuoteBarFrame, TickFrame, TradeBar, TradeBarFrame
from lean_core.data.slice import CustomData, QuoteBars, Slice, SymbolPoints, Ticks, TradeBars
from lean_core.engine.frame_rows import FrameRows
from lean_core.enums import SecurityType
from lean_core.securities.security import Security
from lean_core.symbols import Symbol

__all__ = ["BatchSteps", "PendingRows", "StepContents", "StepCursor"]

BoolArray = npt.NDArray[np.bool_]


class StepCursor:
    """The step of the current batch the algorithm has reached (-1 before the first)."""

    __slots__ = ("index",)

    def __init__(self) -> None:
        self.index = -1


class PendingRows:
    """A security's rows in the batch, applied to its cache up to the cursor when it is read."""

    __slots__ = ("_applied", "_cursor", "_frames", "_price_frame", "_security")

    def __init__(self, security: Security, frames: list[FrameRows], cursor: StepCursor) -> None:
        self._security = security
        self._frames = frames
        self._cursor = cursor
        self._applied = -1
        # Only trade bars set an equity's price (see `peek_price`).
        self._price_frame = _sole_trade_frame(frames) if security.cache.is_equity else None

    def peek_price(self) -> Decimal | None:
        """Return the price a catch-up would leave in the cache, without one, when that is plain.

        It is for an equity whose bars are one trade frame and quote frames: only trade bars set
        its price, so the price is the close of the trade frame's last real bar up to the cursor.
        None when that bar is not in this batch, has a zero close (which the cache ignores) or
        the security has other data: then only a catch-up knows.
        """
        frame, target = self._price_frame, self._cursor.index
        if frame is None or target < 0:
            return None
        row = frame.last_real_row(target)
        return None if row < 0 else frame.exact_close(row)

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
            steps = frame.last_real_step
            if steps is None:
                return first  # ticks and custom data replay in full
            step = int(steps[target])
            if step < first:
                continue
            if not frame.is_complete(frame.row_at(step)):
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


def _sole_trade_frame(frames: Sequence[FrameRows]) -> FrameRows | None:
    """Return the only trade bar frame among bar frames; None with several, none, ticks or custom data."""
    if not all(isinstance(frame.frame, TradeBarFrame | QuoteBarFrame) for frame in frames):
        return None
    trades = [frame for frame in frames if isinstance(frame.frame, TradeBarFrame)]
    return trades[0] if len(trades) == 1 else None


def _real_quote_at(frame: FrameRows, step: int) -> bool:
    """Tell whether a quote frame has a real (not filled-forward) bar at a step."""
    if not isinstance(frame.frame, QuoteBarFrame):
        return False
    row = frame.row_at(step)
    return row >= 0 and not bool(frame.frame.is_fill_forward[row])


class StepContents:
    """The slice contents of one step: the non-internal frames' points at that step."""

    __slots__ = ("_by_symbol", "_frames", "_quotes_count", "_step", "has_data")

    def __init__(
        self,
        frames: list[FrameRows],
        by_symbol: dict[Symbol, list[FrameRows]],
        step: int,
        has_data: bool,
        quotes_count: dict[Symbol, bool],
    ) -> None:
        """`quotes_count`: per symbol, whether its quote bars show in `slice[symbol]` (not an equity's)."""
        self._frames = frames
        self._by_symbol = by_symbol
        self._step = step
        self.has_data = has_data
        self._quotes_count = quotes_count

    def points_of(self, symbol: Symbol, *, quotes: bool = True, others: bool = True) -> SymbolPoints | None:
        """Return the symbol's points at this step, filed as `fill` files them (None with ticks).

        `quotes=False` leaves its quote bar out, `others=False` its trade bar and custom point:
        a reader that needs one kind does not pay for building the other.
        """
        points = SymbolPoints()
        for frame in self._by_symbol.get(symbol, ()):
            if isinstance(frame.frame, TickFrame):
                return None
            if not (quotes if type(frame.frame) is QuoteBarFrame else others):
                continue
            row = frame.row_at(self._step)
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

    def contains(self, symbol: Symbol) -> bool | None:
        """Tell whether `slice[symbol]` shows a point at this step, building none (None with ticks).

        Any trade bar or custom point counts; a quote bar counts unless the symbol is an equity's.
        """
        quotes_count = self._quotes_count.get(symbol, False)
        step = self._step
        found = False
        for frame in self._by_symbol.get(symbol, ()):
            kind = type(frame.frame)
            if kind is TickFrame:
                return None
            if frame.row_at(step) >= 0 and (quotes_count or kind is not QuoteBarFrame):
                found = True
        return found

    def fill(self, bars: TradeBars, quotes: QuoteBars, ticks: Ticks, custom: CustomData) -> None:
        """Put the step's points into the slice's collections."""
        step = self._step
        for frame in self._frames:
            symbol = frame.frame.symbol
            if isinstance(frame.frame, TickFrame):
                start, stop = frame.row_at(step), frame.row_at(step + 1)
                if stop > start:
                    ticks._items[symbol] = [frame.point(row) for row in range(start, stop)]  # type: ignore[misc]
                continue
            row = frame.row_at(step)
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
        self._quotes_count = _quotes_count(self._by_symbol)
        by_security: dict[int, list[FrameRows]] = {}
        securities: dict[int, Security] = {}
        for frame in frames:
            by_security.setdefault(id(frame.security), []).append(frame)
            securities[id(frame.security)] = frame.security
        self._pending = [
            (securities[key], PendingRows(securities[key], group, self.cursor))
            for key, group in by_security.items()
        ]

    def trade_bar_frame(self, symbol: Symbol) -> FrameRows | None:
        """Return the frame giving the symbol's slice its trade bars, or None unless one alone does.

        None too when the symbol has ticks or custom data, which reach consolidators in their place.
        """
        return _sole_trade_frame(self._by_symbol.get(symbol, ()))

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
        contents = StepContents(
            self._visible, self._by_symbol, step, bool(self._has_data[step]), self._quotes_count
        )
        return Slice(local_time, utc_time, contents=contents)


def _quotes_count(by_symbol: dict[Symbol, list[FrameRows]]) -> dict[Symbol, bool]:
    # An identifier decodes its security type on every read: once per batch, not per lookup.
    return {symbol: symbol.security_type != SecurityType.EQUITY for symbol in by_symbol}


def _steps_with_data(frames: list[FrameRows], step_count: int) -> BoolArray:
    has_data = np.zeros(step_count, dtype=np.bool_)
    for frame in frames:
        if isinstance(frame.frame, TickFrame):
            has_data |= np.diff(frame.rows) > 0
        else:
            has_data |= frame.rows >= 0
    return has_data
