"""LEAN's BasicTemplate regression statistics, rebuilt by hand from the sample data without the engine.

Each test replays what LEAN's engine feeds its result handler: the portfolio value after every
time step, a daily sample at every calendar midnight (New York) valued before prices move, and
the final samples after the last step. The benchmark is SPY's hourly close (adjusted, starting a
trading day early). The expected figures are LEAN's own (`ExpectedStatistics` of the C# files).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from lean_core.data.normalization import adjusted_price_decimal
from lean_core.data.subscription import SubscriptionDataReader
from lean_core.enums import DataNormalizationMode, OrderStatus, OrderType, Resolution, SecurityType
from lean_core.orders.orders import Order, OrderSubmissionData
from lean_core.statistics import (
    EquityChartRecorder,
    InterestRateProvider,
    generate_statistics,
    order_list_hash,
)
from lean_core.symbols import Symbol
from tests.conformance.expected_statistics import BASIC_TEMPLATE, BASIC_TEMPLATE_DAILY

pytestmark = pytest.mark.lean_data

NEW_YORK = ZoneInfo("America/New_York")
SPY = Symbol.create("SPY", SecurityType.EQUITY, "usa")
STARTING_CASH = Decimal(100000)

# The summary holds every statistic but the order hash, which is computed beside it.
BASIC_TEMPLATE_EXPECTED = {key: value for key, value in BASIC_TEMPLATE.items() if key != "OrderListHash"}
BASIC_TEMPLATE_DAILY_EXPECTED = {
    key: value for key, value in BASIC_TEMPLATE_DAILY.items() if key != "OrderListHash"
}


@dataclass(frozen=True, slots=True)
class Bar:
    end_utc: datetime
    open: Decimal
    close: Decimal


@pytest.fixture(scope="module")
def reader(lean_data_folder: Path) -> SubscriptionDataReader:
    return SubscriptionDataReader(lean_data_folder)


@pytest.fixture(scope="module")
def risk_free(lean_data_folder: Path) -> InterestRateProvider:
    return InterestRateProvider.from_data_folder(lean_data_folder)


def read_adjusted_bars(
    reader: SubscriptionDataReader, resolution: Resolution, first: date, last: date
) -> list[Bar]:
    """Read SPY bars and adjust them with LEAN's exact decimals (raw deci-cents x the day's factor)."""
    config = reader.create_config(
        SPY, resolution, data_normalization_mode=DataNormalizationMode.RAW, fill_forward=False
    )
    frame = reader.read(
        config,
        datetime.combine(first, datetime.min.time()),
        datetime(last.year, last.month, last.day, 23, 59),
    ).frame
    factor_file = reader.factor_files.get("SPY")
    assert factor_file is not None
    bars = []
    for index in range(len(frame)):
        bar = frame.bar(index, NEW_YORK)
        factor = factor_file.scaling_factors(bar.time.date()).price_scale_factor
        bars.append(
            Bar(
                bar.end_time.replace(tzinfo=NEW_YORK).astimezone(UTC),
                adjusted_price_decimal(round(bar.open * 10000), factor),
                adjusted_price_decimal(round(bar.close * 10000), factor),
            )
        )
    return bars


def benchmark_value(hour_bars: list[Bar], moment: datetime) -> Decimal:
    """Return the close of the last hourly bar that ended by `moment` (no fill-forward)."""
    value = Decimal(0)
    for bar in hour_bars:
        if bar.end_utc > moment:
            break
        value = bar.close
    return value


def midnights(first: date, last: date) -> Iterator[datetime]:
    day = first
    while day <= last:
        yield datetime(day.year, day.month, day.day, tzinfo=NEW_YORK).astimezone(UTC)
        day += timedelta(days=1)


@dataclass
class Holding:
    """The one position BasicTemplate buys and holds."""

    cash: Decimal = STARTING_CASH
    quantity: Decimal = Decimal(0)
    price: Decimal = Decimal(0)
    total_sale_volume: Decimal = Decimal(0)

    @property
    def total_portfolio_value(self) -> Decimal:
        return self.cash + self.quantity * self.price

    def buy(self, quantity: Decimal, fill_price: Decimal, fee: Decimal) -> None:
        self.cash -= quantity * fill_price + fee
        self.quantity += quantity
        self.total_sale_volume += quantity * fill_price


def replay(
    recorder: EquityChartRecorder,
    steps: list[Bar],
    hour_bars: list[Bar],
    daily_samples: list[datetime],
    holding: Holding,
    on_step: dict[datetime, tuple[Decimal, Decimal, Decimal]],
) -> None:
    """Drive the recorder as LEAN's engine does: midnight samples before each step, then the step."""
    pending = iter(daily_samples)
    next_sample = next(pending, None)
    for bar in steps:
        while next_sample is not None and next_sample < bar.end_utc:
            value = holding.total_portfolio_value
            recorder.sample_daily(
                next_sample, value, benchmark_value(hour_bars, next_sample), holding.total_sale_volume
            )
            next_sample = next(pending, None)
        holding.price = bar.close
        if bar.end_utc in on_step:
            holding.buy(*on_step[bar.end_utc])
        recorder.process_step(bar.end_utc, holding.total_portfolio_value)
    last = steps[-1].end_utc
    recorder.finish(
        last, holding.total_portfolio_value, benchmark_value(hour_bars, last), holding.total_sale_volume
    )


@pytest.fixture(scope="module")
def basic_template(reader: SubscriptionDataReader) -> EquityChartRecorder:
    """Return the charts of BasicTemplate: SPY minute bars 2013-10-07..11, 688 shares bought at 09:31."""
    first, last = date(2013, 10, 7), date(2013, 10, 11)
    minute_bars = read_adjusted_bars(reader, Resolution.MINUTE, first, last)
    hour_bars = read_adjusted_bars(reader, Resolution.HOUR, date(2013, 10, 4), last)
    recorder = EquityChartRecorder(first, last, STARTING_CASH, NEW_YORK)
    fill = (Decimal(688), Decimal("144.78172417"), Decimal("3.44"))
    replay(
        recorder,
        minute_bars,
        hour_bars,
        list(midnights(first, last)),
        Holding(),
        {minute_bars[0].end_utc: fill},
    )
    return recorder


class TestBasicTemplateAlgorithm:
    """SPY minute bars 2013-10-07..11; buys 688 shares at the 09:31 ask with a $3.44 fee, then holds."""

    def test_statistics_match_lean(
        self, basic_template: EquityChartRecorder, risk_free: InterestRateProvider
    ) -> None:
        results = generate_statistics(
            basic_template.statistics_series(),
            STARTING_CASH,
            [],
            Decimal("3.44"),
            1,
            risk_free,
            estimated_capacity=Decimal(56_000_000),
            lowest_capacity_asset="SPY R735QTJ8XC9X",
        )

        assert results.summary == BASIC_TEMPLATE_EXPECTED
        assert list(results.summary) == list(BASIC_TEMPLATE_EXPECTED)

    def test_charts_hold_five_minute_equity_and_daily_samples(
        self, basic_template: EquityChartRecorder
    ) -> None:
        series = basic_template.statistics_series()

        # 5 midnights + 78 five-minute samples a day (13:31 ... 19:56 UTC) + the forced final sample.
        assert len(series.equity) == 5 + 5 * 78 + 1
        assert [p.time.hour for p in series.performance] == [4, 4, 4, 4, 4, 20]
        assert series.equity[0].close == STARTING_CASH
        assert series.equity[-1].close == Decimal("101691.9198")
        assert len(series.portfolio_turnover) == 5


class TestBasicTemplateDailyAlgorithm:
    """SPY daily bars 2013-10-08..17; the 16:00 market order becomes market-on-open, filled at next open."""

    def test_statistics_and_order_hash_match_lean(
        self, reader: SubscriptionDataReader, risk_free: InterestRateProvider
    ) -> None:
        first, last = date(2013, 10, 8), date(2013, 10, 17)
        daily_bars = read_adjusted_bars(reader, Resolution.DAILY, first, last)
        hour_bars = read_adjusted_bars(reader, Resolution.HOUR, date(2013, 10, 7), last)
        recorder = EquityChartRecorder(first, last, STARTING_CASH, NEW_YORK)
        submitted, filled = daily_bars[0], daily_bars[1]
        # 697 shares x $0.005 = $3.485, which LEAN prints as "$3.49" (half away from zero).
        quantity, fee = Decimal(697), Decimal("3.485")

        replay(
            recorder,
            daily_bars,
            hour_bars,
            list(midnights(first, last)),
            Holding(),
            {filled.end_utc: (quantity, filled.open, fee)},
        )
        results = generate_statistics(
            recorder.statistics_series(),
            STARTING_CASH,
            [],
            fee,
            1,
            risk_free,
            estimated_capacity=Decimal(1_200_000_000),
            lowest_capacity_asset="SPY R735QTJ8XC9X",
        )
        order = Order(
            1,
            SPY,
            quantity,
            OrderType.MARKET_ON_OPEN,
            submitted.end_utc,
            status=OrderStatus.FILLED,
            price=filled.open,
            broker_id=["1"],
            last_fill_time=filled.end_utc,
            submission_data=OrderSubmissionData(submitted.close, submitted.close, submitted.close),
        )

        assert results.summary == BASIC_TEMPLATE_DAILY_EXPECTED
        assert order_list_hash([order]) == "70f21e930175a2ec9d465b21edc1b6d9"
