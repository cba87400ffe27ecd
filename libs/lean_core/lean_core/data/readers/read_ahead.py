"""Read the next window's day files in worker processes while the engine runs the current window.

Inflating and parsing files is most of a many-symbol backtest's time, and it needs nothing but
the file: a worker process reads a window's files (`read_files`) while the engine's own process
runs the window before, and hands back their columns with the keys `read_frame` caches them
under. The engine then finds them in its cache (`FrameCache.adopt`), so what it computes is what
reading the files itself gives.

A file a worker cannot read is left out: the engine reads it itself when its turn comes, and
raises the error naming the file and line as it always does. The executor is the caller's (a
process pool: threads would contend for the interpreter with the engine).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Sequence
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor
from pathlib import Path

from lean_core.data.readers.cache import (
    CacheKey,
    FrameCache,
    decode_columns,
    encode_columns,
    entry_path,
    store_entry,
)
from lean_core.data.readers.frames import Columns
from lean_core.data.readers.reader import ReadRequest, keyed_columns

__all__ = ["ReadAhead", "process_pool", "read_files", "worker_count"]

logger = logging.getLogger(__name__)

_FILES_PER_TASK = 16
"""Files a task reads: enough to spread a task's round trip, few enough that the engine waits little
for the started ones when it collects (it reads the files of the others itself)."""


def worker_count(requested: int | None) -> int:
    """Return how many reading processes to start: as requested, else one beside the engine on 2+ cores."""
    if requested is not None:
        return requested
    return 1 if (os.cpu_count() or 1) >= 2 else 0


def process_pool(workers: int) -> ProcessPoolExecutor:
    """Return a pool of reading processes: forked from a server that has imported the reader once.

    Its workers start with the first task (a run of one window starts none) and leave Ctrl-C to
    the engine, which stops the run and still writes its results.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_ignore_interrupts)


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def read_files(
    requests: Sequence[ReadRequest], cache_directory: Path | None = None
) -> list[tuple[CacheKey, bytes]]:
    """Read each request's day file; leave out the ones that fail (the engine reads those itself).

    Each file's columns come back packed as the cache's files are: one bytes object crosses
    the pipe faster than its arrays pickled one by one, and unpacks into views without a copy.
    With a cache directory, a file already kept there is left out (the engine loads it), and each
    file read is written there, so the engine does not spend its own time writing it.
    """
    not_kept = (
        None if cache_directory is None else (lambda key: not entry_path(cache_directory, key).exists())
    )
    read = []
    for request in requests:
        try:
            keyed = keyed_columns(request, not_kept)
        except Exception:  # whatever it is, the engine's own read reports it
            continue
        if keyed is None:
            continue
        key, columns = keyed
        packed = encode_columns(columns)
        if cache_directory is not None:
            store_entry(cache_directory, key, packed)
        read.append((key, packed))
    return read


class ReadAhead:
    """Send a window's files to an executor, and give what it read to the cache before the window.

    A broken executor (a worker killed, say) turns reading ahead off for the rest of the run,
    with one warning: the engine then reads every file itself, as without it.
    """

    def __init__(self, executor: Executor, cache: FrameCache, files_per_task: int = _FILES_PER_TASK) -> None:
        if files_per_task < 1:
            raise ValueError("a read-ahead task reads at least one file")
        self._executor: Executor | None = executor
        self._cache = cache
        self._files_per_task = files_per_task
        self._pending: list[Future[list[tuple[CacheKey, bytes]]]] = []
        self._first_send: threading.Thread | None = None

    def submit(self, requests: Sequence[ReadRequest]) -> None:
        """Start reading these files (the next window's); a new call replaces what was not collected.

        The first call returns at once: a process pool's first task starts its workers (a fork
        server importing the reader, about half a second), which a thread waits for while the
        engine reads its first window. Collecting waits for that thread.
        """
        self.cancel()
        if self._executor is None:
            return
        if self._first_send is None:
            self._first_send = threading.Thread(
                target=self._send, args=(list(requests),), name="read-ahead-start", daemon=True
            )
            self._first_send.start()
        else:
            self._send(requests)

    def _send(self, requests: Sequence[ReadRequest]) -> None:
        executor, step = self._executor, self._files_per_task
        if executor is None:
            return
        try:
            for first in range(0, len(requests), step):
                chunk = list(requests[first : first + step])
                self._pending.append(executor.submit(read_files, chunk, self._cache.directory))
        except (BrokenExecutor, RuntimeError) as error:  # RuntimeError: the executor was shut down
            self._give_up(error)

    def _sent(self) -> None:
        """Wait until the first call's tasks are all handed over (at once after that)."""
        if self._first_send is not None:
            self._first_send.join()

    def collect(self) -> None:
        """Hand the cache what the workers have read; leave the engine the files of the other tasks.

        Waiting for a task would leave the engine idle while a worker is behind, when it could read
        those files itself: tasks not started are cancelled, and the running ones are left to finish
        unheard (`read_frame` reads all their files as usual). Only finished tasks are collected.
        """
        self._sent()
        finished = [future for future in self._pending if not future.cancel() and future.done()]
        self._pending = []
        read: list[tuple[CacheKey, Columns]] = []
        try:
            for future in finished:
                read.extend((key, decode_columns(packed)) for key, packed in future.result())
        except Exception as error:  # a worker lost or a bug in it: the engine reads the files itself
            self._give_up(error)
        self._cache.adopt(read, on_disk=self._cache.directory is not None)

    def cancel(self) -> None:
        """Drop the tasks not collected (their files are read by the engine if it needs them)."""
        self._sent()
        self._drop_pending()

    def _drop_pending(self) -> None:
        for future in self._pending:
            future.cancel()
        self._pending = []

    def _give_up(self, error: BaseException) -> None:
        self._drop_pending()  # not cancel(): this may run on the thread that cancel() waits for
        if self._executor is not None:
            logger.warning("reading ahead stopped (%r); the engine reads the files itself", error)
        self._executor = None
