"""LEAN's market-hours database (`market-hours/market-hours-database.json`), parsed lazily per entry.

Loading only splits the file into raw entries by key; an entry is decoded, checked and merged the first time
it is asked for, then kept. Merging follows LEAN's `MarketHoursDatabaseJsonConverter`: a specific entry
gains the holidays, early closes and late opens of its market's `[*]` entry when that entry comes earlier in
the file, and an option entry without dates of its own borrows its underlying's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final, NamedTuple
from zoneinfo import ZoneInfo

import msgspec

from lean_core.enums import SecurityType
from lean_core.errors import MarketHoursError, MissingDataError
from lean_core.symbols.symbol_properties import option_underlying_ticker, underlying_security_type
from lean_core.time import _entry_parsing as parsing
from lean_core.time.exchange_hours import SecurityExchangeHours

__all__ = ["MarketHoursDatabase", "MarketHoursEntry"]

WILDCARD: Final = "[*]"
_RELATIVE_PATH: Final = Path("market-hours") / "market-hours-database.json"


@dataclass(frozen=True, slots=True)
class MarketHoursEntry:
    """The zone a security's data files are written in, and its exchange's schedule."""

    data_time_zone: ZoneInfo
    exchange_hours: SecurityExchangeHours

    @classmethod
    def always_open(cls, time_zone: ZoneInfo, data_time_zone: ZoneInfo | None = None) -> MarketHoursEntry:
        """Return an entry that is open around the clock (custom data); data defaults to the exchange zone."""
        hours = SecurityExchangeHours.always_open(time_zone)
        return cls(data_time_zone or time_zone, hours)


class _Key(NamedTuple):
    """A database key as LEAN builds it: security type, market and ticker (or `[*]`)."""

    security_type: SecurityType
    market: str
    ticker: str

    @property
    def folded(self) -> tuple[SecurityType, str, str]:
        """Return the key with market and ticker in lower case, since LEAN compares them ignoring case."""
        return (self.security_type, self.market.lower(), self.ticker.lower())

    def common(self) -> _Key:
        """Return the `[*]` key of the same market and security type."""
        return _Key(self.security_type, self.market, WILDCARD)

    def __str__(self) -> str:
        return f"{self.security_type.lean_name}-{self.market}-{self.ticker}"


class _RawEntry(NamedTuple):
    key: _Key
    text: str
    raw: msgspec.Raw
    order: int


class _DatabaseJson(msgspec.Struct):
    entries: dict[str, msgspec.Raw]


def _parse_key(text: str) -> _Key | None:
    """Split "Type-market-ticker"; None for keys LEAN skips (malformed or of an unknown security type)."""
    parts = text.split("-")
    if len(parts) != 3 or parts[0] == WILDCARD:
        return None
    try:
        security_type = SecurityType.parse(parts[0])
    except ValueError:
        return None
    return _Key(security_type, parts[1] or WILDCARD, parts[2] or WILDCARD)


class MarketHoursDatabase:
    """Exchange hours and data time zones by security type, market and ticker, with `[*]` fallbacks."""

    def __init__(self, raw_entries: dict[str, msgspec.Raw], path: Path | None = None) -> None:
        """Index raw JSON entries by key; prefer `from_file` or `from_data_folder`."""
        self._path = path
        self._raw: dict[tuple[SecurityType, str, str], _RawEntry] = {}
        keyed = [
            (key, text, raw) for text, raw in raw_entries.items() if (key := _parse_key(text)) is not None
        ]
        # LEAN converts non-option entries before option ones, each group in file order (the sort is stable).
        keyed.sort(key=lambda item: item[0].security_type.is_option)
        for order, (key, text, raw) in enumerate(keyed):
            self._raw[key.folded] = _RawEntry(key, text, raw, order)
        self._built: dict[tuple[SecurityType, str, str], MarketHoursEntry] = {}

    @classmethod
    def from_file(cls, path: Path | str) -> MarketHoursDatabase:
        """Load a market-hours database file (entries are parsed when first used)."""
        path = Path(path)
        try:
            content = path.read_bytes()
        except FileNotFoundError:
            raise MissingDataError("market-hours database not found", path=path) from None
        try:
            document = msgspec.json.decode(content, type=_DatabaseJson)
        except msgspec.DecodeError as error:
            raise MarketHoursError(
                f"not a market-hours database: {error}", key="entries", path=path
            ) from None
        return cls(document.entries, path)

    @classmethod
    def from_data_folder(cls, folder: Path | str) -> MarketHoursDatabase:
        """Load `market-hours/market-hours-database.json` under a LEAN data folder."""
        return cls.from_file(Path(folder) / _RELATIVE_PATH)

    @staticmethod
    def always_open(time_zone: ZoneInfo, data_time_zone: ZoneInfo | None = None) -> MarketHoursEntry:
        """Return an always-open entry, as LEAN gives custom data without an entry of its own."""
        return MarketHoursEntry.always_open(time_zone, data_time_zone)

    @property
    def keys(self) -> list[str]:
        """Return every usable key as written in the file."""
        return [entry.text for entry in self._raw.values()]

    def contains_key(self, market: str, ticker: str | None, security_type: SecurityType) -> bool:
        """Tell whether the file has an entry for exactly this key (no fallback)."""
        return _Key(security_type, market or WILDCARD, ticker or WILDCARD).folded in self._raw

    def get_entry(self, market: str, ticker: str | None, security_type: SecurityType) -> MarketHoursEntry:
        """Return the entry for the key, else its market's `[*]` entry; else raise MarketHoursError."""
        key = _Key(security_type, market or WILDCARD, ticker or WILDCARD)
        entry = self._find(key)
        if entry is not None:
            return entry
        reason = "no entry for this key and no '[*]' entry for its market and security type"
        if security_type == SecurityType.FUTURE and market.lower() == "usa":
            reason += (
                "; futures are listed under their exchange's market (cme, cbot, nymex, comex, ...), not usa"
            )
        raise MarketHoursError(reason, key=str(key), path=self._path)

    def get_exchange_hours(
        self, market: str, ticker: str | None, security_type: SecurityType
    ) -> SecurityExchangeHours:
        """Return the exchange hours of `get_entry`."""
        return self.get_entry(market, ticker, security_type).exchange_hours

    def get_data_time_zone(self, market: str, ticker: str | None, security_type: SecurityType) -> ZoneInfo:
        """Return the data time zone of `get_entry`."""
        return self.get_entry(market, ticker, security_type).data_time_zone

    def _find(self, key: _Key) -> MarketHoursEntry | None:
        """Look up a key, then its `[*]` key, then (future options) the future's entry, as LEAN does."""
        for candidate in (key, key.common()):
            if candidate.folded in self._raw:
                return self._build(candidate.folded)
        if key.security_type == SecurityType.FUTURE_OPTION:
            future_root = option_underlying_ticker(key.ticker, SecurityType.FUTURE_OPTION)
            return self._find(_Key(SecurityType.FUTURE, key.market, future_root))
        return None

    def _build(self, folded: tuple[SecurityType, str, str]) -> MarketHoursEntry:
        """Decode and merge one entry, once."""
        built = self._built.get(folded)
        if built is not None:
            return built
        raw = self._raw[folded]
        parsed = parsing.parse_entry(raw.raw, raw.text, self._path)
        underlying = self._underlying_of(raw.key)
        if underlying is not None:
            parsed = parsing.inherit_from_underlying(parsed, underlying.exchange_hours)
        common = self._raw.get(raw.key.common().folded)
        if common is not None and common.order < raw.order:
            parsed = parsing.merge_with_market(parsed, self._build(common.key.folded).exchange_hours)
        entry = MarketHoursEntry(parsed.data_time_zone, parsed.to_exchange_hours(raw.text))
        self._built[folded] = entry
        return entry

    def _underlying_of(self, key: _Key) -> MarketHoursEntry | None:
        """Return the entry of an option's underlying (exact, else its `[*]`), or None."""
        if not key.security_type.is_option:
            return None
        underlying_type = underlying_security_type(key.security_type)
        ticker = option_underlying_ticker(key.ticker, key.security_type)
        candidates = [_Key(underlying_type, key.market, ticker)]
        if ticker != WILDCARD:
            candidates.append(_Key(underlying_type, key.market, WILDCARD))
        for candidate in candidates:
            if candidate.folded in self._raw:
                return self._build(candidate.folded)
        return None
