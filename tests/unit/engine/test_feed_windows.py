"""The feed reads a run window by window: the batches must not depend on the window size.

Every test here serves a run with several window sizes (1 day, 3 days, the whole run) and
batch sizes, and compares the messages the algorithm would receive, byte for byte. The
synthetic folder puts window boundaries inside multi-day gaps, on missing days and after
post-market bars that fill-forward repeats; the conformance runs cover LEAN's sample data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from concurrent.futures import BrokenExecutor, Executor, Future, ThreadPoolExecutor
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lean_core.bus import messages as m
from lean_core.bus.codec import unpack_frame, unpack_rows, unpack_times
from lean_core.data.bars import Frame, TickFrame, TradeBarFrame, local_to_ns, ns_to_local
from lean_core.data.readers import FrameCache, read_ahead
from lean_core.data.subscription import SubscriptionDataConfig, SubscriptionDataReader
from lean_core.data.writers import NumberFormat, write_frame
from lean_core.engine.data_feed import DataFeedHandler
from lean_core.engine.embedded import BacktestRun
from lean_core.engine.feed_windows import WHOLE_RUN, default_window_days, window_cuts
from lean_core.enums import Resolution, SecurityType, TickType
from lean_core.symbols import Symbol
from lean_core.time.market_hours import SecurityExchangeHours
from lean_core.time.time_zones import TimeZones, utc_ns_to_local_ns
from tests.conformance.regression import load_algorithm
from tests.unit.engine.builders import initialized

NY = TimeZones.NEW_YORK
WINDOWS = (1, 3, WHOLE_RUN)
NUMBERS = NumberFormat.for_security(SecurityType.EQUITY, Decimal("0.01"), Decimal(1))

GAPPY = Symbol.create("GAPPY", SecurityType.EQUITY, "usa")  # regular hours; days missing
LATE = Symbol.create("LATE", SecurityType.EQUITY, "usa")  # extended hours; starts and pauses
DAILY = Symbol.create("DLY", SecurityType.EQUITY, "usa")
BENCH = Symbol.create("BNCH", SecurityType.EQUITY, "usa")
TICKS = Symbol.create("TCK", SecurityType.EQUITY, "usa")

DAYS = [date(2023, 12, 27) + timedelta(days=n) for n in range(30)]
TRADING = [d for d in DAYS if d.weekday() < 5 and d not in (date(2024, 1, 1), date(2024, 1, 15))]
# GAPPY misses a day (Jan 5), then four (Jan 9-12: a 1- or 3-day window ends inside), then Jan 18.
GAPPY_DAYS = [d for d in TRADING if d not in {date(2024, 1, n) for n in (5, 9, 10, 11, 12, 18)}]
# LATE has no data in the warm-up and the first days, then a gap over the MLK weekend.
LATE_DAYS = [d for d in TRADING if date(2024, 1, 4) <= d and d not in {date(2024, 1, n) for n in (12, 16)}]
LAST_DAY = date(2024, 1, 19)


# -- the synthetic folder ------------------------------------------------------------------------------
def _minute_bars(symbol: Symbol, days: list[date], first: time, last: time, seed: int) -> TradeBarFrame:
    minutes = (last.hour - first.hour) * 60 + last.minute - first.minute
    starts = np.concatenate(
        [local_to_ns(datetime.combine(d, first), NY) + np.arange(minutes) * 60_000_000_000 for d in days]
    )
    rng = np.random.default_rng(seed)
    close = np.round(100 + np.cumsum(rng.integers(-3, 4, len(starts))) * 0.01, 2)
    volume = rng.integers(1, 500, len(starts)).astype(np.float64)
    return TradeBarFrame(
        symbol, starts, starts + 60_000_000_000, close, close + 0.01, close - 0.01, close, volume
    )


def _bars(symbol: Symbol, starts: list[datetime], period: timedelta) -> TradeBarFrame:
    times = np.array([local_to_ns(s, NY) for s in starts], dtype=np.int64)
    close = np.round(50 + np.arange(len(times)) * 0.25, 2)
    end = times + int(period.total_seconds()) * 1_000_000_000
    return TradeBarFrame(symbol, times, end, close, close + 0.5, close - 0.5, close, np.full(len(times), 1e4))


def _ticks(days: list[date]) -> TickFrame:
    moments = [
        local_to_ns(datetime.combine(d, time(h, mm, s)), NY)
        for d in days
        for h in (10, 13, 15)
        for mm in (0, 30)
        for s in (0, 0, 1)  # two ticks share each first second
    ]
    price = np.round(20 + np.arange(len(moments)) * 0.01, 2)
    return TickFrame.from_columns(
        TICKS,
        TickType.TRADE,
        time=np.array(moments, dtype=np.int64),
        value=price,
        quantity=np.ones(len(price)),
    )


@pytest.fixture(scope="module")
def folder(lean_data_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Minute, daily, hour and tick files of made-up equities, with LEAN's market hours."""
    root = tmp_path_factory.mktemp("windows")
    for name in ("market-hours", "symbol-properties"):
        (root / name).symlink_to(lean_data_folder / name)
    daily = [datetime.combine(d, time()) for d in TRADING if d.day != 10]
    hourly = [datetime.combine(d, time(h)) for d in TRADING for h in range(9, 16)]
    frames: list[tuple[TradeBarFrame | TickFrame, Resolution]] = [
        (_minute_bars(GAPPY, GAPPY_DAYS, time(4), time(20), 1), Resolution.MINUTE),
        (_minute_bars(LATE, LATE_DAYS, time(7), time(19, 30), 2), Resolution.MINUTE),
        (_bars(DAILY, daily, timedelta(days=1)), Resolution.DAILY),
        (_bars(BENCH, hourly, timedelta(hours=1)), Resolution.HOUR),
        (_ticks([d for d in TRADING if d.day not in (3, 11)]), Resolution.TICK),
    ]
    for frame, resolution in frames:
        write_frame(root, frame, resolution, data_time_zone=NY, number_format=NUMBERS)
    return root


def _spec(index: int, symbol: Symbol, resolution: Resolution, **options: Any) -> m.SubscriptionSpec:
    return m.SubscriptionSpec(
        index=index, symbol_id=str(symbol.id), symbol_value=symbol.value, resolution=resolution, **options
    )


SPECS = [
    _spec(0, GAPPY, Resolution.MINUTE),
    _spec(1, LATE, Resolution.MINUTE, extended_market_hours=True),
    _spec(2, DAILY, Resolution.DAILY),
    _spec(3, BENCH, Resolution.HOUR, is_internal=True),
    _spec(4, TICKS, Resolution.TICK),
]


def _init(specs: list[m.SubscriptionSpec], *, warmup_days: int = 0) -> m.AlgorithmInitialized:
    return initialized(
        local_to_ns(datetime(2024, 1, 2), NY),
        local_to_ns(datetime.combine(LAST_DAY, time(23, 59, 59)), NY),
        specs,
        name="windows",
        warmup_start_ns=local_to_ns(datetime(2024, 1, 2) - timedelta(days=warmup_days), NY),
    )


def _serve(
    folder: Path,
    init: m.AlgorithmInitialized,
    window_days: int,
    batch_steps: int,
    reader: type[SubscriptionDataReader] = SubscriptionDataReader,
    read_ahead: Executor | None = None,
    cache: FrameCache | None = None,
) -> list[m.Message]:
    """Return every message the feed sends for a run, requesting one batch at a time."""
    feed = DataFeedHandler(
        reader(folder, cache=cache),
        "r",
        batch_steps=batch_steps,
        window_days=window_days,
        read_ahead=read_ahead,
    )
    sent: list[m.Message] = [message for _, message in feed.on_initialized(init)]
    while not sent or not isinstance(sent[-1], m.DataFeedFinished):
        sent.extend(message for _, message in feed.on_batch_request(m.DataBatchRequest(run_id="r", count=1)))
    return sent


def _assert_window_invariant(serve: Callable[[int], list[m.Message]]) -> list[m.Message]:
    whole = serve(WHOLE_RUN)
    assert isinstance(whole[-1], m.DataFeedFinished) and not whole[-1].error
    for days in WINDOWS[:-1]:
        windowed = serve(days)
        assert len(windowed) == len(whole), f"{days}-day windows"
        for index, (got, want) in enumerate(zip(windowed, whole, strict=True)):
            assert got == want, f"{days}-day windows: message {index} differs"
    return whole


# -- synthetic runs --------------------------------------------------------------------------------------
@pytest.mark.parametrize("batch_steps", [97, 2048])
@pytest.mark.parametrize("warmup_days", [0, 6])
def test_the_batches_do_not_depend_on_the_window_size(
    folder: Path, batch_steps: int, warmup_days: int
) -> None:
    init = _init(SPECS, warmup_days=warmup_days)

    sent = _assert_window_invariant(lambda days: _serve(folder, init, days, batch_steps))

    assert len(sent) > 2 and sum(isinstance(s, m.DataBatch) for s in sent) == len(sent) - 1


@pytest.mark.parametrize("index", range(len(SPECS)))
def test_each_subscription_alone_does_not_depend_on_the_window_size(folder: Path, index: int) -> None:
    init = _init([SPECS[index]], warmup_days=3)

    _assert_window_invariant(lambda days: _serve(folder, init, days, 50))


class _RepeatingReader(SubscriptionDataReader):
    """A reader whose minute files each start with a stale bar, a copy of their first moved a day back."""

    def read_days(
        self, config: SubscriptionDataConfig, hours: SecurityExchangeHours, first: date, last: date
    ) -> tuple[Frame, list[date]]:
        frame, missing = super().read_days(config, hours, first, last)
        if config.resolution != Resolution.MINUTE or not isinstance(frame, TradeBarFrame) or not len(frame):
            return frame, missing
        days = utc_ns_to_local_ns(frame.time, NY) // (86_400 * 10**9)
        firsts = np.flatnonzero(np.r_[True, np.diff(days) != 0])
        parts = []
        for start, stop in zip(firsts, [*firsts[1:], len(frame)], strict=True):
            stale = frame.select(slice(start, start + 1))
            parts += [
                replace(stale, time=stale.time - 86_400 * 10**9, end_time=stale.end_time - 86_400 * 10**9)
            ]
            parts += [frame.select(slice(start, stop))]
        return TradeBarFrame.concat(frame.symbol, parts), missing


def test_a_bar_ending_before_one_already_read_is_dropped_across_windows_too(folder: Path) -> None:
    # LEAN's reader drops a bar that does not end after every bar before it: a window must
    # remember the latest end time of the windows before it to do the same.
    init = _init(SPECS[:2], warmup_days=3)

    sent = _assert_window_invariant(lambda days: _serve(folder, init, days, 300, _RepeatingReader))

    plain = _serve(folder, init, WHOLE_RUN, 300)
    assert _rows(sent, 0, GAPPY) != _rows(plain, 0, GAPPY)  # the stale bars after a gap stay


def _rows(sent: list[m.Message], subscription: int, symbol: Symbol) -> list[tuple[datetime, float, bool]]:
    """Return (step time, close, fill-forward) of one subscription over every batch."""
    out: list[tuple[datetime, float, bool]] = []
    for batch in sent:
        if not isinstance(batch, m.DataBatch):
            continue
        times = unpack_times(batch)
        for packed in batch.frames:
            if packed.subscription != subscription:
                continue
            frame = unpack_frame(packed, symbol)
            assert isinstance(frame, TradeBarFrame)
            for step, row in enumerate(unpack_rows(packed).tolist()):
                if row >= 0:
                    fill = bool(frame.is_fill_forward[row])
                    out.append((ns_to_local(int(times[step]), NY), float(frame.close[row]), fill))
    return out


def test_a_gap_across_windows_repeats_the_last_bar_read_even_a_post_market_one(folder: Path) -> None:
    gappy = _minute_bars(GAPPY, GAPPY_DAYS, time(4), time(20), 1)
    last_read = {
        ns_to_local(int(t), NY).date(): float(c) for t, c in zip(gappy.time, gappy.close, strict=True)
    }  # the close of each day's last bar, 19:59-20:00

    rows = _rows(_serve(folder, _init([SPECS[0]]), 1, 64), 0, GAPPY)

    by_time = {step: (close, fill) for step, close, fill in rows}
    for gap_day, source in [(date(2024, 1, 5), date(2024, 1, 4)), (date(2024, 1, 11), date(2024, 1, 8))]:
        first = by_time[datetime.combine(gap_day, time(9, 31))]
        assert first == (last_read[source], True), gap_day
    assert all(fill for step, _, fill in rows if step.date() in (date(2024, 1, 9), date(2024, 1, 12)))
    assert {step.date() for step, _, _ in rows} == {d for d in TRADING if date(2024, 1, 2) <= d <= LAST_DAY}


def test_missing_days_are_logged_once_per_subscription_with_the_run_s_count(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="lean_core.engine.data_feed"):
        _serve(folder, _init([SPECS[0]], warmup_days=6), 1, 500)

    logged = [r.getMessage() for r in caplog.records if r.name == "lean_core.engine.data_feed"]
    # The read starts a day before the warm-up: Dec 26, which has no file either.
    missing = [d for d in [date(2023, 12, 26), *TRADING] if d <= LAST_DAY and d not in GAPPY_DAYS]
    assert logged == [f"GAPPY: no data file for {len(missing)} day(s)"]


def _copy_with_broken_gappy_day(folder: Path, tmp_path: Path) -> Path:
    """Return a copy of the folder whose GAPPY file of Jan 17 is not a zip."""
    broken = tmp_path / "broken"
    broken.mkdir()
    for entry in folder.iterdir():
        (broken / entry.name).symlink_to(entry)
    (broken / "equity").unlink()
    minute = broken / "equity" / "usa" / "minute"
    minute.mkdir(parents=True)
    (minute / "gappy").mkdir()
    for day_file in (folder / "equity" / "usa" / "minute" / "gappy").iterdir():
        (minute / "gappy" / day_file.name).write_bytes(day_file.read_bytes())
    (minute / "gappy" / "20240117_trade.zip").write_bytes(b"not a zip")
    return broken


def test_a_corrupt_file_later_in_the_run_ends_the_feed_with_its_error(
    folder: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = _copy_with_broken_gappy_day(folder, tmp_path)
    init = _init([SPECS[0]])

    with caplog.at_level(logging.ERROR):
        windowed = _serve(broken, init, 3, 500)
        whole = _serve(broken, init, WHOLE_RUN, 500)

    finished = windowed[-1]
    assert isinstance(finished, m.DataFeedFinished) and "20240117_trade.zip" in finished.error
    batches = [s for s in windowed if isinstance(s, m.DataBatch)]
    assert finished.batches == len(batches) > 0
    assert finished.data_points == sum(b.data_points for b in batches)
    assert all(ns_to_local(int(unpack_times(b)[-1]), NY).date() < date(2024, 1, 17) for b in batches)
    # Read whole, the same file fails the set-up, before any batch.
    assert len(whole) == 1 and isinstance(whole[0], m.DataFeedFinished)
    assert (whole[0].batches, whole[0].error) == (0, finished.error)


class _AheadPool(Executor):
    """A real reading pool whose worker is ahead: each task is done before the next is sent.

    Without this the engine would read most files itself (as it should): the test's windows take
    it less time than the worker's round trip.
    """

    def __init__(self, pool: Executor) -> None:
        self._pool = pool

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = self._pool.submit(fn, *args, **kwargs)
        future.exception()  # waits for the task to finish
        return future


@pytest.fixture(scope="module")
def reading_pool() -> Iterator[Executor]:
    """A worker process as `leanbus backtest` starts it, to read files ahead (started already)."""
    with read_ahead.process_pool(1) as pool:
        pool.submit(int).result()
        yield _AheadPool(pool)


@pytest.mark.parametrize("window_days", [1, 3])
def test_files_read_ahead_by_a_worker_process_give_the_same_batches(
    folder: Path, reading_pool: Executor, window_days: int
) -> None:
    init = _init(SPECS, warmup_days=6)
    # Smaller than a window: what was read ahead must still be there when the window reads it.
    alone, ahead = FrameCache(max_items=4), FrameCache(max_items=4)
    expected = _serve(folder, init, window_days, 97, cache=alone)

    served = _serve(folder, init, window_days, 97, read_ahead=reading_pool, cache=ahead)

    assert served == expected
    assert ahead.stats.handed_over > 0  # the worker process read files (how many depends on timing)
    assert ahead.stats.parsed == alone.stats.parsed  # and none was parsed twice
    assert ahead.stats.hits + ahead.stats.misses == alone.stats.hits + alone.stats.misses


def test_a_corrupt_file_read_ahead_ends_the_feed_with_the_same_error(
    folder: Path, tmp_path: Path, reading_pool: Executor
) -> None:
    broken = _copy_with_broken_gappy_day(folder, tmp_path)
    init = _init([SPECS[0]])

    alone = _serve(broken, init, 3, 500, cache=FrameCache())
    ahead = _serve(broken, init, 3, 500, read_ahead=reading_pool, cache=FrameCache())

    assert ahead == alone
    finished = ahead[-1]
    assert isinstance(finished, m.DataFeedFinished) and "20240117_trade.zip" in finished.error


class _BrokenPool(ThreadPoolExecutor):
    """An executor whose worker died: every task fails, as a killed process pool's do."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_exception(BrokenExecutor("a worker died"))
        return future


class _BusyPool(ThreadPoolExecutor):
    """An executor whose workers are all busy: no task it is given starts, and none is awaited."""

    def __init__(self) -> None:
        super().__init__(1)
        self.awaited = 0

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        pool = self

        class _NotStarted(Future[Any]):
            def result(self, timeout: float | None = None) -> Any:
                pool.awaited += 1  # a wait here would never end: the task has not started
                return []

        return _NotStarted()


def test_files_no_worker_has_started_on_are_read_by_the_engine_without_waiting(folder: Path) -> None:
    init = _init(SPECS)
    alone = FrameCache()
    expected = _serve(folder, init, 1, 97, cache=alone)

    ahead = FrameCache()
    with _BusyPool() as pool:
        served = _serve(folder, init, 1, 97, read_ahead=pool, cache=ahead)

    assert served == expected
    assert pool.awaited == 0
    assert ahead.stats.handed_over == 0  # the engine read every file itself, each once
    assert ahead.stats.parsed == alone.stats.parsed


def test_a_broken_read_ahead_pool_leaves_the_feed_reading_alone(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    init = _init(SPECS)
    expected = _serve(folder, init, 1, 97, cache=FrameCache())

    with caplog.at_level(logging.WARNING), _BrokenPool() as pool:
        served = _serve(folder, init, 1, 97, read_ahead=pool, cache=FrameCache())

    assert served == expected
    assert [r.message for r in caplog.records if "reading ahead stopped" in r.message] == [
        "reading ahead stopped (BrokenExecutor('a worker died')); the engine reads the files itself"
    ]


def test_intraday_windows_are_days_fewer_for_many_subscriptions_else_the_whole_run(folder: Path) -> None:
    reader = SubscriptionDataReader(folder)
    config = {
        resolution: reader.create_config(GAPPY, resolution)
        for resolution in (Resolution.TICK, Resolution.MINUTE, Resolution.HOUR, Resolution.DAILY)
    }

    assert default_window_days([config[Resolution.MINUTE], config[Resolution.DAILY]]) == 28
    assert default_window_days([config[Resolution.MINUTE]] * 200) == 20  # 4M rows: 200 x 20 days x 1,000
    assert default_window_days([config[Resolution.MINUTE]] * 1000) == 7
    assert default_window_days([config[Resolution.TICK], config[Resolution.MINUTE]]) == 1
    assert default_window_days([config[Resolution.HOUR], config[Resolution.DAILY]]) == WHOLE_RUN
    init = _init(SPECS)
    cuts = list(window_cuts(init.warmup_start_ns, init.end_ns, NY, 7))
    assert [ns_to_local(c, NY) for c in cuts[:-1]] == [datetime(2024, 1, 9), datetime(2024, 1, 16)]
    assert cuts[-1] == np.iinfo(np.int64).max
    assert list(window_cuts(init.warmup_start_ns, init.end_ns, NY, WHOLE_RUN)) == cuts[-1:]


# -- LEAN's sample data through the whole engine ---------------------------------------------------------
CONFORMANCE_RUNS = [
    "basic_template_algorithm.py",  # minute SPY and the hour benchmark's priming day
    "basic_template_daily_algorithm.py",
    "basic_template_crypto_algorithm.py",  # currency conversion feeds
    "on_warmup_finished_regression_algorithm.py",  # a warm-up period before the start
    "extended_market_hours_history_regression_algorithm.py",
    "custom_data_properties_regression_algorithm.py",  # custom data
]


def _run_served(
    file_name: str, folder: Path, output: Path, window_days: int, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, str], list[m.Message]]:
    sent: list[m.Message] = []
    serve = DataFeedHandler.on_batch_request

    def recording(self: DataFeedHandler, message: m.DataBatchRequest) -> list[Any]:
        out = serve(self, message)
        sent.extend(item for _, item in out)
        return out

    with monkeypatch.context() as patch:
        patch.setattr(DataFeedHandler, "on_batch_request", recording)
        algorithm = load_algorithm(file_name)
        run = BacktestRun(algorithm, data_folder=folder, output_folder=output, run_id="r", batch_steps=300)
        run.feed.window_days = window_days
        result = run.run()
    assert result.status == "Completed", result.error
    return result.statistics, sent


@pytest.mark.parametrize("file_name", CONFORMANCE_RUNS)
def test_conformance_runs_get_the_same_batches_whatever_the_window(
    file_name: str, lean_data_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = {
        days: _run_served(file_name, lean_data_folder, tmp_path / str(days), days, monkeypatch)
        for days in (1, WHOLE_RUN)
    }

    (statistics, sent), (whole_statistics, whole_sent) = runs[1], runs[WHOLE_RUN]
    assert statistics == whole_statistics
    assert len(sent) == len(whole_sent) > 1
    for index, (got, want) in enumerate(zip(sent, whole_sent, strict=True)):
        assert got == want, f"message {index} differs"


def test_without_a_writable_hand_off_directory_the_feed_reads_alone(
    folder: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    init = _init(SPECS)
    expected = _serve(folder, init, 1, 97, cache=FrameCache())

    def read_only(*args: object, **kwargs: object) -> str:
        raise OSError(30, "Read-only file system", "/tmp")

    monkeypatch.setattr(read_ahead.tempfile, "mkdtemp", read_only)
    with caplog.at_level(logging.WARNING), _BusyPool() as pool:
        served = _serve(folder, init, 1, 97, read_ahead=pool, cache=FrameCache())

    assert served == expected
    assert any(
        "reading ahead is off" in record.message and "Read-only" in record.message
        for record in caplog.records
    )
