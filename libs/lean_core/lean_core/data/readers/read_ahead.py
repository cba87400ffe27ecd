"""Read the next window's day files in worker processes while the engine runs the current window.

Inflating and parsing files is most of a many-symbol backtest's time, and it needs nothing but
the file: a worker process reads a window's files (`read_files`) while the engine's own process
runs the window before, with the keys `read_frame` caches them under, so what the engine computes
is what reading the files itself gives.

How the two share a window's files, each file parsed once and the engine never waiting:
- Each window goes to every worker as one task: its files in the order the streams read them.
- Whoever parses a file first claims it: an empty file created in the window's claim directory,
  which fails when someone already has it.
- A worker leaves each file's packed columns in the run's hand-off directory, where the cache takes
  them from when the streams ask (`FrameCache.handoff`): no columns cross a pipe, so a worker
  never waits for the engine to receive them.
- When the engine reaches a window, it reads the files no worker has claimed yet, from the window's
  end back to where the workers are (`WindowRead.catch_up`), then removes the window's claims,
  which ends the workers' task. A file a worker is still parsing at that moment is read again by
  the engine when its turn comes (one file per worker and window at most).

A file a worker cannot read is left out: the engine reads it itself when its turn comes, and
raises the error naming the file and line as it always does. The executor is the caller's (a
process pool: threads would contend for the interpreter with the engine).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
import weakref
from collections.abc import Sequence
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor
from pathlib import Path
from typing import Final

from lean_core.data.readers.cache import CacheKey, FrameCache, encode_columns, entry_path, write_entry
from lean_core.data.readers.frames import Columns
from lean_core.data.readers.reader import ReadRequest, keyed_columns

__all__ = ["ReadAhead", "ReadingPool", "WindowRead", "process_pool", "read_files", "worker_count"]

logger = logging.getLogger(__name__)

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


def _claim(claims: Path, key: CacheKey) -> bool:
    """Claim a file for parsing; False when someone has. Raises `_NoMoreClaimsError` once claims close."""
    try:
        descriptor = os.open(claims / key.digest(), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return False
    except OSError as error:
        raise _NoMoreClaimsError from error
    os.close(descriptor)
    return True


def _not_kept(kept: Path | None, key: CacheKey) -> bool:
    """Tell whether a file still needs parsing: not already in the cache directory `kept`."""
    return kept is None or not entry_path(kept, key).exists()


def read_files(requests: Sequence[ReadRequest], claims: Path, handoff: Path, kept: Path | None = None) -> int:
    """Parse each request's file that no one has claimed, leave its columns in `handoff`; return how many.

    A worker's task. It ends early when the window's claims are removed (the engine has reached
    the window) or the hand-off directory takes no more (a full disk). A file that fails is left
    out: the engine's own read reports it. `kept`: the cache directory, whose files need no parse.
    """
    handed = 0
    for request in requests:
        try:
            keyed = keyed_columns(request, lambda key: _not_kept(kept, key) and _claim(claims, key))
        except _NoMoreClaimsError:
            break
        except Exception:  # whatever it is, the engine's own read reports it
            continue
        if keyed is None:
            continue
        key, columns = keyed
        try:
            write_entry(handoff, key, encode_columns(columns))
        except OSError:
            break
        handed += 1
    return handed


class WindowRead:
    """One window's files as given to the workers; `catch_up` when the engine reaches the window."""

    def __init__(self, owner: ReadAhead, requests: Sequence[ReadRequest], claims: Path) -> None:
        self._owner = owner
        self.requests = list(dict.fromkeys(requests))  # a file twice would look claimed by a worker
        self.claims = claims
        self.futures: list[Future[int]] = []

    def catch_up(self) -> None:
        """Read the files no worker has claimed, from the window's end back; then end the workers' task.

        What the engine reads here waits in the cache for the streams (`FrameCache.adopt`); what
        the workers read waits in the hand-off directory. Nothing here waits for a worker.
        """
        owner = self._owner
        read: list[tuple[CacheKey, Columns]] = []
        for request in reversed(self.requests):
            try:
                keyed = keyed_columns(request, self._engine_claims)
            except _NoMoreClaimsError:  # a worker is there (or claims fail): it has the files before
                break
            except Exception:  # the streams' own read raises it, naming the file and line
                continue
            if keyed is not None:
                read.append(keyed)
        self.close()
        owner.cache.adopt(read)
        owner.check(self.futures)

    def _engine_claims(self, key: CacheKey) -> bool:
        """Claim a file for the engine; raise `_NoMoreClaimsError` where a worker has (it went in order)."""
        if not _not_kept(self._owner.cache.directory, key):
            return False
        if not _claim(self.claims, key):
            raise _NoMoreClaimsError
        return True

    def close(self) -> None:
        """Remove the window's claims: a worker still on the window stops at its next file."""
        for future in self.futures:
            future.cancel()  # not started: it would find every file claimed
        _remove_directory(self.claims)


class ReadAhead:
    """Give each window's files to the workers, and set the cache to take what they read.

    A broken executor (a worker killed, say) turns reading ahead off for the rest of the run,
    with one warning: the engine then reads every file itself, as without it.
    """

    def __init__(self, executor: Executor, cache: FrameCache) -> None:
        self._executor: Executor | None = executor
        self._tasks_per_window: int = getattr(executor, "workers", 1)
        self.cache = cache
        self._handoff = _make_handoff(cache.directory)
        # Removed at the latest when the engine's process ends, should `close` never be called.
        self._cleanup = weakref.finalize(self, shutil.rmtree, self._handoff, True)
        cache.handoff = self._handoff
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
                window.futures.append(
                    executor.submit(read_files, window.requests, window.claims, self._handoff, kept)
                )
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
        if self.cache.handoff == self._handoff:
            self.cache.handoff = None
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


def _make_handoff(cache_directory: Path | None) -> Path:
    """Make the run's hand-off directory: in the cache directory if any (its files move there).

    Otherwise in shared memory when it has room, else in the temporary directory: its files are
    read within seconds and deleted, so they rarely reach a disk.
    """
    if cache_directory is not None:
        return Path(tempfile.mkdtemp(prefix=".read-ahead-", dir=cache_directory))
    return Path(tempfile.mkdtemp(prefix="leanbus-read-ahead-", dir=_scratch_root()))


def _scratch_root() -> str | None:
    try:
        stats = os.statvfs(_SHARED_MEMORY)
    except OSError:
        return None
    roomy = stats.f_bavail * stats.f_frsize >= _SHARED_MEMORY_NEEDED
    return str(_SHARED_MEMORY) if roomy and os.access(_SHARED_MEMORY, os.W_OK) else None
