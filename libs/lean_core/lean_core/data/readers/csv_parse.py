"""Parse a whole LEAN CSV file at once into numpy arrays with a numba kernel over the raw bytes.

The kernel walks the bytes once, with no Python per row. Each row's first field is its time, either
milliseconds since midnight of the file's day (tick, second and minute files; a fraction is allowed, as
LEAN's tick reader allows it) or ``yyyyMMdd HH:mm`` (hour and daily files). The other fields are numbers
or text, as the caller's `CsvSpec` says.

Numbers are exact to the nearest double: the digits are gathered as an integer and divided once by a
power of ten, which also applies LEAN's deci-cent scaling (``1674400`` with scale 4 is the double nearest
``167.44``, not ``1674400 * 0.0001``). The few numbers where that shortcut could be off by a unit in
the last place (over 15 significant digits, as some crypto sizes have) are converted through `Decimal`.

Rules, stricter than LEAN's readers (which log and skip, or yield a zero bar): a blank line (empty, or
only spaces and a carriage return) is skipped anywhere, since LEAN skips it and it holds no bar; any
other line that cannot be read raises `DataError` naming the file, the zip entry and the 1-based line.
Line ends may be ``\\n`` or ``\\r\\n``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from lean_core.data.readers import csv_kernel
from lean_core.data.readers.csv_kernel import BAD_FIELD_COUNT, BAD_TIME, MISSING_NUMBER, OK
from lean_core.errors import DataError

__all__ = ["ColumnKind", "CsvSpec", "ParsedCsv", "TimeFormat", "parse_csv"]

Int64Array = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
ByteArray = npt.NDArray[np.uint8]


class ColumnKind(IntEnum):
    """How a field after the time is read."""

    NUMBER = 0  # a number that must be present
    OPTIONAL = 1  # a number or an empty field (NaN)
    TEXT = 2  # kept as text (exchange, sale condition)


class TimeFormat(IntEnum):
    """How the first field of a row gives its time."""

    MILLISECONDS = 0  # milliseconds since midnight of the file's day
    DATE_TIME = 1  # yyyyMMdd, optionally followed by " HH:mm" and ":ss"


@dataclass(frozen=True, slots=True)
class CsvSpec:
    """The shape of one kind of LEAN file: field kinds after the time, scales and allowed widths."""

    kinds: tuple[ColumnKind, ...]
    scales: tuple[int, ...]  # each number is divided by 10**scale (4 for deci-cent prices)
    field_counts: tuple[int, ...]  # allowed numbers of fields per row, the time included
    time_format: TimeFormat

    def __post_init__(self) -> None:
        if len(self.scales) != len(self.kinds):
            raise ValueError("a CsvSpec needs one scale per column kind")
        if not self.field_counts or max(self.field_counts) != len(self.kinds) + 1:
            raise ValueError("a CsvSpec's widest row must hold every column")


@dataclass(frozen=True, slots=True)
class ParsedCsv:
    """The rows of a file: times as local nanoseconds, numbers as floats, text as byte offsets.

    `local_ns` is nanoseconds since midnight for millisecond files and since the epoch (a naive local
    time read as UTC) for date-time files. A field a short row lacks reads as NaN (numbers) or "" (text).
    """

    data: ByteArray
    local_ns: Int64Array
    values: FloatArray  # (rows, columns), Fortran order so each column is contiguous
    text_start: Int64Array
    text_end: Int64Array
    lines: Int64Array  # the 1-based line number of each row

    def __len__(self) -> int:
        return len(self.local_ns)

    def column(self, index: int) -> FloatArray:
        """Return column `index` (0 = the first field after the time) as a contiguous array."""
        return self.values[:, index]

    def text(self, index: int) -> npt.NDArray[np.str_]:
        """Return text column `index` as a numpy string array, built without a Python loop."""
        start = self.text_start[:, index]
        length = self.text_end[:, index] - start
        width = int(length.max()) if len(length) else 0
        if width == 0:
            return np.full(len(start), "", dtype="<U1")
        offsets = np.arange(width, dtype=np.int64)
        positions = np.minimum(start[:, None] + offsets, len(self.data) - 1)
        chars = np.where(offsets < length[:, None], self.data[positions], 0).astype(np.uint8)
        return chars.view(f"S{width}").ravel().astype(np.str_)


def parse_csv(data: bytes, spec: CsvSpec, *, path: Path, entry: str | None) -> ParsedCsv:
    """Parse a whole file's bytes; raise `DataError` naming `path`, `entry` and the line on bad input."""
    buffer = np.frombuffer(data, dtype=np.uint8)
    capacity = data.count(b"\n") + 1
    columns = len(spec.kinds)
    text_rows = capacity if ColumnKind.TEXT in spec.kinds else 0
    times = np.empty(capacity, dtype=np.int64)
    kernel_spec = (*_kernel_spec(spec), times)
    values = np.empty((capacity, columns), dtype=np.float64, order="F")
    text_start = np.zeros((text_rows, columns), dtype=np.int64)
    text_end = np.zeros((text_rows, columns), dtype=np.int64)
    lines = np.empty(capacity, dtype=np.int64)
    # Long decimals are rare (crypto sizes): start with room for a few, retry with room for all.
    for slow_capacity in (len(buffer) // 64 + 16, len(buffer) // 2 + 1):
        slow = np.empty((slow_capacity, 4), dtype=np.int64)
        slow_count = np.zeros(1, dtype=np.int64)
        status = np.zeros(4, dtype=np.int64)
        out = (values, text_start, text_end, slow, slow_count)
        rows = csv_kernel.parse_all(buffer, kernel_spec, out, lines, status)
        if slow_count[0] <= slow_capacity or status[0] != OK:
            break
    if status[0] != OK:
        raise DataError(_reason(status, spec), path=path, line=int(status[1]), entry=entry)
    _convert_exactly(data, slow[: int(slow_count[0])], spec.scales, values)
    return ParsedCsv(
        data=buffer,
        local_ns=times[:rows],
        values=values[:rows],
        text_start=text_start[:rows] if text_rows else text_start,
        text_end=text_end[:rows] if text_rows else text_end,
        lines=lines[:rows],
    )


@lru_cache(maxsize=256)
def _kernel_spec(spec: CsvSpec) -> tuple[Int64Array, Int64Array, npt.NDArray[np.bool_], int]:
    """Return the spec as the kernel takes it (column kinds, scales, allowed field counts, time format).

    Built once per format: a backtest parses thousands of files of a handful of formats.
    """
    allowed = np.zeros(len(spec.kinds) + 2, dtype=np.bool_)
    allowed[list(spec.field_counts)] = True
    kinds = np.asarray(spec.kinds, dtype=np.int64)
    scales = np.asarray(spec.scales, dtype=np.int64)
    return kinds, scales, allowed, int(spec.time_format)


def _convert_exactly(data: bytes, fields: Int64Array, scales: tuple[int, ...], values: FloatArray) -> None:
    """Convert the fields the kernel could not round exactly, through Decimal (correctly rounded)."""
    for row, column, start, stop in fields.tolist():
        text = data[start:stop].decode("ascii")
        values[row, column] = float(Decimal(text).scaleb(-scales[column]))


def _reason(status: Int64Array, spec: CsvSpec) -> str:
    """Describe a kernel status in words."""
    code, field, found = int(status[0]), int(status[2]), int(status[3])
    if code == BAD_FIELD_COUNT:
        expected = " or ".join(str(count) for count in sorted(spec.field_counts))
        return f"expected {expected} comma-separated fields, found {found}"
    if code == BAD_TIME:
        millis = spec.time_format == TimeFormat.MILLISECONDS
        return f"field 1 is not a time ({'milliseconds since midnight' if millis else 'yyyyMMdd HH:mm'})"
    if code == MISSING_NUMBER:
        return f"field {field} is empty where a number is required"
    return f"field {field} is not a number"
