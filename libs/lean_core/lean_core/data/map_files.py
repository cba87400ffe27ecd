"""LEAN's map files: which ticker an equity traded under on each date.

`equity/{market}/map_files/{permtick}.csv` holds rows `yyyyMMdd,ticker[,exchange[,mapping mode]]`.
A row's ticker is the one in use up to and including its date. The first row is the listing: its
date and ticker go into the security identifier. The last row's date is the delisting date, or
2050-12-31 while the security still trades. A file named `{ticker}.1.csv` holds an older security
that once traded under the same ticker (`twx.1.csv` before `twx.csv`).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from typing import NamedTuple

from lean_core.data.corporate_actions import SymbolChangedEvent
from lean_core.enums import DataMappingMode, Market, SecurityType
from lean_core.errors import DataError
from lean_core.symbols import Symbol
from lean_core.symbols.security_identifier import DEFAULT_DATE

__all__ = [
    "BEGINNING_OF_TIME",
    "END_OF_TIME",
    "MapFile",
    "MapFileProvider",
    "MapFileRow",
    "TickerRename",
    "next_weekday",
    "parse_yyyymmdd",
    "read_map_file",
]

#: The last row date of a security that still trades (LEAN's `Time.EndOfTime`).
END_OF_TIME = date(2050, 12, 31)
#: The first date of an empty map file (LEAN's `Time.BeginningOfTime`, OLE day zero).
BEGINNING_OF_TIME = date(1899, 12, 30)

_MAPPING_MODES = {
    "0": DataMappingMode.LAST_TRADING_DAY,
    "lasttradingday": DataMappingMode.LAST_TRADING_DAY,
    "1": DataMappingMode.FIRST_DAY_MONTH,
    "firstdaymonth": DataMappingMode.FIRST_DAY_MONTH,
    "2": DataMappingMode.OPEN_INTEREST,
    "openinterest": DataMappingMode.OPEN_INTEREST,
    "3": DataMappingMode.OPEN_INTEREST_ANNUAL,
    "openinterestannual": DataMappingMode.OPEN_INTEREST_ANNUAL,
}


def next_weekday(day: date) -> date:
    """Return the next Monday-to-Friday date: the fallback when no exchange calendar is given."""
    following = day + timedelta(days=1)
    while following.weekday() >= 5:
        following += timedelta(days=1)
    return following


def parse_yyyymmdd(text: str, *, path: Path, line: int) -> date:
    """Parse LEAN's eight-digit date column, raising `DataError` at `path`, `line`."""
    if len(text) != 8 or not text.isdigit():
        raise DataError(f"expected a yyyyMMdd date, got {text!r}", path=path, line=line)
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError as error:
        raise DataError(f"invalid date {text!r}: {error}", path=path, line=line) from None


@dataclass(frozen=True, slots=True)
class MapFileRow:
    """One map-file row: `ticker` is in use up to and including `date`."""

    date: date
    ticker: str
    primary_exchange: str | None = None
    #: Only future map files carry a mapping mode; equity rows leave it unset.
    data_mapping_mode: DataMappingMode | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "ticker", self.ticker.upper())

    def to_csv(self) -> str:
        """Return the row as LEAN writes it (lower-case ticker, trailing columns only when set)."""
        text = f"{self.date:%Y%m%d},{self.ticker.lower()}"
        if self.primary_exchange is not None or self.data_mapping_mode is not None:
            text += f",{self.primary_exchange or ''}"
        if self.data_mapping_mode is not None:
            text += f",{int(self.data_mapping_mode)}"
        return text


class TickerRename(NamedTuple):
    """A ticker change: `old_ticker` holds through `last_date`, `new_ticker` from the next trading day."""

    last_date: date
    old_ticker: str
    new_ticker: str


class MapFile:
    """The ticker history of one security, rows sorted by date and free of duplicates."""

    __slots__ = ("_dates", "_rows", "first_date", "first_ticker", "last_date", "permtick")

    def __init__(self, permtick: str, rows: Iterable[MapFileRow]) -> None:
        if not permtick:
            raise ValueError("a map file needs a non-empty permtick")
        self.permtick = permtick.upper()
        # dict.fromkeys drops repeats but keeps file order, so equal dates sort as LEAN's stable OrderBy.
        self._rows = tuple(sorted(dict.fromkeys(rows), key=lambda row: row.date))
        self._dates = [row.date for row in self._rows]
        self.first_date = self._rows[0].date if self._rows else BEGINNING_OF_TIME
        #: LEAN's `DelistingDate`: the last row's date (2050-12-31 while the security trades).
        self.last_date = self._rows[-1].date if self._rows else END_OF_TIME
        self.first_ticker = _without_namesake_suffix(self.mapped_symbol(self.first_date, self.permtick))

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[MapFileRow]:
        return iter(self._rows)

    def __repr__(self) -> str:
        return f"MapFile({self.permtick!r}, {len(self._rows)} rows, {self.first_date}..{self.last_date})"

    @property
    def rows(self) -> tuple[MapFileRow, ...]:
        """Return the rows in date order."""
        return self._rows

    @property
    def delisting_date(self) -> date | None:
        """Return the delisting date, or None while the security still trades."""
        return None if self.last_date >= END_OF_TIME else self.last_date

    def mapped_symbol(
        self, day: date, default: str = "", data_mapping_mode: DataMappingMode | None = None
    ) -> str:
        """Return the ticker of the first row dated on or after `day`, or `default` past the last row.

        This is LEAN's `GetMappedSymbol`: before the first date it answers the first ticker.
        """
        for row in self._rows[bisect_left(self._dates, day) :]:
            if row.data_mapping_mode is None or row.data_mapping_mode == data_mapping_mode:
                return row.ticker
        return default

    def ticker_on(self, day: date) -> str | None:
        """Return the ticker in use on `day`, or None when the security did not trade then."""
        if not self._rows or not self.has_data(day):
            return None
        return self.mapped_symbol(day) or None

    def has_data(self, day: date) -> bool:
        """Tell whether `day` lies within the listing (always true for an empty map file)."""
        if not self._rows:
            return True
        return self.first_date <= day <= self.last_date

    def rename_dates(self) -> list[TickerRename]:
        """Return every ticker change, in date order."""
        rows = [row for row in self._rows if row.data_mapping_mode is None]
        return [
            TickerRename(current.date, current.ticker, following.ticker)
            for current, following in pairwise(rows)
            if current.ticker != following.ticker
        ]

    def symbol_changed_events(
        self, symbol: Symbol, next_trading_day: Callable[[date], date] = next_weekday
    ) -> list[SymbolChangedEvent]:
        """Return LEAN's rename events, each dated the first trading day under the new ticker.

        A subscription starting after a rename's `last_date` already reads the new ticker and
        gets no event for it; the caller drops those.
        """
        return [
            SymbolChangedEvent(
                symbol, datetime.combine(next_trading_day(rename.last_date), time()), *rename[1:]
            )
            for rename in self.rename_dates()
        ]


def _without_namesake_suffix(ticker: str) -> str:
    # "TWX.1" names an older security that traded as TWX; its first ticker is plain TWX.
    if ticker and ticker[-1].isdigit():
        stem, dot, number = ticker.rpartition(".")
        if dot and stem and number.isdigit():
            return stem
    return ticker


def read_map_file(path: Path) -> MapFile:
    """Read one map file; the permtick is the file name without `.csv`."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DataError(f"cannot read map file: {error}", path=path) from None
    rows: list[MapFileRow] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            row = _parse_row(line, path=path, line=number)
            if row is not None:
                rows.append(row)
    return MapFile(path.name.removesuffix(".csv"), rows)


def _parse_row(text: str, *, path: Path, line: int) -> MapFileRow | None:
    fields = [field.strip() for field in text.split(",")]
    if len(fields) < 2 or not fields[1]:
        raise DataError("expected yyyyMMdd,ticker[,exchange[,mapping mode]]", path=path, line=line)
    day = parse_yyyymmdd(fields[0], path=path, line=line)
    exchange = fields[2].upper() if len(fields) > 2 and fields[2] else None
    mode: DataMappingMode | None = None
    if len(fields) > 3 and fields[3]:
        mode = _MAPPING_MODES.get(fields[3].lower())
        if mode is None:
            # LEAN skips rows with a mapping mode it does not know, so newer files stay readable.
            return None
    return MapFileRow(day, fields[1], exchange, mode)


class _MarketMapFiles:
    """The map files of one market: read one by one on demand, indexed by ticker on first resolve."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._files: dict[str, MapFile | None] = {}
        self._by_ticker: dict[str, tuple[list[date], list[str]]] | None = None

    def get(self, permtick: str) -> MapFile | None:
        """Return the map file named `permtick`, reading it on first use."""
        key = permtick.upper()
        if key not in self._files:
            path = self.folder / f"{key.lower()}.csv"
            self._files[key] = read_map_file(path) if path.is_file() else None
        return self._files[key]

    def by_ticker(self) -> dict[str, tuple[list[date], list[str]]]:
        """Return, per ticker, its row dates across all files and the permtick of each."""
        if self._by_ticker is None:
            self._by_ticker = self._build_index()
        return self._by_ticker

    def _build_index(self) -> dict[str, tuple[list[date], list[str]]]:
        entries: dict[str, dict[date, str]] = {}
        paths = sorted(self.folder.glob("*.csv")) if self.folder.is_dir() else []
        for path in paths:
            map_file = self.get(path.name.removesuffix(".csv"))
            if map_file is None:
                continue
            for row in map_file:
                # The first file (in name order) to claim a ticker on a date keeps it.
                entries.setdefault(row.ticker, {}).setdefault(row.date, map_file.permtick)
        index: dict[str, tuple[list[date], list[str]]] = {}
        for ticker, by_date in entries.items():
            days = sorted(by_date)
            index[ticker] = (days, [by_date[day] for day in days])
        return index


class MapFileProvider:
    """Find map files under a LEAN data folder; files are read lazily and kept per instance."""

    def __init__(self, data_folder: Path, market: str = Market.USA) -> None:
        self.data_folder = Path(data_folder)
        self.market = market.lower()
        self._markets: dict[str, _MarketMapFiles] = {}

    def folder(self, market: str | None = None) -> Path:
        """Return the map-file folder of `market` (the provider's market by default)."""
        return self.data_folder / "equity" / (market or self.market).lower() / "map_files"

    def get(self, permtick: str, market: str | None = None) -> MapFile | None:
        """Return the map file named `permtick`, or None when there is none."""
        return self._market(market).get(permtick)

    def resolve(self, ticker: str, on: date, market: str | None = None) -> MapFile | None:
        """Return the map file of the security that traded as `ticker` around `on`, as LEAN's resolver.

        The ticker's rows across all files are searched for the first dated on or after `on`
        (the last one when `on` is later than all); its file wins. None means LEAN would use an
        empty map file: no file, or a security listed only after `on`.
        """
        index = self._market(market)
        key = ticker.upper()
        permtick = key
        found = index.by_ticker().get(key)
        if found is not None:
            days, permticks = found
            permtick = permticks[min(bisect_left(days, on), len(days) - 1)]
        map_file = index.get(permtick)
        if map_file is None or (map_file.first_date > on and on != DEFAULT_DATE):
            return None
        return map_file

    def resolve_symbol(self, symbol: Symbol) -> MapFile | None:
        """Return the map file of an equity symbol from its identifier's first ticker and date."""
        return self.resolve(symbol.id.symbol, symbol.id.date, symbol.id.market)

    def create_equity_symbol(self, ticker: str, market: str | None, on: date) -> Symbol:
        """Create an equity symbol whose identifier comes from its map file, as LEAN's `GenerateEquity`.

        `on` is the date `ticker` is resolved at (LEAN's `AddEquity` passes the wall-clock today).
        The value is `ticker` as given, as in LEAN; without a map file LEAN's defaults apply.
        """
        market = (market or self.market).lower()
        map_file = self.resolve(ticker, on, market)
        if map_file is None or not len(map_file):
            return Symbol.create(ticker, SecurityType.EQUITY, market)
        return Symbol.create(
            ticker,
            SecurityType.EQUITY,
            market,
            first_date=map_file.first_date,
            permtick=map_file.first_ticker,
        )

    def _market(self, market: str | None) -> _MarketMapFiles:
        key = (market or self.market).lower()
        if key not in self._markets:
            self._markets[key] = _MarketMapFiles(self.folder(key))
        return self._markets[key]
