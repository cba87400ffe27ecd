"""Open LEAN's zip files: one entry's bytes, the entry names, the dates of hour/daily rows.

Every failure names the file (and the entry): a missing file is `MissingDataError`, which a subscription
counts as a warning; anything else unreadable is `DataError`.
"""

from __future__ import annotations

import zipfile
import zlib
from datetime import date
from pathlib import Path

import numpy as np

from lean_core.enums import Resolution, SecurityType, TickType
from lean_core.errors import DataError, MissingDataError
from lean_core.symbols import Symbol

__all__ = ["entry_names", "read_entry", "row_dates"]

# What zipfile raises on a damaged archive or entry, besides BadZipFile.
_CORRUPTION = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    NotImplementedError,
    RuntimeError,
    ValueError,
)


def _open(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except FileNotFoundError:
        raise MissingDataError("no data file", path=path) from None
    except _CORRUPTION as error:
        raise DataError(f"not a readable zip file ({error})", path=path) from None


def entry_names(path: Path) -> list[str]:
    """Return the names of the entries in a zip, in archive order."""
    with _open(path) as archive:
        return archive.namelist()


def read_entry(path: Path, entry: str, *, one_of_many: bool = False) -> tuple[str, bytes]:
    """Return the entry's name as found and its bytes.

    The name matches exactly, else ignoring case. In a zip of many contracts (`one_of_many`) an absent
    entry is `MissingDataError`: the contract did not trade that day and LEAN reads nothing. Otherwise a
    zip holding exactly one entry under another name is read anyway, as LEAN reads the first entry of
    equity, forex and crypto zips whatever its name, and an absent entry is a `DataError`.
    """
    with _open(path) as archive:
        names = archive.namelist()
        found = _find(names, entry, single_entry_fallback=not one_of_many)
        if found is None and one_of_many:
            raise MissingDataError("no entry for this contract", path=path, entry=entry)
        if found is None:
            listing = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
            reason = f"the zip has no such entry (it holds: {listing or 'nothing'})"
            raise DataError(reason, path=path, entry=entry)
        try:
            return found, archive.read(found)
        except _CORRUPTION as error:
            raise DataError(f"corrupt zip entry ({error})", path=path, entry=found) from None


def _find(names: list[str], entry: str, single_entry_fallback: bool) -> str | None:
    if entry in names:
        return entry
    folded = entry.lower()
    for name in names:
        if name.lower() == folded:
            return name
    if single_entry_fallback and len(names) == 1:
        return names[0]
    return None


def row_dates(
    data_folder: Path,
    symbol: Symbol,
    resolution: Resolution,
    tick_type: TickType,
    path_ticker: str | None = None,
) -> list[date]:
    """Return the sorted distinct dates of the rows of a symbol's hour/daily file(s)."""
    from lean_core.data import paths

    if symbol.security_type.is_option:
        files = paths.option_year_files(data_folder, symbol, resolution, tick_type, path_ticker)
        entry = paths.zip_entry_name(symbol, resolution, tick_type, None, path_ticker)
    else:
        location = paths.data_location(data_folder, symbol, resolution, tick_type, None, path_ticker)
        files, entry = [location.path], location.entry
    days: set[date] = set()
    one_of_many = symbol.security_type in _MULTI_ENTRY_TYPES
    for path in files:
        try:
            found, data = read_entry(path, entry, one_of_many=one_of_many)
        except MissingDataError:
            continue
        days.update(_leading_dates(data, path, found))
    return sorted(days)


_MULTI_ENTRY_TYPES = (
    SecurityType.FUTURE,
    SecurityType.CRYPTO_FUTURE,
    SecurityType.OPTION,
    SecurityType.INDEX_OPTION,
    SecurityType.FUTURE_OPTION,
)


def _leading_dates(data: bytes, path: Path, entry: str) -> list[date]:
    """Read the yyyyMMdd that opens every non-blank line, without a Python loop over lines."""
    buffer = np.frombuffer(data, dtype=np.uint8)
    starts = np.concatenate(([0], np.flatnonzero(buffer == ord("\n")) + 1))
    line_numbers = np.arange(1, len(starts) + 1)
    blank = (starts >= len(buffer)) | np.isin(buffer[np.minimum(starts, len(buffer) - 1)], (10, 13, 32))
    starts, line_numbers = starts[~blank], line_numbers[~blank]
    if len(starts) == 0:
        return []
    padded = np.concatenate((buffer, np.zeros(8, dtype=np.uint8)))
    digits = padded[starts[:, None] + np.arange(8)].astype(np.int64) - ord("0")
    bad = ((digits < 0) | (digits > 9)).any(axis=1)
    if bad.any():
        line = int(line_numbers[np.argmax(bad)])
        raise DataError("field 1 does not start with a yyyyMMdd date", path=path, line=line, entry=entry)
    numbers = np.unique(digits @ (10 ** np.arange(7, -1, -1)))
    try:
        return [date(int(n) // 10000, int(n) // 100 % 100, int(n) % 100) for n in numbers]
    except ValueError as error:
        raise DataError(f"a row holds an impossible date ({error})", path=path, entry=entry) from None
