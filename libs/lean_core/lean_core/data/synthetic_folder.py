"""Generate a whole synthetic LEAN data folder: bars, hour/daily aggregates and the files read beside them.

Besides the price files, the folder gets what a backtest needs: the market-hours database and the
symbol-properties database (created, or extended with the entries the generated data needs; entries the
folder already has are left as they are), map and factor files for equities (a factor file is written
whenever the generated data has a split or a dividend, so adjusted prices stay consistent with the raw
files) and an interest-rate series. Hour and daily files are merged: rows outside the generated dates stay.
"""

from __future__ import annotations

import json
import multiprocessing
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Final

import numpy as np

from lean_core.data.bars import Frame, QuoteBarFrame, TradeBarFrame
from lean_core.data.factor_files import FactorFileRow, read_factor_file
from lean_core.data.map_files import END_OF_TIME, MapFileRow, read_map_file
from lean_core.data.paths import data_location
from lean_core.data.readers import ReadRequest, read_frame
from lean_core.data.synthetic import (
    GeneratorSettings,
    SymbolModel,
    build_model,
    resolve_tickers,
    symbol_generator,
)
from lean_core.data.synthetic_paths import CorporateEvent, SymbolSimulation, SyntheticDay
from lean_core.data.synthetic_reference import (
    interest_rate_rows,
    market_hours_entry,
    market_hours_key,
    symbol_properties_row,
)
from lean_core.data.synthetic_tape import concat_frames
from lean_core.data.writers import NumberFormat, WrittenFile, decimal_places, write_frame
from lean_core.enums import Resolution, SecurityType, TickType
from lean_core.symbols import Symbol
from lean_core.symbols.security_identifier import DEFAULT_DATE
from lean_core.symbols.symbol_properties import SymbolPropertiesDatabase
from lean_core.time import MarketHoursDatabase, MarketHoursEntry

__all__ = ["GenerationSummary", "factor_file_rows", "generate_data_folder"]

_MARKET_HOURS: Final = Path("market-hours") / "market-hours-database.json"
_SYMBOL_PROPERTIES: Final = Path("symbol-properties") / "symbol-properties-database.csv"
_INTEREST_RATES: Final = Path("alternative") / "interest-rate" / "usa" / "interest-rate.csv"
# Rows formatted per pass: large enough to amortise numpy's per-call cost, small enough for a year of ticks.
_BATCH_ROWS: Final = 400_000
_PROPERTIES_HEADER: Final = (
    "market,symbol,type,description,quote_currency,contract_multiplier,minimum_price_variation,lot_size,"
    "market_ticker,minimum_order_size,price_magnifier,strike_multiplier\n"
)


# One symbol's day count, data files written and reference files written.
_SymbolResult = tuple[int, list[WrittenFile], list[Path]]


@dataclass(frozen=True, slots=True)
class GenerationSummary:
    """What a generation wrote."""

    symbols: tuple[str, ...]
    days: int  # days with data, for the symbol with the most
    files: int  # data zips written
    rows: int  # data rows written, aggregates included
    seconds: float
    reference_files: tuple[Path, ...]  # market hours, symbol properties, map, factor and rate files written


def generate_data_folder(
    settings: GeneratorSettings, data_folder: Path, *, workers: int = 1
) -> GenerationSummary:
    """Write synthetic data for every requested symbol and day, with the reference files LEAN needs.

    With `workers` > 1 symbols are generated in that many processes; every symbol draws from its own
    seeded generator, so the files are the same either way.
    """
    started = time.perf_counter()
    data_folder.mkdir(parents=True, exist_ok=True)
    tickers = resolve_tickers(settings)
    reference = _prepare_reference_files(
        settings, data_folder, [_draw(settings, ticker)[0] for ticker in tickers]
    )
    jobs = ([settings] * len(tickers), [data_folder] * len(tickers), list(tickers))
    if workers > 1 and len(tickers) > 1:
        # Fork where the platform has it: the children start at once with everything imported.
        context = multiprocessing.get_context(
            "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        )
        with ProcessPoolExecutor(min(workers, len(tickers)), mp_context=context) as pool:
            results = list(pool.map(_generate_ticker, *jobs))
    else:
        results = list(map(_generate_ticker, *jobs))
    written = [file for _, files, _ in results for file in files]
    return GenerationSummary(
        symbols=tickers,
        days=max((days for days, _, _ in results), default=0),
        files=len(written),
        rows=sum(file.rows for file in written),
        seconds=time.perf_counter() - started,
        reference_files=(*reference, *(path for _, _, extra in results for path in extra)),
    )


def _generate_ticker(settings: GeneratorSettings, data_folder: Path, ticker: str) -> _SymbolResult:
    """Generate one symbol from its seed alone, as a worker process can: draw, align to the grid, write."""
    model, rng = _draw(settings, ticker)
    properties = SymbolPropertiesDatabase.from_data_folder(data_folder)
    entry = MarketHoursDatabase.from_data_folder(data_folder).get_entry(
        settings.market, ticker, settings.security_type
    )
    return _generate_symbol(
        settings, data_folder, _on_folder_grid(model, properties, settings.market), rng, entry
    )


def _draw(settings: GeneratorSettings, ticker: str) -> tuple[SymbolModel, np.random.Generator]:
    rng = symbol_generator(settings.seed, ticker, settings.security_type)
    return build_model(settings, ticker, rng), rng


def _on_folder_grid(model: SymbolModel, properties: SymbolPropertiesDatabase, market: str) -> SymbolModel:
    """Put prices and sizes on the tick and lot sizes the folder's symbol-properties database declares."""
    found = properties.get(market, model.ticker, model.security_type, model.quote_currency)
    return replace(
        model,
        price_decimals=decimal_places(found.minimum_price_variation),
        size_decimals=decimal_places(found.lot_size),
    )


def _symbol(settings: GeneratorSettings, model: SymbolModel, data_folder: Path) -> Symbol:
    if settings.security_type != SecurityType.EQUITY:
        return Symbol.create(model.ticker, settings.security_type, settings.market)
    map_file = _map_file_path(data_folder, settings.market, model.ticker)
    first = read_map_file(map_file).first_date if map_file.exists() else min(DEFAULT_DATE, settings.start)
    return Symbol.create(model.ticker, SecurityType.EQUITY, settings.market, first_date=first)


def _generate_symbol(
    settings: GeneratorSettings,
    data_folder: Path,
    model: SymbolModel,
    rng: np.random.Generator,
    entry: MarketHoursEntry,
) -> _SymbolResult:
    """Write one symbol's files; return its day count, data files and reference files."""
    symbol = _symbol(settings, model, data_folder)
    simulation = SymbolSimulation(settings, model, symbol, entry, rng)
    number_format = NumberFormat.for_security(
        model.security_type, model.minimum_price_variation, model.lot_size
    )

    def write(frame: Frame, resolution: Resolution) -> list[WrittenFile]:
        return write_frame(
            data_folder, frame, resolution, data_time_zone=entry.data_time_zone, number_format=number_format
        )

    days, written = _write_days(simulation.run(settings.resolution), settings.resolution, write)
    for resolution in (Resolution.HOUR, Resolution.DAILY):
        if resolution >= settings.resolution:
            for frame in simulation.aggregates(resolution):
                written += write(_merge_existing(data_folder, frame, resolution, entry), resolution)
    extra: list[Path] = []
    if settings.security_type == SecurityType.EQUITY:
        extra = _write_corporate_files(data_folder, settings, model, simulation.events)
    return days, written, extra


def _write_days(
    days: Iterator[SyntheticDay],
    resolution: Resolution,
    write: Callable[[Frame, Resolution], list[WrittenFile]],
) -> tuple[int, list[WrittenFile]]:
    """Write tick/second/minute days in batches of many days (one formatting pass each); count the days."""
    count, pending, written = 0, 0, list[WrittenFile]()
    batches: list[list[Frame]] = []
    for day in days:
        count += 1
        if resolution > Resolution.MINUTE:
            continue  # hour/daily come from the aggregates
        batches = batches or [[] for _ in day.frames]
        for batch, frame in zip(batches, day.frames, strict=True):
            batch.append(frame)
            pending += len(frame)
        if pending >= _BATCH_ROWS:
            written += [file for batch in batches for file in write(concat_frames(batch), resolution)]
            batches, pending = [], 0
    written += [file for batch in batches for file in write(concat_frames(batch), resolution)]
    return count, written


def _merge_existing(
    data_folder: Path, frame: Frame, resolution: Resolution, entry: MarketHoursEntry
) -> Frame:
    """Return the frame with the rows an existing hour/daily file holds outside the frame's span."""
    if not isinstance(frame, TradeBarFrame | QuoteBarFrame) or len(frame) == 0:
        return frame
    tick_type = TickType.TRADE if isinstance(frame, TradeBarFrame) else TickType.QUOTE
    if not data_location(data_folder, frame.symbol, resolution, tick_type, None).path.exists():
        return frame
    request = ReadRequest(data_folder, frame.symbol, resolution, tick_type, None, entry.data_time_zone)
    existing = read_frame(request)
    if not isinstance(existing, type(frame)):
        return frame
    before = existing.select(existing.time < frame.time[0])
    after = existing.select(existing.time > frame.time[-1])
    if isinstance(frame, TradeBarFrame):
        parts = [part for part in (before, frame, after) if isinstance(part, TradeBarFrame)]
        return TradeBarFrame.concat(frame.symbol, parts)
    quotes = [part for part in (before, frame, after) if isinstance(part, QuoteBarFrame)]
    return QuoteBarFrame.concat(frame.symbol, quotes)


# -- reference files ---------------------------------------------------------------------------------------
def _prepare_reference_files(
    settings: GeneratorSettings, data_folder: Path, models: list[SymbolModel]
) -> list[Path]:
    """Create or extend the market-hours, symbol-properties and interest-rate files; return those written."""
    written: list[Path] = []
    if _ensure_market_hours(data_folder, settings):
        written.append(data_folder / _MARKET_HOURS)
    if _ensure_symbol_properties(data_folder, settings.market, models):
        written.append(data_folder / _SYMBOL_PROPERTIES)
    rates = data_folder / _INTEREST_RATES
    if not rates.exists():
        rng = np.random.default_rng([settings.seed, 0x52415445])  # "RATE": its own stream
        lines = [
            f"{day:%Y-%m-%d},{format(value.normalize(), 'f')}"
            for day, value in interest_rate_rows(rng, settings.start, settings.end)
        ]
        _write_text(rates, "DATE,PCREDIT8\n" + "\n".join(lines) + "\n")
        written.append(rates)
    return written


def _ensure_market_hours(data_folder: Path, settings: GeneratorSettings) -> bool:
    """Add the generated market's `[*]` entry to the database unless it has one; tell whether it wrote."""
    path = data_folder / _MARKET_HOURS
    document: dict[str, dict[str, object]] = {"entries": {}}
    if path.exists():
        document = json.loads(path.read_text(encoding="utf-8"))
        if MarketHoursDatabase.from_file(path).contains_key(settings.market, None, settings.security_type):
            return False
    years = range(settings.start.year, settings.end.year + 1)
    key = market_hours_key(settings.security_type, settings.market)
    document.setdefault("entries", {})[key] = market_hours_entry(settings.security_type, years)
    _write_text(path, json.dumps(document, indent=2) + "\n")
    return True


def _ensure_symbol_properties(data_folder: Path, market: str, models: list[SymbolModel]) -> bool:
    """Append rows for the generated securities the database lacks; tell whether it wrote."""
    path = data_folder / _SYMBOL_PROPERTIES
    known = SymbolPropertiesDatabase.from_file(path) if path.exists() else None
    rows: list[str] = []
    for model in models:
        kind = model.security_type
        ticker = None if kind == SecurityType.EQUITY else model.ticker
        if known is not None and known.contains_key(market, ticker, kind):
            continue
        row = symbol_properties_row(model, market)
        if row not in rows:
            rows.append(row)
    if not rows:
        return False
    existing = path.read_text(encoding="utf-8") if path.exists() else _PROPERTIES_HEADER
    separator = "" if existing.endswith("\n") else "\n"
    _write_text(path, existing + separator + "\n".join(rows) + "\n")
    return True


def _map_file_path(data_folder: Path, market: str, ticker: str) -> Path:
    return data_folder / "equity" / market / "map_files" / f"{ticker.lower()}.csv"


def _write_corporate_files(
    data_folder: Path, settings: GeneratorSettings, model: SymbolModel, events: list[CorporateEvent]
) -> list[Path]:
    """Write the map file unless one exists, and the factor file unless one exists and nothing happened."""
    written: list[Path] = []
    map_file = _map_file_path(data_folder, settings.market, model.ticker)
    if not map_file.exists():
        first = min(DEFAULT_DATE, settings.start)
        rows = [
            MapFileRow(first, model.ticker, model.primary_exchange),
            MapFileRow(END_OF_TIME, model.ticker, model.primary_exchange),
        ]
        _write_text(map_file, "".join(row.to_csv() + "\n" for row in rows))
        written.append(map_file)
    factor_file = data_folder / "equity" / settings.market / "factor_files" / f"{model.ticker.lower()}.csv"
    if events or not factor_file.exists():
        factors = factor_file_rows(events, settings.start)
        if factor_file.exists():
            factors = _after_earlier_rows(read_factor_file(factor_file).rows, factors, settings.start)
        # LEAN's factor files end without a newline.
        _write_text(factor_file, "\n".join(row.to_csv() for row in factors))
        written.append(factor_file)
    return written


def _after_earlier_rows(
    existing: Sequence[FactorFileRow], ours: list[FactorFileRow], start: date
) -> list[FactorFileRow]:
    """Keep an existing file's rows before `start`, scaled by the new events, ahead of the new rows.

    This extends a folder generated earlier; rows from `start` on describe the new data and replace the old.
    """
    price, split = ours[0].price_factor, ours[0].split_factor
    earlier = [
        FactorFileRow(row.date, row.price_factor * price, row.split_factor * split, row.reference_price)
        for row in existing
        if row.date < start
    ]
    # The new first row only marks where the data begins; an earlier file already has that row.
    return [*earlier, *ours[1:]] if earlier else ours


def factor_file_rows(events: list[CorporateEvent], first_day: date) -> list[FactorFileRow]:
    """Return factor-file rows for events in date order: each row holds the factors up to its date."""
    price_factor, split_factor = Decimal(1), Decimal(1)
    rows = [FactorFileRow(END_OF_TIME, Decimal(1), Decimal(1), Decimal(0))]
    for event in reversed(events):
        if event.dividend:
            price_factor *= (event.reference_price - event.dividend) / event.reference_price
        split_factor *= event.split_factor
        rows.append(FactorFileRow(event.previous_day, price_factor, split_factor, event.reference_price))
    rows.append(
        FactorFileRow(min(first_day, *(row.date for row in rows)), price_factor, split_factor, Decimal(1))
    )
    return list(reversed(rows))


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
