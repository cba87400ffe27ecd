"""Vectorised fill-forward planning for the gaps whose outcome needs no candidate search.

`FillForwarder.next_fill_forward` walks candidate end times one gap at a time, converting
datetimes between zones; at ~100 µs a gap that dominated reading sparse intraday data. Most
gaps fall in one of two cases decided here for all gaps at once, in int64 nanoseconds:

* closed: the market (with the subscription's extended flag) is closed over every interval a
  candidate could test, so the gap yields nothing;
* stepwise: data and fill-forward share one intraday step, and from the market's next open
  moment after the previous bar the market stays open up to the next bar, so a bar is due at
  every step from that moment to the next bar: none when the next bar opens the session (or
  comes before the market opens again), every step of a hole inside a session.

Both are only claimed where neither the exchange nor the data time zone changes its UTC
offset near the gap and all times are whole microseconds (the per-gap path works in
microsecond datetimes); every other gap goes back to the per-gap path, which stays the
reference. The argument for each case is in the docstring of its mask.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Final

import numpy as np
import numpy.typing as npt

from lean_core.time.exchange_hours import SecurityExchangeHours
from lean_core.time.open_mask import open_intervals
from lean_core.time.utc_offsets import stable_offset_mask, utc_offsets_ns

if TYPE_CHECKING:
    from lean_core.data.fill_forward import FillForwarder

Int64Array = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_HOUR_NS: Final = 3600 * 1_000_000_000
_DAY_NS: Final = 24 * _HOUR_NS


def to_ns(span: timedelta) -> int:
    """Return a timedelta in whole nanoseconds."""
    return (span.days * 86_400 + span.seconds) * 1_000_000_000 + span.microseconds * 1000


@dataclass(frozen=True, slots=True)
class GapPlan:
    """The gaps left for the per-gap path, and the fill bars decided here (UTC ns)."""

    slow_rows: Int64Array
    source: Int64Array
    starts: Int64Array
    ends: Int64Array

    @classmethod
    def all_slow(cls, rows: Int64Array) -> GapPlan:
        """Return a plan that leaves every gap to the per-gap path."""
        empty = np.zeros(0, dtype=np.int64)
        return cls(rows, empty, empty, empty)


@dataclass(frozen=True, slots=True)
class _Gaps:
    """The two bars around each gap, as UTC ns, plus local (exchange zone) copies of the bounds."""

    rows: Int64Array
    previous_time: Int64Array
    previous_end: Int64Array
    next_time: Int64Array
    next_end: Int64Array
    exchange_offset: Int64Array
    data_offset: Int64Array


@dataclass(frozen=True, slots=True)
class _OpenRuns:
    """Maximal runs of open time (adjacent segments joined), naive exchange-local ns, sorted."""

    starts: Int64Array
    ends: Int64Array

    def containing(self, local: Int64Array) -> Int64Array:
        """Return, per moment, the index of the first run ending after it (len(runs) when none)."""
        return np.searchsorted(self.ends, local, side="right").astype(np.int64)

    def start_of(self, index: Int64Array) -> Int64Array:
        """Return each run's start; past the last run, a start no moment reaches."""
        padded = np.append(self.starts, np.iinfo(np.int64).max)
        return padded[index]

    def end_of(self, index: Int64Array) -> Int64Array:
        """Return each run's end; past the last run, an end before every moment."""
        padded = np.append(self.ends, np.iinfo(np.int64).min)
        return padded[index]


def plan_gaps(
    forwarder: FillForwarder, time_ns: Int64Array, end_time_ns: Int64Array, rows: Int64Array
) -> GapPlan:
    """Decide the closed and contiguous gaps among `rows`; return the others as slow rows."""
    hours = forwarder.hours
    if not isinstance(hours, SecurityExchangeHours) or rows.size == 0:
        return GapPlan.all_slow(rows)
    gaps = _gather(forwarder, time_ns, end_time_ns, rows)
    low, high = _search_window(forwarder, gaps)
    eligible = _eligible(forwarder, gaps, low, high)
    if not eligible.any():
        return GapPlan.all_slow(rows)
    low_local, high_local = low + gaps.exchange_offset, high + gaps.exchange_offset
    runs = _open_runs(hours, low_local[eligible], high_local[eligible], forwarder.extended)
    closed = eligible & _closed_mask(runs, low_local, high_local)
    stepwise, first_fill = _stepwise_mask(forwarder, gaps, runs)
    stepwise &= eligible & ~closed
    source, starts, ends = _stepwise_fills(forwarder, gaps, stepwise, first_fill)
    return GapPlan(rows[~(closed | stepwise)], source, starts, ends)


def _gather(
    forwarder: FillForwarder, time_ns: Int64Array, end_time_ns: Int64Array, rows: Int64Array
) -> _Gaps:
    previous_time = time_ns[rows]
    return _Gaps(
        rows=rows,
        previous_time=previous_time,
        previous_end=end_time_ns[rows],
        next_time=time_ns[rows + 1],
        next_end=end_time_ns[rows + 1],
        exchange_offset=utc_offsets_ns(previous_time, forwarder.time_zone),
        data_offset=utc_offsets_ns(previous_time, forwarder.data_time_zone),
    )


def _search_window(forwarder: FillForwarder, gaps: _Gaps) -> tuple[Int64Array, Int64Array]:
    """Return [low, high) in UTC ns holding every interval the first candidate search can test.

    Candidates start no earlier than a round-down (by at most the larger resolution) of the
    previous end or of a later market open; they end before the limit, the next bar's time plus
    the data period (the next bar's own period with strict end times). The strict daily session
    around the previous end can start earlier: `_closed_mask` deals with it.
    """
    larger = to_ns(max(forwarder.fill_forward_resolution, forwarder.data_resolution))
    limit = gaps.next_end if forwarder.strict else gaps.next_time + to_ns(forwarder.data_resolution)
    return gaps.previous_end - larger, limit


def _eligible(forwarder: FillForwarder, gaps: _Gaps, low: Int64Array, high: Int64Array) -> BoolArray:
    """Tell which gaps may be decided here: whole microseconds and no UTC offset change nearby."""
    times = (gaps.previous_time, gaps.previous_end, gaps.next_time, gaps.next_end)
    whole = np.logical_and.reduce([column % 1000 == 0 for column in times])
    ordered = (gaps.previous_time < gaps.previous_end) & (gaps.previous_end <= gaps.next_time)
    ordered &= gaps.next_time < gaps.next_end
    span_low = np.minimum(low, gaps.previous_time) - _HOUR_NS
    span_high = np.maximum(high, gaps.next_end) + _HOUR_NS
    stable = stable_offset_mask(forwarder.time_zone, span_low, span_high)
    stable &= stable_offset_mask(forwarder.data_time_zone, span_low, span_high)
    result: BoolArray = whole & ordered & stable
    return result


def _open_runs(
    hours: SecurityExchangeHours, low_local: Int64Array, high_local: Int64Array, extended: bool
) -> _OpenRuns:
    # A day of slack each side: a search window's open run may reach past its own days.
    first_day = int(low_local.min()) // _DAY_NS - 1
    last_day = int(high_local.max()) // _DAY_NS + 1
    starts, ends = open_intervals(hours, first_day, last_day, extended)
    if starts.size == 0:
        return _OpenRuns(starts, ends)
    joined = np.flatnonzero(starts[1:] <= ends[:-1]) + 1
    keep_start = np.ones(starts.size, dtype=np.bool_)
    keep_start[joined] = False
    keep_end = np.roll(keep_start, -1)
    return _OpenRuns(starts[keep_start], ends[keep_end])


def _closed_mask(runs: _OpenRuns, low_local: Int64Array, high_local: Int64Array) -> BoolArray:
    """Tell which gaps have the market closed over all of [low, high): those yield no bar.

    A fill bar needs a candidate interval that is open and ends before the limit (`high`).
    Rounded candidates start at or after `low`, so they lie inside [low, high) and are closed.
    The strict daily sessions (around the previous end, and from the next regular open) are
    regular trading time that contains the previous end or that open; both moments are at or
    after `low`, and before the session's end, which would have to come before `high`: so such
    a session would make [low, high) open. With the offsets stable, local and UTC spans agree.
    """
    index = runs.containing(low_local)
    closed: BoolArray = runs.start_of(index) >= high_local
    return closed


def _stepwise_mask(forwarder: FillForwarder, gaps: _Gaps, runs: _OpenRuns) -> tuple[BoolArray, Int64Array]:
    """Tell which gaps get a bar at every step from the next open moment to the next bar.

    Returns the mask and, per gap, that moment in UTC ns (where the fills would start).

    With one intraday step for data and fill-forward, no strict end times, both bars one step
    long and on the step grid: let `first` be the previous end if the market is open there, else
    the next open moment. Before `first` the market is closed, so the step after the previous end
    is no candidate and the next-open candidate is `first` rounded down to the grid. If `first`
    is at or after the next bar, that rounding is at or after the next bar's time (a grid point),
    its end reaches the limit, and the gap yields nothing. Otherwise, if `first` is on the grid and
    the market stays open from it to the next bar, each search takes the step after the last bar
    (open, before the limit) until the step reaches the next bar, where the gap test stops it.
    """
    rows = gaps.rows.size
    step = forwarder.data_resolution
    if forwarder.strict or forwarder.fill_forward_resolution != step or _DAY_NS % to_ns(step):
        return np.zeros(rows, dtype=np.bool_), np.zeros(rows, dtype=np.int64)
    step_ns = to_ns(step)
    one_step = gaps.previous_end - gaps.previous_time == step_ns
    one_step &= gaps.next_end - gaps.next_time == step_ns
    # The grid is the data time zone's; the origin's offset from the epoch is whole days.
    aligned = (gaps.previous_end + gaps.data_offset) % step_ns == 0
    aligned &= (gaps.next_time + gaps.data_offset) % step_ns == 0
    previous_end_local = gaps.previous_end + gaps.exchange_offset
    next_local = gaps.next_time + gaps.exchange_offset
    index = runs.containing(previous_end_local)
    # `first` (local): at the next bar when the market opens no earlier (the run's end then
    # passes the next bar too); past the last run, start is int64 max and end int64 min.
    reopens = runs.start_of(index) < next_local
    first_local = np.where(reopens, np.maximum(previous_end_local, runs.start_of(index)), next_local)
    first = first_local - gaps.exchange_offset
    steps_from_first = ((first + gaps.data_offset) % step_ns == 0) & (runs.end_of(index) >= next_local)
    result: BoolArray = one_step & aligned & steps_from_first
    return result, first


def _stepwise_fills(
    forwarder: FillForwarder, gaps: _Gaps, stepwise: BoolArray, first_fill: Int64Array
) -> tuple[Int64Array, Int64Array, Int64Array]:
    step_ns = to_ns(forwarder.data_resolution)
    first_start = first_fill[stepwise]
    counts = np.maximum((gaps.next_time[stepwise] - first_start) // step_ns, 0)
    total = int(counts.sum())
    offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    starts = np.repeat(first_start, counts) + offsets * step_ns
    return np.repeat(gaps.rows[stepwise], counts), starts, starts + step_ns
