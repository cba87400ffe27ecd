"""LEAN's data folder layout: which zip file and which entry hold a symbol's data.

The layout follows `LeanData.GenerateZipFilePath`/`GenerateZipEntryName`:

- tick, second and minute data: one zip a day, ``{type}/{market}/{resolution}/{ticker}/{yyyyMMdd}_{tick
  type}.zip`` (options add ``_{style}``); hour and daily data: one zip for all days, ``{ticker}.zip``
  (crypto and futures ``{ticker}_{tick type}.zip``, options one a year ``{ticker}_{year}_{tick
  type}_{style}.zip``);
- futures and options keep many contracts in one zip, an entry each: futures are told apart by their
  contract month (``201312``), options by style, right, strike·10000 and expiry;
- the ticker is the one the files are stored under (equities change it on a rename, per the map file),
  the underlying's for equity options, and the root (``es``, ``spxw``) for futures and other options.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Final

from lean_core.enums import OptionRight, OptionStyle, Resolution, SecurityType, TickType, pascal_name
from lean_core.symbols import SecurityIdentifier, Symbol
from lean_core.symbols.security_identifier import DEFAULT_DATE
from lean_core.symbols.symbol import CANONICAL_EXPIRY

__all__ = [
    "DataLocation",
    "available_dates",
    "data_location",
    "default_path_ticker",
    "future_contract_month",
    "holds_many_contracts",
    "is_hour_or_daily",
    "option_strike_text",
    "option_year_files",
    "zip_directory",
    "zip_entry_name",
    "zip_file_name",
]

#: Futures whose contract month lies after their expiry month, and by how many months
#: (`FuturesExpiryUtilityFunctions.ExpiriesPriorMonth`): crude oil for January expires in December.
CONTRACT_MONTH_AFTER_EXPIRY: Final[dict[str, int]] = {
    "AE5": 1,  # Argus LLS vs WTI trade month
    "A9N": 1,  # Argus propane Saudi Aramco
    "B": 2,  # Brent crude
    "BZ": 2,  # Brent last day financial
    "CL": 1,  # crude oil WTI
    "MCL": 1,  # micro crude oil WTI
    "RB": 1,  # RBOB gasoline
    "HO": 1,  # heating oil
    "AYV": 1,  # Mars Argus vs WTI trade month
    "NG": 1,  # natural gas
    "HH": 1,  # natural gas Henry Hub last day financial
    "HP": 1,  # natural gas Henry Hub penultimate financial
    "HTT": 1,  # WTI Houston Argus vs WTI trade month
    "HCL": 1,  # WTI Houston crude oil
    "SB": 1,  # sugar #11
    "YO": 1,  # sugar #11 (CME)
}

_OPTION_TYPES: Final = (SecurityType.OPTION, SecurityType.INDEX_OPTION, SecurityType.FUTURE_OPTION)
_FUTURE_TYPES: Final = (SecurityType.FUTURE, SecurityType.CRYPTO_FUTURE)
_SINGLE_TYPES: Final = (
    SecurityType.BASE,
    SecurityType.EQUITY,
    SecurityType.FOREX,
    SecurityType.CFD,
    SecurityType.CRYPTO,
    SecurityType.INDEX,
)
_DAILY_FILE = re.compile(r"^(\d{8})_([a-z]+)(?:_([a-z]+))?\.zip$")


@dataclass(frozen=True, slots=True)
class DataLocation:
    """Where one symbol's data for one request lives: a zip file and the entry inside it."""

    path: Path
    entry: str


def is_hour_or_daily(resolution: Resolution) -> bool:
    """Tell whether a resolution keeps all days in one file."""
    return resolution in (Resolution.HOUR, Resolution.DAILY)


def holds_many_contracts(security_type: SecurityType) -> bool:
    """Tell whether a type's zips keep many contracts, an entry each (futures and options)."""
    return security_type in _FUTURE_TYPES or security_type in _OPTION_TYPES


def default_path_ticker(symbol: Symbol) -> str:
    """Return the lower-case ticker LEAN files a symbol's data under when no map file says otherwise."""
    security_type = symbol.security_type
    if security_type in _SINGLE_TYPES:
        return symbol.value.lower()
    if security_type == SecurityType.OPTION:
        if symbol.underlying is not None:
            return symbol.underlying.value.lower()
        underlying = symbol.id.underlying
        return (underlying.symbol if underlying is not None else symbol.id.symbol).lower()
    if security_type in _OPTION_TYPES or security_type in _FUTURE_TYPES:
        return symbol.id.symbol.lower()
    raise ValueError(f"LEAN has no data layout for {security_type.lean_name} symbols")


def future_contract_month(identifier: SecurityIdentifier) -> date:
    """Return the first day of a future's contract month, which can follow its expiry month."""
    expiry = identifier.date
    months = expiry.year * 12 + expiry.month - 1 + CONTRACT_MONTH_AFTER_EXPIRY.get(identifier.symbol, 0)
    return date(months // 12, months % 12 + 1, 1)


def option_strike_text(strike: Decimal) -> str:
    """Return a strike as LEAN writes it in entry names: times 10000, no trailing zeros, no exponent."""
    scaled = (strike * 10000).normalize()
    return format(scaled, "f")


@dataclass(frozen=True, slots=True)
class _Naming:
    """What every name of a request's files depends on, worked out once."""

    symbol: Symbol
    security_type: SecurityType
    ticker: str
    resolution: Resolution
    tick_type: TickType
    day: date | None

    @classmethod
    def of(
        cls,
        symbol: Symbol,
        resolution: Resolution,
        tick_type: TickType,
        day: date | None,
        path_ticker: str | None,
    ) -> _Naming:
        ticker = (path_ticker or default_path_ticker(symbol)).lower()
        return cls(symbol, symbol.security_type, ticker, resolution, tick_type, day)

    @property
    def hour_or_daily(self) -> bool:
        return is_hour_or_daily(self.resolution)

    def day_text(self) -> str:
        if self.day is None:
            raise ValueError(
                f"{self.resolution.folder_name} data of this security type is filed by date: give a day"
            )
        day = self.day
        return f"{day.year:04d}{day.month:02d}{day.day:02d}"  # strftime costs 8 us a day file


def zip_directory(
    data_folder: Path, symbol: Symbol, resolution: Resolution, path_ticker: str | None = None
) -> Path:
    """Return the folder holding a symbol's zips at a resolution."""
    naming = _Naming.of(symbol, resolution, TickType.TRADE, None, path_ticker)
    return _directory(data_folder, naming.symbol, naming.resolution, naming.ticker)


def zip_file_name(
    symbol: Symbol,
    resolution: Resolution,
    tick_type: TickType,
    day: date | None,
    path_ticker: str | None = None,
) -> str:
    """Return the zip's file name; `day` may be None only for hour/daily files outside options."""
    return _file_name(_Naming.of(symbol, resolution, tick_type, day, path_ticker))


def zip_entry_name(
    symbol: Symbol,
    resolution: Resolution,
    tick_type: TickType,
    day: date | None,
    path_ticker: str | None = None,
) -> str:
    """Return the name of the zip entry holding the symbol's rows."""
    return _entry_name(_Naming.of(symbol, resolution, tick_type, day, path_ticker))


def data_location(
    data_folder: Path,
    symbol: Symbol,
    resolution: Resolution,
    tick_type: TickType,
    day: date | None,
    path_ticker: str | None = None,
) -> DataLocation:
    """Return the zip file and entry holding a symbol's data for a day (or all days, hour/daily)."""
    naming = _Naming.of(symbol, resolution, tick_type, day, path_ticker)
    directory = _directory(data_folder, naming.symbol, naming.resolution, naming.ticker)
    return DataLocation(directory / _file_name(naming), _entry_name(naming))


@lru_cache(maxsize=4096)
def _directory(data_folder: Path, symbol: Symbol, resolution: Resolution, ticker: str) -> Path:
    # Joining paths is most of naming a file: a subscription's days share their folder.
    security_type = symbol.security_type
    parts = [security_type.folder_name, symbol.id.market, resolution.folder_name]
    if security_type == SecurityType.FUTURE_OPTION:
        # Future options keep a folder per underlying contract month, at every resolution.
        parts += [ticker, f"{_underlying_contract_month(symbol):%Y%m}"]
    elif not is_hour_or_daily(resolution):
        parts.append(ticker)
    return data_folder.joinpath(*parts)


def _file_name(naming: _Naming) -> str:
    kind = naming.tick_type.file_name
    security_type = naming.security_type
    if not naming.hour_or_daily:
        style = f"_{_style_name(naming.symbol)}" if security_type in _OPTION_TYPES else ""
        return f"{naming.day_text()}_{kind}{style}.zip"
    if security_type in _OPTION_TYPES:
        year = naming.day_text()[:4]
        return f"{naming.ticker}_{year}_{kind}_{_style_name(naming.symbol)}.zip"
    if security_type == SecurityType.CRYPTO or security_type in _FUTURE_TYPES:
        return f"{naming.ticker}_{kind}.zip"
    return f"{naming.ticker}.zip"


def _entry_name(naming: _Naming) -> str:
    symbol, ticker, kind = naming.symbol, naming.ticker, naming.tick_type.file_name
    head = [ticker] if naming.hour_or_daily else [naming.day_text(), ticker, naming.resolution.folder_name]
    security_type = naming.security_type
    if security_type in _OPTION_TYPES:
        terms = [_style_name(symbol), _right_name(symbol), option_strike_text(symbol.id.strike_price)]
        return "_".join([*head, kind, *terms, f"{symbol.id.date:%Y%m%d}"]) + ".csv"
    if security_type in _FUTURE_TYPES:
        return "_".join([*head, kind, _expiration_tag(symbol)]) + ".csv"
    if naming.hour_or_daily:
        return f"{ticker}.csv"
    if naming.resolution == Resolution.TICK and security_type == SecurityType.EQUITY:
        return f"{head[0]}_{ticker}_{_pascal_tick_type(naming.tick_type)}_Tick.csv"
    return "_".join([*head, kind]) + ".csv"


def available_dates(
    data_folder: Path,
    symbol: Symbol,
    resolution: Resolution,
    tick_type: TickType,
    path_ticker: str | None = None,
) -> list[date]:
    """Return the sorted dates with data for a symbol.

    For tick, second and minute data these are the days with a zip file of the tick type (the
    contract's own entry is not checked: a chain's zip serves every contract). For hour and daily
    data they are the dates of the rows in the file (all years' files for options).
    """
    if is_hour_or_daily(resolution):
        from lean_core.data.readers.archive import row_dates

        return row_dates(data_folder, symbol, resolution, tick_type, path_ticker)
    folder = zip_directory(data_folder, symbol, resolution, path_ticker)
    style = _style_name(symbol) if symbol.security_type in _OPTION_TYPES else None
    try:
        names = [entry.name for entry in folder.iterdir()]
    except FileNotFoundError:
        return []
    found: set[date] = set()
    for name in names:
        match = _DAILY_FILE.match(name)
        if match is not None and match.group(2) == tick_type.file_name and match.group(3) == style:
            parsed = _parse_day(match.group(1))
            if parsed is not None:
                found.add(parsed)
    return sorted(found)


def option_year_files(
    data_folder: Path,
    symbol: Symbol,
    resolution: Resolution,
    tick_type: TickType,
    path_ticker: str | None = None,
) -> list[Path]:
    """Return an option's hour/daily zips, one a year, in year order."""
    ticker = (path_ticker or default_path_ticker(symbol)).lower()
    folder = zip_directory(data_folder, symbol, resolution, path_ticker)
    pattern = re.compile(rf"^{re.escape(ticker)}_(\d{{4}})_{tick_type.file_name}_{_style_name(symbol)}\.zip$")
    try:
        names = sorted(entry.name for entry in folder.iterdir())
    except FileNotFoundError:
        return []
    return [folder / name for name in names if pattern.match(name)]


def _parse_day(text: str) -> date | None:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def _style_name(symbol: Symbol) -> str:
    return "american" if symbol.id.option_style == OptionStyle.AMERICAN else "european"


def _right_name(symbol: Symbol) -> str:
    return "call" if symbol.id.option_right == OptionRight.CALL else "put"


def _pascal_tick_type(tick_type: TickType) -> str:
    return pascal_name(tick_type)


def _expiration_tag(symbol: Symbol) -> str:
    """Return the contract month ("201312") or "perp" for perpetual crypto futures."""
    # LEAN gives perpetuals its default date (day 0); lean_core's canonical dates are accepted too.
    perpetual = not symbol.id.has_date or symbol.id.date in (DEFAULT_DATE, CANONICAL_EXPIRY)
    if symbol.security_type == SecurityType.CRYPTO_FUTURE and perpetual:
        return "perp"
    return f"{future_contract_month(symbol.id):%Y%m}"


def _underlying_contract_month(symbol: Symbol) -> date:
    underlying = symbol.id.underlying
    if underlying is None:
        raise ValueError(f"future option {symbol.value} has no underlying future in its identifier")
    return future_contract_month(underlying)
