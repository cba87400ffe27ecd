"""Read the next window's day files in worker processes while the engine runs the current window.

Inflating and parsing files is most of a many-symbol backtest's time, and it needs nothing but
the file: a worker process parses a window's files (`read_files`) while the engine's own process
runs the window before, with the parser `read_frame` uses, so what the engine computes is what
reading the files itself gives.

How the two share a window's files, each file parsed once and neither waiting for the other:
- Each window goes to every worker as one task: its files in the order the streams read them.
- Whoever parses a file first claims it: a file named by its place in the window, created in the
  window's claim directory, which fails when someone already has it.
- A worker appends each file's packed columns to a log of its own in the run's hand-off directory
  (shared memory when it has room): no columns cross a pipe, so a worker never waits for the
  engine to receive them.
- When the engine reaches a window, it parses the files no worker has claimed yet, from the
  window's end back to where the workers are, and ends the window's claims, which ends the
  workers' task; then it maps the workers' logs and hands the cache everything read for the
  window (`WindowRead.catch_up`). A file a worker was still parsing is read again by the engine
  when its turn comes (one file per worker and window at most).

A file a worker cannot read is left out: the engine reads it itself when its turn comes, and
raises the error naming the file and line as it always does. The executor is the caller's (a
process pool: threads would contend for the interpreter with the engine).
"""

from __future__ import annotations

import logging
import mmap
import multiprocessing
import os
import shutil
import signal
import struct
import tempfile
import threading
import weakref
from collections.abc import Sequence
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor
from pathlib import Path
from typing import Final

from lean_core.data.readers.cache import (
    CacheKey,
    FrameCache,
    decode_columns,
    encode_columns,
    entry_path,
    store_entry,
)
from lean_core.data.readers.frames import Columns
from lean_core.data.readers.reader import ReadRequest, parse_request, request_key

__all__ = ["ReadAhead", "ReadingPool", "WindowRead", "process_pool", "read_files", "worker_count"]

logger = logging.getLogger(__name__)

_LOG_SUFFIX: Final = ".log"
_ENDED: Final = ".ended"  # a window's claim directory, once the engine has reached the window
_RECORD_HEADER: Final = struct.Struct("<QQ")  # a log record's file (its index in the window) and length
_SHARED_MEMORY: Final = Path("/dev/shm")
_SHARED_MEMORY_NEEDED: Final = 1 << 30
"""Free bytes the shared-memory file system must have to hold the hand-off directory (a window of
packed columns is about 90 MB for 100 minute symbols; containers often give /dev/shm 64 MB)."""


def worker_count(requested: int | None) -> int:
    """Return how many reading processes to start: as requested, else one beside the engine on 2+ cores."""
    if requested is not None:
        return requested
    return 1 if (os.cpu_count() or 1) >= 2 else 0


class ReadingPool(ProcessPoolExecutor):
    """A process pool that knows its size: each window goes to every worker (`ReadAhead`)."""

    def __init__(self, workers: int) -> None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        super().__init__(workers, mp_context=context, initializer=_ignore_interrupts)
        self.workers = workers


def process_pool(workers: int) -> ReadingPool:
    """Return a pool of reading processes: forked from a server that has imported the reader once.

    Its workers start with the first task (a run of one window starts none) and leave Ctrl-C to
    the engine, which stops the run and still writes its results.
    """
    return ReadingPool(workers)


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class _NoMoreClaimsError(Exception):
    """Stop claiming: the window's claims are gone (the engine has moved on), or a worker is here."""


def _claim(claims: Path, index: int) -> bool:
    """Claim the window's `index`th file; False when someone has. Raises `_NoMoreClaimsError` once closed."""
    try:
        descriptor = os.open(claims / str(index), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return False
    except OSError as error:
        raise _NoMoreClaimsError from error
    os.close(descriptor)
    return True


def _kept_key(kept: Path | None, request: ReadRequest) -> tuple[bool, CacheKey | None]:
    """Return whether a file is kept in the cache directory `kept` already, and its key there."""
    if kept is None:
        return False, None
    key = request_key(request)
    return entry_path(kept, key).exists(), key


def read_files(requests: Sequence[ReadRequest], claims: Path, kept: Path | None = None) -> int:
    """Parse each of a window's files no one has claimed, appending its columns to a log; return how many.

    A worker's task; it first removes the claims of windows the engine has ended. The log
    (`_log_path`) sits beside the window's claim directory, one per worker. The task ends early
    when the window's claims end (the engine has reached the window) or the log takes no more (a
    full disk). A file that fails is left out: the engine's own read reports it. `kept`: the cache
    directory; its files need no parse, and each file parsed here is also kept there.
    """
    for ended in claims.parent.glob(f"*{_ENDED}"):
        shutil.rmtree(ended, ignore_errors=True)
    handed = 0
    log: int | None = None
    try:
        for index, request in enumerate(requests):
            try:
                is_kept, key = _kept_key(kept, request)
                if is_kept or not _claim(claims, index):
                    continue
                packed = encode_columns(parse_request(request))
            except _NoMoreClaimsError:
                break
            except Exception:  # whatever it is, the engine's own read reports it
                continue
            if log is None:
                log = os.open(_log_path(claims, os.getpid()), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            if not _append_record(log, index, packed):
                break
            if kept is not None and key is not None:
                store_entry(kept, key, packed)
            handed += 1
    finally:
        if log is not None:
            os.close(log)
    return handed


def _log_path(claims: Path, worker: int) -> Path:
    return claims.with_name(f"{claims.name}.{worker}{_LOG_SUFFIX}")


def _append_record(log: int, index: int, packed: bytes) -> bool:
    """Append one file's record: its index in the window, its length, its packed columns."""
    header = _RECORD_HEADER.pack(index, len(packed))
    try:
        return os.writev(log, [header, packed]) == len(header) + len(packed)
    except OSError:
        return False


def _read_logs(claims: Path) -> list[tuple[int, Columns]]:
    """Return the records the workers logged for a window (by index), and delete the logs.

    Each log is mapped, not read: the columns view its pages, which live until the last of them is
    dropped. A record still being written (its length reaching past the end) is left out.
    """
    records: list[tuple[int, Columns]] = []
    for log in claims.parent.glob(f"{claims.name}.*{_LOG_SUFFIX}"):
        try:
            with open(log, "rb") as file:
                size = os.fstat(file.fileno()).st_size
                mapped = mmap.mmap(file.fileno(), size, prot=mmap.PROT_READ) if size else None
            os.unlink(log)
        except OSError:
            continue
        if mapped is not None:
            records.extend(_records(memoryview(mapped)))
    return records


def _records(log: memoryview) -> list[tuple[int, Columns]]:
    records = []
    at = 0
    while at + _RECORD_HEADER.size <= len(log):
        index, length = _RECORD_HEADER.unpack_from(log, at)
        start = at + _RECORD_HEADER.size
        if start + length > len(log):
            break
        records.append((index, decode_columns(log[start : start + length])))
        at = start + length
    return records


class WindowRead:
    """One window's files as given to the workers; `catch_up` when the engine reaches the window."""

    def __init__(self, owner: ReadAhead, requests: Sequence[ReadRequest], claims: Path) -> None:
        self._owner = owner
        self.requests = list(dict.fromkeys(requests))  # a file twice would look claimed by a worker
        self.claims = claims
        self.futures: list[Future[int]] = []

    def catch_up(self) -> None:
        """Read the files no worker has claimed, from the window's end back; then end the workers' task.

        What the engine and the workers read waits in the cache for the streams (`FrameCache.adopt`).
        Nothing here waits for a worker.
        """
        cache = self._owner.cache
        read: list[tuple[ReadRequest, CacheKey | None, Columns]] = []
        for index in reversed(range(len(self.requests))):
            request = self.requests[index]
            try:
                is_kept, key = _kept_key(cache.directory, request)
                if is_kept:
                    continue
                if not _claim(self.claims, index):
                    break  # a worker is there: it has had the files before
                read.append((request, key, parse_request(request)))
            except _NoMoreClaimsError:
                break
            except Exception:  # the streams' own read raises it, naming the file and line
                continue
        self.close()
        logged = [(self.requests[index], columns) for index, columns in _read_logs(self.claims)]
        cache.adopt(read, logged)
        self._owner.check(self.futures)

    def close(self) -> None:
        """End the window's claims: a worker still on the window stops at its next file.

        The claim directory is renamed, and removed by a worker's next task (`read_files`): a few
        thousand files, whose removal would cost the engine tens of milliseconds a window.
        """
        for future in self.futures:
            future.cancel()  # not started: it would find every file claimed
        try:
            self.claims.rename(self.claims.with_name(self.claims.name + _ENDED))
        except OSError:
            _remove_directory(self.claims)


class ReadAhead:
    """Give each window's files to the workers; each `WindowRead` hands the cache what was read.

    A broken executor (a worker killed, say) turns reading ahead off for the rest of the run,
    with one warning: the engine then reads every file itself, as without it.
    """

    def __init__(self, executor: Executor, cache: FrameCache) -> None:
        self._executor: Executor | None = executor
        self._tasks_per_window: int = getattr(executor, "workers", 1)
        self.cache = cache
        self._handoff = _make_handoff()
        # Removed at the latest when the engine's process ends, should `close` never be called.
        self._cleanup = weakref.finalize(self, shutil.rmtree, self._handoff, True)
        self._windows = 0
        # The first window goes to the executor from a thread: a process pool's first task starts
        # its workers (about half a second), which the engine does not wait for. Windows submitted
        # meanwhile wait in `_unsent` for that thread; later ones are sent at once.
        self._first_send: threading.Thread | None = None
        self._unsent: list[WindowRead] | None = None
        self._sending = threading.Lock()

    def submit(self, requests: Sequence[ReadRequest]) -> WindowRead:
        """Start reading a window's files; `catch_up` what comes back when the engine reaches it."""
        claims = self._handoff / f"claims-{self._windows}"
        self._windows += 1
        window = WindowRead(self, requests, claims)
        try:
            claims.mkdir()
        except OSError as error:
            self._give_up(error)
        if self._executor is None:
            return window
        with self._sending:
            if self._unsent is not None:
                self._unsent.append(window)
                return window
            if self._first_send is None:
                self._unsent = []
                self._first_send = threading.Thread(
                    target=self._send_first, args=(window,), name="read-ahead-start", daemon=True
                )
                self._first_send.start()
                return window
        self._send(window)
        return window

    def _send_first(self, window: WindowRead) -> None:
        self._send(window)
        while True:
            with self._sending:
                unsent = self._unsent or []
                self._unsent = [] if unsent else None  # None: from now on, windows are sent at once
            if not unsent:
                return
            for later in unsent:
                self._send(later)

    def _send(self, window: WindowRead) -> None:
        executor, kept = self._executor, self.cache.directory
        if executor is None:
            return
        try:
            for _ in range(self._tasks_per_window):
                window.futures.append(executor.submit(read_files, window.requests, window.claims, kept))
        except (BrokenExecutor, RuntimeError) as error:  # RuntimeError: the executor was shut down
            self._give_up(error)

    def check(self, futures: Sequence[Future[int]]) -> None:
        """Give up reading ahead when a finished task failed (a worker lost, or a bug in it)."""
        for future in futures:
            if future.done() and not future.cancelled() and future.exception() is not None:
                self._give_up(future.exception())
                return

    def close(self) -> None:
        """Stop the workers' tasks and remove the hand-off directory with whatever is left in it."""
        self._executor = None
        _remove_directory(self._handoff)
        self._cleanup.detach()

    def _give_up(self, error: BaseException | None) -> None:
        if self._executor is not None:
            logger.warning("reading ahead stopped (%r); the engine reads the files itself", error)
        self._executor = None


def _remove_directory(directory: Path) -> None:
    """Remove a directory workers may still be creating files in.

    Renamed first: a worker's next file then fails at once, where removing in place could leave
    the directory standing with the worker's newest claims in it, and every other claim gone.
    """
    removed = directory.with_name(directory.name + ".removed")
    try:
        directory.rename(removed)
    except OSError:
        removed = directory
    shutil.rmtree(removed, ignore_errors=True)


def _make_handoff() -> Path:
    """Make the run's hand-off directory: in shared memory when it has room, else the temporary one.

    Its logs are read within seconds of being written and deleted, so they rarely reach a disk.
    """
    return Path(tempfile.mkdtemp(prefix="leanbus-read-ahead-", dir=_scratch_root()))


def _scratch_root() -> str | None:
    try:
        stats = os.statvfs(_SHARED_MEMORY)
    except OSError:
        return None
    roomy = stats.f_bavail * stats.f_frsize >= _SHARED_MEMORY_NEEDED
    return str(_SHARED_MEMORY) if roomy and os.access(_SHARED_MEMORY, os.W_OK) else None
