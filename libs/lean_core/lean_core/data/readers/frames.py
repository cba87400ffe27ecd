"""Turn parsed CSV columns into frames: the logic every reader family shares.

A family module (equity, forex, ...) only says which `FileFormat` its files have; this module builds
the columns (times converted to UTC, quote sides checked, tick defaults applied) and the frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Final, cast
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from lean_core.data.bars import (
    FloatArray,
    Frame,
    Int64Array,
    OpenInterestFrame,
    QuoteBarFrame,
    TickFrame,
    TradeBarFrame,
)
from lean_core.data.readers.csv_parse import ColumnKind, CsvSpec, ParsedCsv, TimeFormat
from lean_core.enums import Resolution, TickType
from lean_core.errors import DataError
from lean_core.symbols import Symbol
from lean_core.time.time_zones import local_ns_to_utc_ns

__all__ = [
    "Columns",
    "FileFormat",
    "FrameKind",
    "TickField",
    "assemble",
    "bar_format",
    "build_columns",
    "open_interest_format",
    "tick_format",
]

Columns = dict[str, npt.NDArray[np.generic]]
#: One field of a tick row: the tick column it fills, how it is read, and its price scale.
TickField = tuple[str, ColumnKind, int]

_NS_PER_DAY: Final = 86_400 * 1_000_000_000
_BAR_FIELDS: Final = ("open", "high", "low", "close", "volume")
_SIDE_FIELDS: Final = ("open", "high", "low", "close", "size")
_QUOTE_FIELDS: Final = tuple(f"{side}_{field}" for side in ("bid", "ask") for field in _SIDE_FIELDS)
_PRICE_SCALE: Final = 4  # deci-cents: LEAN multiplies by 1/10000


class FrameKind(Enum):
    """Which frame a file's rows become."""

    TRADE_BAR = "trade_bar"
    QUOTE_BAR = "quote_bar"
    TICK = "tick"
    OPEN_INTEREST = "open_interest"


@dataclass(frozen=True, slots=True)
class FileFormat:
    """A kind of LEAN file: its CSV shape, the frame it makes and, for ticks, the column each field fills."""

    kind: FrameKind
    spec: CsvSpec
    tick_fields: tuple[str, ...] = ()
    exchange: str = ""  # the exchange of ticks whose rows name none (crypto: the market)


def _time_format(resolution: Resolution) -> TimeFormat:
    if resolution in (Resolution.HOUR, Resolution.DAILY):
        return TimeFormat.DATE_TIME
    return TimeFormat.MILLISECONDS


def _make_bar_format(time_format: TimeFormat, tick_type: TickType, price: int) -> FileFormat:
    if tick_type == TickType.TRADE:
        spec = CsvSpec((ColumnKind.NUMBER,) * 5, (price,) * 4 + (0,), (6,), time_format)
        return FileFormat(FrameKind.TRADE_BAR, spec)
    if tick_type == TickType.QUOTE:
        side = (price,) * 4 + (0,)
        return FileFormat(
            FrameKind.QUOTE_BAR, CsvSpec((ColumnKind.OPTIONAL,) * 10, side + side, (11,), time_format)
        )
    return FileFormat(FrameKind.OPEN_INTEREST, CsvSpec((ColumnKind.NUMBER,), (0,), (2,), time_format))


# Every bar format, built once: a read asks for one, and building specs costs more than the lookup.
_BAR_FORMATS: Final = {
    (time_format, tick_type, price): _make_bar_format(time_format, tick_type, price)
    for time_format in TimeFormat
    for tick_type in TickType
    for price in (0, _PRICE_SCALE)
}
_OPEN_INTEREST_TICKS: Final = FileFormat(
    FrameKind.TICK, CsvSpec((ColumnKind.NUMBER,), (0,), (2,), TimeFormat.MILLISECONDS), ("value",)
)


def bar_format(resolution: Resolution, tick_type: TickType, *, scaled: bool) -> FileFormat:
    """Return the format of trade, quote or open-interest bars; `scaled` prices are deci-cents."""
    if tick_type == TickType.OPEN_INTEREST:
        return open_interest_format(resolution)
    return _BAR_FORMATS[_time_format(resolution), tick_type, _PRICE_SCALE if scaled else 0]


def open_interest_format(resolution: Resolution) -> FileFormat:
    """Return the format of open-interest files: a time and a number (ticks at tick resolution)."""
    if resolution == Resolution.TICK:
        return _OPEN_INTEREST_TICKS
    return _BAR_FORMATS[_time_format(resolution), TickType.OPEN_INTEREST, 0]


def tick_format(
    fields: tuple[TickField, ...], field_counts: tuple[int, ...], exchange: str = ""
) -> FileFormat:
    """Return a tick format from (tick column, kind, scale) per field after the time."""
    spec = CsvSpec(
        tuple(kind for _, kind, _ in fields),
        tuple(scale for _, _, scale in fields),
        field_counts,
        TimeFormat.MILLISECONDS,
    )
    return FileFormat(FrameKind.TICK, spec, tuple(name for name, _, _ in fields), exchange)


@dataclass(frozen=True, slots=True)
class Source:
    """What a parse came from, to name it in errors and to place its times."""

    path: Path
    entry: str
    day: date | None
    time_zone: ZoneInfo
    resolution: Resolution


def build_columns(parsed: ParsedCsv, file_format: FileFormat, source: Source) -> Columns:
    """Return the frame columns of a parsed file, times in UTC nanoseconds."""
    local = parsed.local_ns
    if file_format.spec.time_format == TimeFormat.MILLISECONDS:
        if source.day is None:
            raise ValueError("files timed in milliseconds since midnight need the file's day")
        local = local + (source.day - date(1970, 1, 1)).days * _NS_PER_DAY
    if file_format.kind in (FrameKind.TRADE_BAR, FrameKind.QUOTE_BAR):
        period = int(source.resolution.to_timedelta().total_seconds()) * 1_000_000_000
        # End = start + period in local time: a daily bar spanning a DST change lasts 23 or 25 hours.
        # One conversion for both halves, since the zone's transitions are looked up per call.
        both = local_ns_to_utc_ns(np.concatenate((local, local + period)), source.time_zone)
        columns: Columns = {"time": both[: len(local)], "end_time": both[len(local) :]}
    else:
        columns = {"time": local_ns_to_utc_ns(local, source.time_zone)}
    match file_format.kind:
        case FrameKind.TRADE_BAR:
            columns.update(zip(_BAR_FIELDS, (parsed.column(i) for i in range(5)), strict=True))
        case FrameKind.QUOTE_BAR:
            columns.update(_quote_columns(parsed, source))
        case FrameKind.TICK:
            columns.update(_tick_columns(parsed, file_format))
        case FrameKind.OPEN_INTEREST:
            columns["value"] = parsed.column(0)
    return columns


def _quote_columns(parsed: ParsedCsv, source: Source) -> Columns:
    """Return both sides; a side whose four prices are empty is missing (NaN prices, size 0).

    A side is whole (five numbers) or empty (four empty prices, the size empty or not): the count
    of empty prices and sizes per side tells, in one pass over the ten columns.
    """
    empty = np.isnan(parsed.values[:, :10]).reshape(len(parsed), 2, 5)  # (row, side, field)
    empty_prices = empty[:, :, :4].sum(axis=2)
    empty_size = empty[:, :, 4]
    valid = ((empty_prices == 0) & ~empty_size) | (empty_prices == 4)
    if not valid.all():
        row, side = np.argwhere(~valid)[0]
        reason = (
            f"the {('bid', 'ask')[side]} side is incomplete: "
            "give open, high, low, close and size, or leave all empty"
        )
        raise DataError(reason, path=source.path, line=int(parsed.lines[row]), entry=source.entry)
    columns: Columns = {name: parsed.column(index) for index, name in enumerate(_QUOTE_FIELDS)}
    for side, name in enumerate(("bid_size", "ask_size")):
        if empty_size[:, side].any():
            columns[name] = np.where(empty_size[:, side], 0.0, columns[name])
    return columns


def _tick_columns(parsed: ParsedCsv, file_format: FileFormat) -> Columns:
    """Return the tick columns the file has; empty numbers read as 0 and suspicious means exactly 1."""
    columns: Columns = {}
    for index, name in enumerate(file_format.tick_fields):
        if file_format.spec.kinds[index] == ColumnKind.TEXT:
            columns[name] = parsed.text(index)
        elif name == "suspicious":
            columns[name] = parsed.column(index) == 1.0
        else:
            values = parsed.column(index)
            columns[name] = np.where(np.isnan(values), 0.0, values) if np.isnan(values).any() else values
    if "bid_price" in columns and "value" not in columns:
        columns["value"] = _mid_price(columns["bid_price"], columns["ask_price"])
    if file_format.exchange and "exchange" not in columns:
        columns["exchange"] = np.full(len(parsed), file_format.exchange)
    return columns


def _mid_price(bid: npt.NDArray[np.generic], ask: npt.NDArray[np.generic]) -> npt.NDArray[np.float64]:
    """Return LEAN's quote tick value: the mid when both sides are non-zero, else the side present."""
    bid_f = bid.astype(np.float64, copy=False)
    ask_f = ask.astype(np.float64, copy=False)
    both = (bid_f != 0) & (ask_f != 0)
    return np.where(both, (bid_f + ask_f) / 2, bid_f + ask_f)


def assemble(kind: FrameKind, symbol: Symbol, tick_type: TickType, columns: Columns) -> Frame:
    """Build the frame of `kind` from its columns (shared with the cache, so never copied)."""
    time = _ints(columns, "time")
    match kind:
        case FrameKind.TRADE_BAR:
            return _trade_frame(symbol, time, columns)
        case FrameKind.QUOTE_BAR:
            return _quote_frame(symbol, time, columns)
        case FrameKind.TICK:
            fields = {name: array for name, array in columns.items() if name != "time"}
            return TickFrame.from_columns(symbol, tick_type, time=time, **fields)
        case FrameKind.OPEN_INTEREST:
            return OpenInterestFrame(symbol, time, _floats(columns, ("value",))["value"])


def _trade_frame(symbol: Symbol, time: Int64Array, columns: Columns) -> TradeBarFrame:
    bar = _floats(columns, _BAR_FIELDS)
    end = _ints(columns, "end_time")
    return TradeBarFrame(symbol, time, end, bar["open"], bar["high"], bar["low"], bar["close"], bar["volume"])


def _quote_frame(symbol: Symbol, time: Int64Array, columns: Columns) -> QuoteBarFrame:
    quote = list(_floats(columns, _QUOTE_FIELDS).values())
    bid_open, bid_high, bid_low, bid_close, bid_size, ask_open, ask_high, ask_low, ask_close, ask_size = quote
    end = _ints(columns, "end_time")
    return QuoteBarFrame(
        symbol,
        time,
        end,
        bid_open,
        bid_high,
        bid_low,
        bid_close,
        bid_size,
        ask_open,
        ask_high,
        ask_low,
        ask_close,
        ask_size,
    )


def _ints(columns: Columns, name: str) -> Int64Array:
    return cast(Int64Array, columns[name])


def _floats(columns: Columns, names: tuple[str, ...]) -> dict[str, FloatArray]:
    return {name: cast(FloatArray, columns[name]) for name in names}
