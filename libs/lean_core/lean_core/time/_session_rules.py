"""Pure rules over one day's market-hours segments, following LEAN's `LocalMarketHours`.

Segments are sorted, disjoint and never CLOSED (closed segments are dropped when the schedule is built).
Times of day are `timedelta`s from local midnight; a segment may end at one day (24:00).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from lean_core.enums import MarketHoursState

if TYPE_CHECKING:
    from lean_core.time.exchange_hours import MarketHoursSegment

ONE_DAY = timedelta(days=1)
_ZERO = timedelta(0)

Segments = tuple["MarketHoursSegment", ...]


def _counts(segment: MarketHoursSegment, extended_market_hours: bool) -> bool:
    """Tell whether a segment counts as open under the extended-hours choice."""
    return extended_market_hours or segment.state == MarketHoursState.MARKET


def is_continuous(
    previous_end: timedelta | None, next_start: timedelta | None, across_midnight: bool
) -> bool:
    """Tell whether a session ending at `previous_end` carries on into one starting at `next_start`."""
    if previous_end is None or next_start is None:
        return False
    if across_midnight:
        return previous_end == ONE_DAY and next_start == _ZERO
    return previous_end == next_start


def cut_at_early_close(segments: Segments, close: timedelta) -> Segments:
    """Return the segments that remain before an early close, the one spanning it shortened."""
    kept: list[MarketHoursSegment] = []
    for segment in segments:
        if segment.start <= close <= segment.end:
            return (*kept, segment.with_bounds(segment.start, close))
        if close < segment.start:
            # LEAN (SecurityExchangeHours.GetMarketHours) also drops the segment before a close that falls in
            # a gap between segments; we keep that behaviour so sessions match LEAN's to the minute.
            return tuple(kept[:-1])
        kept.append(segment)
    return tuple(kept)


def cut_at_late_open(segments: Segments, open_time: timedelta) -> Segments:
    """Return the segments that remain after a late open, the one spanning it shortened."""
    for index, segment in enumerate(segments):
        if segment.start <= open_time <= segment.end:
            return (segment.with_bounds(open_time, segment.end), *segments[index + 1 :])
        if open_time < segment.start:
            return segments[index:]
    # A late open after every segment leaves the day untouched in LEAN, so it does here too.
    return segments


def adjust_day(segments: Segments, early_close: timedelta | None, late_open: timedelta | None) -> Segments:
    """Apply a day's early close and late open to its regular segments, as LEAN combines them."""
    if early_close is None:
        return segments if late_open is None else cut_at_late_open(segments, late_open)
    before_close = cut_at_early_close(segments, early_close)
    if late_open is None:
        return before_close
    if early_close > late_open:
        return cut_at_late_open(before_close, late_open)
    # The market closes early and reopens later the same day: keep both pieces.
    source = before_close if early_close == late_open else segments
    return before_close + cut_at_late_open(source, late_open)


def market_duration(segments: Sequence[MarketHoursSegment]) -> timedelta:
    """Return the total length of the regular (MARKET) segments."""
    total = _ZERO
    for segment in segments:
        if segment.state == MarketHoursState.MARKET:
            total += segment.end - segment.start
    return total


def market_open_time(
    segments: Segments,
    time_of_day: timedelta,
    extended_market_hours: bool,
    previous_day_end: timedelta | None,
) -> timedelta | None:
    """Return the first session start after `time_of_day` that does not continue an earlier session."""
    previous_end = previous_day_end
    across_midnight = True
    for segment in segments:
        counts = _counts(segment, extended_market_hours)
        if segment.end <= time_of_day:
            if counts:
                previous_end, across_midnight = segment.end, False
            continue
        if counts:
            if not is_continuous(previous_end, segment.start, across_midnight):
                return segment.start
            previous_end, across_midnight = segment.end, False
    return None


def market_close_time(
    segments: Segments,
    time_of_day: timedelta,
    extended_market_hours: bool,
    last_close: bool,
    next_day_start: timedelta | None,
) -> timedelta | None:
    """Return the first (or, with `last_close`, the last) session end after `time_of_day`."""
    candidate: timedelta | None = None
    last_index = len(segments) - 1
    for index, segment in enumerate(segments):
        if segment.end <= time_of_day:
            continue
        if index < last_index:
            following = segments[index + 1]
            next_start = following.start if _counts(following, extended_market_hours) else None
            across_midnight = False
        else:
            next_start, across_midnight = next_day_start, True
        if not _counts(segment, extended_market_hours):
            continue
        if last_close:
            candidate = segment.end
        elif not is_continuous(segment.end, next_start, across_midnight):
            return segment.end
    return candidate
