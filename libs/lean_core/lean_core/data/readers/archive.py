"""Open LEAN's zip files: one entry's bytes, the entry names, the dates of hour/daily rows.

Every failure names the file (and the entry): a missing file is `MissingDataError`, which a subscription
counts as a warning; anything else unreadable is `DataError`.
"""

from __future__ import annotations

import threading
import zipfile
import zlib
from collections import OrderedDict
from datetime import date
from pathlib import Path

import numpy as np

from lean_core.data.readers.plain_zip import read_plain_zip
from lean_core.enums import Resolution, TickType
from lean_core.errors import DataError, MissingDataError
from lean_core.symbols import Symbol

__all__ = ["ArchivePool", "entry_names", "read_entry", "row_dates"]

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


class ArchivePool:
    """Keep the last few zips open, keyed by path, modification time and size.

    Opening a zip parses its whole directory: for an options chain of thousands of entries that costs
    far more than reading one entry, and a chain's contracts are read one after another. An evicted zip
    is only dropped, not closed, since another thread may still be reading it; garbage collection
    closes it.
    """

    def __init__(self, max_open: int = 8) -> None:
        if max_open < 1:
            raise ValueError("an ArchivePool needs room for at least one zip")
        self.max_open = max_open
        self._open: OrderedDict[tuple[str, int, int], zipfile.ZipFile] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, path: Path) -> zipfile.ZipFile:
        """Return the zip at `path`, opened now or earlier if unchanged since."""
        try:
            status = path.stat()
        except FileNotFoundError:
            raise MissingDataError("no data file", path=path) from None
        key = (str(path), status.st_mtime_ns, status.st_size)
        with self._lock:
            archive = self._open.get(key)
            if archive is not None:
                self._open.move_to_end(key)
                return archive
        archive = _open(path)
        with self._lock:
            self._open[key] = archive
            while len(self._open) > self.max_open:
                self._open.popitem(last=False)
        return archive

    def close(self) -> None:
        """Close every zip held (no read may be in progress)."""
        with self._lock:
            for archive in self._open.values():
                archive.close()
            self._open.clear()


def entry_names(path: Path, pool: ArchivePool | None = None) -> list[str]:
    """Return the names of the entries in a zip, in archive order."""
    if pool is not None:
        return pool.get(path).namelist()
    with _open(path) as archive:
        return archive.namelist()


def read_entry(
    path: Path, entry: str, *, one_of_many: bool = False, pool: ArchivePool | None = None
) -> tuple[str, bytes]:
    """Return the entry's name as found and its bytes.

    The name matches exactly, else ignoring case. In a zip of many contracts (`one_of_many`) an absent
    entry is `MissingDataError`: the contract did not trade that day and LEAN reads nothing. Otherwise a
    zip holding exactly one entry under another name is read anyway, as LEAN reads the first entry of
    equity, forex and crypto zips whatever its name, and an absent entry is a `DataError`.
    """
    if not one_of_many:
        single = read_plain_zip(path)
        if single is not None:
            return single
    if pool is not None:
        return _read(pool.get(path), path, entry, one_of_many)
    with _open(path) as archive:
        return _read(archive, path, entry, one_of_many)


def _read(archive: zipfile.ZipFile, path: Path, entry: str, one_of_many: bool) -> tuple[str, bytes]:
    found = _find(archive, entry, single_entry_fallback=not one_of_many)
    if found is None and one_of_many:
        raise MissingDataError("no entry for this contract", path=path, entry=entry)
    if found is None:
        names = archive.namelist()
        listing = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
        reason = f"the zip has no such entry (it holds: {listing or 'nothing'})"
        raise DataError(reason, path=path, entry=entry)
    try:
        return found, archive.read(found)
    except _CORRUPTION as error:
        raise DataError(f"corrupt zip entry ({error})", path=path, entry=found) from None


def _find(archive: zipfile.ZipFile, entry: str, single_entry_fallback: bool) -> str | None:
    try:
        return archive.getinfo(entry).filename
    except KeyError:
        pass
    names = archive.namelist()
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
    one_of_many = paths.holds_many_contracts(symbol.security_type)
    for path in files:
        try:
            found, data = read_entry(path, entry, one_of_many=one_of_many)
        except MissingDataError:
            continue
        days.update(_leading_dates(data, path, found))
    return sorted(days)


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
