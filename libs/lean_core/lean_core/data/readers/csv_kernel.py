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
_PLAIN_MISSES: Final = 16  # lines the bar-line path may turn away before a file stops trying it

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
    """Read what follows a field: a comma, a line end (LF, CRLF, the end) or garbage; return it and after."""
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
def _digits(data: ByteArray, pos: int, size: int, mantissa: int) -> tuple[int, int]:
    """Fold the digits at pos into mantissa; return (next pos, mantissa).

    The mantissa is exact for up to 18 digits; callers count digits and treat longer runs as inexact.
    """
    while pos < size and _is_digit(data[pos]):
        mantissa = mantissa * 10 + (data[pos] - _ZERO)
        pos += 1
    return pos, mantissa


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
    end, value = _digits(data, pos, size, 0)
    return 0 < end - pos <= 3, sign * value, end


@_inline
def _scale(mantissa: int, exponent: int) -> float:
    # Both operands are exact doubles, so one multiplication or division rounds once, to the nearest.
    if exponent >= 0:
        return float(mantissa * _POWERS_OF_TEN[exponent])
    return float(mantissa / _POWERS_OF_TEN[-exponent])


@_inline
def _number(data: ByteArray, pos: int, size: int, scale: int) -> tuple[int, float, int]:
    """Parse the number at pos divided by 10**scale; return (status, value, next pos).

    The status is _INEXACT when the fast path cannot promise the nearest double (over 18 digits, more
    than 2**53 in the digits, or a power of ten beyond 10**22).
    """
    negative = pos < size and data[pos] == _MINUS
    if pos < size and (negative or data[pos] == _PLUS):
        pos += 1
    start = pos
    pos, mantissa = _digits(data, pos, size, 0)
    digits = pos - start
    shift = 0
    if pos < size and data[pos] == _DOT:
        after, mantissa = _digits(data, pos + 1, size, mantissa)
        shift = pos + 1 - after
        digits += after - (pos + 1)
        pos = after
    ok, power, pos = _exponent(data, pos, size)
    if not ok or digits == 0:
        return BAD_NUMBER, 0.0, pos
    exponent = shift + power - scale
    if digits > _MAX_DIGITS or mantissa > _EXACT_MANTISSA or exponent > 22 or exponent < -22:
        return _INEXACT, 0.0, pos
    return OK, _scale(-mantissa if negative else mantissa, exponent), pos


@_inline
def _milliseconds(data: ByteArray, pos: int, size: int) -> tuple[bool, int, int]:
    """Parse milliseconds since midnight, a fraction allowed; return (ok, nanoseconds, next pos)."""
    start = pos
    pos, whole = _digits(data, pos, size, 0)
    if pos == start or pos - start > _MAX_DIGITS - 6:
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
def _time(data: ByteArray, pos: int, size: int, time_format: int) -> tuple[bool, int, int]:
    """Parse the time field at pos; return (ok, nanoseconds, next pos)."""
    pos = _skip_spaces(data, pos, size)
    if time_format == 0:
        return _milliseconds(data, pos, size)
    return _date_time(data, pos, size)


@_inline
def _field(data: ByteArray, pos: int, size: int, kind: int, scale: int) -> tuple[int, float, int, int, int]:
    """Parse the field at pos; return (status, number, start, stop, next pos).

    Text and empty fields read as NaN; start/stop bound the text, or a number to convert exactly.
    """
    pos = _skip_spaces(data, pos, size)
    if kind == _TEXT:
        start, stop, pos = _text(data, pos, size)
        return OK, np.nan, start, stop, pos
    if _ends_field(data, pos, size):
        return (OK if kind == _OPTIONAL else MISSING_NUMBER), np.nan, pos, pos, pos
    status, value, end = _number(data, pos, size, scale)
    return status, value, pos, end, end


@_inline
def _count_to_line_end(data: ByteArray, pos: int, size: int) -> int:
    commas = 0
    while pos < size and data[pos] != _LF:
        commas += 1 if data[pos] == _COMMA else 0
        pos += 1
    return commas


@_inline
def _blank_line_end(data: ByteArray, pos: int, size: int) -> int:
    """Return the start of the next line if the line at pos is blank, else -1."""
    while pos < size and (data[pos] == _SPACE or data[pos] == _TAB or data[pos] == _CR):
        pos += 1
    if pos == size:
        return size
    return pos + 1 if data[pos] == _LF else -1


@numba.njit(cache=True)
def _store_special(
    row: int,
    column: int,
    status: int,
    start: int,
    stop: int,
    text: tuple[Int64Array, Int64Array, Int64Array, Int64Array],
) -> int:
    """Keep a text field's bounds, or list a number for exact conversion; return the field's status.

    Called only for text and inexact fields, so that the hot path passes no output arrays around
    (each array argument of a call costs two atomic reference-count updates).
    """
    text_start, text_end, slow, slow_count = text
    if status == _INEXACT:
        index = slow_count[0]
        if index < len(slow):  # past capacity the caller retries with more room
            slow[index, 0], slow[index, 1], slow[index, 2], slow[index, 3] = row, column, start, stop
        slow_count[0] = index + 1
        return OK
    text_start[row, column] = start
    text_end[row, column] = stop
    return status


@numba.njit(cache=True)
def _fail(status: Int64Array, code: int, line: int, field: int, fields: int) -> None:
    status[0], status[1], status[2], status[3] = code, line, field, fields


@_inline
def _plain_line(
    data: ByteArray, pos: int, size: int, scales: Int64Array, values: FloatArray, row: int, times: Int64Array
) -> int:
    """Read a line of whole numbers after a millisecond time, the shape of LEAN's bar files
    ("14400000,1674100,1674100,1672500,1672700,3197"); return where the next line starts.

    The time and the line end go through the general path's own helpers; a field is its digits
    scaled as `_number` scales them. -1 for a line of any other shape (a sign, a decimal point,
    spaces, an empty or long field, a short row): the general path then reads it, so this one only
    has to be right on the lines it takes.
    """
    ok, nanoseconds, pos = _milliseconds(data, pos, size)
    if not ok:
        return -1
    for column in range(len(scales)):
        if pos >= size or data[pos] != _COMMA:
            return -1
        first = pos + 1
        pos, mantissa = _digits(data, first, size, 0)
        digits = pos - first
        if digits == 0 or digits > _MAX_DIGITS or mantissa > _EXACT_MANTISSA:
            return -1
        values[row, column] = _scale(mantissa, -scales[column])
    delimiter, pos = _delimiter(data, pos, size)
    if delimiter != _LINE_ENDS:
        return -1
    times[row] = nanoseconds
    return pos


@numba.njit(cache=True)
def parse_all(data: ByteArray, spec: KernelSpec, out: Outputs, lines: Int64Array, status: Int64Array) -> int:
    """Parse every line; return the number of rows, with status = [code, line, field, fields] on an error.

    Lines of whole numbers after a millisecond time (bar files) take a short path of their own,
    until it has turned lines away `_PLAIN_MISSES` times: a file of decimal prices (forex, crypto)
    then stops paying for the try.
    """
    kinds, scales, allowed, time_format, times = spec
    values, text_start, text_end, slow, slow_count = out
    special = (text_start, text_end, slow, slow_count)
    size, columns = len(data), len(kinds)
    plain = time_format == 0 and columns > 0 and not np.any(kinds == _TEXT) and allowed[columns + 1]
    misses = 0
    pos, row, line = 0, 0, 0
    while pos < size:
        line += 1
        if plain:
            after = _plain_line(data, pos, size, scales, values, row, times)
            if after >= 0:
                lines[row] = line
                row += 1
                pos = after
                continue
            misses += 1
            plain = misses < _PLAIN_MISSES
        after_blank = _blank_line_end(data, pos, size)
        if after_blank >= 0:
            pos = after_blank
            continue
        ok, times[row], pos = _time(data, pos, size, time_format)
        delimiter, pos = _delimiter(data, pos, size)
        fields = 1
        code = OK if ok and delimiter != _GARBAGE else BAD_TIME
        while delimiter == _COMMA_FOLLOWS and code == OK and fields <= columns:
            column = fields - 1
            code, values[row, column], start, stop, pos = _field(
                data, pos, size, kinds[column], scales[column]
            )
            if code == _INEXACT or kinds[column] == _TEXT:
                code = _store_special(row, column, code, start, stop, special)
            delimiter, pos = _delimiter(data, pos, size)
            code = BAD_NUMBER if code == OK and delimiter == _GARBAGE else code
            fields += 1
        if code == OK and (delimiter == _COMMA_FOLLOWS or not allowed[fields]):
            code = BAD_FIELD_COUNT
        if code != OK:
            found = (
                fields + 1 + _count_to_line_end(data, pos, size) if delimiter == _COMMA_FOLLOWS else fields
            )
            _fail(status, code, line, 1 if code == BAD_TIME else fields, found)
            return row
        for column in range(fields - 1, columns):  # a short row's missing fields
            values[row, column] = np.nan
        lines[row] = line
        row += 1
    return row
