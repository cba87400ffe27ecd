"""Decode and check one market-hours database entry; every error names the entry's key and the field."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

import msgspec

from lean_core.enums import MarketHoursState
from lean_core.errors import MarketHoursError
from lean_core.time.exchange_hours import MarketHoursSegment, SecurityExchangeHours
from lean_core.time.time_zones import get_time_zone

# The weekday fields in date.weekday() order (Monday = 0).
WEEKDAY_FIELDS: Final = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_STATES: Final = {
    "closed": MarketHoursState.CLOSED,
    "premarket": MarketHoursState.PRE_MARKET,
    "market": MarketHoursState.MARKET,
    "postmarket": MarketHoursState.POST_MARKET,
}
# .NET TimeSpan text as the file uses it: "09:30:00", "22:0:00", "1.00:00:00" and also "1:00:00:00".
_TIME_SPAN = re.compile(
    r"^(?:(?P<days>\d+)(?:\.|:(?=\d+:\d+:\d+)))?(?P<hours>\d{1,2}):(?P<minutes>\d{1,2})"
    r"(?::(?P<seconds>\d{1,2})(?:\.(?P<fraction>\d{1,7}))?)?$"
)
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ONE_DAY: Final = timedelta(days=1)


class _SegmentJson(msgspec.Struct):
    start: str
    end: str
    state: str


class _EntryJson(msgspec.Struct, rename="camel"):
    data_time_zone: str
    exchange_time_zone: str
    monday: list[_SegmentJson] | None = None
    tuesday: list[_SegmentJson] | None = None
    wednesday: list[_SegmentJson] | None = None
    thursday: list[_SegmentJson] | None = None
    friday: list[_SegmentJson] | None = None
    saturday: list[_SegmentJson] | None = None
    sunday: list[_SegmentJson] | None = None
    holidays: list[str] | None = None
    early_closes: dict[str, str] | None = None
    late_opens: dict[str, str] | None = None
    bank_holidays: list[str] | None = None


@dataclass(frozen=True, slots=True)
class ParsedEntry:
    """One entry's checked contents, before it becomes `SecurityExchangeHours`."""

    data_time_zone: ZoneInfo
    exchange_time_zone: ZoneInfo
    weekly: dict[int, tuple[MarketHoursSegment, ...]]
    holidays: frozenset[date]
    bank_holidays: frozenset[date]
    early_closes: dict[date, timedelta]
    late_opens: dict[date, timedelta]

    def to_exchange_hours(self, key: str) -> SecurityExchangeHours:
        """Build the immutable schedule, remembering the key it came from."""
        return SecurityExchangeHours(
            self.exchange_time_zone,
            self.weekly,
            holidays=self.holidays,
            early_closes=self.early_closes,
            late_opens=self.late_opens,
            bank_holidays=self.bank_holidays,
            key=key,
        )


class _Context:
    """Where a problem is, so each error names the entry's key, the field and the file."""

    def __init__(self, key: str, path: Path | None) -> None:
        self.key = key
        self.path = path

    def error(self, field: str, problem: str) -> MarketHoursError:
        """Build the error for a problem in one field."""
        return MarketHoursError(f"field {field!r}: {problem}", key=self.key, path=self.path)


def parse_time_span(text: str) -> timedelta | None:
    """Parse a time of day between 00:00 and 1.00:00:00 written as a .NET TimeSpan; None if it is not one."""
    match = _TIME_SPAN.match(text.strip())
    if match is None:
        return None
    hours, minutes = int(match["hours"]), int(match["minutes"])
    seconds = int(match["seconds"] or 0)
    if hours > 23 or minutes > 59 or seconds > 59:
        return None
    fraction = (match["fraction"] or "").ljust(7, "0")
    value = timedelta(
        days=int(match["days"] or 0),
        hours=hours,
        minutes=minutes,
        seconds=seconds,
        microseconds=int(fraction) // 10,
    )
    return value if value <= _ONE_DAY else None


def parse_date(text: str) -> date | None:
    """Parse a date written M/d/yyyy; None if it is not one."""
    match = _DATE.match(text.strip())
    if match is None:
        return None
    try:
        return date(int(match[3]), int(match[1]), int(match[2]))
    except ValueError:
        return None


def _time_field(context: _Context, field: str, text: str) -> timedelta:
    value = parse_time_span(text)
    if value is None:
        raise context.error(field, f"{text!r} is not a time of day between 00:00:00 and 1.00:00:00")
    return value


def _date_field(context: _Context, field: str, text: str) -> date:
    value = parse_date(text)
    if value is None:
        raise context.error(field, f"{text!r} is not a date written M/d/yyyy")
    return value


def _segment(context: _Context, field: str, segment: _SegmentJson) -> MarketHoursSegment:
    start = _time_field(context, f"{field}.start", segment.start)
    end = _time_field(context, f"{field}.end", segment.end)
    state = _STATES.get(segment.state.strip().lower())
    if state is None:
        raise context.error(
            f"{field}.state", f"unknown state {segment.state!r}; expected one of {', '.join(_STATES)}"
        )
    if start > end:
        raise context.error(field, f"starts at {segment.start} after it ends at {segment.end}")
    return MarketHoursSegment(start, end, state)


def _day(context: _Context, name: str, segments: list[_SegmentJson] | None) -> tuple[MarketHoursSegment, ...]:
    parsed = [_segment(context, f"{name}[{index}]", item) for index, item in enumerate(segments or ())]
    parsed.sort(key=lambda s: (s.start, s.end))
    for before, after in pairwise(parsed):
        if after.start < before.end:
            raise context.error(
                name, f"segments overlap: {before.start}..{before.end} and {after.start}..{after.end}"
            )
    return tuple(parsed)


def _zone(context: _Context, field: str, name: str) -> ZoneInfo:
    try:
        return get_time_zone(name)
    except ValueError as error:
        raise context.error(field, str(error)) from None


def _times_by_date(context: _Context, field: str, items: dict[str, str] | None) -> dict[date, timedelta]:
    return {
        _date_field(context, f"{field}[{text!r}]", text): _time_field(context, f"{field}[{text!r}]", value)
        for text, value in (items or {}).items()
    }


def parse_entry(raw: msgspec.Raw, key: str, path: Path | None) -> ParsedEntry:
    """Decode one raw JSON entry and check every field."""
    context = _Context(key, path)
    try:
        entry = msgspec.json.decode(raw, type=_EntryJson)
    except msgspec.DecodeError as error:
        raise MarketHoursError(f"malformed entry: {error}", key=key, path=path) from None
    weekly = {
        weekday: _day(context, name, getattr(entry, name)) for weekday, name in enumerate(WEEKDAY_FIELDS)
    }
    return ParsedEntry(
        data_time_zone=_zone(context, "dataTimeZone", entry.data_time_zone),
        exchange_time_zone=_zone(context, "exchangeTimeZone", entry.exchange_time_zone),
        weekly=weekly,
        holidays=frozenset(
            _date_field(context, f"holidays[{i}]", t) for i, t in enumerate(entry.holidays or ())
        ),
        bank_holidays=frozenset(
            _date_field(context, f"bankHolidays[{i}]", t) for i, t in enumerate(entry.bank_holidays or ())
        ),
        early_closes=_times_by_date(context, "earlyCloses", entry.early_closes),
        late_opens=_times_by_date(context, "lateOpens", entry.late_opens),
    )


def inherit_from_underlying(entry: ParsedEntry, underlying: SecurityExchangeHours) -> ParsedEntry:
    """Fill each empty date collection of an option entry from its underlying's hours."""
    return replace(
        entry,
        holidays=entry.holidays or underlying.holidays,
        bank_holidays=entry.bank_holidays or underlying.bank_holidays,
        early_closes=entry.early_closes or dict(underlying.early_closes),
        late_opens=entry.late_opens or dict(underlying.late_opens),
    )


def merge_with_market(entry: ParsedEntry, market: SecurityExchangeHours) -> ParsedEntry:
    """Add the market's `[*]` dates to an entry; the entry's own early closes and late opens win."""
    return replace(
        entry,
        holidays=entry.holidays | market.holidays,
        bank_holidays=entry.bank_holidays | market.bank_holidays,
        early_closes={**market.early_closes, **entry.early_closes},
        late_opens={**market.late_opens, **entry.late_opens},
    )
