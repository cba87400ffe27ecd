"""Reading ahead: each file parsed once, by a worker or the engine, and the engine never waits."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import pytest

from lean_core.data.bars import TradeBarFrame
from lean_core.data.readers import FrameCache, ReadRequest, read_frame
from lean_core.data.readers.read_ahead import ReadAhead, WindowRead, read_files
from lean_core.enums import Market, Resolution, SecurityType, TickType
from lean_core.errors import DataError
from lean_core.symbols import Symbol

WriteZip = Callable[..., Path]
SPY = Symbol.create("SPY", SecurityType.EQUITY, Market.USA)
DAYS = [date(2013, 10, 7) + timedelta(days=offset) for offset in range(4)]
ROWS = "14400000,1674100,1674100,1672500,1672700,3197\n14460000,1672500,1672500,1672500,1672500,1150\n"


def _requests(folder: Path, write_zip: WriteZip) -> list[ReadRequest]:
    for day in DAYS:
        write_zip(SPY, Resolution.MINUTE, TickType.TRADE, day, ROWS)
    new_york = ZoneInfo("America/New_York")
    return [ReadRequest(folder, SPY, Resolution.MINUTE, TickType.TRADE, day, new_york) for day in DAYS]


class _IdlePool(Executor):
    """A pool whose tasks never start (its workers are busy or still starting); `sent` counts them."""

    def __init__(self) -> None:
        self.sent = threading.Semaphore(0)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.sent.release()
        return Future()


class _StartingPool(Executor):
    """A pool whose first task waits for its workers to start (`started`)."""

    def __init__(self) -> None:
        self.started = threading.Event()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.started.wait()
        return Future()


def _read_all(requests: list[ReadRequest], cache: FrameCache) -> None:
    for request in requests:
        assert isinstance(read_frame(request, cache), TradeBarFrame)


def _logs(window: WindowRead) -> list[Path]:
    return sorted(window.claims.parent.glob("*.log"))


def _counts(cache: FrameCache) -> tuple[int, int, int]:
    """Files handed over by a worker, files read ahead (by either), files the streams parsed."""
    return cache.stats.handed_over, cache.stats.read_ahead, cache.stats.misses


class _Run(NamedTuple):
    requests: list[ReadRequest]
    cache: FrameCache
    ahead: ReadAhead
    window: WindowRead


def _one_window(data_folder: Path, write_zip: WriteZip, directory: Path | None = None) -> _Run:
    """Four day files as one window, given to a pool whose tasks never start (tests run them)."""
    requests = _requests(data_folder, write_zip)
    cache = FrameCache(directory=directory)
    ahead = ReadAhead(_IdlePool(), cache)
    return _Run(requests, cache, ahead, ahead.submit(requests))


@pytest.mark.timeout(30)
def test_submitting_returns_while_the_workers_start(data_folder: Path, write_zip: WriteZip) -> None:
    requests = _requests(data_folder, write_zip)
    pool, cache = _StartingPool(), FrameCache()
    ahead = ReadAhead(pool, cache)

    window = ahead.submit(requests)  # would block here, before `started`, without the sending thread
    window.catch_up()  # and here, had it to wait for a worker

    _read_all(requests, cache)
    assert (cache.stats.read_ahead, cache.stats.handed_over, cache.stats.misses) == (4, 0, 0)
    pool.started.set()
    ahead.close()


def test_files_a_worker_read_are_handed_over_and_the_engine_reads_none_of_them(
    data_folder: Path, write_zip: WriteZip
) -> None:
    requests, cache, ahead, window = _one_window(data_folder, write_zip)

    assert read_files(window.requests, window.claims) == 4  # what the worker's task does
    assert len(_logs(window)) == 1
    window.catch_up()  # finds every file claimed, and takes the worker's log

    assert _logs(window) == []
    _read_all(requests, cache)
    assert _counts(cache) == (4, 4, 0)
    ahead.close()


def test_the_engine_reads_from_the_end_back_to_where_the_worker_is(
    data_folder: Path, write_zip: WriteZip
) -> None:
    requests, cache, ahead, window = _one_window(data_folder, write_zip)
    read_files(window.requests[:1], window.claims)  # the worker got through one file

    window.catch_up()

    _read_all(requests, cache)
    assert _counts(cache) == (1, 4, 0)
    ahead.close()


def test_a_worker_stops_once_the_engine_has_caught_up(data_folder: Path, write_zip: WriteZip) -> None:
    _, _, ahead, window = _one_window(data_folder, write_zip)

    window.catch_up()

    assert read_files(window.requests, window.claims) == 0  # a late task parses nothing
    assert _logs(window) == []
    ahead.close()


def test_a_workers_next_task_removes_the_claims_of_windows_the_engine_has_ended(
    data_folder: Path, write_zip: WriteZip
) -> None:
    requests = _requests(data_folder, write_zip)
    ahead = ReadAhead(_IdlePool(), FrameCache())
    first, second = ahead.submit(requests[:2]), ahead.submit(requests[2:])
    read_files(first.requests, first.claims)
    first.catch_up()
    handoff = first.claims.parent
    assert sorted(path.name for path in handoff.iterdir() if path.is_dir()) == ["claims-0.ended", "claims-1"]

    read_files(second.requests, second.claims)

    assert [path.name for path in handoff.iterdir() if path.is_dir()] == ["claims-1"]
    ahead.close()


def test_a_record_still_being_written_is_left_to_the_engine(data_folder: Path, write_zip: WriteZip) -> None:
    requests, cache, ahead, window = _one_window(data_folder, write_zip)
    read_files(window.requests[:2], window.claims)
    (log,) = _logs(window)
    with log.open("r+b") as file:
        file.truncate(log.stat().st_size - 100)  # the second record is cut: the worker is writing it

    window.catch_up()

    _read_all(requests, cache)
    # The engine parsed the cut file when the streams asked (a miss), and the two after it ahead.
    assert _counts(cache) == (1, 3, 1)
    ahead.close()


@pytest.mark.timeout(30)
def test_every_window_goes_to_the_executor_in_order(data_folder: Path, write_zip: WriteZip) -> None:
    requests = _requests(data_folder, write_zip)
    pool = _IdlePool()
    ahead = ReadAhead(pool, FrameCache())

    windows = [ahead.submit(requests[:2]), ahead.submit(requests[2:])]

    for _ in windows:
        assert pool.sent.acquire(timeout=10)
    assert [len(window.futures) for window in windows] == [1, 1]
    ahead.close()


def test_closing_removes_the_handoff_directory_and_what_is_left_in_it(
    data_folder: Path, write_zip: WriteZip
) -> None:
    requests, cache, ahead, window = _one_window(data_folder, write_zip)
    read_files(window.requests, window.claims)  # never taken: the run stopped
    handoff = window.claims.parent

    ahead.close()

    assert not handoff.exists()
    _read_all(requests, cache)
    assert (cache.stats.handed_over, cache.stats.misses) == (0, 4)


def test_with_a_cache_directory_files_read_ahead_are_kept_there(
    data_folder: Path, write_zip: WriteZip, tmp_path: Path
) -> None:
    requests = _requests(data_folder, write_zip)
    directory = tmp_path / "cache"
    cache = FrameCache(directory=directory)
    ahead = ReadAhead(_IdlePool(), cache)
    window = ahead.submit(requests)

    read_files(window.requests[:2], window.claims, directory)  # by the worker
    window.catch_up()  # the other two by the engine
    _read_all(requests, cache)
    ahead.close()

    assert _counts(cache) == (2, 4, 0)
    assert len(list(directory.glob("*.frames"))) == 4
    # A later run's workers find them kept and parse nothing; the engine loads them.
    later = FrameCache(directory=directory)
    again = ReadAhead(_IdlePool(), later)
    window = again.submit(requests)
    assert read_files(window.requests, window.claims, directory) == 0
    window.catch_up()
    _read_all(requests, later)
    assert (later.stats.disk_hits, later.stats.read_ahead, later.stats.misses) == (4, 0, 0)
    again.close()


def test_a_file_a_worker_cannot_read_is_left_to_the_engine(data_folder: Path, write_zip: WriteZip) -> None:
    requests = _requests(data_folder, write_zip)
    (path,) = data_folder.rglob("20131008_trade.zip")
    path.write_bytes(b"not a zip")
    cache = FrameCache()
    ahead = ReadAhead(_IdlePool(), cache)
    window = ahead.submit(requests)

    assert read_files(window.requests, window.claims) == 3
    window.catch_up()

    for request in requests:
        if request.day == date(2013, 10, 8):
            with pytest.raises(DataError, match=r"20131008_trade\.zip"):
                read_frame(request, cache)
        else:
            assert isinstance(read_frame(request, cache), TradeBarFrame)
    assert cache.stats.handed_over == 3
    ahead.close()
