"""A cache of parsed files: an in-memory LRU, optionally backed by a directory of ``.npz`` files.

Entries are keyed by the file's path, zip entry, modification time and size (so an edited file is read
again) plus a `variant` naming how it was parsed (format, time zone, day). Cached arrays are made
read-only: frames share them, and an in-place edit by a caller would otherwise corrupt every later read.

The disk directory is the caller's: never the data folder, which may be mounted read-only. A file holds
one entry's columns: a magic line, a JSON header and the raw arrays, read back with one read and no
copy (numpy's ``.npz`` costs a zip member per column). Files are written to a temporary name and renamed,
so a reader never sees half a file; an unreadable cache file counts as a miss and is replaced.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt

from lean_core.data.readers.archive import ArchivePool

__all__ = [
    "CacheKey",
    "CacheStats",
    "FrameCache",
    "decode_columns",
    "encode_columns",
    "entry_path",
    "store_entry",
]

logger = logging.getLogger(__name__)

Columns = dict[str, npt.NDArray[np.generic]]

#: Bump when the meaning of cached columns changes, so old disk files are ignored.
CACHE_FORMAT_VERSION: Final = 1
_MAGIC: Final = b"leanbus-frame-cache 1\n"
_SUFFIX: Final = ".frames"


@dataclass(frozen=True, slots=True)
class CacheKey:
    """Identify one parse of one zip entry."""

    path: str
    entry: str
    mtime_ns: int
    size: int
    variant: str

    def digest(self) -> str:
        """Return a stable file-name-safe hash of the key."""
        text = f"{CACHE_FORMAT_VERSION}|{self.path}|{self.entry}|{self.mtime_ns}|{self.size}|{self.variant}"
        return hashlib.sha256(text.encode()).hexdigest()[:40]


@dataclass(slots=True)
class CacheStats:
    """Counts of lookups, for tests and metrics."""

    hits: int = 0
    """Found in memory, read ahead ones included."""
    disk_hits: int = 0
    misses: int = 0
    evictions: int = 0
    read_ahead: int = 0
    """Of the hits, the files read ahead (`adopt`), each counted once: by the engine or a worker."""
    handed_over: int = 0
    """Of those read ahead, the entries a worker process read."""

    @property
    def parsed(self) -> int:
        """Return the files parsed for this cache: the misses, and the entries read ahead."""
        return self.misses + self.read_ahead


def encode_columns(columns: Columns) -> bytes:
    """Pack columns as a magic line, a JSON header (name, dtype, length, offset) and the raw arrays."""
    entries, offset = [], 0
    for name, array in columns.items():
        entries.append({"name": name, "dtype": array.dtype.str, "length": len(array), "offset": offset})
        offset += array.nbytes
    header = json.dumps(entries).encode()
    parts = [_MAGIC, len(header).to_bytes(8, "little"), header]
    parts.extend(np.ascontiguousarray(array).tobytes() for array in columns.values())
    return b"".join(parts)


def decode_columns(blob: bytes | memoryview) -> Columns:
    """Unpack `encode_columns`' bytes into arrays viewing the blob (no copy): read-only for bytes."""
    start = len(_MAGIC) + 8
    if bytes(blob[: len(_MAGIC)]) != _MAGIC:
        raise ValueError("not a leanbus frame cache file")
    size = int.from_bytes(blob[len(_MAGIC) : start], "little")
    body = start + size
    return {
        name: np.frombuffer(blob, dtype, length, body + offset)
        for name, dtype, length, offset in _layout(bytes(blob[start:body]))
    }


@lru_cache(maxsize=1024)
def _layout(header: bytes) -> tuple[tuple[str, np.dtype[np.generic], int, int], ...]:
    """Return the (name, dtype, length, offset) of each column a header lists.

    Headers repeat (a format's columns, a session's row count), and parsing one costs more than
    viewing the columns it describes.
    """
    return tuple(
        (entry["name"], np.dtype(entry["dtype"]), entry["length"], entry["offset"])
        for entry in json.loads(header)
    )


def _read_whole(path: Path) -> bytes:
    """Return a file's bytes with one unbuffered read (half the cost of `Path.read_bytes` here)."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(descriptor).st_size
        data = os.read(descriptor, size)
        while len(data) < size:  # a read may stop short (signals, some file systems)
            more = os.read(descriptor, size - len(data))
            if not more:
                break
            data += more
        return data
    finally:
        os.close(descriptor)


def _freeze(columns: Columns) -> Columns:
    for array in columns.values():
        array.setflags(write=False)
    return columns


def _size(columns: Columns) -> int:
    return sum(array.nbytes for array in columns.values())


def entry_path(directory: Path, key: CacheKey) -> Path:
    """Return the file an entry is kept in, in a cache directory."""
    return directory / f"{key.digest()}{_SUFFIX}"


def store_entry(directory: Path, key: CacheKey, packed: bytes) -> None:
    """Write an entry's packed columns (`encode_columns`) to its file, whole or not at all.

    A full or read-only cache disk must not fail a backtest (the data was read fine): it is logged.
    """
    path = entry_path(directory, key)
    temporary: str | None = None
    try:
        descriptor, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(packed)
        os.replace(temporary, path)
    except OSError as error:
        logger.warning("could not write cache file %s (%s)", path, error)
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


@dataclass(slots=True)
class _Adopted:
    """A file read ahead: its columns, who read them, and its key until the first take writes it."""

    columns: Columns
    by_worker: bool
    unstored: CacheKey | None
    taken: bool = False


class FrameCache:
    """Keep recently parsed files in memory (LRU, bounded by items and bytes) and optionally on disk."""

    def __init__(
        self,
        max_items: int = 1024,
        max_bytes: int = 1 << 30,
        directory: Path | None = None,
        max_open_archives: int = 8,
    ) -> None:
        if max_items < 1 or max_bytes < 1:
            raise ValueError("a FrameCache needs room for at least one item and one byte")
        self.max_items = max_items
        self.max_bytes = max_bytes
        self.directory = directory
        self.stats = CacheStats()
        #: Zips kept open between reads, so a chain's contracts do not each re-read its directory.
        self.archives = ArchivePool(max_open_archives)
        self._items: OrderedDict[CacheKey, Columns] = OrderedDict()
        self._bytes = 0
        self._adopted: dict[Hashable, _Adopted] = {}
        self._lock = threading.Lock()
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)

    def __len__(self) -> int:
        return len(self._items)

    @property
    def size_bytes(self) -> int:
        """Return the bytes held in memory."""
        return self._bytes

    def adopt(
        self,
        entries: Iterable[tuple[Hashable, CacheKey | None, Columns]],
        by_workers: Iterable[tuple[Hashable, Columns]] = (),
    ) -> None:
        """Hold a window's files read ahead, by request, in place of those held before (`take_adopted`).

        They are outside the LRU's bounds: a window's files must all still be there when its
        streams read them. The engine's `entries` are written to the directory when first taken,
        under their key (None without a directory); `by_workers` were written there by the
        workers that read them (`read_ahead.read_files`).
        """
        adopted = {request: _Adopted(_freeze(columns), False, key) for request, key, columns in entries}
        adopted.update((request, _Adopted(_freeze(columns), True, None)) for request, columns in by_workers)
        with self._lock:
            self._adopted = adopted

    def take_adopted(self, request: Hashable) -> Columns | None:
        """Return the columns read ahead for a request (`adopt`), or None.

        No key is needed: the file was read moments ago, in this run. They stay until the next
        adoption, for another subscription or a history request reading the same file.
        """
        with self._lock:
            held = self._adopted.get(request)
            if held is None:
                return None
            self.stats.hits += 1
            if not held.taken:
                held.taken = True
                self.stats.read_ahead += 1
                self.stats.handed_over += held.by_worker
            unstored, held.unstored = held.unstored, None
        if unstored is not None:
            self._store(unstored, held.columns)
        return held.columns

    def get(self, key: CacheKey) -> Columns | None:
        """Return the cached columns for `key` (memory first, then disk), or None."""
        with self._lock:
            remembered = self._items.get(key)
            if remembered is not None:
                self._items.move_to_end(key)
                self.stats.hits += 1
                return remembered
        columns = self._load(key)
        with self._lock:
            if columns is None:
                self.stats.misses += 1
                return None
            self.stats.disk_hits += 1
            self._remember(key, columns)
        return columns

    def put(self, key: CacheKey, columns: Columns) -> Columns:
        """Store columns (made read-only) in memory and on disk; return them."""
        _freeze(columns)
        with self._lock:
            self._remember(key, columns)
        self._store(key, columns)
        return columns

    def clear(self) -> None:
        """Forget everything held in memory (disk files stay)."""
        with self._lock:
            self._items.clear()
            self._adopted = {}
            self._bytes = 0

    def close(self) -> None:
        """Forget what is held in memory and close the zips kept open."""
        self.clear()
        self.archives.close()

    def __enter__(self) -> FrameCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _remember(self, key: CacheKey, columns: Columns) -> None:
        previous = self._items.pop(key, None)
        if previous is not None:
            self._bytes -= _size(previous)
        self._items[key] = columns
        self._bytes += _size(columns)
        while len(self._items) > 1 and (len(self._items) > self.max_items or self._bytes > self.max_bytes):
            _, evicted = self._items.popitem(last=False)
            self._bytes -= _size(evicted)
            self.stats.evictions += 1

    def _load(self, key: CacheKey) -> Columns | None:
        if self.directory is None:
            return None
        path = entry_path(self.directory, key)
        try:
            blob = _read_whole(path)
        except FileNotFoundError:
            return None
        except OSError as error:
            logger.warning("cache file %s is unreadable (%s); reading the data again", path, error)
            return None
        try:
            return decode_columns(blob)
        except (ValueError, KeyError, TypeError) as error:
            logger.warning("cache file %s is corrupt (%s); reading the data again", path, error)
            return None

    def _store(self, key: CacheKey, columns: Columns) -> None:
        if self.directory is not None:
            store_entry(self.directory, key, encode_columns(columns))
