"""Fill-forward: repeat a subscription's last bar at the steps where it has no data.

These are LEAN's rules (its `FillForwardEnumerator`), re-derived: between two bars, a
fill-forward bar is due at the earliest candidate end time that comes before the next
bar and where the market is open. Candidates are the next step of the fill-forward
resolution, the next step of the data resolution, and those steps after the next market
open; with strict daily end times the daily candidate is the session calendar instead.
Every fill-forward bar keeps the data resolution's period (a daily bar filled forward on
a minute step still spans a day) and the previous bar's prices, with zero volume.

All times here are naive datetimes in the exchange time zone; comparisons go through
UTC, as LEAN's do, so that bars across a daylight-saving change compare correctly.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from lean_core.data.bars import local_to_ns, ns_to_local
from lean_core.data.calendar import CalendarInfo, ExchangeHoursLike, daily_calendar
from lean_core.data.fill_forward_fast import GapPlan, plan_gaps, to_ns

_UTC = ZoneInfo("UTC")
_ONE_HOUR = timedelta(hours=1)
_MIDNIGHT_ORIGIN = datetime(1, 1, 1)


@dataclass(frozen=True, slots=True)
class BarSpan:
    """The times of one emitted bar: start, end, and whether it is a fill-forward copy."""

    time: datetime
    end_time: datetime
    is_fill_forward: bool = False


class FillForwarder:
    """Decide the fill-forward bars of one subscription (a plain, deterministic calculator)."""

    def __init__(
        self,
        exchange_hours: ExchangeHoursLike,
        data_time_zone: ZoneInfo,
        data_resolution: timedelta,
        fill_forward_resolution: timedelta,
        *,
        extended_market_hours: bool = False,
        strict_end_times: bool = False,
    ) -> None:
        self.hours = exchange_hours
        self.time_zone = exchange_hours.time_zone
        self.data_time_zone = data_time_zone
        self.data_resolution = data_resolution
        self.fill_forward_resolution = fill_forward_resolution
        self.extended = extended_market_hours
        self.strict = strict_end_times

    # -- public -------------------------------------------------------------------------------
    def between(self, previous: BarSpan, following: BarSpan) -> Iterator[BarSpan]:
        """Yield the fill-forward bars due after `previous` and before `following`."""
        current = previous
        while (fill := self.next_fill_forward(current, following)) is not None:
            yield fill
            current = fill

    def until_end(self, previous: BarSpan, subscription_end: datetime) -> Iterator[BarSpan]:
        """Yield the bars that carry `previous` to the end of the subscription."""
        if previous.end_time >= subscription_end:
            return
        calendar = self._end_of_subscription_calendar(subscription_end)
        last = BarSpan(calendar.start, calendar.end, True)
        current = previous
        while (fill := self.next_fill_forward(current, last)) is not None:
            yield fill
            current = fill
        if current.end_time != last.end_time and self.hours.is_open_between(
            last.time, last.end_time, self.extended
        ):
            yield last

    def next_fill_forward(self, previous: BarSpan, following: BarSpan) -> BarSpan | None:
        """Return the one fill-forward bar due after `previous`, or None when `following` is next."""
        previous_utc = self._utc(previous.time)
        next_utc = self._utc(following.time)
        if self._utc(following.end_time) < previous_utc:
            return None  # out of order: LEAN logs and emits the data as it comes
        if not self._gap_needs_fill(previous_utc, next_utc):
            return None
        next_period = following.end_time - following.time
        if previous.is_fill_forward and (not self.strict or next_period <= _ONE_HOUR):
            rounded_next = self._utc(self._round_down(following.time, next_period))
            if not self._gap_needs_fill(previous_utc, rounded_next):
                return None
        period = next_period if self.strict else self.data_resolution
        return self._first_open_candidate(previous, next_utc + period)

    # -- the candidate search -----------------------------------------------------------------
    def _first_open_candidate(self, previous: BarSpan, limit_utc: datetime) -> BarSpan | None:
        for candidate in self._candidates(previous.end_time):
            start = candidate.start
            if not (self.strict and candidate.period > _ONE_HOUR):
                start = self._round_down(start, candidate.period)
            end_utc = self._utc(start) + candidate.period
            if end_utc >= limit_utc:
                return None
            end_local = self._local(end_utc)
            if self.hours.is_open_between(end_local - candidate.period, end_local, self.extended):
                return BarSpan(
                    self._local(end_utc - self._expected_period(end_local, candidate)), end_local, True
                )
        return None

    def _expected_period(self, end_local: datetime, candidate: CalendarInfo) -> timedelta:
        if not self.strict:
            return self.data_resolution
        # With strict end times a filled daily bar spans its session (early closes included).
        return daily_calendar(self.hours, max(end_local - timedelta(microseconds=1), candidate.start)).period

    def _candidates(self, previous_end: datetime) -> Iterator[CalendarInfo]:
        fill, data = self.fill_forward_resolution, self.data_resolution
        if fill == data:
            yield from self._same_resolution_candidates(previous_end, fill)
        else:
            yield from self._mixed_resolution_candidates(previous_end, min(fill, data), max(fill, data))

    def _same_resolution_candidates(self, previous_end: datetime, step: timedelta) -> Iterator[CalendarInfo]:
        if not self.strict:
            if self.hours.is_open_between(previous_end, previous_end + step, self.extended):
                yield CalendarInfo(previous_end, step)
            yield CalendarInfo(self.hours.get_next_market_open(previous_end, self.extended), step)
            return
        yield daily_calendar(self.hours, self.hours.get_next_market_open(previous_end, False))

    def _mixed_resolution_candidates(
        self, previous_end: datetime, smaller: timedelta, larger: timedelta
    ) -> Iterator[CalendarInfo]:
        sortable: list[CalendarInfo] = []
        if self.hours.is_open_between(previous_end, previous_end + smaller, self.extended):
            if not self.strict:
                # Taken before the sorted ones: sorting would let a rounded larger step win.
                yield CalendarInfo(previous_end, smaller)
            else:
                sortable.append(CalendarInfo(previous_end, smaller))
        if self.strict:
            session = daily_calendar(self.hours, previous_end)
            if previous_end < session.end:
                sortable.append(session)
        else:
            start = self._round_down(previous_end, larger)
            if self.hours.is_open_between(start, start + larger, self.extended):
                sortable.append(CalendarInfo(start, larger))
        market_open = self.hours.get_next_market_open(previous_end, self.extended)
        sortable.append(CalendarInfo(market_open, smaller))
        if self.strict:
            sortable.append(daily_calendar(self.hours, self.hours.get_next_market_open(previous_end, False)))
        yield from sorted(sortable, key=lambda info: info.end)

    # -- helpers ------------------------------------------------------------------------------
    def _gap_needs_fill(self, previous_utc: datetime, next_utc: datetime) -> bool:
        gap = next_utc - previous_utc
        return gap > self.fill_forward_resolution or gap > self.data_resolution

    def _end_of_subscription_calendar(self, subscription_end: datetime) -> CalendarInfo:
        if self.strict:
            calendar = daily_calendar(self.hours, subscription_end)
            while calendar.end > subscription_end:
                calendar = daily_calendar(self.hours, calendar.start - timedelta(days=1))
            return calendar
        return CalendarInfo(self._round_down(subscription_end, self.data_resolution), self.data_resolution)

    def _round_down(self, local: datetime, interval: timedelta) -> datetime:
        """Round down in the data time zone, as LEAN does (daily bars start at data-zone midnight)."""
        if interval <= timedelta(0):
            return local
        in_data_zone = self._convert(local, self.time_zone, self.data_time_zone)
        rounded = in_data_zone - (in_data_zone - _MIDNIGHT_ORIGIN) % interval
        return self._convert(rounded, self.data_time_zone, self.time_zone)

    def _utc(self, local: datetime) -> datetime:
        return self._convert(local, self.time_zone, _UTC)

    def _local(self, utc: datetime) -> datetime:
        return self._convert(utc, _UTC, self.time_zone)

    @staticmethod
    def _convert(value: datetime, source: ZoneInfo, target: ZoneInfo) -> datetime:
        if source == target:
            return value
        return lean_to_utc(value, source).replace(tzinfo=_UTC).astimezone(target).replace(tzinfo=None)


def lean_to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """Return the naive UTC instant of a wall time, resolving DST the way LEAN does.

    A repeated wall time (clocks falling back) maps to the later instant; a skipped one
    (clocks springing forward) maps to the transition itself, the first instant after the gap.
    """
    later = local.replace(tzinfo=zone, fold=1).astimezone(_UTC).replace(tzinfo=None)
    if _wall_time(later, zone) == local:
        return later
    earlier = local.replace(tzinfo=zone, fold=0).astimezone(_UTC).replace(tzinfo=None)
    if _wall_time(earlier, zone) == local:
        return earlier
    # In a gap: bisect (to the second) for the transition between the two readings.
    low, high = min(later, earlier), max(later, earlier)
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if _wall_time(middle, zone) >= local:
            high = middle
        else:
            low = middle
    return high


def _wall_time(utc: datetime, zone: ZoneInfo) -> datetime:
    return utc.replace(tzinfo=_UTC).astimezone(zone).replace(tzinfo=None)


Plan = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]]


def fill_forward_plan(
    forwarder: FillForwarder,
    time_ns: npt.NDArray[np.int64],
    end_time_ns: npt.NDArray[np.int64],
    subscription_end: datetime | None,
) -> Plan:
    """Plan the rows of a filled-forward frame: (source row, start ns, end ns, is fill-forward).

    Only gaps wider than the smaller of the two resolutions are examined; contiguous bars (the
    bulk of any intraday file) pass through untouched. Gaps that are closed or stepwise are
    decided in bulk (`fill_forward_fast`); the rest go through the per-gap search.
    """
    return _plan(forwarder, time_ns, end_time_ns, subscription_end, fast=True)


def reference_fill_forward_plan(
    forwarder: FillForwarder,
    time_ns: npt.NDArray[np.int64],
    end_time_ns: npt.NDArray[np.int64],
    subscription_end: datetime | None,
) -> Plan:
    """Plan as `fill_forward_plan` does, sending every gap through the per-gap search (for tests)."""
    return _plan(forwarder, time_ns, end_time_ns, subscription_end, fast=False)


def _plan(
    forwarder: FillForwarder,
    time_ns: npt.NDArray[np.int64],
    end_time_ns: npt.NDArray[np.int64],
    subscription_end: datetime | None,
    *,
    fast: bool,
) -> Plan:
    count = len(time_ns)
    if count == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, np.zeros(0, dtype=np.bool_)
    step_ns = to_ns(min(forwarder.fill_forward_resolution, forwarder.data_resolution))
    gaps = np.flatnonzero(np.diff(time_ns) > step_ns).astype(np.int64)
    decided = plan_gaps(forwarder, time_ns, end_time_ns, gaps) if fast else GapPlan.all_slow(gaps)
    inserts: list[tuple[int, BarSpan]] = []
    zone = forwarder.time_zone
    for row in decided.slow_rows.tolist():
        previous = BarSpan(ns_to_local(int(time_ns[row]), zone), ns_to_local(int(end_time_ns[row]), zone))
        following = BarSpan(
            ns_to_local(int(time_ns[row + 1]), zone), ns_to_local(int(end_time_ns[row + 1]), zone)
        )
        inserts.extend((row, span) for span in forwarder.between(previous, following))
    if subscription_end is not None:
        last = count - 1
        previous = BarSpan(ns_to_local(int(time_ns[last]), zone), ns_to_local(int(end_time_ns[last]), zone))
        inserts.extend((last, span) for span in forwarder.until_end(previous, subscription_end))
    extra = _concatenate_inserts(decided, inserts, zone)
    return _merge_plan(time_ns, end_time_ns, *extra)


def _concatenate_inserts(
    decided: GapPlan, inserts: list[tuple[int, BarSpan]], zone: ZoneInfo
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Join the bulk-decided fill bars with the searched ones, ordered by source row."""
    source = np.concatenate([decided.source, np.array([row for row, _ in inserts], dtype=np.int64)])
    starts = np.concatenate(
        [decided.starts, np.array([local_to_ns(span.time, zone) for _, span in inserts], dtype=np.int64)]
    )
    ends = np.concatenate(
        [decided.ends, np.array([local_to_ns(span.end_time, zone) for _, span in inserts], dtype=np.int64)]
    )
    # A stable sort keeps each gap's bars in order; bars of different gaps never share a row.
    order = np.argsort(source, kind="stable")
    return source[order], starts[order], ends[order]


def _merge_plan(
    time_ns: npt.NDArray[np.int64],
    end_time_ns: npt.NDArray[np.int64],
    extra_source: npt.NDArray[np.int64],
    extra_time: npt.NDArray[np.int64],
    extra_end: npt.NDArray[np.int64],
) -> Plan:
    count = len(time_ns)
    source = np.concatenate([np.arange(count, dtype=np.int64), extra_source])
    starts = np.concatenate([time_ns, extra_time])
    ends = np.concatenate([end_time_ns, extra_end])
    filled = np.concatenate([np.zeros(count, dtype=np.bool_), np.ones(len(extra_source), dtype=np.bool_)])
    # A fill-forward bar sorts after its source row and before the next real row.
    order = np.lexsort((filled, ends))
    return source[order], starts[order], ends[order], filled[order]
