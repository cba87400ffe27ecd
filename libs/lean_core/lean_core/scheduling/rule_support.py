"""What date and time rules share: their bases, symbols as data, hours lookups and LEAN's UTC conversion.

Rules travel between processes, so they name a security by its identifier string and ticker (`SymbolRef`)
and never hold exchange hours or callables. The process computing event times resolves those names through a
`ScheduleContext`, built once from an exchange-hours lookup and the algorithm's time zone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

import msgspec

from lean_core.data.bars import local_to_ns
from lean_core.enums import Market, SecurityType
from lean_core.symbols import Symbol
from lean_core.symbols.symbol_properties import database_ticker
from lean_core.time.exchange_hours import SecurityExchangeHours
from lean_core.time.market_hours_database import MarketHoursDatabase
from lean_core.time.time_zones import TimeZones, local_ns_to_utc_ns, local_to_utc_ns

__all__ = [
    "DateRule",
    "ExchangeHoursLookup",
    "RuleBuilder",
    "ScheduleContext",
    "SymbolArgument",
    "SymbolLookup",
    "SymbolRef",
    "TimeRule",
    "database_exchange_hours",
    "default_symbol_lookup",
    "format_amount",
    "local_to_utc_ns",
    "locals_to_utc_ns",
    "midnight",
    "resolve_symbol",
    "span_ns",
]

#: Exchange hours of a symbol: the algorithm's security if it has one, else the market-hours database.
ExchangeHoursLookup = Callable[[Symbol], SecurityExchangeHours]
#: The symbol a ticker stands for in the algorithm (LEAN's symbol cache).
SymbolLookup = Callable[[str], Symbol]

_ONE_MICROSECOND: Final = timedelta(microseconds=1)


class SymbolRef(msgspec.Struct, frozen=True):
    """A security named as data: LEAN's identifier string and the ticker shown in rule names."""

    sid: str
    value: str

    @classmethod
    def of(cls, symbol: Symbol) -> SymbolRef:
        """Return the reference to a symbol."""
        return cls(str(symbol.id), symbol.value)

    def to_symbol(self) -> Symbol:
        """Rebuild the symbol (equal to the original: symbols compare by identifier)."""
        return Symbol.parse(self.sid, self.value)

    def __str__(self) -> str:
        return self.value


#: What a rule accepts as its security: a ticker, a symbol, a reference, or a security (anything with a
#: `symbol`: LEAN converts a `Security` to its `Symbol` implicitly).
SymbolArgument = Symbol | str | SymbolRef | object


def resolve_symbol(symbol: SymbolArgument, lookup: SymbolLookup) -> Symbol:
    """Return the symbol a rule argument stands for; tickers go through the algorithm's `lookup`."""
    if isinstance(symbol, Symbol):
        return symbol
    if isinstance(symbol, SymbolRef):
        return symbol.to_symbol()
    if isinstance(symbol, str):
        return lookup(symbol)
    held = getattr(symbol, "symbol", None)
    if isinstance(held, Symbol):
        return held
    raise TypeError(f"expected a ticker, Symbol or Security, got {type(symbol).__name__}: {symbol!r}")


def default_symbol_lookup(ticker: str) -> Symbol:
    """Return a US equity for a ticker, as LEAN does for a ticker it has not seen."""
    return Symbol.create(ticker, SecurityType.EQUITY, Market.USA)


def database_exchange_hours(database: MarketHoursDatabase) -> ExchangeHoursLookup:
    """Return a lookup reading the market-hours database with LEAN's key for each kind of symbol."""

    def lookup(symbol: Symbol) -> SecurityExchangeHours:
        return database.get_exchange_hours(symbol.id.market, database_ticker(symbol), symbol.security_type)

    return lookup


class ScheduleContext:
    """Resolve rule symbols to exchange hours (cached) and hold the algorithm's time zone."""

    __slots__ = ("_hours", "_lookup", "_time_zone")

    def __init__(self, exchange_hours: ExchangeHoursLookup, time_zone: ZoneInfo) -> None:
        """Build the context from a symbol-to-hours lookup and the algorithm's time zone."""
        self._lookup = exchange_hours
        self._time_zone = time_zone
        self._hours: dict[SymbolRef, SecurityExchangeHours] = {}

    @property
    def time_zone(self) -> ZoneInfo:
        """Return the algorithm's time zone, used by rules that name no zone of their own."""
        return self._time_zone

    def zone(self, key: str | None) -> ZoneInfo:
        """Return the zone with this tz database key, or the algorithm's zone for None."""
        return self._time_zone if key is None else ZoneInfo(key)

    def hours(self, symbol: SymbolRef) -> SecurityExchangeHours:
        """Return the exchange hours of a rule's symbol."""
        found = self._hours.get(symbol)
        if found is None:
            found = self._lookup(symbol.to_symbol())
            self._hours[symbol] = found
        return found


class RuleBuilder:
    """What `DateRules` and `TimeRules` share: the hours lookup, the algorithm's zone, clock and tickers."""

    def __init__(
        self,
        exchange_hours: ExchangeHoursLookup,
        time_zone: ZoneInfo,
        *,
        symbol_lookup: SymbolLookup = default_symbol_lookup,
        utc_now: Callable[[], datetime] | None = None,
    ) -> None:
        """Build the helper.

        `exchange_hours` gives a symbol's hours (the security's, else the market-hours database's);
        `utc_now` returns the algorithm's current naive UTC time (for `today`, `tomorrow` and `now`).
        """
        self._exchange_hours = exchange_hours
        self._time_zone = time_zone
        self._symbol_lookup = symbol_lookup
        self._utc_now = utc_now

    def set_default_time_zone(self, time_zone: ZoneInfo) -> None:
        """Change the algorithm's zone the rules fall back on."""
        self._time_zone = time_zone

    def resolve(self, symbol: SymbolArgument) -> Symbol:
        """Return the symbol a ticker, symbol, reference or security stands for."""
        return resolve_symbol(symbol, self._symbol_lookup)

    def _ref(self, symbol: SymbolArgument) -> SymbolRef:
        return symbol if isinstance(symbol, SymbolRef) else SymbolRef.of(self.resolve(symbol))

    def _now(self, needed_by: str) -> datetime:
        """Return the algorithm's naive UTC time; `needed_by` names the rules in the error without a clock."""
        if self._utc_now is None:
            raise RuntimeError(f"{needed_by} the algorithm's clock: pass utc_now to {type(self).__name__}")
        return self._utc_now()


class DateRule(msgspec.Struct, frozen=True, tag=True, kw_only=True):
    """Base of every date rule: data only, tagged with the class name on the wire."""

    @property
    def name(self) -> str:
        """Return LEAN's name for the rule (it prefixes the scheduled event's name)."""
        raise NotImplementedError

    def dates(self, start: date, end: date, context: ScheduleContext) -> list[date]:
        """Return the rule's dates in [start, end], sorted."""
        raise NotImplementedError


class TimeRule(msgspec.Struct, frozen=True, tag=True, kw_only=True):
    """Base of every time rule: data only, tagged with the class name on the wire."""

    @property
    def name(self) -> str:
        """Return LEAN's name for the rule (it ends the scheduled event's name)."""
        raise NotImplementedError

    @property
    def reach_days(self) -> int:
        """Return how many days away from its date an event of this rule can fall (bounds window margins)."""
        return 1

    def utc_times(self, dates: Sequence[date], context: ScheduleContext) -> list[int]:
        """Return the UTC nanosecond instants of the events on these dates."""
        raise NotImplementedError


def midnight(day: date) -> datetime:
    """Return the first moment of a date as a naive datetime."""
    return datetime.combine(day, time())


def span_ns(span: timedelta) -> int:
    """Return a span in nanoseconds (a timedelta holds whole microseconds)."""
    return span // _ONE_MICROSECOND * 1000


def locals_to_utc_ns(local: Sequence[datetime], time_zone: ZoneInfo) -> list[int]:
    """Convert naive wall times to UTC nanoseconds, resolving DST as LEAN's `ConvertToUtc` does.

    A wall time that happens twice (clocks fall back) maps to the later instant; one that never happens
    (clocks spring forward) maps to the instant of the transition, the first moment after the gap.
    """
    walls = [local_to_ns(moment, TimeZones.UTC) for moment in local]
    utc: list[int] = local_ns_to_utc_ns(walls, time_zone).tolist()
    return utc


def format_amount(value: float) -> str:
    """Format a number as .NET's "0.##" does: at most two decimals, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text
