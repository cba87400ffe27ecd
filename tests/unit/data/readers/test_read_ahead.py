"""Reading ahead never makes the engine wait: not for workers starting, nor for a task under way."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from lean_core.data.bars import TradeBarFrame
from lean_core.data.readers import FrameCache, ReadRequest, read_frame
from lean_core.data.readers.cache import entry_path
from lean_core.data.readers.read_ahead import ReadAhead, read_files
from lean_core.enums import Market, Resolution, SecurityType, TickType
from lean_core.symbols import Symbol

WriteZip = Callable[..., Path]
SPY = Symbol.create("SPY", SecurityType.EQUITY, Market.USA)
DAYS = [date(2013, 10, 7), date(2013, 10, 8)]
ROWS = "14400000,1674100,1674100,1672500,1672700,3197\n14460000,1672500,1672500,1672500,1672500,1150\n"


def _requests(folder: Path, write_zip: WriteZip) -> list[ReadRequest]:
    for day in DAYS:
        write_zip(SPY, Resolution.MINUTE, TickType.TRADE, day, ROWS)
    new_york = ZoneInfo("America/New_York")
    return [ReadRequest(folder, SPY, Resolution.MINUTE, TickType.TRADE, day, new_york) for day in DAYS]


class _StartingPool(Executor):
    """A pool whose first task waits for its workers to start (`started`); tasks then run at once."""

    def __init__(self) -> None:
        self.started = threading.Event()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.started.wait()
        future: Future[Any] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


class _RunningPool(Executor):
    """A pool whose tasks are all under way and never finish while the engine looks."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_running_or_notify_cancel()
        return future


@pytest.mark.timeout(30)
def test_the_first_submit_returns_while_the_workers_start(data_folder: Path, write_zip: WriteZip) -> None:
    requests = _requests(data_folder, write_zip)
    pool, cache = _StartingPool(), FrameCache()
    ahead = ReadAhead(pool, cache, files_per_task=1)

    ahead.submit(requests)  # would block here, before `started` is set, without the thread
    pool.started.set()
    ahead.collect()  # waits for the thread to hand the tasks over

    for request in requests:
        assert isinstance(read_frame(request, cache), TradeBarFrame)
    assert (cache.stats.read_ahead, cache.stats.misses) == (2, 0)


@pytest.mark.timeout(30)
def test_tasks_under_way_are_not_waited_for(data_folder: Path, write_zip: WriteZip) -> None:
    requests = _requests(data_folder, write_zip)
    cache = FrameCache()
    ahead = ReadAhead(_RunningPool(), cache, files_per_task=1)
    ahead.submit(requests)

    ahead.collect()  # would wait forever for the running tasks

    for request in requests:
        assert isinstance(read_frame(request, cache), TradeBarFrame)
    assert (cache.stats.read_ahead, cache.stats.misses) == (0, 2)  # the engine read them itself


def test_files_read_ahead_are_written_to_the_cache_directory_once(
    data_folder: Path, write_zip: WriteZip, tmp_path: Path
) -> None:
    request = _requests(data_folder, write_zip)[0]
    directory = tmp_path / "cache"
    directory.mkdir()

    (read,) = read_files([request], directory)
    again = read_files([request], directory)

    key, packed = read
    assert entry_path(directory, key).read_bytes() == packed
    assert again == []  # already kept: the engine loads it from the directory
    fresh = FrameCache(directory=directory)
    assert isinstance(read_frame(request, fresh), TradeBarFrame)
    assert fresh.stats.disk_hits == 1
