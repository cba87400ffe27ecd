"""The numba kernel under `csv_parse`: one pass over a file's bytes, no Python per row.

Every helper reads from a position and returns where it stopped, so each byte is looked at about once.
Helpers are inlined into `parse_all` (``inline="always"``): a call per field with array arguments would
cost reference counting on every call. Status codes travel back in a small array, and numbers the fast
path cannot round exactly are listed for an exact conversion in Python (see `csv_parse`).
"""

from __future__ import annotations

from typing import Final

import numba
import numpy as np
import numpy.typing as npt

__all__ = [
    "BAD_FIELD_COUNT",
    "BAD_NUMBER",
    "BAD_TIME",
    "MISSING_NUMBER",
    "OK",
    "parse_all",
]

Int64Array = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
ByteArray = npt.NDArray[np.uint8]
BoolArray = npt.NDArray[np.bool_]
# Tuples keep the signatures short: outputs are (values, text starts, text ends, fields to convert
# exactly as rows of (row, column, start, stop), their count); the spec is (column kinds, scales,
# allowed field counts, time format, times out).
Outputs = tuple[FloatArray, Int64Array, Int64Array, Int64Array, Int64Array]
KernelSpec = tuple[Int64Array, Int64Array, BoolArray, int, Int64Array]

OK: Final = 0
BAD_FIELD_COUNT: Final = 1
BAD_NUMBER: Final = 2
BAD_TIME: Final = 3
MISSING_NUMBER: Final = 4
_INEXACT: Final = 5  # a valid number the fast path cannot round exactly

_OPTIONAL: Final = 1  # ColumnKind values, repeated here as plain ints for numba
_TEXT: Final = 2
_COMMA_FOLLOWS: Final = 0
_LINE_ENDS: Final = 1
_GARBAGE: Final = 2

_COMMA: Final = 44
_SPACE: Final = 32
_TAB: Final = 9
_CR: Final = 13
_LF: Final = 10
_DOT: Final = 46
_MINUS: Final = 45
_PLUS: Final = 43
_COLON: Final = 58
_ZERO: Final = 48
_MAX_DIGITS: Final = 18  # an int64 holds 18 decimal digits safely
_EXACT_MANTISSA: Final = 1 << 53  # integers up to here are exact doubles
_NS_PER_MS: Final = 1_000_000
_NS_PER_SECOND: Final = 1_000_000_000

_POWERS_OF_TEN = np.array([10.0**k for k in range(23)], dtype=np.float64)
_POWERS_OF_TEN.setflags(write=False)

_inline = numba.njit(cache=True, inline="always")


@_inline
def _is_digit(byte: int) -> bool:
    return _ZERO <= byte <= _ZERO + 9


@_inline
def _skip_spaces(data: ByteArray, pos: int, size: int) -> int:
    while pos < size and (data[pos] == _SPACE or data[pos] == _TAB):
        pos += 1
    return pos


@_inline
def _delimiter(data: ByteArray, pos: int, size: int) -> tuple[int, int]:
    """Read what follows a field: a comma, a line end (LF, CRLF or the end) or garbage; return it and after."""
    pos = _skip_spaces(data, pos, size)
    if pos == size:
        return _LINE_ENDS, size
    byte = data[pos]
    if byte == _COMMA:
        return _COMMA_FOLLOWS, pos + 1
    if byte == _LF:
        return _LINE_ENDS, pos + 1
    if byte == _CR and (pos + 1 == size or data[pos + 1] == _LF):
        return _LINE_ENDS, min(pos + 2, size)
    return _GARBAGE, pos


@_inline
def _ends_field(data: ByteArray, pos: int, size: int) -> bool:
    return pos == size or data[pos] == _COMMA or data[pos] == _LF or data[pos] == _CR


@_inline
def _digits(data: ByteArray, pos: int, size: int, mantissa: int, count: int) -> tuple[int, int, int, int]:
    """Fold the digits at pos into mantissa; return (next pos, mantissa, significant digits, digits used)."""
    used = 0
    while pos < size and _is_digit(data[pos]):
        if count < _MAX_DIGITS:
            mantissa = mantissa * 10 + (data[pos] - _ZERO)
            used += 1
            if mantissa > 0:  # leading zeros do not count against the int64 budget
                count += 1
        pos += 1
    return pos, mantissa, count, used


@_inline
def _exponent(data: ByteArray, pos: int, size: int) -> tuple[bool, int, int]:
    """Read an optional exponent part ("e-5"); return (ok, value, next pos)."""
    if pos == size or (data[pos] | 32) != 101:  # 'e' or 'E'
        return True, 0, pos
    pos += 1
    sign = 1
    if pos < size and (data[pos] == _MINUS or data[pos] == _PLUS):
        sign = -1 if data[pos] == _MINUS else 1
        pos += 1
    end, value, _, used = _digits(data, pos, size, 0, 0)
    return used == end - pos and 0 < used <= 3, sign * value, end


@_inline
def _scale(mantissa: int, exponent: int) -> float:
    # Both operands are exact doubles, so one multiplication or division rounds once, to the nearest.
    if exponent >= 0:
        return mantissa * _POWERS_OF_TEN[exponent]
    return mantissa / _POWERS_OF_TEN[-exponent]


@_inline
def _number(data: ByteArray, pos: int, size: int, scale: int) -> tuple[int, float, int]:
    """Parse the number at pos divided by 10**scale; return (status, value, next pos).

    The status is _INEXACT when the fast path cannot promise the nearest double (more than 2**53 in the
    digits, or a power of ten beyond 10**22).
    """
    sign = 1
    if pos < size and (data[pos] == _MINUS or data[pos] == _PLUS):
        sign = -1 if data[pos] == _MINUS else 1
        pos += 1
    start = pos
    pos, mantissa, count, used = _digits(data, pos, size, 0, 0)
    seen = pos - start
    shift = seen - used  # integer digits beyond the budget still count as tens
    lost = shift
    if pos < size and data[pos] == _DOT:
        after, mantissa, count, used = _digits(data, pos + 1, size, mantissa, count)
        seen += after - (pos + 1)
        lost += after - (pos + 1) - used
        shift -= used
        pos = after
    ok, power, pos = _exponent(data, pos, size)
    if not ok or seen == 0:
        return BAD_NUMBER, 0.0, pos
    exponent = shift + power - scale
    if lost > 0 or mantissa > _EXACT_MANTISSA or exponent > 22 or exponent < -22:
        return _INEXACT, 0.0, pos
    return OK, _scale(sign * mantissa, exponent), pos


@_inline
def _milliseconds(data: ByteArray, pos: int, size: int) -> tuple[bool, int, int]:
    """Parse milliseconds since midnight, a fraction allowed; return (ok, nanoseconds, next pos)."""
    start = pos
    pos, whole, _, used = _digits(data, pos, size, 0, 0)
    if pos == start or used != pos - start:
        return False, 0, pos
    nanoseconds = whole * _NS_PER_MS
    if pos < size and data[pos] == _DOT:
        pos += 1
        unit = _NS_PER_MS // 10
        while pos < size and _is_digit(data[pos]):
            nanoseconds += (data[pos] - _ZERO) * unit
            unit //= 10
            pos += 1
    return True, nanoseconds, pos


@_inline
def _fixed_number(data: ByteArray, pos: int, width: int, size: int) -> int:
    """Read `width` digits at pos; return -1 if any is missing or not a digit."""
    if pos + width > size:
        return -1
    value = 0
    for offset in range(width):
        byte = data[pos + offset]
        if not _is_digit(byte):
            return -1
        value = value * 10 + (byte - _ZERO)
    return value


@_inline
def _days_from_civil(year: int, month: int, day: int) -> int:
    """Return days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm)."""
    year -= 1 if month <= 2 else 0
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


@_inline
def _valid_date(year: int, month: int, day: int) -> bool:
    if year < 0 or month < 1 or month > 12 or day < 1:
        return False
    next_month = _days_from_civil(year + month // 12, month % 12 + 1, 1)
    return day <= next_month - _days_from_civil(year, month, 1)


@_inline
def _clock(data: ByteArray, pos: int, size: int) -> tuple[int, int]:
    """Read "HH:mm" or "HH:mm:ss" at pos; return (seconds or -1, next pos)."""
    hours = _fixed_number(data, pos, 2, size)
    colon = pos + 2 < size and data[pos + 2] == _COLON
    minutes = _fixed_number(data, pos + 3, 2, size) if hours >= 0 and colon else -1
    pos += 5
    seconds = 0
    if minutes >= 0 and pos < size and data[pos] == _COLON:
        seconds = _fixed_number(data, pos + 1, 2, size)
        pos += 3
    if hours < 0 or hours > 23 or minutes < 0 or minutes > 59 or seconds < 0 or seconds > 59:
        return -1, pos
    return hours * 3600 + minutes * 60 + seconds, pos


@_inline
def _date_time(data: ByteArray, pos: int, size: int) -> tuple[bool, int, int]:
    """Parse "yyyyMMdd[ HH:mm[:ss]]"; return (ok, nanoseconds since the epoch as naive time, next pos)."""
    year = _fixed_number(data, pos, 4, size)
    month = _fixed_number(data, pos + 4, 2, size)
    day = _fixed_number(data, pos + 6, 2, size)
    if not _valid_date(year, month, day):
        return False, 0, pos
    pos += 8
    seconds = 0
    if pos + 1 < size and data[pos] == _SPACE and _is_digit(data[pos + 1]):
        seconds, pos = _clock(data, pos + 1, size)
    return seconds >= 0, (_days_from_civil(year, month, day) * 86400 + seconds) * _NS_PER_SECOND, pos


@_inline
def _text(data: ByteArray, pos: int, size: int) -> tuple[int, int, int]:
    """Scan a text field; return (start, stop without trailing blanks, position of its delimiter)."""
    start = pos
    while pos < size and data[pos] != _COMMA and data[pos] != _LF:
        pos += 1
    stop = pos
    while stop > start and (data[stop - 1] == _SPACE or data[stop - 1] == _CR or data[stop - 1] == _TAB):
        stop -= 1
    return start, stop, pos


@_inline
def _value(
    data: ByteArray, pos: int, size: int, kind: int, scale: int, row: int, column: int, out: Outputs
) -> tuple[int, int]:
    """Store the field at pos in row/column of the outputs; return (status, position after it)."""
    values, text_start, text_end, slow, slow_count = out
    pos = _skip_spaces(data, pos, size)
    if kind == _TEXT:
        values[row, column] = np.nan
        start, stop, pos = _text(data, pos, size)
        text_start[row, column] = start
        text_end[row, column] = stop
        return OK, pos
    if _ends_field(data, pos, size):
        values[row, column] = np.nan
        return (OK if kind == _OPTIONAL else MISSING_NUMBER), pos
    status, value, end = _number(data, pos, size, scale)
    values[row, column] = value
    if status == _INEXACT:
        index = slow_count[0]
        if index < len(slow):  # past capacity the caller retries with more room
            slow[index, 0], slow[index, 1], slow[index, 2], slow[index, 3] = row, column, pos, end
        slow_count[0] = index + 1
        status = OK
    return status, end


@_inline
def _fill_missing(row: int, first: int, kinds: Int64Array, out: Outputs) -> None:
    """Give the fields a short row lacks their empty value."""
    values, text_start, text_end, _, _ = out
    for column in range(first, len(kinds)):
        values[row, column] = np.nan
        if kinds[column] == _TEXT:
            text_start[row, column] = 0
            text_end[row, column] = 0


@_inline
def _count_to_line_end(data: ByteArray, pos: int, size: int) -> int:
    commas = 0
    while pos < size and data[pos] != _LF:
        commas += 1 if data[pos] == _COMMA else 0
        pos += 1
    return commas


@_inline
def _row(
    data: ByteArray, pos: int, size: int, row: int, spec: KernelSpec, out: Outputs
) -> tuple[int, int, int, int]:
    """Parse the line at pos into `row`; return (status, 1-based field, fields found, next line)."""
    kinds, scales, allowed, time_format, times = spec
    pos = _skip_spaces(data, pos, size)
    if time_format == 0:
        ok, time, pos = _milliseconds(data, pos, size)
    else:
        ok, time, pos = _date_time(data, pos, size)
    times[row] = time
    delimiter, pos = _delimiter(data, pos, size)
    if not ok or delimiter == _GARBAGE:
        return BAD_TIME, 1, 0, pos
    fields = 1
    while delimiter == _COMMA_FOLLOWS:
        if fields > len(kinds):
            return BAD_FIELD_COUNT, 0, fields + 1 + _count_to_line_end(data, pos, size), pos
        status, pos = _value(data, pos, size, kinds[fields - 1], scales[fields - 1], row, fields - 1, out)
        delimiter, pos = _delimiter(data, pos, size)
        if status != OK or delimiter == _GARBAGE:
            return (status if status != OK else BAD_NUMBER), fields + 1, 0, pos
        fields += 1
    if not allowed[fields]:
        return BAD_FIELD_COUNT, 0, fields, pos
    _fill_missing(row, fields - 1, kinds, out)
    return OK, 0, fields, pos


@_inline
def _blank_line_end(data: ByteArray, pos: int, size: int) -> int:
    """Return the start of the next line if the line at pos is blank, else -1."""
    while pos < size and (data[pos] == _SPACE or data[pos] == _TAB or data[pos] == _CR):
        pos += 1
    if pos == size:
        return size
    return pos + 1 if data[pos] == _LF else -1


@numba.njit(cache=True)
def parse_all(data: ByteArray, spec: KernelSpec, out: Outputs, lines: Int64Array, status: Int64Array) -> int:
    """Parse every line; return the number of rows, with status = [code, line, field, fields] on an error."""
    size = len(data)
    pos = 0
    row = 0
    line = 0
    while pos < size:
        line += 1
        after_blank = _blank_line_end(data, pos, size)
        if after_blank >= 0:
            pos = after_blank
            continue
        code, field, fields, pos = _row(data, pos, size, row, spec, out)
        if code != OK:
            status[0], status[1], status[2], status[3] = code, line, field, fields
            return row
        lines[row] = line
        row += 1
    return row
