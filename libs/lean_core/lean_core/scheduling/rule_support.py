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

from lean_core.enums import Market, SecurityType
from lean_core.symbols import Symbol
from lean_core.time.exchange_hours import SecurityExchangeHours
from lean_core.time.market_hours_database import MarketHoursDatabase

__all__ = [
    "DateRule",
    "ExchangeHoursLookup",
    "ScheduleContext",
    "SymbolArgument",
    "SymbolLookup",
    "SymbolRef",
    "TimeRule",
    "database_exchange_hours",
    "default_symbol_lookup",
    "format_amount",
    "local_to_utc_ns",
    "midnight",
    "resolve_symbol",
]

#: Exchange hours of a symbol: the algorithm's security if it has one, else the market-hours database.
ExchangeHoursLookup = Callable[[Symbol], SecurityExchangeHours]
#: The symbol a ticker stands for in the algorithm (LEAN's symbol cache).
SymbolLookup = Callable[[str], Symbol]

_EPOCH: Final = datetime(1970, 1, 1)
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
        return database.get_exchange_hours(symbol.id.market, _database_ticker(symbol), symbol.security_type)

    return lookup


def _database_ticker(symbol: Symbol) -> str:
    """Return the ticker LEAN keys the database with (`BaseSecurityDatabase.GetDatabaseSymbolKey`)."""
    match symbol.security_type:
        case SecurityType.OPTION:
            return symbol.underlying.value if symbol.underlying is not None else ""
        case SecurityType.INDEX_OPTION | SecurityType.FUTURE_OPTION | SecurityType.BASE | SecurityType.FUTURE:
            return symbol.id.symbol
        case _:
            return symbol.value


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


def _to_ns(utc: datetime) -> int:
    return (utc - _EPOCH) // _ONE_MICROSECOND * 1000


def local_to_utc_ns(local: datetime, time_zone: ZoneInfo) -> int:
    """Convert a naive wall time to UTC nanoseconds, resolving DST as LEAN's `ConvertToUtc` does.

    A wall time that happens twice (clocks fall back) maps to the later instant; one that never happens
    (clocks spring forward) maps to the instant of the transition, the first moment after the gap.
    """
    first = local.replace(tzinfo=time_zone).utcoffset() or timedelta(0)
    second = local.replace(tzinfo=time_zone, fold=1).utcoffset() or timedelta(0)
    if first == second:
        return _to_ns(local - first)
    if first > second:
        # Ambiguous: fold=1 is the second occurrence, the later instant.
        return _to_ns(local - second)
    return _to_ns(_transition_instant(local - second, local - first, second, time_zone))


def _transition_instant(low: datetime, high: datetime, after: timedelta, time_zone: ZoneInfo) -> datetime:
    """Return the first UTC instant in (low, high] at which the zone's offset is `after` (bisection)."""
    utc = ZoneInfo("UTC")
    while high - low > _ONE_MICROSECOND:
        middle = low + (high - low) / 2
        offset = middle.replace(tzinfo=utc).astimezone(time_zone).utcoffset()
        if offset == after:
            high = middle
        else:
            low = middle
    return high


def format_amount(value: float) -> str:
    """Format a number as .NET's "0.##" does: at most two decimals, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text
