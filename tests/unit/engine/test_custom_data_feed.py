"""Custom data through the engine: the feed reads a PythonData type, the algorithm gets its own class back."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lean_core.algorithm.qc_algorithm import QCAlgorithm
from lean_core.bus import messages as m
from lean_core.bus.codec import unpack_frame, unpack_rows, unpack_times
from lean_core.data.bars import local_to_ns
from lean_core.data.custom_data import CustomDataTypes, Globals, PythonData, SubscriptionDataSource
from lean_core.data.custom_frame import CustomDataFrame
from lean_core.data.subscription import SubscriptionDataReader
from lean_core.engine.data_feed import DataFeedHandler
from lean_core.engine.embedded import BacktestRun
from lean_core.enums import OrderStatus, Resolution
from lean_core.symbols import Symbol
from lean_core.time.time_zones import TimeZones
from tests.unit.engine.builders import initialized

NY = TimeZones.NEW_YORK
ROWS = ["date,close", "20200101,10.5", "20200102,11.5", "20200103,12.5", "20200106,13.5"]


class Gold(PythonData):
    """Daily prices from `<data folder>/custom/gold.csv`; the header line gives None."""

    def get_source(self, config: Any, date: datetime, is_live_mode: bool) -> SubscriptionDataSource:
        return SubscriptionDataSource(f"{Globals.data_folder}/custom/gold.csv")

    def reader(self, config: Any, line: str, date: datetime, is_live_mode: bool) -> Gold | None:
        if not line[0].isdigit():
            return None
        day, close = line.split(",")
        gold = Gold()
        gold.symbol = config.symbol
        gold.time = datetime.strptime(day, "%Y%m%d")
        gold.end_time = gold.time + timedelta(days=1)
        gold.value = float(close)
        gold["Close"] = float(close)
        gold["Grade"] = "24k"
        return gold


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A data folder with empty market-hours and symbol-properties databases and the gold file."""
    (tmp_path / "market-hours").mkdir()
    (tmp_path / "market-hours" / "market-hours-database.json").write_text('{"entries": {}}')
    (tmp_path / "symbol-properties").mkdir()
    (tmp_path / "symbol-properties" / "symbol-properties-database.csv").write_text(
        "market,symbol,type,description,quote_currency,contract_multiplier,minimum_price_variation,lot_size\n"
    )
    (tmp_path / "custom").mkdir()
    (tmp_path / "custom" / "gold.csv").write_text("\n".join(ROWS) + "\n")
    return tmp_path


def _initialized(spec: m.SubscriptionSpec) -> m.AlgorithmInitialized:
    start = local_to_ns(datetime(2020, 1, 2), NY)
    return initialized(start, local_to_ns(datetime(2020, 1, 6, 23, 59), NY), [spec])


def _spec(
    symbol: Symbol, *, fill_forward: bool = False, resolution: Resolution = Resolution.DAILY
) -> m.SubscriptionSpec:
    return m.SubscriptionSpec(
        index=0,
        symbol_id=str(symbol.id),
        symbol_value=symbol.value,
        resolution=resolution,
        fill_forward=fill_forward,
        extended_market_hours=True,
        custom_type="Gold",
        data_time_zone="America/New_York",
        exchange_time_zone="America/New_York",
    )


GOLD = Symbol.parse("GOLD.Gold 2S", "GOLD")


def _batch(
    folder: Path, spec: m.SubscriptionSpec, types: CustomDataTypes
) -> m.DataBatch | m.DataFeedFinished:
    feed = DataFeedHandler(SubscriptionDataReader(folder), "r", custom_types=types)
    out = feed.on_initialized(_initialized(spec))
    if out:
        message = out[0][1]
        assert isinstance(message, m.DataFeedFinished)
        return message
    message = feed.on_batch_request(m.DataBatchRequest(run_id="r", count=1))[0][1]
    assert isinstance(message, m.DataBatch)
    return message


def test_the_feed_reads_the_type_through_the_resolver_and_sends_a_custom_frame(folder: Path) -> None:
    batch = _batch(folder, _spec(GOLD), CustomDataTypes([Gold]))

    assert isinstance(batch, m.DataBatch)
    packed = batch.frames[0]
    assert (packed.kind, packed.custom_type, batch.data_points) == ("custom", "Gold", 4)
    frame = unpack_frame(packed, GOLD)
    assert isinstance(frame, CustomDataFrame)
    steps = [datetime(2020, 1, d) for d in (2, 3, 4, 7)]
    assert unpack_times(batch).tolist() == [local_to_ns(step, NY) for step in steps]
    point = frame.with_class(Gold).point(int(unpack_rows(packed)[1]), NY)
    assert isinstance(point, Gold) and (point.close, point.grade, point.time) == (
        11.5,
        "24k",
        datetime(2020, 1, 2),
    )


def test_an_unknown_type_fails_the_feed_naming_it(folder: Path) -> None:
    finished = _batch(folder, _spec(GOLD), CustomDataTypes())

    assert isinstance(finished, m.DataFeedFinished) and "custom data type 'Gold' is unknown" in finished.error


def test_fill_forward_repeats_the_last_point_at_the_subscription_resolution(folder: Path) -> None:
    batch = _batch(folder, _spec(GOLD, fill_forward=True), CustomDataTypes([Gold]))

    assert isinstance(batch, m.DataBatch)
    frame = unpack_frame(batch.frames[0], GOLD)
    assert isinstance(frame, CustomDataFrame)
    # 01-03 ends on 01-04; the weekend 01-05 and 01-06 are filled from it until 01-06's point ends 01-07
    assert frame.value.tolist() == [10.5, 11.5, 12.5, 12.5, 12.5, 13.5]
    assert frame.is_fill_forward.tolist() == [False, False, False, True, True, False]


def test_points_sharing_an_end_time_are_reported_not_dropped_silently(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (folder / "custom" / "gold.csv").write_text("20200102,1.0\n20200102,2.0\n20200103,3.0\n")

    with caplog.at_level(logging.WARNING):
        batch = _batch(folder, _spec(GOLD), CustomDataTypes([Gold]))

    assert isinstance(batch, m.DataBatch) and batch.data_points == 2  # the later 01-02 point and 01-03
    assert "GOLD: 1 Gold point(s) end at the same time as a later one" in caplog.text


# -- end to end ---------------------------------------------------------------------------------
class GoldAlgorithm(QCAlgorithm):
    """Buys gold on its first point and records what the API shows."""

    def initialize(self) -> None:
        self.set_start_date(2020, 1, 2)
        self.set_end_date(2020, 1, 6)
        self.set_benchmark(None)  # the temp data folder holds no SPY
        self.gold = self.add_data(Gold, "GOLD", Resolution.DAILY)
        self.average = self.sma(self.gold.symbol, 2)
        self.seen: list[tuple[Any, ...]] = []

    def on_data(self, data: Any) -> None:
        point = data["GOLD"]
        by_type = data.get(Gold)
        assert data.get(Gold, "GOLD") is point and data.get(PythonData, self.gold.symbol) is point
        assert data.keys() == [self.gold.symbol] and self.gold.has_data
        self.seen.append(
            (
                type(point).__name__,
                point.close,
                point.Grade,
                data.contains_key("GOLD"),
                by_type["GOLD"] is point,
                self.securities["GOLD"].price,
                self.average.current.value,
            )
        )
        if not self.portfolio.invested:
            self.market_order("GOLD", 100)


def test_an_algorithm_trades_custom_data_it_reads_as_its_own_class(folder: Path) -> None:
    algorithm = GoldAlgorithm()

    result = BacktestRun(algorithm, data_folder=folder, output_folder=folder / "out").run()

    assert result.status == "Completed", result.error
    assert algorithm.seen[0] == ("Gold", 10.5, "24k", True, True, 10.5, 10.5)
    assert [row[1] for row in algorithm.seen] == [10.5, 11.5, 12.5, 13.5]
    assert algorithm.seen[-1][-1] == pytest.approx((12.5 + 13.5) / 2)
    filled = [order for order in algorithm.transactions.get_orders() if order.status == OrderStatus.FILLED]
    assert [order.price for order in filled] == [Decimal("10.5")]
    assert algorithm.gold.symbol.id.symbol == "GOLD.Gold" and str(algorithm.gold.symbol.id) == "GOLD.Gold 2S"
    assert algorithm.portfolio["GOLD"].quantity == 100 and np.isclose(
        algorithm.portfolio.total_portfolio_value, 100300
    )
