from __future__ import annotations

import logging
import os
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from lean_core.data.bars import TickFrame, TradeBarFrame
from lean_core.data.paths import data_location
from lean_core.data.readers import CacheKey, FrameCache, ReadRequest, list_zip_contracts, read_frame
from lean_core.data.readers.cache import entry_path
from lean_core.enums import Market, OptionRight, OptionStyle, Resolution, SecurityType, TickType
from lean_core.symbols import Symbol

NEW_YORK = ZoneInfo("America/New_York")
DAY = date(2013, 10, 7)
SPY = Symbol.create("SPY", SecurityType.EQUITY, Market.USA)
ROWS = "14400000,1674100,1674100,1672500,1672700,3197\n14460000,1672500,1672500,1672500,1672500,1150\n"
WriteZip = Callable[..., Path]  # the `write_zip` fixture


def _request(folder: Path, day: date = DAY) -> ReadRequest:
    return ReadRequest(folder, SPY, Resolution.MINUTE, TickType.TRADE, day, NEW_YORK)


def _key(name: str) -> CacheKey:
    return CacheKey(path=name, entry="e.csv", mtime_ns=1, size=1, variant="v")


def _columns(rows: int) -> dict[str, np.ndarray]:
    return {"time": np.arange(rows, dtype=np.int64), "close": np.ones(rows)}


def test_a_second_read_of_a_file_comes_from_memory(data_folder: Path, write_zip: WriteZip) -> None:
    write_zip(SPY, Resolution.MINUTE, TickType.TRADE, DAY, ROWS)
    cache = FrameCache()

    first = read_frame(_request(data_folder), cache)
    second = read_frame(_request(data_folder), cache)

    assert isinstance(first, TradeBarFrame) and isinstance(second, TradeBarFrame)
    assert (cache.stats.misses, cache.stats.hits) == (1, 1)
    assert second.close is first.close
    assert second.close.tolist() == [167.27, 167.25]


def test_cached_arrays_are_read_only(data_folder: Path, write_zip: WriteZip) -> None:
    write_zip(SPY, Resolution.MINUTE, TickType.TRADE, DAY, ROWS)
    frame = read_frame(_request(data_folder), FrameCache())

    assert isinstance(frame, TradeBarFrame)
    with pytest.raises(ValueError, match="read-only"):
        frame.close[0] = 0.0


def test_a_rewritten_file_is_read_again(data_folder: Path, write_zip: WriteZip) -> None:
    path = write_zip(SPY, Resolution.MINUTE, TickType.TRADE, DAY, ROWS)
    cache = FrameCache()
    read_frame(_request(data_folder), cache)

    write_zip(SPY, Resolution.MINUTE, TickType.TRADE, DAY, ROWS.splitlines()[0] + "\n")
    os.utime(path, ns=(1, 1))
    frame = read_frame(_request(data_folder), cache)

    assert len(frame) == 1
    assert cache.stats.misses == 2


def test_the_least_recently_used_item_is_evicted_beyond_max_items() -> None:
    cache = FrameCache(max_items=2)
    cache.put(_key("a"), _columns(1))
    cache.put(_key("b"), _columns(1))
    cache.get(_key("a"))

    cache.put(_key("c"), _columns(1))

    assert cache.get(_key("b")) is None
    assert cache.get(_key("a")) is not None
    assert cache.stats.evictions == 1


def test_items_are_evicted_beyond_max_bytes() -> None:
    cache = FrameCache(max_bytes=2_000)
    cache.put(_key("a"), _columns(100))  # 1,600 bytes

    cache.put(_key("b"), _columns(100))

    assert len(cache) == 1
    assert cache.size_bytes == 1_600
    assert cache.get(_key("a")) is None


def test_a_new_process_reads_the_disk_cache(data_folder: Path, write_zip: WriteZip, tmp_path: Path) -> None:
    write_zip(SPY, Resolution.MINUTE, TickType.TRADE, DAY, ROWS)
    directory = tmp_path / "cache"
    first = read_frame(_request(data_folder), FrameCache(directory=directory))

    fresh = FrameCache(directory=directory)
    second = read_frame(_request(data_folder), fresh)

    assert fresh.stats.disk_hits == 1
    assert isinstance(first, TradeBarFrame) and isinstance(second, TradeBarFrame)
    for name in ("time", "end_time", "open", "high", "low", "close", "volume"):
        assert np.array_equal(getattr(first, name), getattr(second, name))
    assert len(list(directory.iterdir())) == 1
    assert sorted(p.name for p in (data_folder / "equity/usa/minute/spy").iterdir()) == ["20131007_trade.zip"]


def test_tick_text_columns_survive_the_disk_cache(
    data_folder: Path, write_zip: WriteZip, tmp_path: Path
) -> None:
    write_zip(SPY, Resolution.TICK, TickType.TRADE, DAY, "34200000,1674400,100,P,00000001,0\n")
    request = ReadRequest(data_folder, SPY, Resolution.TICK, TickType.TRADE, DAY, NEW_YORK)
    read_frame(request, FrameCache(directory=tmp_path / "cache"))

    frame = read_frame(request, FrameCache(directory=tmp_path / "cache"))

    assert isinstance(frame, TickFrame)
    assert (frame.exchange.tolist(), frame.sale_condition.tolist()) == (["P"], ["00000001"])


def test_a_corrupt_disk_cache_file_is_a_miss_and_is_replaced(
    data_folder: Path, write_zip: WriteZip, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write_zip(SPY, Resolution.MINUTE, TickType.TRADE, DAY, ROWS)
    read_frame(_request(data_folder), FrameCache(directory=tmp_path / "cache"))
    (cached,) = (tmp_path / "cache").iterdir()
    cached.write_bytes(b"garbage")

    with caplog.at_level(logging.WARNING):
        frame = read_frame(_request(data_folder), FrameCache(directory=tmp_path / "cache"))

    assert len(frame) == 2
    assert "corrupt" in caplog.text
    assert cached.read_bytes() != b"garbage"


def test_an_unwritable_disk_cache_does_not_fail_the_read(
    data_folder: Path, write_zip: WriteZip, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_zip(SPY, Resolution.MINUTE, TickType.TRADE, DAY, ROWS)

    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError("read-only file system")

    monkeypatch.setattr("lean_core.data.readers.cache.tempfile.mkstemp", refuse)

    frame = read_frame(_request(data_folder), FrameCache(directory=tmp_path / "cache"))

    assert len(frame) == 2
    assert list((tmp_path / "cache").iterdir()) == []


def test_a_chain_zip_is_opened_once_for_many_contracts(
    data_folder: Path, write_zip: WriteZip, monkeypatch: pytest.MonkeyPatch
) -> None:
    aapl = Symbol.create("AAPL", SecurityType.EQUITY, Market.USA)
    calls = [
        Symbol.create_option(
            aapl, Market.USA, OptionStyle.AMERICAN, OptionRight.CALL, strike, date(2014, 6, 21)
        )
        for strike in (600, 650)
    ]
    extra = {
        data_location(data_folder, calls[1], Resolution.MINUTE, TickType.TRADE, DAY).entry: "0,1,1,1,1,1\n"
    }
    write_zip(calls[0], Resolution.MINUTE, TickType.TRADE, DAY, "0,2,2,2,2,2\n", extra=extra)
    opened: list[object] = []
    real_zip_file = zipfile.ZipFile

    def counting_zip_file(*args: Any, **kwargs: Any) -> zipfile.ZipFile:
        opened.append(args[0])
        return real_zip_file(*args, **kwargs)

    monkeypatch.setattr("lean_core.data.readers.archive.zipfile.ZipFile", counting_zip_file)

    with FrameCache() as cache:
        contracts = list_zip_contracts(
            data_folder, calls[0], Resolution.MINUTE, TickType.TRADE, DAY, cache=cache
        )
        frames = [
            read_frame(ReadRequest(data_folder, c, Resolution.MINUTE, TickType.TRADE, DAY, NEW_YORK), cache)
            for c in contracts
        ]

    closes = [float(frame.close[0]) for frame in frames if isinstance(frame, TradeBarFrame)]
    assert contracts == calls
    assert closes == [0.0002, 0.0001]
    assert len(opened) == 1


def test_adopted_columns_wait_outside_the_bounds_and_are_taken_by_request() -> None:
    cache = FrameCache(max_items=1)
    cache.adopt([("request a", _key("a"), _columns(3)), ("request b", None, _columns(4))])
    cache.put(_key("c"), _columns(5))  # fills the only slot: the adopted entries stay

    first = cache.take_adopted("request a")
    again = cache.take_adopted("request a")  # another subscription reading the same file

    assert first is not None and len(first["time"]) == 3 and not first["time"].flags.writeable
    assert again is first
    assert cache.take_adopted("request b") is not None
    assert cache.take_adopted("request c") is None
    assert cache.get(_key("a")) is None  # not an entry of the LRU: no key was looked up
    assert (cache.stats.hits, cache.stats.read_ahead) == (3, 2)  # each file counted read once


def test_a_new_adoption_drops_what_the_last_one_held() -> None:
    cache = FrameCache()
    cache.adopt([("a", None, _columns(3))])
    cache.adopt([("b", None, _columns(4))])

    assert cache.take_adopted("a") is None
    assert cache.take_adopted("b") is not None


def test_an_entry_the_engine_read_ahead_is_written_to_the_directory_once(tmp_path: Path) -> None:
    cache = FrameCache(directory=tmp_path)
    cache.adopt([("a", _key("a"), _columns(3))])

    assert cache.take_adopted("a") is not None
    entry_path(tmp_path, _key("a")).unlink()
    assert cache.take_adopted("a") is not None

    assert not entry_path(tmp_path, _key("a")).exists()  # written at the first take only
    assert (cache.stats.read_ahead, cache.stats.handed_over) == (1, 0)


def test_an_entry_a_worker_read_ahead_is_not_written_again(tmp_path: Path) -> None:
    cache = FrameCache(directory=tmp_path)
    cache.adopt([], by_workers=[("a", _columns(3))])  # the worker kept it already

    assert cache.take_adopted("a") is not None

    assert list(tmp_path.iterdir()) == []
    assert (cache.stats.hits, cache.stats.read_ahead, cache.stats.handed_over) == (1, 1, 1)
