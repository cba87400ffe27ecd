"""Data point counts of LEAN regression algorithms, as far as the data layer produces them.

LEAN reports `DataPoints` per regression algorithm. The data layer supplies all of them but
one: both algorithms below count exactly one point more than their bar subscriptions hold
(3943 and 72), the engine's own point (the user-defined universe's selection), which the
engine adds. These tests pin the bar subscriptions' share.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from lean_core.data.subscription import SubscriptionDataReader
from lean_core.enums import Resolution, TickType

END_OF_DAY = (23, 59, 59)


@pytest.fixture(scope="module")
def reader(lean_data_folder: Path) -> SubscriptionDataReader:
    return SubscriptionDataReader(lean_data_folder)


def test_basic_template_algorithm_sees_3942_bars_plus_the_engine_point(
    reader: SubscriptionDataReader,
) -> None:
    # SPY minute trades and quotes 2013-10-07..11, and the SPY hour benchmark from one trading day earlier.
    spy = reader.map_files.create_equity_symbol("SPY", "usa", date(2013, 10, 7))
    start, end = datetime(2013, 10, 7), datetime(2013, 10, 11, *END_OF_DAY)
    trades = reader.read(reader.create_config(spy, Resolution.MINUTE, TickType.TRADE), start, end)
    quotes = reader.read(reader.create_config(spy, Resolution.MINUTE, TickType.QUOTE), start, end)
    benchmark_config = reader.create_config(spy, Resolution.HOUR, fill_forward=False, is_internal=True)
    benchmark = reader.read(benchmark_config, datetime(2013, 10, 4), end)

    assert (len(trades.frame), len(quotes.frame), len(benchmark.frame)) == (1950, 1950, 42)
    assert len(trades.frame) + len(quotes.frame) + len(benchmark.frame) + 1 == 3943


def test_basic_template_daily_algorithm_sees_71_bars_plus_the_engine_point(
    reader: SubscriptionDataReader,
) -> None:
    spy = reader.map_files.create_equity_symbol("SPY", "usa", date(2013, 10, 8))
    end = datetime(2013, 10, 17, *END_OF_DAY)
    daily = reader.read(reader.create_config(spy, Resolution.DAILY), datetime(2013, 10, 8), end)
    benchmark_config = reader.create_config(spy, Resolution.HOUR, fill_forward=False, is_internal=True)
    benchmark = reader.read(benchmark_config, datetime(2013, 10, 7), end)

    assert (len(daily.frame), len(benchmark.frame)) == (8, 63)
    assert len(daily.frame) + len(benchmark.frame) + 1 == 72


def test_daily_bars_end_at_the_close_with_the_session_as_period(reader: SubscriptionDataReader) -> None:
    spy = reader.map_files.create_equity_symbol("SPY", "usa", date(2013, 10, 8))
    daily = reader.read(
        reader.create_config(spy, Resolution.DAILY), datetime(2013, 10, 8), datetime(2013, 10, 9, 23)
    )
    zone = daily.config.exchange_time_zone

    first = daily.frame.bar(0, zone)

    assert (first.time, first.end_time) == (datetime(2013, 10, 8, 9, 30), datetime(2013, 10, 8, 16, 0))
