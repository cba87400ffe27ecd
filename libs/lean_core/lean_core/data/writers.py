"""Write frames as LEAN's data files: the exact inverse of `lean_core.data.readers`.

A frame goes where `lean_core.data.paths` says LEAN keeps it: one zip a day (in the data time zone) for
tick, second and minute data, one zip for all days at hour and daily resolution, one CSV entry per zip.
Rows are spelled as LEAN spells them: milliseconds since midnight or ``yyyyMMdd HH:mm`` first, then
deci-cent integers for equity prices and plain decimals elsewhere. Numbers are turned into text by numpy
over whole columns (no Python loop per row), which keeps a year of minute data to seconds.

A price must lie on the file's grid (a whole number of deci-cents, say): the digits written are then
exactly the number the reader parses back to the same double.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from lean_core.data import paths
from lean_core.data.bars import FloatArray, Frame, Int64Array, QuoteBarFrame, TickFrame, TradeBarFrame
from lean_core.enums import Resolution, SecurityType, TickType
from lean_core.errors import DataError
from lean_core.time.time_zones import utc_ns_to_local_ns

__all__ = [
    "Column",
    "NumberFormat",
    "TextColumn",
    "WrittenFile",
    "decimal_places",
    "format_rows",
    "number_column",
    "write_frame",
    "write_zip",
]

_NS_PER_MS: Final = 1_000_000
_NS_PER_DAY: Final = 86_400 * 1_000_000_000
_EPOCH: Final = date(1970, 1, 1)
_COMMA: Final = ord(",")
_NEWLINE: Final = ord("\n")
_DOT: Final = ord(".")
_ZERO: Final = ord("0")
# Fast deflate: generated files are written once and read many times, and level 1 is ~3x faster than 6.
_COMPRESS_LEVEL: Final = 1


@dataclass(frozen=True, slots=True)
class NumberFormat:
    """How a file spells prices and sizes: digits after the point, and whether trailing zeros stay."""

    price_decimals: int  # 4 with `scaled`: deci-cents written as integers
    size_decimals: int
    scaled: bool = False  # prices are written as integers of 10**-price_decimals (LEAN's equity files)
    trim: bool = False  # drop trailing zeros after the point ("611.9", "300")

    @classmethod
    def for_security(
        cls, security_type: SecurityType, minimum_price_variation: Decimal, lot_size: Decimal
    ) -> NumberFormat:
        """Return LEAN's spelling for a security type with the given grid steps."""
        if security_type in (SecurityType.EQUITY, SecurityType.OPTION, SecurityType.FUTURE):
            return cls(price_decimals=4, size_decimals=0, scaled=True)
        return cls(
            price_decimals=decimal_places(minimum_price_variation),
            size_decimals=decimal_places(lot_size),
            trim=security_type == SecurityType.CRYPTO,
        )


def decimal_places(step: Decimal) -> int:
    """Return the digits after the point a grid step needs: 2 for 0.01, 0 for 1 or 25."""
    exponent = step.normalize().as_tuple().exponent
    return max(-exponent, 0) if isinstance(exponent, int) else 0


@dataclass(frozen=True, slots=True)
class TextColumn:
    """Text values of a column, written as they are."""

    values: npt.NDArray[np.str_]


@dataclass(frozen=True, slots=True)
class _NumberColumn:
    units: Int64Array  # the value in units of 10**-decimals
    decimals: int
    trim: bool
    present: npt.NDArray[np.bool_] | None = None  # False writes an empty field


@dataclass(frozen=True, slots=True)
class WrittenFile:
    """A zip written: where, and how many rows its entry holds."""

    path: Path
    rows: int


Column = _NumberColumn | TextColumn


def _units(values: FloatArray, decimals: int, what: str) -> tuple[Int64Array, npt.NDArray[np.bool_] | None]:
    """Return values as integers of 10**-decimals; raise when one is off that grid."""
    present = ~np.isnan(values)
    clean = np.where(present, values, 0.0)
    scaled = clean * 10.0**decimals
    units = np.floor(scaled + 0.5)
    # Doubles carry ~16 significant digits: anything further off than rounding noise is a real fraction.
    off_grid = np.abs(scaled - units) > 1e-9 * np.maximum(1.0, np.abs(scaled))
    if off_grid.any() or (units < 0).any():
        bad = float(clean[np.argmax(off_grid | (units < 0))])
        raise ValueError(f"{what} {bad!r} is negative or not a multiple of 1e-{decimals}")
    return units.astype(np.int64), (None if present.all() else present)


def number_column(
    values: FloatArray, decimals: int, *, trim: bool = False, scaled: bool = False, what: str = "value"
) -> Column:
    """Return a numeric column with `decimals` digits after the point (NaN writes an empty field).

    A `scaled` column is written as whole units of 10**-decimals instead: 167.44 at 4 decimals is "1674400".
    """
    units, present = _units(values, decimals, what)
    return _NumberColumn(units, 0 if scaled else decimals, trim, present)


def format_rows(columns: Sequence[Column]) -> tuple[bytes, Int64Array]:
    """Return CSV text of the columns (comma-separated, one line each) and each line's end offset."""
    rows = len(columns[0].units) if isinstance(columns[0], _NumberColumn) else len(columns[0].values)
    blocks: list[tuple[npt.NDArray[np.uint8], npt.NDArray[np.bool_]]] = []
    for index, column in enumerate(columns):
        blocks.extend(_column_bytes(column, rows))
        separator = _COMMA if index < len(columns) - 1 else _NEWLINE
        blocks.append((np.full((1, rows), separator, dtype=np.uint8), np.ones((1, rows), dtype=np.bool_)))
    # Build column-major (each character position is one contiguous row of the arrays), then transpose once.
    characters = np.concatenate([block for block, _ in blocks])
    keep = np.concatenate([mask for _, mask in blocks])
    text = np.ascontiguousarray(characters.T)[np.ascontiguousarray(keep.T)].tobytes()
    return text, np.cumsum(keep.sum(axis=0, dtype=np.int64))


def _column_bytes(column: Column, rows: int) -> list[tuple[npt.NDArray[np.uint8], npt.NDArray[np.bool_]]]:
    if isinstance(column, TextColumn):
        encoded = np.char.encode(column.values.astype(np.str_), "ascii") if rows else np.zeros(0, "S1")
        width = max(encoded.dtype.itemsize, 1)
        raw = np.ascontiguousarray(encoded.astype(f"S{width}")).view(np.uint8).reshape(rows, width).T
        return [(raw, raw != 0)]
    return _number_bytes(column, rows)


def _number_bytes(
    column: _NumberColumn, rows: int
) -> list[tuple[npt.NDArray[np.uint8], npt.NDArray[np.bool_]]]:
    """Return digit rows (most significant first) and which of them to keep, for one numeric column."""
    units, decimals = column.units, column.decimals
    largest = int(units.max()) if rows else 0
    width = max(len(str(largest)), decimals + 1)
    digits = np.empty((width, rows), dtype=np.uint8)
    keep = np.empty((width, rows), dtype=np.bool_)
    remaining = units.copy()
    nonzero_seen = np.zeros(rows, dtype=np.bool_)
    for position in range(width - 1, -1, -1):
        remaining, digit = np.divmod(remaining, 10)
        digits[position] = digit + _ZERO
        if position >= width - decimals:  # a decimal place: kept unless trimmed as a trailing zero
            nonzero_seen |= digit != 0
            keep[position] = nonzero_seen if column.trim else True
    whole = units // 10**decimals
    for position in range(width - decimals):
        # Leading zeros go, except the units digit.
        keep[position] = (
            whole >= 10 ** (width - decimals - 1 - position) if position < width - decimals - 1 else True
        )
    blocks = [(digits[: width - decimals], keep[: width - decimals])]
    if decimals:
        point = nonzero_seen if column.trim else np.ones(rows, dtype=np.bool_)
        blocks.append((np.full((1, rows), _DOT, dtype=np.uint8), point[None, :]))
        blocks.append((digits[width - decimals :], keep[width - decimals :]))
    if column.present is not None:
        blocks = [(block, mask & column.present[None, :]) for block, mask in blocks]
    return blocks


def write_zip(path: Path, entry: str, content: bytes, stamp: date) -> None:
    """Write a one-entry zip atomically, stamped with `stamp` so equal content gives equal bytes."""
    info = zipfile.ZipInfo(entry, date_time=(max(stamp.year, 1980), stamp.month, stamp.day, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(info, content, compresslevel=_COMPRESS_LEVEL)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write aside and rename, so an interrupted run never leaves a truncated zip a reader would trip on.
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(buffer.getvalue())
    os.replace(partial, path)


def write_frame(
    data_folder: Path,
    frame: Frame,
    resolution: Resolution,
    *,
    data_time_zone: ZoneInfo,
    number_format: NumberFormat,
    path_ticker: str | None = None,
) -> list[WrittenFile]:
    """Write a frame where LEAN keeps it: a zip per day for fine resolutions, one zip for hour/daily.

    An hour/daily file is replaced whole; a day file is replaced for each day the frame covers. The
    frame is spelled out once and cut at day boundaries, so passing many days at once is fastest.
    Raises `DataError` naming the file when a value does not fit the number format.
    """
    if len(frame) == 0 or not isinstance(frame, TradeBarFrame | QuoteBarFrame | TickFrame):
        return []
    symbol, tick_type = frame.symbol, _tick_type(frame)
    local = utc_ns_to_local_ns(frame.time, data_time_zone)
    first_day = None if paths.is_hour_or_daily(resolution) else _day(int(local[0]))
    location = paths.data_location(data_folder, symbol, resolution, tick_type, first_day, path_ticker)
    try:
        content, line_ends = format_rows(_columns(frame, local, resolution, number_format))
    except ValueError as error:
        raise DataError(f"cannot write these rows: {error}", path=location.path) from None
    if first_day is None:
        # LEAN's files end without a line break after the last row.
        write_zip(location.path, location.entry, content[:-1], _day(int(local[-1])))
        return [WrittenFile(location.path, len(frame))]
    written: list[WrittenFile] = []
    days = local // _NS_PER_DAY
    cuts = np.flatnonzero(np.diff(days)) + 1
    for start, stop in zip(np.r_[0, cuts], np.r_[cuts, len(days)], strict=True):
        day = _day(int(local[start]))
        location = paths.data_location(data_folder, symbol, resolution, tick_type, day, path_ticker)
        first_byte = int(line_ends[start - 1]) if start else 0
        write_zip(location.path, location.entry, content[first_byte : int(line_ends[stop - 1]) - 1], day)
        written.append(WrittenFile(location.path, int(stop - start)))
    return written


def _day(local_ns: int) -> date:
    return _EPOCH + timedelta(days=local_ns // _NS_PER_DAY)


def _tick_type(frame: TradeBarFrame | QuoteBarFrame | TickFrame) -> TickType:
    if isinstance(frame, TickFrame):
        return frame.tick_type
    return TickType.TRADE if isinstance(frame, TradeBarFrame) else TickType.QUOTE


def _time_column(local: Int64Array, resolution: Resolution) -> Column:
    """Return milliseconds since midnight (fine resolutions) or `yyyyMMdd HH:mm` (hour/daily)."""
    if not paths.is_hour_or_daily(resolution):
        # Nanoseconds since midnight as milliseconds, six decimals trimmed: "34200000", "34200000.5".
        return _NumberColumn(local % _NS_PER_DAY, 6, True)
    minutes = local.astype("datetime64[ns]").astype("datetime64[m]")
    if resolution == Resolution.DAILY:
        minutes = minutes.astype("datetime64[D]").astype("datetime64[m]")
    text = np.char.replace(np.char.replace(np.datetime_as_string(minutes, unit="m"), "-", ""), "T", " ")
    return TextColumn(text)


def _columns(
    frame: TradeBarFrame | QuoteBarFrame | TickFrame,
    local: Int64Array,
    resolution: Resolution,
    fmt: NumberFormat,
) -> list[Column]:
    columns = [_time_column(local, resolution)]
    if isinstance(frame, TradeBarFrame):
        columns.extend(_price(fmt, values) for values in (frame.open, frame.high, frame.low, frame.close))
        columns.append(_size(fmt, frame.volume))
        return columns
    if isinstance(frame, QuoteBarFrame):
        for side in ("bid", "ask"):
            prices = (getattr(frame, f"{side}_{field}") for field in ("open", "high", "low", "close"))
            columns.extend(_price(fmt, values) for values in prices)
            columns.append(_size(fmt, getattr(frame, f"{side}_size")))
        return columns
    return columns + _tick_columns(frame, fmt)


def _price(fmt: NumberFormat, values: FloatArray) -> Column:
    return number_column(values, fmt.price_decimals, trim=fmt.trim, scaled=fmt.scaled, what="price")


def _size(fmt: NumberFormat, values: FloatArray) -> Column:
    return number_column(values, fmt.size_decimals, trim=True, what="size")


def _tick_columns(frame: TickFrame, fmt: NumberFormat) -> list[Column]:
    """Return the fields after the time of a tick row, in the security type's layout."""
    security_type = frame.symbol.security_type
    suspicious = _NumberColumn(frame.suspicious.astype(np.int64), 0, False)
    if security_type in (SecurityType.FOREX, SecurityType.CFD):
        return [_price(fmt, frame.bid_price), _price(fmt, frame.ask_price)]
    if frame.tick_type == TickType.TRADE:
        head = [_price(fmt, frame.value), _size(fmt, frame.quantity)]
    else:
        head = [
            _price(fmt, frame.bid_price),
            _size(fmt, frame.bid_size),
            _price(fmt, frame.ask_price),
            _size(fmt, frame.ask_size),
        ]
    if security_type == SecurityType.CRYPTO:
        return [*head, suspicious]
    return [*head, TextColumn(frame.exchange), TextColumn(frame.sale_condition), suspicious]
