"""LEAN's market time rules: minutes from a symbol's open or close each day, and a security's end of day.

They read each date in the exchange's own zone and follow that day's sessions (holidays, early closes, late
opens, extended hours), as `TimeRules.AfterMarketOpen` and `BeforeMarketClose` do in LEAN.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Final

from lean_core.scheduling.rule_support import (
    ScheduleContext,
    SymbolRef,
    TimeRule,
    format_amount,
    local_to_utc_ns,
    locals_to_utc_ns,
    midnight,
)
from lean_core.time.exchange_hours import SecurityExchangeHours

__all__ = ["MarketClose", "MarketOpen", "SecurityEndOfDay"]

_ONE_DAY: Final = timedelta(days=1)
_ONE_MICROSECOND: Final = timedelta(microseconds=1)
_MINUTES_PER_DAY: Final = 1440


def _offset_reach(minutes: float) -> int:
    return 2 + math.ceil(abs(minutes) / _MINUTES_PER_DAY)


def _pick_per_day(
    dates: Sequence[date],
    symbol: SymbolRef | None,
    candidates: tuple[SymbolRef, ...],
    context: ScheduleContext,
    instant: Callable[[SecurityExchangeHours, date], int | None],
    pick: Callable[[list[int]], int],
) -> list[int]:
    """Return, per date on which any of the exchanges has an instant, the one `pick` chooses."""
    schedules = [context.hours(ref) for ref in ((symbol,) if symbol is not None else candidates)]
    times: list[int] = []
    for day in dates:
        found = [utc for hours in schedules if (utc := instant(hours, day)) is not None]
        if found:
            times.append(pick(found))
    return times


def _open_utc(hours: SecurityExchangeHours, day: date, offset: timedelta, extended: bool) -> int | None:
    """Return the day's first session start plus `offset` as UTC, or None if no session starts that day."""
    if not hours.is_date_open(day, extended):
        return None
    market_open = hours.get_first_daily_market_open(midnight(day) + _ONE_DAY - _ONE_MICROSECOND, extended)
    if market_open.date() != day:
        return None
    return local_to_utc_ns(market_open + offset, hours.time_zone)


def _close_utc(hours: SecurityExchangeHours, day: date, offset: timedelta, extended: bool) -> int | None:
    """Return the day's last session end minus `offset` as UTC, or None if the exchange is shut that day."""
    if not hours.is_date_open(day, extended):
        return None
    market_close = hours.get_last_daily_market_close(midnight(day), extended)
    return local_to_utc_ns(market_close - offset, hours.time_zone)


class MarketOpen(TimeRule, frozen=True, kw_only=True):
    """Minutes after (negative: before) a symbol's first open of each day.

    Without a symbol the earliest open among `candidates` counts (LEAN's symbol-less `AfterMarketOpen`).
    """

    symbol: SymbolRef | None = None
    minutes_after_open: float = 0.0
    extended_market_open: bool = False
    candidates: tuple[SymbolRef, ...] = ()

    @property
    def name(self) -> str:
        """Return LEAN's name, e.g. "SPY: 10 min after MarketOpen"."""
        kind = "ExtendedMarketOpen" if self.extended_market_open else "MarketOpen"
        direction = "after" if self.minutes_after_open > 0 else "before"
        prefix = "" if self.symbol is None else f"{self.symbol}: "
        return f"{prefix}{format_amount(abs(self.minutes_after_open))} min {direction} {kind}"

    @property
    def reach_days(self) -> int:
        """Return two days plus the offset in days."""
        return _offset_reach(self.minutes_after_open)

    def utc_times(self, dates: Sequence[date], context: ScheduleContext) -> list[int]:
        """Return, per date the market opens, the (earliest) open shifted by the offset."""
        offset = timedelta(minutes=self.minutes_after_open)

        def market_open(hours: SecurityExchangeHours, day: date) -> int | None:
            return _open_utc(hours, day, offset, self.extended_market_open)

        return _pick_per_day(dates, self.symbol, self.candidates, context, market_open, min)


class MarketClose(TimeRule, frozen=True, kw_only=True):
    """Minutes before (negative: after) a symbol's last close of each day.

    Without a symbol the latest close among `candidates` counts (LEAN's symbol-less `BeforeMarketClose`).
    """

    symbol: SymbolRef | None = None
    minutes_before_close: float = 0.0
    extended_market_close: bool = False
    candidates: tuple[SymbolRef, ...] = ()

    @property
    def name(self) -> str:
        """Return LEAN's name, e.g. "SPY: 30 min before MarketClose"."""
        kind = "ExtendedMarketClose" if self.extended_market_close else "MarketClose"
        direction = "before" if self.minutes_before_close > 0 else "after"
        prefix = "" if self.symbol is None else f"{self.symbol}: "
        return f"{prefix}{format_amount(abs(self.minutes_before_close))} min {direction} {kind}"

    @property
    def reach_days(self) -> int:
        """Return two days plus the offset in days."""
        return _offset_reach(self.minutes_before_close)

    def utc_times(self, dates: Sequence[date], context: ScheduleContext) -> list[int]:
        """Return, per date the market trades, the (latest) last close shifted by the offset."""
        offset = timedelta(minutes=self.minutes_before_close)

        def market_close(hours: SecurityExchangeHours, day: date) -> int | None:
            return _close_utc(hours, day, offset, self.extended_market_close)

        return _pick_per_day(dates, self.symbol, self.candidates, context, market_close, max)


class SecurityEndOfDay(TimeRule, frozen=True, kw_only=True):
    """A security's end of day: `minutes_before_close` before its last close, midnight if always open."""

    symbol: SymbolRef
    extended_market_hours: bool = False
    minutes_before_close: float = 10.0

    @property
    def name(self) -> str:
        """Return "EndOfDay"."""
        return "EndOfDay"

    @property
    def reach_days(self) -> int:
        """Return two days plus the offset in days."""
        return _offset_reach(self.minutes_before_close)

    def utc_times(self, dates: Sequence[date], context: ScheduleContext) -> list[int]:
        """Return each date's end-of-day instant (LEAN's `ScheduledEventFactory.EverySecurityEndOfDay`)."""
        hours = context.hours(self.symbol)
        if hours.is_always_open:
            return locals_to_utc_ns([midnight(day) + _ONE_DAY for day in dates], hours.time_zone)
        offset = timedelta(minutes=self.minutes_before_close)
        closes = [
            hours.get_last_daily_market_close(midnight(day), self.extended_market_hours) for day in dates
        ]
        return locals_to_utc_ns([close - offset for close in closes], hours.time_zone)
