"""`QCAlgorithm.history()` on LEAN's sample data: DataFrame layout, bar counts, forms and errors.

The algorithm runs against a real data-feed handler through a minimal runtime, so every call
goes through the wire request and reply the engine uses. Bar counts marked "LEAN" are the ones
LEAN's HistoryAlgorithm asserts on the same data.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lean_core.algorithm.history import HistoryError
from lean_core.algorithm.qc_algorithm import QCAlgorithm
from lean_core.algorithm.security_factory import SecurityFactory
from lean_core.algorithm.time_span import TimeSpan
from lean_core.bus import messages as m
from lean_core.data.bars import QuoteBar, Tick, TradeBar, local_to_ns
from lean_core.data.readers import FrameCache
from lean_core.data.slice import Slice
from lean_core.data.subscription import SubscriptionDataReader
from lean_core.engine.data_feed import DataFeedHandler
from lean_core.enums import DataNormalizationMode, Market, Resolution, SecurityType
from lean_core.indicators import SimpleMovingAverage
from lean_core.time.time_zones import TimeZones

pytestmark = pytest.mark.lean_data

NEW_YORK = TimeZones.NEW_YORK

TRADE_COLUMNS = ["close", "high", "low", "open", "volume"]
QUOTE_COLUMNS = [
    "askclose",
    "askhigh",
    "asklow",
    "askopen",
    "asksize",
    "bidclose",
    "bidhigh",
    "bidlow",
    "bidopen",
    "bidsize",
    "close",
    "high",
    "low",
    "open",
]


class _Runtime:
    """The engine's side of history, without the bus: requests go straight to a data feed."""

    run_id = "history-test"

    def __init__(self, data_folder: Path) -> None:
        reader = SubscriptionDataReader(data_folder, cache=FrameCache())
        self.security_factory = SecurityFactory(data_folder, market_hours=reader.market_hours)
        self.feed = DataFeedHandler(reader, self.run_id)
        self.requests: list[m.HistoryRequest] = []

    def history(self, request: m.HistoryRequest) -> m.HistoryReply:
        self.requests.append(request)
        return self.feed.on_history(request)

    def current_utc_ns(self) -> int:
        return 0

    def schedule(self, event: object) -> None:
        pass

    def unschedule(self, event_id: int) -> None:
        pass


class _Algorithm:
    """An algorithm attached to `_Runtime`: add securities, then move the clock and ask."""

    def __init__(self, data_folder: Path, start: datetime) -> None:
        self.algorithm = QCAlgorithm()
        self.runtime = _Runtime(data_folder)
        self.algorithm._attach(self.runtime, self.runtime)
        self.algorithm.set_start_date(start)

    def at(self, moment: datetime) -> QCAlgorithm:
        """Leave initialize() and set the clock to `moment` (New York)."""
        algorithm = self.algorithm
        algorithm._locked = True
        algorithm._set_utc_ns(local_to_ns(moment, algorithm.time_zone))
        return algorithm


@pytest.fixture
def october(lean_data_folder: Path) -> Iterator[_Algorithm]:
    """SPY at minute resolution, in initialize() of a run starting 2013-10-08."""
    setup = _Algorithm(lean_data_folder, datetime(2013, 10, 8))
    setup.algorithm.add_equity("SPY", Resolution.MINUTE)
    yield setup


@pytest.fixture
def forex(lean_data_folder: Path) -> _Algorithm:
    """EURUSD and NZDUSD at minute resolution, in a run starting 2014-05-07."""
    setup = _Algorithm(lean_data_folder, datetime(2014, 5, 7))
    setup.algorithm.add_forex("EURUSD", Resolution.MINUTE)
    setup.algorithm.add_forex("NZDUSD", Resolution.MINUTE)
    return setup


# -- LEAN's bar counts ----------------------------------------------------------------------------
def test_bar_counts_match_the_ones_lean_asserts(lean_data_folder: Path) -> None:
    setup = _Algorithm(lean_data_folder, datetime(2013, 10, 8))
    algorithm = setup.algorithm
    spy = algorithm.add_equity("SPY", Resolution.DAILY).symbol
    day_before, start = datetime(2013, 10, 7), datetime(2013, 10, 8)

    def rows(*args: object) -> int:
        frame = algorithm.history(*args)
        assert isinstance(frame, pd.DataFrame)
        return len(frame.index)

    assert rows([spy], timedelta(365)) == 250
    assert rows(["SPY"], timedelta(1), Resolution.MINUTE) == 390
    assert rows(["SPY"], 14) == 14
    assert rows(["SPY"], 14, Resolution.MINUTE) == 14
    assert rows(["SPY"], day_before, start, Resolution.MINUTE, True, True) == 960
    assert rows(["SPY"], day_before, start, Resolution.MINUTE, False, True) == 919
    assert rows(["SPY"], day_before, start, Resolution.MINUTE, True, False) == 390
    assert rows(["SPY"], day_before, start, Resolution.MINUTE, False, False) == 390


def test_a_bar_count_skips_the_weekend_and_the_closed_night(october: _Algorithm) -> None:
    algorithm = october.at(datetime(2013, 10, 7, 9, 35))

    frame = algorithm.history("SPY", 10)

    times = frame.index.get_level_values("time")
    assert len(frame) == 10
    assert times[0] == pd.Timestamp("2013-10-04 15:56")
    assert times[4] == pd.Timestamp("2013-10-04 16:00")
    assert times[5] == pd.Timestamp("2013-10-07 09:31")
    assert times[-1] == pd.Timestamp("2013-10-07 09:35")


def test_todays_daily_bar_counts_only_after_the_close(october: _Algorithm) -> None:
    during = october.at(datetime(2013, 10, 8, 10, 0)).history("SPY", 1, Resolution.DAILY)
    after = october.at(datetime(2013, 10, 8, 16, 0)).history("SPY", 1, Resolution.DAILY)

    assert list(during.index.get_level_values("time")) == [pd.Timestamp("2013-10-07 16:00")]
    assert list(after.index.get_level_values("time")) == [pd.Timestamp("2013-10-08 16:00")]


def test_in_initialize_history_ends_at_the_start_date(october: _Algorithm) -> None:
    frame = october.algorithm.history("SPY", 3)

    assert list(frame.index.get_level_values("time")) == [
        pd.Timestamp("2013-10-07 15:58"),
        pd.Timestamp("2013-10-07 15:59"),
        pd.Timestamp("2013-10-07 16:00"),
    ]


# -- the DataFrame ---------------------------------------------------------------------------------
def test_equity_minute_history_joins_trades_and_quotes(october: _Algorithm) -> None:
    algorithm = october.at(datetime(2013, 10, 7, 9, 35))
    spy = algorithm.securities["SPY"].symbol

    frame = algorithm.history(spy, 5)

    assert list(frame.columns) == sorted([*QUOTE_COLUMNS, "volume"])
    assert list(frame.index.names) == ["symbol", "time"]
    assert frame.index.get_level_values("time").dtype == np.dtype("datetime64[ns]")
    assert all(value is spy or value == spy for value in frame.index.get_level_values("symbol"))
    assert (frame.dtypes == np.float64).all()
    # The trade bar's close wins over the quote mid, and adjusted prices are LEAN's exact decimals.
    first = frame.loc[spy].iloc[0]
    assert first["close"] == 144.773077904
    assert first["close"] != (first["bidclose"] + first["askclose"]) / 2


def test_typed_history_keeps_one_data_type(october: _Algorithm) -> None:
    algorithm = october.at(datetime(2013, 10, 7, 9, 35))

    trades = algorithm.history(TradeBar, "SPY", 3)
    quotes = algorithm.history(QuoteBar, "SPY", 3)

    assert list(trades.columns) == TRADE_COLUMNS
    assert list(quotes.columns) == QUOTE_COLUMNS
    assert len(trades) == len(quotes) == 3


def test_forex_quote_bars_drop_the_empty_size_columns(forex: _Algorithm) -> None:
    algorithm = forex.at(datetime(2014, 5, 7, 12, 0))

    frame = algorithm.history(["EURUSD", "NZDUSD"], 3)

    expected = [name for name in QUOTE_COLUMNS if not name.endswith("size")]
    assert list(frame.columns) == expected
    assert len(frame.loc["EURUSD"]) == len(frame.loc["NZDUSD"]) == 3
    row = frame.loc["EURUSD"].iloc[-1]
    # The mid as LEAN's decimals give it: (bid + ask) / 2 rounded once.
    assert row["close"] == float(
        (Decimal(repr(float(row["bidclose"]))) + Decimal(repr(float(row["askclose"])))) / 2
    )


def test_forex_has_no_trade_bars(forex: _Algorithm) -> None:
    frame = forex.at(datetime(2014, 5, 7, 12, 0)).history(TradeBar, "EURUSD", 3)

    assert frame.empty
    assert list(frame.columns) == []


def test_several_symbols_stack_and_share_sorted_columns(forex: _Algorithm) -> None:
    algorithm = forex.at(datetime(2014, 5, 7, 12, 0))
    spy = algorithm.securities["EURUSD"].symbol

    frame = algorithm.history([spy, "NZDUSD"], 2, Resolution.DAILY)

    symbols = list(dict.fromkeys(value.value for value in frame.index.get_level_values("symbol")))
    assert symbols == ["EURUSD", "NZDUSD"]
    assert list(frame.columns) == sorted(frame.columns)
    assert frame.index.is_unique


def test_start_and_end_form_and_a_future_end_is_cut_to_now(october: _Algorithm) -> None:
    algorithm = october.at(datetime(2013, 10, 8, 9, 40))

    frame = algorithm.history("SPY", datetime(2013, 10, 8, 9, 30), datetime(2013, 10, 9))

    times = frame.index.get_level_values("time")
    assert len(frame) == 10
    assert times[-1] == pd.Timestamp("2013-10-08 09:40")
    assert any(entry.text == "Request for future history modified to end now." for entry in algorithm._logs)


def test_a_span_counts_back_from_now(october: _Algorithm) -> None:
    algorithm = october.at(datetime(2013, 10, 8, 9, 40))

    frame = algorithm.history(["SPY"], timedelta(minutes=4))

    assert list(frame.index.get_level_values("time").minute) == [37, 38, 39, 40]


def test_no_data_is_an_empty_frame(october: _Algorithm) -> None:
    frame = october.at(datetime(2013, 10, 8, 9, 40)).history(
        "SPY", datetime(2013, 10, 6), datetime(2013, 10, 7)
    )

    assert isinstance(frame, pd.DataFrame)
    assert frame.empty
    assert frame.shape == (0, 0)


def test_normalization_modes_give_different_closes(lean_data_folder: Path) -> None:
    setup = _Algorithm(lean_data_folder, datetime(2013, 10, 7))
    aapl = setup.algorithm.add_equity("AAPL", Resolution.DAILY).symbol
    algorithm = setup.at(datetime(2014, 1, 1))
    modes = [DataNormalizationMode.RAW, DataNormalizationMode.ADJUSTED, DataNormalizationMode.SPLIT_ADJUSTED]

    closes = [
        algorithm.history([aapl], datetime(2013, 10, 7), datetime(2014, 1, 1), data_normalization_mode=mode)
        .loc[aapl]["close"]
        .to_numpy()
        for mode in modes
    ]

    assert len(closes[0]) == 60  # the trading days of 2013-10-07 to 2013-12-31
    assert all(len(series) == len(closes[0]) for series in closes)
    assert all(len({series[row] for series in closes}) == 3 for row in range(len(closes[0])))


# -- ticker lookups ---------------------------------------------------------------------------------
def test_tickers_and_symbols_both_index_the_frame(forex: _Algorithm) -> None:
    algorithm = forex.at(datetime(2014, 5, 7, 12, 0))
    eurusd = algorithm.securities["EURUSD"].symbol

    frame = algorithm.history(["EURUSD", "NZDUSD"], 3)

    assert frame.loc["EURUSD"].equals(frame.loc[eurusd])
    assert frame.loc[str(eurusd.id)].equals(frame.loc[eurusd])
    assert "EURUSD" in frame.index
    assert "GBPUSD" not in frame.index
    closes = frame["close"].unstack(level=0)
    assert closes["NZDUSD"].equals(closes[algorithm.securities["NZDUSD"].symbol])
    assert (
        frame.loc[("EURUSD", frame.loc["EURUSD"].index[0]), "close"] == frame.loc["EURUSD"]["close"].iloc[0]
    )


def test_unrelated_frames_keep_their_key_errors(forex: _Algorithm) -> None:
    forex.at(datetime(2014, 5, 7, 12, 0)).history("EURUSD", 1)  # installs the lookup
    plain = pd.DataFrame({"a": [1]}, index=["x"])

    with pytest.raises(KeyError, match="'SPY'"):
        plain.loc["SPY"]
    assert "SPY" not in plain.index


# -- other forms ------------------------------------------------------------------------------------
def test_without_symbols_history_returns_slices_of_every_security(forex: _Algorithm) -> None:
    algorithm = forex.at(datetime(2014, 5, 7, 12, 0))

    slices = algorithm.history(5, Resolution.DAILY)

    assert isinstance(slices, list)
    assert len(slices) == 5
    assert all(isinstance(item, Slice) for item in slices)
    assert [slice_.time for slice_ in slices] == sorted(slice_.time for slice_ in slices)
    assert {symbol.value for symbol in slices[-1].keys()}  # noqa: SIM118 - a Slice == {"EURUSD", "NZDUSD"}
    assert isinstance(slices[-1]["EURUSD"], QuoteBar)


def test_a_typed_call_without_symbols_covers_every_security(forex: _Algorithm) -> None:
    frame = forex.at(datetime(2014, 5, 7, 12, 0)).history(QuoteBar, 2)

    assert sorted({symbol.value for symbol in frame.index.get_level_values("symbol")}) == ["EURUSD", "NZDUSD"]


def test_tick_history_over_a_span(forex: _Algorithm) -> None:
    algorithm = forex.at(datetime(2014, 5, 7, 0, 0))

    frame = algorithm.history(Tick, "EURUSD", TimeSpan.from_seconds(30))

    assert list(frame.columns) == ["askprice", "bidprice", "lastprice"]
    assert len(frame) == 32
    assert frame.index.get_level_values("time").is_monotonic_increasing


def test_warm_up_indicator_feeds_the_warm_up_period(october: _Algorithm) -> None:
    algorithm = october.at(datetime(2013, 10, 7, 10, 0))
    sma = SimpleMovingAverage(10)

    algorithm.warm_up_indicator("SPY", sma, Resolution.MINUTE)

    closes = algorithm.history(TradeBar, "SPY", 10)["close"]
    assert sma.is_ready
    assert sma.samples == 10
    assert sma.current.value == pytest.approx(closes.mean(), rel=1e-12)


class _PlainAverage:
    """A Python indicator that is no IndicatorBase, as LEAN algorithms write them."""

    def __init__(self, period: int) -> None:
        self.warm_up_period = period
        self.values: list[float] = []
        self.times: list[datetime] = []

    def update(self, point: object) -> bool:
        self.values.append(point.value)  # type: ignore[attr-defined]
        self.times.append(point.end_time)  # type: ignore[attr-defined]
        return len(self.values) >= self.warm_up_period


def test_warm_up_indicator_gives_python_indicators_data_points(october: _Algorithm) -> None:
    algorithm = october.at(datetime(2013, 10, 7, 10, 0))
    average, no_period = _PlainAverage(3), _PlainAverage(0)

    algorithm.warm_up_indicator("SPY", average, Resolution.MINUTE)
    algorithm.warm_up_indicator("SPY", no_period, Resolution.MINUTE)

    closes = algorithm.history(TradeBar, "SPY", 3).loc["SPY"]["close"]
    assert average.values == list(closes)
    assert average.times == list(closes.index)
    assert no_period.values == []  # LEAN skips an indicator without a warm-up period
    with pytest.raises(HistoryError, match="takes a Resolution"):
        algorithm.warm_up_indicator("SPY", average, timedelta(days=1))  # type: ignore[arg-type]


# -- the wire -------------------------------------------------------------------------------------
def test_history_replies_carry_price_factors_only_for_normalised_equities(october: _Algorithm) -> None:
    algorithm = october.at(datetime(2013, 10, 7, 9, 35))

    algorithm.history("SPY", 5, data_normalization_mode=DataNormalizationMode.ADJUSTED)
    adjusted = october.runtime.feed.on_history(october.runtime.requests[-1])
    algorithm.history("SPY", 5, data_normalization_mode=DataNormalizationMode.RAW)
    raw = october.runtime.feed.on_history(october.runtime.requests[-1])

    assert adjusted.batch is not None and raw.batch is not None
    assert [frame.price_factors for frame in adjusted.batch.frames] == [[(0, "0.8646266")]] * 2
    assert all(frame.price_factors == [] for frame in raw.batch.frames)
    assert all(frame.length == 5 for frame in adjusted.batch.frames)


def test_history_replies_hold_bars_ending_after_the_start_and_by_the_end(lean_data_folder: Path) -> None:
    runtime = _Runtime(lean_data_folder)
    spy = runtime.security_factory.create_symbol("SPY", SecurityType.EQUITY, Market.USA)
    spec = m.SubscriptionSpec(
        index=0, symbol_id=str(spy.id), symbol_value="SPY", resolution=Resolution.MINUTE
    )
    start = local_to_ns(datetime(2013, 10, 7, 9, 31), NEW_YORK)
    end = local_to_ns(datetime(2013, 10, 7, 9, 34, 30), NEW_YORK)

    reply = runtime.feed.on_history(
        m.HistoryRequest(run_id="r", subscriptions=[spec], start_ns=start, end_ns=end)
    )

    assert reply.error == ""
    assert reply.batch is not None
    assert reply.batch.frames[0].length == 3  # 9:32, 9:33 and 9:34; 9:31 ended at the start


def test_a_missing_daily_file_is_no_data(lean_data_folder: Path) -> None:
    setup = _Algorithm(lean_data_folder, datetime(2013, 10, 7))
    setup.algorithm.add_forex("GBPUSD", Resolution.MINUTE)

    frame = setup.algorithm.history("GBPUSD", 5, Resolution.HOUR)

    assert frame.empty


# -- errors ---------------------------------------------------------------------------------------
def test_a_bar_count_with_tick_resolution_is_refused(october: _Algorithm) -> None:
    algorithm = october.at(datetime(2013, 10, 7, 10, 0))

    with pytest.raises(HistoryError, match=r"SPY: a bar count cannot be used with Resolution\.TICK"):
        algorithm.history("SPY", 3, Resolution.TICK)
    with pytest.raises(HistoryError, match=r"Resolution\.TICK"):
        algorithm.history(Tick, "SPY", 3)


def test_unknown_tickers_and_bad_arguments_are_named(october: _Algorithm) -> None:
    algorithm = october.at(datetime(2013, 10, 7, 10, 0))

    with pytest.raises(HistoryError, match="'XYZ' is not a security of this algorithm"):
        algorithm.history("XYZ", 3)
    with pytest.raises(HistoryError, match="expected a bar count, a timedelta or a start datetime"):
        algorithm.history("SPY", "ten")
    with pytest.raises(HistoryError, match="resolution must be a Resolution"):
        algorithm.history("SPY", 3, "minute")
    with pytest.raises(TypeError, match="unexpected keyword argument 'bars'"):
        algorithm.history("SPY", 3, bars=2)
    with pytest.raises(HistoryError, match="int history is not supported"):
        algorithm.history(int, "SPY", 3)


def test_time_span_builds_timedeltas() -> None:
    assert TimeSpan.from_seconds(5) == timedelta(seconds=5)
    assert TimeSpan.from_minutes(2) == timedelta(minutes=2)
    assert TimeSpan.from_hours(12) == timedelta(hours=12)
    assert TimeSpan.from_days(1) == timedelta(days=1)
    assert TimeSpan.from_milliseconds(250) == timedelta(milliseconds=250)
    with pytest.raises(TypeError):
        TimeSpan()
