"""LEAN's week, month, quarter and year date rules, and the trading-day arithmetic behind them.

Each period has a base day (its first day when counting forward, its last when counting backward) and a
boundary (the opposite end). The scheduled day is the base day moved to a trading day, then `offset` trading
days further, and pulled back inside the boundary if it overshoots. Unlike LEAN, which walks periods from the
start of its query onwards, every period near the window is evaluated, so the result depends only on the
rule and never on where a query starts.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date, timedelta
from enum import Enum
from typing import ClassVar, Final

from lean_core.scheduling.rule_support import DateRule, ScheduleContext, SymbolRef
from lean_core.time.exchange_hours import SecurityExchangeHours
from lean_core.time.time_zones import TimeZones

__all__ = [
    "MonthEnd",
    "MonthStart",
    "Period",
    "PeriodRule",
    "QuarterEnd",
    "QuarterStart",
    "WeekEnd",
    "WeekStart",
    "YearEnd",
    "YearStart",
    "dotnet_day_of_week",
    "trading_weekdays",
]

ONE_DAY: Final = timedelta(days=1)
# LEAN schedules symbol-less period rules on an exchange that is open every day.
ALWAYS_OPEN: Final = SecurityExchangeHours.always_open(TimeZones.NEW_YORK)


class Period(Enum):
    """The calendar period a start/end date rule repeats over."""

    WEEK = "Week"
    MONTH = "Month"
    QUARTER = "Quarter"
    YEAR = "Year"


def dotnet_day_of_week(day: date) -> int:
    """Return .NET's DayOfWeek number (Sunday = 0) of a date."""
    return (day.weekday() + 1) % 7


def trading_weekdays(hours: SecurityExchangeHours) -> list[int]:
    """Return the .NET weekdays (Sunday = 0) with any session, extended ones included, in .NET order."""
    python_days = [day for day in range(7) if hours.weekday_segments(day, extended_market_hours=True)]
    return sorted((day + 1) % 7 for day in python_days)


def scheduled_day(
    hours: SecurityExchangeHours, base: date, offset: int, forward: bool, extended: bool, boundary: date
) -> date:
    """Return the base day moved to a trading day and `offset` trading days on, kept inside the boundary."""
    day = _trading_day_from(hours, base, offset, forward, extended)
    if forward and day > boundary:
        return _trading_day_from(hours, boundary, 0, False, extended)
    if not forward and day < boundary:
        return _trading_day_from(hours, boundary, 0, True, extended)
    return day


def _trading_day_from(
    hours: SecurityExchangeHours, day: date, offset: int, forward: bool, extended: bool
) -> date:
    step = hours.get_next_trading_day if forward else hours.get_previous_trading_day
    if not hours.is_date_open(day, extended):
        day = step(day)
    for _ in range(offset):
        day = step(day)
    return day


def period_dates(
    period: Period,
    forward: bool,
    hours: SecurityExchangeHours | None,
    start: date,
    end: date,
    offset: int,
    extended: bool,
) -> list[date]:
    """Return, sorted and without repeats, the scheduled day of every period that falls in [start, end]."""
    schedule = hours or ALWAYS_OPEN
    found: set[date] = set()
    for base, boundary in _bases(period, forward, hours, start, end):
        day = scheduled_day(schedule, base, offset, forward, extended and hours is not None, boundary)
        if start <= day <= end:
            found.add(day)
    return sorted(found)


def _bases(
    period: Period, forward: bool, hours: SecurityExchangeHours | None, start: date, end: date
) -> Iterator[tuple[date, date]]:
    """Yield (base day, boundary) of each period from one before `start` to one after `end`."""
    if period is Period.WEEK:
        yield from _week_bases(forward, hours, start, end)
        return
    months = {Period.MONTH: 1, Period.QUARTER: 3, Period.YEAR: 12}[period]
    current = _period_start(_period_start(start, months) - ONE_DAY, months)
    while True:
        following = _add_months(current, months)
        last = following - ONE_DAY
        yield (current, last) if forward else (last, current)
        if current > end:
            return
        current = following


def _period_start(day: date, months: int) -> date:
    month = (day.month - 1) // months * months + 1
    return date(day.year, month, 1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _week_bases(
    forward: bool, hours: SecurityExchangeHours | None, start: date, end: date
) -> Iterator[tuple[date, date]]:
    """Yield each week's base day and boundary: the first and last trading weekdays of the schedule."""
    if hours is None:
        # Without a symbol LEAN counts from Monday to the next Sunday, or from Friday back to Saturday.
        base_day, span = (1, 6) if forward else (5, -6)
    else:
        weekdays = trading_weekdays(hours)
        first, last = weekdays[0], weekdays[-1]
        base_day, span = (first, last - first) if forward else (last, first - last)
    day = start - timedelta(days=14)
    day += timedelta(days=(base_day - dotnet_day_of_week(day)) % 7)
    while day <= end + timedelta(days=14):
        yield day, day + timedelta(days=span)
        day += timedelta(days=7)


class PeriodRule(DateRule, frozen=True, kw_only=True):
    """A day near the start or end of each week, month, quarter or year, `days_offset` trading days in."""

    _period: ClassVar[Period]
    _forward: ClassVar[bool]

    symbol: SymbolRef | None = None
    days_offset: int = 0
    extended_market_hours: bool = False

    @property
    def name(self) -> str:
        """Return LEAN's name: "MonthStart+5", "SPY: WeekEnd-2", "YearStart"."""
        kind = self._period.value + ("Start" if self._forward else "End")
        signed = self.days_offset if self._forward else -self.days_offset
        offset = f"{signed:+d}" if signed else ""
        prefix = "" if self.symbol is None else f"{self.symbol}: "
        return f"{prefix}{kind}{offset}"

    def dates(self, start: date, end: date, context: ScheduleContext) -> list[date]:
        """Return the scheduled day of each period that falls in [start, end]."""
        hours = None if self.symbol is None else context.hours(self.symbol)
        return period_dates(
            self._period, self._forward, hours, start, end, self.days_offset, self.extended_market_hours
        )


class WeekStart(PeriodRule, frozen=True, kw_only=True):
    """The first trading day of each week, plus an offset (Monday + offset without a symbol)."""

    _period = Period.WEEK
    _forward = True


class WeekEnd(PeriodRule, frozen=True, kw_only=True):
    """The last trading day of each week, minus an offset (Friday - offset without a symbol)."""

    _period = Period.WEEK
    _forward = False


class MonthStart(PeriodRule, frozen=True, kw_only=True):
    """The first (trading) day of each month, plus an offset."""

    _period = Period.MONTH
    _forward = True


class MonthEnd(PeriodRule, frozen=True, kw_only=True):
    """The last (trading) day of each month, minus an offset."""

    _period = Period.MONTH
    _forward = False


class QuarterStart(PeriodRule, frozen=True, kw_only=True):
    """The first (trading) day of each quarter, plus an offset."""

    _period = Period.QUARTER
    _forward = True


class QuarterEnd(PeriodRule, frozen=True, kw_only=True):
    """The last (trading) day of each quarter, minus an offset."""

    _period = Period.QUARTER
    _forward = False


class YearStart(PeriodRule, frozen=True, kw_only=True):
    """The first (trading) day of each year, plus an offset."""

    _period = Period.YEAR
    _forward = True


class YearEnd(PeriodRule, frozen=True, kw_only=True):
    """The last (trading) day of each year, minus an offset."""

    _period = Period.YEAR
    _forward = False
