"""Vectorised market-open tests over columns of naive local times (int64 ns since the epoch).

The exchange's open segments over the days the input covers are laid out as sorted, disjoint intervals of
absolute local time, built with one numpy expression per weekday plus the few special days (holidays, early
closes, late opens). Each row then needs one `np.searchsorted`: the cost grows with the number of days, not
the number of rows, so a year of minute bars for many symbols stays cheap.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date, timedelta
from functools import lru_cache
from typing import Final

import numpy as np
import numpy.typing as npt

from lean_core.time.exchange_hours import MarketHoursSegment, SecurityExchangeHours

__all__ = ["bars_open_mask", "open_mask"]

Int64Array = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_NS_PER_DAY: Final = 86_400 * 1_000_000_000
_EPOCH: Final = date(1970, 1, 1)
# 1970-01-01 was a Thursday, weekday 3 when Monday is 0.
_EPOCH_WEEKDAY: Final = 3


def _ns(value: timedelta) -> int:
    return (value.days * 86_400 + value.seconds) * 1_000_000_000 + value.microseconds * 1000


def _bounds(
    segments: tuple[MarketHoursSegment, ...] | list[MarketHoursSegment],
) -> tuple[Int64Array, Int64Array]:
    starts = np.fromiter((_ns(s.start) for s in segments), dtype=np.int64, count=len(segments))
    ends = np.fromiter((_ns(s.end) for s in segments), dtype=np.int64, count=len(segments))
    return starts, ends


def _special_day_numbers(hours: SecurityExchangeHours, first_day: int, last_day: int) -> list[int]:
    """Return the epoch day numbers of holidays, early closes and late opens between the two days."""
    special = hours.special_days
    low = bisect_left(special, _EPOCH + timedelta(days=first_day))
    high = bisect_right(special, _EPOCH + timedelta(days=last_day))
    return [(day - _EPOCH).days for day in special[low:high]]


@lru_cache(maxsize=256)
def open_intervals(
    hours: SecurityExchangeHours, first_day: int, last_day: int, extended_market_hours: bool
) -> tuple[Int64Array, Int64Array]:
    """Return the sorted starts and ends (local ns) of the open segments from `first_day` to `last_day`.

    Days are counted from 1970-01-01; the interval bounds are naive local times as ns since the epoch.
    Every subscription of an exchange asks for the same days window after window, so the answers are
    kept (the hours never change) and shared: the arrays are read-only.
    """
    days = np.arange(first_day, last_day + 1, dtype=np.int64)
    special = _special_day_numbers(hours, first_day, last_day)
    regular_days = days[~np.isin(days, np.asarray(special, dtype=np.int64))] if special else days
    weekdays = (regular_days + _EPOCH_WEEKDAY) % 7
    starts: list[Int64Array] = []
    ends: list[Int64Array] = []
    for weekday in range(7):
        segment_starts, segment_ends = _bounds(hours.weekday_segments(weekday, extended_market_hours))
        if segment_starts.size == 0:
            continue
        midnights = regular_days[weekdays == weekday] * _NS_PER_DAY
        starts.append((midnights[:, None] + segment_starts[None, :]).ravel())
        ends.append((midnights[:, None] + segment_ends[None, :]).ravel())
    for number in special:
        segment_starts, segment_ends = _bounds(
            hours.segments(_EPOCH + timedelta(days=number), extended_market_hours)
        )
        starts.append(segment_starts + number * _NS_PER_DAY)
        ends.append(segment_ends + number * _NS_PER_DAY)
    if not starts:
        return _read_only(np.zeros(0, dtype=np.int64)), _read_only(np.zeros(0, dtype=np.int64))
    all_starts = np.concatenate(starts)
    all_ends = np.concatenate(ends)
    order = np.argsort(all_starts, kind="stable")
    return _read_only(all_starts[order]), _read_only(all_ends[order])


def _read_only(array: Int64Array) -> Int64Array:
    array.setflags(write=False)
    return array


def bars_open_mask(
    hours: SecurityExchangeHours,
    start_ns: npt.ArrayLike,
    end_ns: npt.ArrayLike,
    extended_market_hours: bool,
) -> BoolArray:
    """Tell, per bar, whether the market is open at any time in [start, end) (LEAN's `IsOpen(start, end)`).

    A bar whose start equals its end is tested as a moment, as LEAN does. Inputs are naive local times in
    the exchange time zone, int64 ns since the epoch, of equal shape.
    """
    start = np.asarray(start_ns, dtype=np.int64)
    end = np.asarray(end_ns, dtype=np.int64)
    if start.shape != end.shape:
        raise ValueError(f"start_ns and end_ns differ in shape: {start.shape} != {end.shape}")
    if start.size == 0:
        return np.zeros(start.shape, dtype=np.bool_)
    if hours.is_always_open and not hours.special_days:
        return np.ones(start.shape, dtype=np.bool_)
    first_day = int(start.min()) // _NS_PER_DAY
    last_day = int(max(int(start.max()), int(end.max()))) // _NS_PER_DAY
    interval_starts, interval_ends = open_intervals(hours, first_day, last_day, extended_market_hours)
    if interval_starts.size == 0:
        return np.zeros(start.shape, dtype=np.bool_)
    # Intervals are disjoint and sorted, so the first one ending after the bar's start is the only candidate.
    candidate = np.searchsorted(interval_ends, start, side="right")
    found = candidate < interval_ends.size
    candidate_start = interval_starts[np.minimum(candidate, interval_ends.size - 1)]
    # A zero-length bar is a moment: open when a segment starts at or before it, i.e. before start + 1 ns.
    limit = np.maximum(end, start + 1)
    result: BoolArray = found & (candidate_start < limit)
    return result


def open_mask(
    hours: SecurityExchangeHours, local_ns: npt.ArrayLike, extended_market_hours: bool
) -> BoolArray:
    """Tell, per moment (naive local int64 ns), whether the exchange is open (LEAN's `IsOpen(time)`)."""
    moments = np.asarray(local_ns, dtype=np.int64)
    return bars_open_mask(hours, moments, moments, extended_market_hours)
