"""One subscription's bars, produced a stretch of time at a time.

The pipeline is LEAN's subscription enumerators as whole-array steps: read the files of
some days -> price normalisation -> strict daily end times -> the request's time range ->
fill-forward -> the market-hours filter. Reading all days at once (`advance(END_OF_STREAM)`)
and reading them a few at a time give the same rows, because the only steps that look
beyond a row are carried from one stretch to the next:

- the range step drops a bar that does not end after every bar before it: the latest end
  time seen so far is carried;
- fill-forward looks at each pair of consecutive bars: the last bar it saw (before the
  market-hours filter, so possibly a post-market bar) is carried and prepended to the next
  stretch, and the copies up to the end of the subscription are made only at the real end.

A stretch is complete up to a time T once a bar ending after T has gone through
fill-forward: later bars end after it, and so do the copies made from it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Final
from zoneinfo import ZoneInfo

import numpy as np

from lean_core.data.bars import (
    Frame,
    Int64Array,
    OpenInterestFrame,
    QuoteBarFrame,
    TickFrame,
    TradeBarFrame,
    local_to_ns,
    ns_to_local,
)
from lean_core.data.calendar import daily_calendar, uses_strict_end_times
from lean_core.data.fill_forward import FillForwarder, fill_forward_plan
from lean_core.data.paths import is_hour_or_daily
from lean_core.enums import Resolution, TickType
from lean_core.time.market_hours import SecurityExchangeHours
from lean_core.time.open_mask import bars_open_mask
from lean_core.time.time_zones import utc_ns_to_local_ns

if TYPE_CHECKING:
    from lean_core.data.readers import ReadRequest
    from lean_core.data.subscription import SubscriptionDataConfig, SubscriptionDataReader

StreamFrame = TradeBarFrame | QuoteBarFrame | TickFrame

#: A time after every bar: `advance(END_OF_STREAM)` reads the whole range.
END_OF_STREAM: Final = int(np.iinfo(np.int64).max)
_BEFORE_EVERY_BAR: Final = int(np.iinfo(np.int64).min)
_UTC = ZoneInfo("UTC")
_ONE_DAY = timedelta(days=1)


class SubscriptionStream:
    """Produce one subscription's bars in time order, reading files only as far as asked."""

    def __init__(
        self,
        reader: SubscriptionDataReader,
        config: SubscriptionDataConfig,
        start: datetime,
        end: datetime,
        fill_forward_span: timedelta | None = None,
    ) -> None:
        if config.tick_type == TickType.OPEN_INTEREST:
            raise ValueError("open interest has no bars to stream")
        self.reader = reader
        self.config = config
        self.hours = reader.exchange_hours(config.symbol)
        zone = self.hours.time_zone
        self._start_ns, self._end_ns, self._end = local_to_ns(start, zone), local_to_ns(end, zone), end
        self._next_day: date | None = start.date() - _ONE_DAY
        self._last_day = end.date()
        self._strict = uses_strict_end_times(
            config.symbol, config.increment, self.hours, reader.daily_strict_end_times
        )
        self._forwarder = self._fill_forwarder(fill_forward_span)
        self._latest_end = _BEFORE_EVERY_BAR  # the latest end time read: the range step's order check
        self._frontier = _BEFORE_EVERY_BAR  # the end time of the last bar through fill-forward
        empty = _empty(config)
        self._ranged: StreamFrame = empty  # bars in range, not yet through fill-forward
        self._carry: StreamFrame | None = None  # the last bar through fill-forward, unfiltered
        self._ready: StreamFrame = empty  # finished bars not yet taken
        self.missing_days: list[date] = []
        self.done = False

    def _fill_forwarder(self, span: timedelta | None) -> FillForwarder | None:
        config = self.config
        if not config.fill_forward or config.resolution == Resolution.TICK:
            return None
        return FillForwarder(
            self.hours,
            config.data_time_zone,
            config.increment,
            span or config.increment,
            extended_market_hours=config.extended_market_hours,
            strict_end_times=self._strict,
        )

    # -- public -------------------------------------------------------------------------------
    def advance(self, until_ns: int) -> None:
        """Produce every bar ending at or before `until_ns` (UTC ns), reading files as needed."""
        while not self.done and self._frontier <= until_ns:
            beyond = int(np.searchsorted(self._ranged.end_time, until_ns, side="right"))
            if beyond < len(self._ranged):
                self._finish_bars(beyond + 1, final=False)
            elif self._next_day is not None:
                self._read(until_ns)
            else:
                self._finish_bars(len(self._ranged), final=True)

    def take(self, until_ns: int) -> StreamFrame:
        """Remove and return the produced bars ending at or before `until_ns`."""
        count = int(np.searchsorted(self._ready.end_time, until_ns, side="right"))
        taken = self._ready.select(slice(0, count))
        self._ready = _rest(self._ready, count)
        return taken

    def ready_end_times(self, until_ns: int) -> Int64Array:
        """Return the end times of the produced, untaken bars ending at or before `until_ns`."""
        ends = self._ready.end_time
        return ends[: int(np.searchsorted(ends, until_ns, side="right"))]

    # -- the pipeline -------------------------------------------------------------------------
    def planned_requests(self, after_ns: int | None, until_ns: int) -> list[ReadRequest]:
        """Return the day files a window from `after_ns` to `until_ns` is expected to open.

        For reading them ahead while the stream is still short of `after_ns`: a read up to a time
        covers its whole day, so the window reads from the day after `after_ns`'s (or from the
        next unread day, if later; None: from that day) to the day of `until_ns`.
        """
        first = self._next_day
        if first is None or self.done:
            return []
        if after_ns is not None:
            first = max(first, ns_to_local(after_ns, self.hours.time_zone).date() + _ONE_DAY)
        if first > self._last_day:
            return []
        last = self._read_until(first, until_ns)
        # Ending on a closed day, the window reads on to the next open one to see past its cut.
        while last < self._last_day and not self.hours.is_date_open(last, self.config.extended_market_hours):
            last += _ONE_DAY
        return self.reader.day_requests(self.config, self.hours, first, last)

    def _read_until(self, first: date, until_ns: int) -> date:
        """Return the last day a read starting at `first` covers: the day of `until_ns`, at least `first`."""
        last = self._last_day
        if until_ns < self._end_ns and not is_hour_or_daily(self.config.resolution):
            last = max(first, min(last, ns_to_local(until_ns, self.hours.time_zone).date()))
        return last

    def _read(self, until_ns: int) -> None:
        """Read the next days' files, up to the day of `until_ns` (at least one day)."""
        first = self._next_day
        assert first is not None
        last = self._read_until(first, until_ns)
        self._next_day = last + _ONE_DAY if last < self._last_day else None
        frame, missing = self.reader.read_days(self.config, self.hours, first, last)
        self.missing_days.extend(missing)
        frame = self.reader.normalize(self.config, frame)
        if self._strict and isinstance(frame, TradeBarFrame | QuoteBarFrame):
            frame = _apply_strict_end_times(frame, self.hours)
        if isinstance(frame, OpenInterestFrame):
            raise TypeError("open interest has no bars to stream")
        ranged, self._latest_end = _clip_to_range(frame, self._start_ns, self._end_ns, self._latest_end)
        self._ranged = _join(self._ranged, ranged)

    def _finish_bars(self, count: int, *, final: bool) -> None:
        """Fill forward the first `count` ranged bars, filter them by market hours and keep them."""
        bars = self._ranged.select(slice(0, count))
        self._ranged = _rest(self._ranged, count)
        if len(bars):
            self._frontier = int(bars.end_time[-1])
        if self._forwarder is not None and not isinstance(bars, TickFrame):
            bars = self._fill_forward(bars, self._forwarder, final)
        bars = _market_hours_filter(bars, self.hours, self.config.extended_market_hours)
        self._ready = _join(self._ready, bars)
        self.done = final

    def _fill_forward(
        self, bars: TradeBarFrame | QuoteBarFrame, forwarder: FillForwarder, final: bool
    ) -> TradeBarFrame | QuoteBarFrame:
        """Fill forward `bars` after the carried bar; at the real end, up to the subscription's end."""
        carry = self._carry
        if isinstance(carry, TickFrame):
            raise TypeError("ticks are not filled forward")
        if carry is None and not len(bars):
            return bars
        joined = bars if carry is None else _join(carry, bars)
        if isinstance(joined, TickFrame):
            raise TypeError("ticks are not filled forward")
        # A copy: a view of the last row would keep the whole stretch's arrays alive.
        self._carry = joined.select(np.array([len(joined) - 1], dtype=np.intp))
        filled = _fill_forward(joined, forwarder, self._end if final else None)
        # The carried bar went out with the stretch before; only what follows it is new.
        return filled if carry is None else filled.select(slice(1, None))


def concat_frames(config: SubscriptionDataConfig, frames: list[Frame]) -> Frame:
    """Join a subscription's frames end to end (an empty frame of its kind when there are none)."""
    symbol = config.symbol
    if config.tick_type == TickType.OPEN_INTEREST:
        parts = [f for f in frames if isinstance(f, OpenInterestFrame)]
        return OpenInterestFrame(
            symbol,
            np.concatenate([f.time for f in parts]) if parts else np.zeros(0, dtype=np.int64),
            np.concatenate([f.value for f in parts]) if parts else np.zeros(0, dtype=np.float64),
        )
    if config.resolution == Resolution.TICK:
        return TickFrame.concat(symbol, config.tick_type, [f for f in frames if isinstance(f, TickFrame)])
    if config.tick_type == TickType.QUOTE:
        return QuoteBarFrame.concat(symbol, [f for f in frames if isinstance(f, QuoteBarFrame)])
    return TradeBarFrame.concat(symbol, [f for f in frames if isinstance(f, TradeBarFrame)])


def _empty(config: SubscriptionDataConfig) -> StreamFrame:
    frame = concat_frames(config, [])
    if isinstance(frame, OpenInterestFrame):
        raise TypeError("open interest has no bars to stream")
    return frame


def _rest(frame: StreamFrame, count: int) -> StreamFrame:
    """Return the rows after the first `count`: a copy when they are few, so the rest can be freed."""
    if 2 * (len(frame) - count) <= len(frame):
        return frame.select(np.arange(count, len(frame), dtype=np.intp))
    return frame.select(slice(count, None))


def _join(first: StreamFrame, second: StreamFrame) -> StreamFrame:
    """Join two frames of one subscription, without copying when one of them is empty."""
    if not len(second):
        return first
    if not len(first):
        return second
    if isinstance(first, TickFrame) and isinstance(second, TickFrame):
        return TickFrame.concat(first.symbol, first.tick_type, [first, second])
    if isinstance(first, QuoteBarFrame) and isinstance(second, QuoteBarFrame):
        return QuoteBarFrame.concat(first.symbol, [first, second])
    if isinstance(first, TradeBarFrame) and isinstance(second, TradeBarFrame):
        return TradeBarFrame.concat(first.symbol, [first, second])
    raise TypeError(f"cannot join a {type(first).__name__} and a {type(second).__name__}")


def _apply_strict_end_times(
    frame: TradeBarFrame | QuoteBarFrame, hours: SecurityExchangeHours
) -> TradeBarFrame | QuoteBarFrame:
    """Move daily bars to their session: start at the open, end at the close (LEAN's strict end times)."""
    zone = hours.time_zone
    local_end = utc_ns_to_local_ns(frame.end_time, zone)
    local_start = utc_ns_to_local_ns(frame.time, zone)
    starts, ends, keep = [], [], []
    for index, end_ns in enumerate(local_end.tolist()):
        calendar = daily_calendar(hours, ns_to_local(end_ns, _UTC))
        if local_to_ns(calendar.end, _UTC) < int(local_start[index]):
            continue  # an extended-hours point that belongs to no regular session
        keep.append(index)
        starts.append(local_to_ns(calendar.start, zone))
        ends.append(local_to_ns(calendar.end, zone))
    selected = frame.select(np.array(keep, dtype=np.intp))
    return replace(selected, time=np.array(starts, dtype=np.int64), end_time=np.array(ends, dtype=np.int64))


def _clip_to_range(
    frame: StreamFrame, start_ns: int, end_ns: int, latest_end: int
) -> tuple[StreamFrame, int]:
    """Keep rows ending in [start, end] whose end time is later than every one before, as LEAN's reader.

    `latest_end` is the latest end time of the rows read before `frame`; returns the kept rows
    and the latest end time including `frame`'s. Ticks are kept in file order.
    """
    if not len(frame):
        return frame, latest_end
    ends = frame.end_time
    increasing = np.ones(len(ends), dtype=np.bool_)
    if not isinstance(frame, TickFrame):
        running = np.maximum.accumulate(np.concatenate([np.array([latest_end], dtype=np.int64), ends]))
        increasing = ends > running[:-1]
        latest_end = int(running[-1])
    keep = increasing & (ends >= start_ns) & (frame.time <= end_ns)
    return (frame if keep.all() else frame.select(keep)), latest_end


def _fill_forward(
    frame: TradeBarFrame | QuoteBarFrame, forwarder: FillForwarder, end: datetime | None
) -> TradeBarFrame | QuoteBarFrame:
    source, starts, ends, filled = fill_forward_plan(forwarder, frame.time, frame.end_time, end)
    if not filled.any():
        return frame
    result = replace(frame.select(source), time=starts, end_time=ends, is_fill_forward=filled)
    if isinstance(result, TradeBarFrame):
        # LEAN zeroes a fill-forward bar's volume so volume indicators are not skewed.
        result = replace(result, volume=np.where(filled, 0.0, result.volume))
    return result


def _market_hours_filter(frame: StreamFrame, hours: SecurityExchangeHours, extended: bool) -> StreamFrame:
    if not len(frame):
        return frame
    zone = hours.time_zone
    start = utc_ns_to_local_ns(frame.time, zone)
    end = utc_ns_to_local_ns(frame.end_time, zone)
    keep = bars_open_mask(hours, start, end, extended)
    return frame if keep.all() else frame.select(keep)
