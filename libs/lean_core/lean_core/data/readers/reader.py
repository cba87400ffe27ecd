"""Read one symbol's LEAN data for a day (or a whole hour/daily file) into a frame.

`read_frame` is what the subscription layer calls. It returns the file's rows as they are: prices with
LEAN's scaling (deci-cents × 1/10000 for equities and equity/index options), times as UTC nanoseconds,
bar end = start + period of local time. Factor files, market hours, daily end-time rules and fill-forward
belong to the subscription layer.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType
from zoneinfo import ZoneInfo

import numpy as np

from lean_core.data import paths
from lean_core.data.bars import Frame
from lean_core.data.readers import crypto, equity, forex, future, option
from lean_core.data.readers.archive import entry_names, read_entry
from lean_core.data.readers.cache import CacheKey, FrameCache
from lean_core.data.readers.csv_parse import parse_csv
from lean_core.data.readers.frames import Columns, FileFormat, Source, assemble, build_columns
from lean_core.enums import Resolution, SecurityType, TickType
from lean_core.errors import MissingDataError
from lean_core.symbols import Symbol

__all__ = [
    "ReadRequest",
    "file_format",
    "list_zip_contracts",
    "parse_request",
    "read_frame",
    "request_key",
]

_FAMILIES: dict[SecurityType, ModuleType] = {
    SecurityType.EQUITY: equity,
    SecurityType.INDEX: equity,
    SecurityType.FOREX: forex,
    SecurityType.CFD: forex,
    SecurityType.CRYPTO: crypto,
    SecurityType.CRYPTO_FUTURE: crypto,
    SecurityType.FUTURE: future,
    SecurityType.OPTION: option,
    SecurityType.INDEX_OPTION: option,
    SecurityType.FUTURE_OPTION: option,
}


@dataclass(frozen=True, slots=True)
class ReadRequest:
    """One read: a symbol's data of one resolution and tick type, for a day or (hour/daily) all days.

    `path_ticker` is the ticker the files are stored under on that day (from the map file); by default
    the symbol's value, the underlying's for equity options and the root for futures and other options.
    `day` is required for tick/second/minute data; for hour/daily options it picks the year's file, and
    None reads every year.
    """

    data_folder: Path
    symbol: Symbol
    resolution: Resolution
    tick_type: TickType
    day: date | None
    data_time_zone: ZoneInfo
    path_ticker: str | None = None


def file_format(symbol: Symbol, resolution: Resolution, tick_type: TickType) -> FileFormat:
    """Return the format of a symbol's files; raise ValueError for data LEAN does not have."""
    family = _FAMILIES.get(symbol.security_type)
    if family is None:
        raise ValueError(f"no LEAN reader for {symbol.security_type.lean_name} data")
    result: FileFormat = family.file_format(symbol, resolution, tick_type)
    return result


def read_frame(request: ReadRequest, cache: FrameCache | None = None) -> Frame:
    """Read the request's file into a frame.

    Raises `MissingDataError` when the day's file (or a contract's entry in it) does not exist, and
    `DataError` naming the file, entry and line when it cannot be read.
    """
    form = file_format(request.symbol, request.resolution, request.tick_type)
    symbol = request.symbol
    read_ahead = cache.take_adopted(request) if cache is not None else None
    if read_ahead is not None:
        return assemble(form.kind, symbol, request.tick_type, read_ahead)
    if symbol.security_type.is_option and paths.is_hour_or_daily(request.resolution) and request.day is None:
        columns = _read_option_years(request, form, cache)
    else:
        columns = _read_columns(_location(request), form, request, cache)
    return assemble(form.kind, symbol, request.tick_type, columns)


def _location(request: ReadRequest) -> paths.DataLocation:
    return paths.data_location(
        request.data_folder,
        request.symbol,
        request.resolution,
        request.tick_type,
        request.day,
        request.path_ticker,
    )


def _read_columns(
    location: paths.DataLocation, form: FileFormat, request: ReadRequest, cache: FrameCache | None
) -> Columns:
    """Return the columns of one zip entry, from the cache when the file is unchanged."""
    key = _cache_key(location, request)
    if cache is not None:
        cached = cache.get(key)
        if cached is not None:
            return cached
    columns = _parse_entry(location, form, request, cache)
    if cache is not None:
        return cache.put(key, columns)
    return columns


def request_key(request: ReadRequest) -> CacheKey:
    """Return the key `read_frame` caches a day file's columns under (for reading ahead).

    Raises `MissingDataError` when there is no such file.
    """
    return _cache_key(_location(request), request)


def parse_request(request: ReadRequest) -> Columns:
    """Parse a day file's columns, as `read_frame` does without a cache (for reading ahead).

    Raises as `read_frame` does; hour and daily option years are not covered (they are read whole).
    """
    form = file_format(request.symbol, request.resolution, request.tick_type)
    return _parse_entry(_location(request), form, request, None)


def _cache_key(location: paths.DataLocation, request: ReadRequest) -> CacheKey:
    """Return the entry's cache key: its file's path, modification time and size, and how it is parsed."""
    path_text = os.path.abspath(location.path)
    try:
        status = os.stat(path_text)
    except FileNotFoundError:
        raise MissingDataError("no data file", path=location.path, entry=location.entry) from None
    return CacheKey(
        path_text, location.entry, status.st_mtime_ns, status.st_size, _variant(request, _day(request))
    )


def _day(request: ReadRequest) -> date | None:
    return None if paths.is_hour_or_daily(request.resolution) else request.day


def _parse_entry(
    location: paths.DataLocation, form: FileFormat, request: ReadRequest, cache: FrameCache | None
) -> Columns:
    one_of_many = paths.holds_many_contracts(request.symbol.security_type)
    pool = cache.archives if cache is not None else None
    found, data = read_entry(location.path, location.entry, one_of_many=one_of_many, pool=pool)
    parsed = parse_csv(data, form.spec, path=location.path, entry=found)
    source = Source(location.path, found, _day(request), request.data_time_zone, request.resolution)
    return build_columns(parsed, form, source)


def _variant(request: ReadRequest, day: date | None) -> str:
    """Name everything besides the file that shapes the columns: the format's inputs, zone and day."""
    symbol = request.symbol
    return "|".join(
        (
            symbol.security_type.name,
            symbol.id.market,
            request.resolution.name,
            request.tick_type.name,
            request.data_time_zone.key,
            str(day),
        )
    )


def _read_option_years(request: ReadRequest, form: FileFormat, cache: FrameCache | None) -> Columns:
    """Join an option contract's rows from every yearly hour/daily zip that holds its entry."""
    symbol = request.symbol
    files = paths.option_year_files(
        request.data_folder, symbol, request.resolution, request.tick_type, request.path_ticker
    )
    entry = paths.zip_entry_name(symbol, request.resolution, request.tick_type, None, request.path_ticker)
    parts: list[Columns] = []
    for path in files:
        try:
            parts.append(_read_columns(paths.DataLocation(path, entry), form, request, cache))
        except MissingDataError:
            continue  # the contract traded in other years only
    if not parts:
        folder = paths.zip_directory(request.data_folder, symbol, request.resolution, request.path_ticker)
        raise MissingDataError("no yearly zip holds this contract", path=folder, entry=entry)
    if len(parts) == 1:
        return parts[0]
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


def list_zip_contracts(
    data_folder: Path,
    chain: Symbol,
    resolution: Resolution,
    tick_type: TickType,
    day: date,
    *,
    path_ticker: str | None = None,
    future_expiry: Callable[[date], date] | None = None,
    cache: FrameCache | None = None,
) -> list[Symbol]:
    """Return the contracts with an entry in a chain's zip for a day (for hour/daily: the day's year).

    `chain` is any symbol of the chain (canonical or a contract) and gives the market, the style and,
    for options, the underlying. Futures entries name only a contract month, so futures need
    `future_expiry`, the exchange's rule from contract month to expiry date. A `cache` keeps the zip
    open for the contract reads that usually follow.
    """
    if not paths.holds_many_contracts(chain.security_type):
        raise ValueError(f"{chain.security_type.lean_name} data has no contract chains")
    folder = paths.zip_directory(data_folder, chain, resolution, path_ticker)
    path = folder / paths.zip_file_name(chain, resolution, tick_type, day, path_ticker)
    if not path.exists():
        raise MissingDataError("no data file", path=path)
    names = entry_names(path, cache.archives if cache is not None else None)
    if chain.security_type.is_option:
        contracts = [option.contract_from_entry(chain, name) for name in names]
        return sorted({c for c in contracts if c is not None}, key=lambda c: c.value)
    if future_expiry is None:
        raise ValueError("futures entries name contract months only: pass future_expiry to date them")
    months = sorted({m for m in (future.contract_month_from_entry(name) for name in names) if m is not None})
    root = chain.id.symbol
    return [Symbol.create_future(root, chain.id.market, future_expiry(month)) for month in months]
