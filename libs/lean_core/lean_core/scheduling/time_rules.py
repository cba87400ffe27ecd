"""LEAN's time rules as serialisable specs, and the `TimeRules` helper an algorithm builds them with.

A time rule turns each date of a date rule into event instants (UTC nanoseconds). Clock rules read the date
in a time zone (the algorithm's unless one is given); market rules read it in the symbol's exchange zone and
follow that day's sessions, as LEAN's `Common/Scheduling/TimeRules.cs` does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

import numpy as np

from lean_core.data.bars import local_to_ns
from lean_core.enums import Market, SecurityType
from lean_core.scheduling.market_rules import MarketClose, MarketOpen, SecurityEndOfDay
from lean_core.scheduling.rule_support import (
    ExchangeHoursLookup,
    RuleBuilder,
    ScheduleContext,
    SymbolArgument,
    SymbolLookup,
    SymbolRef,
    TimeRule,
    default_symbol_lookup,
    format_amount,
    locals_to_utc_ns,
    midnight,
    span_ns,
)
from lean_core.symbols import Symbol
from lean_core.time.time_zones import TimeZones, local_ns_to_utc_ns

__all__ = [
    "At",
    "Every",
    "MarketClose",
    "MarketOpen",
    "Midnight",
    "Noon",
    "Now",
    "SecurityEndOfDay",
    "TimeRule",
    "TimeRuleSpec",
    "TimeRules",
]

_NS_PER_DAY: Final = 86_400 * 10**9


class At(TimeRule, frozen=True, kw_only=True):
    """A fixed time of day in a time zone (the algorithm's when None)."""

    time_of_day: timedelta
    time_zone: str | None = None

    @property
    def name(self) -> str:
        """Return the time of day in hours ("9.5")."""
        return format_amount(self.time_of_day.total_seconds() / 3600)

    @property
    def reach_days(self) -> int:
        """Return one day plus any whole days in the time of day."""
        return 1 + abs(self.time_of_day.days)

    def utc_times(self, dates: Sequence[date], context: ScheduleContext) -> list[int]:
        """Return date + time of day, read in the rule's zone, for each date."""
        walls = [midnight(day) + self.time_of_day for day in dates]
        return locals_to_utc_ns(walls, context.zone(self.time_zone))


class Midnight(TimeRule, frozen=True, kw_only=True):
    """The start of each date in a time zone (the algorithm's when None)."""

    time_zone: str | None = None

    @property
    def name(self) -> str:
        """Return "Midnight"."""
        return "Midnight"

    def utc_times(self, dates: Sequence[date], context: ScheduleContext) -> list[int]:
        """Return each date's midnight as UTC."""
        return locals_to_utc_ns([midnight(day) for day in dates], context.zone(self.time_zone))


class Noon(TimeRule, frozen=True, kw_only=True):
    """Twelve hours after each date's midnight (LEAN adds them in UTC, so DST days shift it an hour)."""

    time_zone: str | None = None

    @property
    def name(self) -> str:
        """Return "Noon"."""
        return "Noon"

    def utc_times(self, dates: Sequence[date], context: ScheduleContext) -> list[int]:
        """Return each date's UTC midnight plus twelve hours."""
        midnights = locals_to_utc_ns([midnight(day) for day in dates], context.zone(self.time_zone))
        return [utc + _NS_PER_DAY // 2 for utc in midnights]


class Every(TimeRule, frozen=True, kw_only=True):
    """Every `interval` from each date's midnight to its end, in a zone (the algorithm's when None)."""

    interval: timedelta
    time_zone: str | None = None

    def __post_init__(self) -> None:
        if self.interval <= timedelta(0):
            raise ValueError(f"TimeRules.Every(): interval must be positive, got {self.interval}")

    @property
    def name(self) -> str:
        """Return "Every N min"."""
        return f"Every {format_amount(self.interval.total_seconds() / 60)} min"

    def utc_times(self, dates: Sequence[date], context: ScheduleContext) -> list[int]:
        """Return the wall times 00:00, interval, 2 x interval, ... before 24:00 of each date, as UTC."""
        midnights = np.array([local_to_ns(midnight(day), TimeZones.UTC) for day in dates], dtype=np.int64)
        offsets = np.arange(0, _NS_PER_DAY, span_ns(self.interval), dtype=np.int64)
        walls = (midnights[:, None] + offsets[None, :]).ravel()
        times: list[int] = local_ns_to_utc_ns(walls, context.zone(self.time_zone)).tolist()
        return times


class Now(TimeRule, frozen=True, kw_only=True):
    """The instant the rule was made, whatever the dates (LEAN's `TimeRules.Now`)."""

    utc_ns: int

    @property
    def name(self) -> str:
        """Return "Now"."""
        return "Now"

    def utc_times(self, dates: Sequence[date], context: ScheduleContext) -> list[int]:
        """Return the fixed instant once when there is any date."""
        return [self.utc_ns] if dates else []


TimeRuleSpec = At | Midnight | Noon | Every | Now | MarketOpen | MarketClose | SecurityEndOfDay

_SPY: Final = Symbol.create("SPY", SecurityType.EQUITY, Market.USA)


class TimeRules(RuleBuilder):
    """Build time rules the way `QCAlgorithm.time_rules` does; clock rules default to the algorithm's zone."""

    def __init__(
        self,
        exchange_hours: ExchangeHoursLookup,
        time_zone: ZoneInfo,
        *,
        symbol_lookup: SymbolLookup = default_symbol_lookup,
        utc_now: Callable[[], datetime] | None = None,
        securities: Callable[[], Iterable[Symbol]] | None = None,
    ) -> None:
        """Build the helper as `RuleBuilder` does; `securities` lists the algorithm's securities (for the
        symbol-less market rules).
        """
        super().__init__(exchange_hours, time_zone, symbol_lookup=symbol_lookup, utc_now=utc_now)
        self._securities = securities

    # -- clock rules -------------------------------------------------------------------------------------
    def at(
        self,
        hour: int | timedelta,
        minute: int | ZoneInfo | None = None,
        second: int | ZoneInfo = 0,
        time_zone: ZoneInfo | None = None,
    ) -> At:
        """Return a rule at a time of day: `at(h, m)`, `at(h, m, s)`, `at(h, m, zone)`, `at(span, zone)`."""
        zone = time_zone
        if isinstance(hour, timedelta):
            time_of_day = hour
            zone = minute if isinstance(minute, ZoneInfo) else zone
        else:
            if not isinstance(minute, int):
                raise TypeError("at(hour, minute, ...) needs an integer minute")
            if isinstance(second, ZoneInfo):
                zone, second = second, 0
            time_of_day = timedelta(hours=hour, minutes=minute, seconds=second)
        return At(time_of_day=time_of_day, time_zone=(zone or self._time_zone).key)

    @property
    def midnight(self) -> Midnight:
        """Return a rule at midnight in the algorithm's zone."""
        return Midnight()

    @property
    def noon(self) -> Noon:
        """Return a rule at noon in the algorithm's zone (LEAN: twelve hours after midnight's UTC instant)."""
        return Noon()

    @property
    def now(self) -> Now:
        """Return a rule at the algorithm's current time."""
        return Now(utc_ns=local_to_ns(self._now("now needs"), TimeZones.UTC))

    def every(self, interval: timedelta) -> Every:
        """Return a rule every `interval` through each day, from midnight in the algorithm's zone."""
        return Every(interval=interval)

    # -- market rules ------------------------------------------------------------------------------------
    def after_market_open(
        self,
        symbol: SymbolArgument | float | None = None,
        minutes_after_open: float = 0.0,
        extended_market_open: bool = False,
    ) -> MarketOpen:
        """Return a rule `minutes_after_open` after the symbol's open (the earliest open without a symbol)."""
        ref, minutes, extended = self._overload(symbol, minutes_after_open, extended_market_open)
        return self._open_rule(ref, minutes, extended)

    def before_market_open(
        self,
        symbol: SymbolArgument | float | None = None,
        minutes_before_open: float = 0.0,
        extended_market_open: bool = False,
    ) -> MarketOpen:
        """Return a rule `minutes_before_open` before the symbol's open (earliest open without a symbol)."""
        ref, minutes, extended = self._overload(symbol, minutes_before_open, extended_market_open)
        return self._open_rule(ref, -minutes, extended)

    def before_market_close(
        self,
        symbol: SymbolArgument | float | None = None,
        minutes_before_close: float = 0.0,
        extended_market_close: bool = False,
    ) -> MarketClose:
        """Return a rule `minutes_before_close` before the symbol's close (latest close without a symbol)."""
        ref, minutes, extended = self._overload(symbol, minutes_before_close, extended_market_close)
        return self._close_rule(ref, minutes, extended)

    def after_market_close(
        self,
        symbol: SymbolArgument | float | None = None,
        minutes_after_close: float = 0.0,
        extended_market_close: bool = False,
    ) -> MarketClose:
        """Return a rule `minutes_after_close` after the symbol's close (latest close without a symbol)."""
        ref, minutes, extended = self._overload(symbol, minutes_after_close, extended_market_close)
        return self._close_rule(ref, -minutes, extended)

    def _overload(
        self, symbol: SymbolArgument | float | None, minutes: float, extended: bool
    ) -> tuple[SymbolRef | None, float, bool]:
        """Read LEAN's two forms: (symbol, minutes, extended) and the symbol-less (minutes, extended)."""
        if symbol is None:
            return None, minutes, extended
        if isinstance(symbol, int | float):
            # In the symbol-less form the second positional argument is the extended-hours flag.
            flag = isinstance(minutes, bool) and minutes
            return None, float(symbol), extended or flag
        return self._ref(symbol), minutes, extended

    def _open_rule(self, symbol: SymbolRef | None, minutes: float, extended: bool) -> MarketOpen:
        candidates = self._open_close_candidates() if symbol is None else ()
        return MarketOpen(
            symbol=symbol, minutes_after_open=minutes, extended_market_open=extended, candidates=candidates
        )

    def _close_rule(self, symbol: SymbolRef | None, minutes: float, extended: bool) -> MarketClose:
        candidates = self._open_close_candidates() if symbol is None else ()
        return MarketClose(
            symbol=symbol, minutes_before_close=minutes, extended_market_close=extended, candidates=candidates
        )

    # -- helpers -----------------------------------------------------------------------------------------
    def _open_close_candidates(self) -> tuple[SymbolRef, ...]:
        """Return SPY plus one symbol per distinct, not-always-open exchange among the securities (LEAN).

        SPY stands for every US equity, so those are skipped; LEAN reads the securities once, when the
        rule's event times are first asked for, which is when the rule is made here.
        """
        seen = [self._exchange_hours(_SPY)]
        chosen = [SymbolRef.of(_SPY)]
        for symbol in self._securities() if self._securities is not None else ():
            if symbol.security_type == SecurityType.EQUITY and symbol.id.market == Market.USA:
                continue
            hours = self._exchange_hours(symbol)
            if not hours.is_always_open and not any(hours is known for known in seen):
                seen.append(hours)
                chosen.append(SymbolRef.of(symbol))
        return tuple(chosen)
