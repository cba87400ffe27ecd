"""LEAN's date rules as serialisable specs, and the `DateRules` helper an algorithm builds them with.

A date rule answers one question: on which dates, between two dates, should an event happen? The dates are
plain calendar dates; the time rule paired with it decides in which zone they are read. Symbol-aware rules
follow the symbol's exchange (holidays, weekends) as LEAN's `Common/Scheduling/DateRules.cs` does.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from enum import IntEnum
from typing import Final, TypeVar
from zoneinfo import ZoneInfo

from lean_core.scheduling.period_rules import (
    MonthEnd,
    MonthStart,
    Period,
    PeriodRule,
    QuarterEnd,
    QuarterStart,
    WeekEnd,
    WeekStart,
    YearEnd,
    YearStart,
    dotnet_day_of_week,
    trading_weekdays,
)
from lean_core.scheduling.rule_support import (
    DateRule,
    RuleBuilder,
    ScheduleContext,
    SymbolArgument,
    SymbolRef,
)

__all__ = [
    "AnyTradingDay",
    "DateRule",
    "DateRuleSpec",
    "DateRules",
    "DayOfWeek",
    "EveryDay",
    "EveryDayOfWeek",
    "MonthEnd",
    "MonthStart",
    "OnDates",
    "QuarterEnd",
    "QuarterStart",
    "WeekEnd",
    "WeekStart",
    "YearEnd",
    "YearStart",
]

_ONE_DAY: Final = timedelta(days=1)


class DayOfWeek(IntEnum):
    """A day of the week with .NET's numbers (Sunday = 0), as LEAN's `DayOfWeek`."""

    SUNDAY = 0
    MONDAY = 1
    TUESDAY = 2
    WEDNESDAY = 3
    THURSDAY = 4
    FRIDAY = 5
    SATURDAY = 6


def _each_day(start: date, end: date) -> Iterable[date]:
    day = start
    while day <= end:
        yield day
        day += _ONE_DAY


class EveryDay(DateRule, frozen=True, kw_only=True):
    """Every calendar day, or every trading day of a symbol's exchange."""

    symbol: SymbolRef | None = None
    extended_market_hours: bool = False

    @property
    def name(self) -> str:
        """Return "EveryDay", prefixed with the ticker when a symbol is set."""
        return "EveryDay" if self.symbol is None else f"{self.symbol}: EveryDay"

    def dates(self, start: date, end: date, context: ScheduleContext) -> list[date]:
        """Return each day in [start, end], only those the exchange is open when a symbol is set."""
        if self.symbol is None:
            return list(_each_day(start, end))
        hours = context.hours(self.symbol)
        return [day for day in _each_day(start, end) if hours.is_date_open(day, self.extended_market_hours)]


class OnDates(DateRule, frozen=True, kw_only=True):
    """The listed dates only (LEAN's `On`, `Today` and `Tomorrow`)."""

    days: tuple[date, ...]
    label: str = ""

    @property
    def name(self) -> str:
        """Return the label, else the dates as .NET's invariant short dates joined by commas."""
        return self.label or ",".join(day.strftime("%m/%d/%Y") for day in self.days)

    def dates(self, start: date, end: date, context: ScheduleContext) -> list[date]:
        """Return the listed dates that fall in [start, end]."""
        return sorted({day for day in self.days if start <= day <= end})


class EveryDayOfWeek(DateRule, frozen=True, kw_only=True):
    """Every date falling on one of the given days of the week (LEAN's `Every(DayOfWeek...)`)."""

    days_of_week: tuple[DayOfWeek, ...]

    @property
    def name(self) -> str:
        """Return the day names joined by commas ("Monday,Friday")."""
        return ",".join(day.name.title() for day in self.days_of_week)

    def dates(self, start: date, end: date, context: ScheduleContext) -> list[date]:
        """Return each date in [start, end] whose weekday is listed."""
        wanted = set(self.days_of_week)
        return [day for day in _each_day(start, end) if dotnet_day_of_week(day) in wanted]


class AnyTradingDay(DateRule, frozen=True, kw_only=True):
    """Every date on which at least one of the symbols' exchanges trades (the algorithm's end of day)."""

    symbols: tuple[SymbolRef, ...]

    @property
    def name(self) -> str:
        """Return a fixed name; LEAN's engine builds this rule internally and names the event instead."""
        return "AnyTradingDay"

    def dates(self, start: date, end: date, context: ScheduleContext) -> list[date]:
        """Return each date in [start, end] that some exchange is open (regular hours)."""
        schedules = [context.hours(symbol) for symbol in self.symbols]
        return [day for day in _each_day(start, end) if any(hours.is_date_open(day) for hours in schedules)]


DateRuleSpec = (
    EveryDay
    | OnDates
    | EveryDayOfWeek
    | AnyTradingDay
    | WeekStart
    | WeekEnd
    | MonthStart
    | MonthEnd
    | QuarterStart
    | QuarterEnd
    | YearStart
    | YearEnd
)

# The largest offset LEAN accepts for each period when no symbol narrows it further.
_MAX_OFFSET: Final = {Period.WEEK: 6, Period.MONTH: 30, Period.QUARTER: 92, Period.YEAR: 365}

_R = TypeVar("_R", bound=PeriodRule)


class DateRules(RuleBuilder):
    """Build date rules the way `QCAlgorithm.date_rules` does, resolving tickers and checking offsets.

    `today` and `tomorrow` read the algorithm's clock in its zone.
    """

    # -- fixed dates -------------------------------------------------------------------------------------
    def on(self, *args: int | date | datetime) -> OnDates:
        """Return a rule for `on(year, month, day)` or for the given dates (`on(d1, d2, ...)`)."""
        numbers = [arg for arg in args if isinstance(arg, int)]
        if numbers and len(numbers) == len(args):
            if len(numbers) != 3:
                raise TypeError("on() takes (year, month, day) or one or more dates")
            return OnDates(days=(date(numbers[0], numbers[1], numbers[2]),))
        days = tuple(arg.date() if isinstance(arg, datetime) else arg for arg in args)
        if not days or not all(isinstance(day, date) for day in days):
            raise TypeError("on() takes (year, month, day) or one or more dates")
        return OnDates(days=tuple(day for day in days if isinstance(day, date)))

    @property
    def today(self) -> OnDates:
        """Return a rule for the algorithm's current date only."""
        return OnDates(days=(self._local_today(),), label="TodayOnly")

    @property
    def tomorrow(self) -> OnDates:
        """Return a rule for the day after the algorithm's current date only."""
        return OnDates(days=(self._local_today() + _ONE_DAY,), label="TomorrowOnly")

    def _local_today(self) -> date:
        utc = self._now("today and tomorrow need").replace(tzinfo=ZoneInfo("UTC"))
        return utc.astimezone(self._time_zone).date()

    # -- repeating dates ---------------------------------------------------------------------------------
    def every(self, *days: DayOfWeek | Iterable[DayOfWeek]) -> EveryDayOfWeek:
        """Return a rule for every date on the given days of the week."""
        flat: list[DayOfWeek] = []
        for day in days:
            flat.extend([DayOfWeek(day)] if isinstance(day, int) else (DayOfWeek(d) for d in day))
        if not flat:
            raise ValueError("every() needs at least one day of the week")
        return EveryDayOfWeek(days_of_week=tuple(flat))

    def every_day(
        self, symbol: SymbolArgument | None = None, extended_market_hours: bool = False
    ) -> EveryDay:
        """Return a rule for every day, or every day the symbol's exchange trades."""
        if symbol is None:
            return EveryDay()
        return EveryDay(symbol=self._ref(symbol), extended_market_hours=extended_market_hours)

    def week_start(
        self,
        symbol: SymbolArgument | int | None = None,
        days_offset: int = 0,
        extended_market_hours: bool = True,
    ) -> WeekStart:
        """Return a rule for each week's first trading day plus `days_offset` (Monday without a symbol)."""
        return self._period_rule(WeekStart, symbol, days_offset, extended_market_hours)

    def week_end(
        self,
        symbol: SymbolArgument | int | None = None,
        days_offset: int = 0,
        extended_market_hours: bool = True,
    ) -> WeekEnd:
        """Return a rule for each week's last trading day minus `days_offset` (Friday without a symbol)."""
        return self._period_rule(WeekEnd, symbol, days_offset, extended_market_hours)

    def month_start(
        self,
        symbol: SymbolArgument | int | None = None,
        days_offset: int = 0,
        extended_market_hours: bool = True,
    ) -> MonthStart:
        """Return a rule for the first (trading) day of each month plus `days_offset`."""
        return self._period_rule(MonthStart, symbol, days_offset, extended_market_hours)

    def month_end(
        self,
        symbol: SymbolArgument | int | None = None,
        days_offset: int = 0,
        extended_market_hours: bool = True,
    ) -> MonthEnd:
        """Return a rule for the last (trading) day of each month minus `days_offset`."""
        return self._period_rule(MonthEnd, symbol, days_offset, extended_market_hours)

    def quarter_start(
        self,
        symbol: SymbolArgument | int | None = None,
        days_offset: int = 0,
        extended_market_hours: bool = True,
    ) -> QuarterStart:
        """Return a rule for the first (trading) day of each quarter plus `days_offset`."""
        return self._period_rule(QuarterStart, symbol, days_offset, extended_market_hours)

    def quarter_end(
        self,
        symbol: SymbolArgument | int | None = None,
        days_offset: int = 0,
        extended_market_hours: bool = True,
    ) -> QuarterEnd:
        """Return a rule for the last (trading) day of each quarter minus `days_offset`."""
        return self._period_rule(QuarterEnd, symbol, days_offset, extended_market_hours)

    def year_start(
        self,
        symbol: SymbolArgument | int | None = None,
        days_offset: int = 0,
        extended_market_hours: bool = True,
    ) -> YearStart:
        """Return a rule for the first (trading) day of each year plus `days_offset`."""
        return self._period_rule(YearStart, symbol, days_offset, extended_market_hours)

    def year_end(
        self,
        symbol: SymbolArgument | int | None = None,
        days_offset: int = 0,
        extended_market_hours: bool = True,
    ) -> YearEnd:
        """Return a rule for the last (trading) day of each year minus `days_offset`."""
        return self._period_rule(YearEnd, symbol, days_offset, extended_market_hours)

    # -- helpers -----------------------------------------------------------------------------------------
    def _period_rule(
        self, kind: type[_R], symbol: SymbolArgument | int | None, days_offset: int, extended: bool
    ) -> _R:
        """Build a period rule, reading a leading integer as the offset of the symbol-less form (LEAN)."""
        if isinstance(symbol, int):
            days_offset = symbol
        if symbol is None or isinstance(symbol, int):
            self._check_offset(kind, days_offset, _MAX_OFFSET[kind._period], None)
            return kind(days_offset=days_offset)
        ref = self._ref(symbol)
        limit = _MAX_OFFSET[kind._period]
        if kind._period is Period.WEEK:
            limit = len(trading_weekdays(self._exchange_hours(self.resolve(symbol)))) - 1
        self._check_offset(kind, days_offset, limit, ref)
        return kind(symbol=ref, days_offset=days_offset, extended_market_hours=extended)

    @staticmethod
    def _check_offset(kind: type[PeriodRule], days_offset: int, limit: int, symbol: SymbolRef | None) -> None:
        if not 0 <= days_offset <= limit:
            subject = f" for {symbol}'s schedule" if symbol is not None else ""
            raise ValueError(
                f"DateRules.{kind.__name__}(): days_offset must be between 0 and {limit}{subject},"
                f" got {days_offset}"
            )
