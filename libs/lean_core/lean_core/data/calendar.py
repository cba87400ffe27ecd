"""Daily calendars: the trading session a moment belongs to, for LEAN's strict daily end times.

With strict end times (LEAN's default for daily equity data) a daily bar spans the regular
session it covers (09:30 -> 16:00 for US equities, 13:00 on an early close) instead of
midnight to midnight.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from lean_core.enums import MarketHoursState, SecurityType
from lean_core.symbols import Symbol

_ONE_HOUR = timedelta(hours=1)
_SEARCH_DAYS = 15


class SegmentLike(Protocol):
    """A market-hours segment: offsets from the day's midnight and a state."""

    @property
    def start(self) -> timedelta: ...
    @property
    def end(self) -> timedelta: ...
    @property
    def state(self) -> MarketHoursState: ...


class ExchangeHoursLike(Protocol):
    """What the data layer needs of `lean_core.time.market_hours.SecurityExchangeHours`."""

    @property
    def time_zone(self) -> ZoneInfo: ...
    @property
    def is_always_open(self) -> bool: ...
    def segments(self, day: date, extended_market_hours: bool = False) -> Sequence[SegmentLike]: ...
    def is_open_between(
        self, start: datetime, end: datetime, extended_market_hours: bool = False
    ) -> bool: ...
    def is_date_open(self, day: date, extended_market_hours: bool = False) -> bool: ...
    def get_next_market_open(self, local: datetime, extended_market_hours: bool) -> datetime: ...


@dataclass(frozen=True, slots=True)
class CalendarInfo:
    """A bar's start and period in the exchange time zone."""

    start: datetime
    period: timedelta

    @property
    def end(self) -> datetime:
        """Return the moment the bar closes."""
        return self.start + self.period


def regular_sessions(hours: ExchangeHoursLike, day: date) -> list[tuple[datetime, datetime]]:
    """Return the day's regular sessions as (open, close), joining adjacent segments."""
    sessions: list[tuple[datetime, datetime]] = []
    midnight = datetime(day.year, day.month, day.day)
    for segment in hours.segments(day, False):
        if segment.state != MarketHoursState.MARKET:
            continue
        start, end = midnight + segment.start, midnight + segment.end
        if sessions and sessions[-1][1] == start:
            sessions[-1] = (sessions[-1][0], end)
        else:
            sessions.append((start, end))
    return sessions


def daily_calendar(hours: ExchangeHoursLike, local: datetime) -> CalendarInfo:
    """Return the regular session that opened at or before `local` (LEAN's daily calendar)."""
    for offset in range(_SEARCH_DAYS):
        day = local.date() - timedelta(days=offset)
        for open_time, close_time in reversed(regular_sessions(hours, day)):
            if open_time <= local:
                return CalendarInfo(open_time, close_time - open_time)
    # No session in the past fortnight (a new listing): fall back to the next one.
    next_open = hours.get_next_market_open(local, False)
    sessions = regular_sessions(hours, next_open.date())
    close_time = next(close for open_, close in sessions if open_ == next_open)
    return CalendarInfo(next_open, close_time - next_open)


def uses_strict_end_times(
    symbol: Symbol, period: timedelta, hours: ExchangeHoursLike, enabled: bool = True
) -> bool:
    """Tell whether daily bars of this symbol end at the session close (LEAN's rule)."""
    if hours.is_always_open or period <= _ONE_HOUR:
        return False
    if symbol.security_type in (SecurityType.FOREX, SecurityType.BASE):
        return False
    if symbol.security_type == SecurityType.CFD and symbol.id.market == "oanda":
        return False
    return enabled
