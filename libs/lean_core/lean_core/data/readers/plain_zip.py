"""Read a plain one-entry zip straight from its bytes: how a day of equity, forex or crypto data is stored.

`zipfile` reads any archive: it seeks to the directory, lists every entry, opens a file object per
entry and reads it in chunks. For a file of a few hundred rows that was most of its read time.
Here the file is read in one call, and the records that locate its only entry (the end record, its
zip64 twin when present, the entry's directory and local headers) are unpacked in place.

Anything else (several entries, a comment, encryption, a compression other than deflate, a record
out of place, a CRC that does not match) is not read here: `read_plain_zip` returns None and the
caller reads the file with `zipfile`, which also names what is wrong with a damaged one.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any, cast

# zlib-ng inflates the same bytes as zlib about twice as fast (checked by the CRC below all the same):
# inflating is a quarter of reading a day file, and reading is most of a many-symbol backtest.
from zlib_ng import zlib_ng

from lean_core.errors import MissingDataError

__all__ = ["read_plain_zip"]

# The records, as struct formats (little-endian, no padding).
_END_RECORD = struct.Struct("<4s4H2LH")  # the end of the central directory
_ZIP64_LOCATOR = struct.Struct("<4sLQL")  # just before the end record: where the zip64 end record is
_ZIP64_END_RECORD = struct.Struct("<4sQ2H2L4Q")  # the end record's 64-bit twin
_DIRECTORY_ENTRY = struct.Struct("<4s6H3L5H2L")  # the entry's header in the central directory
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # the header just before the entry's data
_EXTRA_HEADER = struct.Struct("<2H")  # an extra field's id and length

_UNSUPPORTED_FLAGS = 0x0001 | 0x0040 | 0x2000  # encryption of any kind
_UTF8_NAME = 0x0800
_ZIP64_EXTRA = 0x0001
#: a 32-bit field too small for its value: the value is in the zip64 extra field
_ZIP64_MARK = 0xFFFFFFFF
_STORED, _DEFLATED = 0, 8
#: zlib-ng's inflate error (its type stub declares an instance, not the class it is)
_INFLATE_ERROR = cast(type[Exception], zlib_ng.error)


class _NotPlainError(Exception):
    """The file is not a plain one-entry zip: leave it to `zipfile`."""


def read_plain_zip(path: Path) -> tuple[str, bytes] | None:
    """Return the name and bytes of the file's only entry, or None when it is not a plain one-entry zip.

    Raises `MissingDataError` when there is no such file.
    """
    try:
        with open(path, "rb") as file:
            data = file.read()
    except FileNotFoundError:
        raise MissingDataError("no data file", path=path) from None
    except OSError:
        return None
    try:
        return _only_entry(data)
    except (_NotPlainError, struct.error, _INFLATE_ERROR, UnicodeDecodeError):
        return None


def _only_entry(data: bytes) -> tuple[str, bytes]:
    directory_at = _directory_offset(data)
    header = _unpack(_DIRECTORY_ENTRY, data, directory_at, b"PK\x01\x02")
    flags, method, crc, packed_size, size, name_size, extra_size = header[3:5] + header[7:12]
    if flags & _UNSUPPORTED_FLAGS or method not in (_STORED, _DEFLATED):
        raise _NotPlainError
    name_at = directory_at + _DIRECTORY_ENTRY.size
    extra = data[name_at + name_size : name_at + name_size + extra_size]
    size, packed_size, local_at = _zip64_values(extra, [size, packed_size, header[-1]])
    local = _unpack(_LOCAL_HEADER, data, local_at, b"PK\x03\x04")
    start = local_at + _LOCAL_HEADER.size + local[-2] + local[-1]
    if start + packed_size > directory_at:
        raise _NotPlainError
    packed = data[start : start + packed_size]
    content = zlib_ng.decompress(packed, -15, size or 1) if method == _DEFLATED else packed
    if len(content) != size or zlib_ng.crc32(content) != crc:
        raise _NotPlainError
    name = data[name_at : name_at + name_size].decode("utf-8" if flags & _UTF8_NAME else "cp437")
    return name, content


def _directory_offset(data: bytes) -> int:
    """Return where the central directory starts, once sure it lists exactly one entry."""
    end_at = len(data) - _END_RECORD.size
    end = _unpack(_END_RECORD, data, end_at, b"PK\x05\x06")
    entries_here, entries, directory_at, comment = end[3], end[4], end[6], end[7]
    if comment:
        raise _NotPlainError  # the end record is then not at the file's end
    if entries == 0xFFFF or directory_at == _ZIP64_MARK:  # the zip64 end record holds them
        locator = _unpack(_ZIP64_LOCATOR, data, end_at - _ZIP64_LOCATOR.size, b"PK\x06\x07")
        record = _unpack(_ZIP64_END_RECORD, data, locator[2], b"PK\x06\x06")
        entries_here, entries, directory_at = record[-4], record[-3], record[-1]
    if entries != 1 or entries_here != 1 or directory_at + _DIRECTORY_ENTRY.size > end_at:
        raise _NotPlainError
    return int(directory_at)


def _unpack(record: struct.Struct, data: bytes, at: int, signature: bytes) -> tuple[Any, ...]:
    """Unpack a record at `at`, which must start with its signature."""
    if at < 0:
        raise _NotPlainError
    values = record.unpack_from(data, at)
    if values[0] != signature:
        raise _NotPlainError
    return values


def _zip64_values(extra: bytes, values: list[int]) -> tuple[int, int, int]:
    """Return size, packed size and header offset, each marked one taken from the zip64 extra field.

    The marked fields' 64-bit values follow one another in that order (LEAN's files carry the
    field even for small entries).
    """
    marked = [value == _ZIP64_MARK for value in values]
    if any(marked):
        body = _zip64_field(extra)
        offset = 0
        for index, is_marked in enumerate(marked):
            if is_marked:
                if offset + 8 > len(body):
                    raise _NotPlainError
                values[index] = int.from_bytes(body[offset : offset + 8], "little")
                offset += 8
    return values[0], values[1], values[2]


def _zip64_field(extra: bytes) -> bytes:
    at = 0
    while at + _EXTRA_HEADER.size <= len(extra):
        kind, length = _EXTRA_HEADER.unpack_from(extra, at)
        body = extra[at + _EXTRA_HEADER.size : at + _EXTRA_HEADER.size + length]
        if kind == _ZIP64_EXTRA:
            return body
        at += _EXTRA_HEADER.size + length
    raise _NotPlainError
