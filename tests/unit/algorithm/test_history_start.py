"""Where bar-count history starts: counting open bars back, as LEAN's `GetStartTimeForTradeBars`."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from lean_core.data.history_start import round_down_in_zone, start_for_bars
from lean_core.enums import SecurityType
from lean_core.errors import LeanError
from lean_core.time.exchange_hours import SecurityExchangeHours
from lean_core.time.market_hours_database import MarketHoursDatabase
from lean_core.time.time_zones import TimeZones

pytestmark = pytest.mark.lean_data

NEW_YORK, UTC = TimeZones.NEW_YORK, TimeZones.UTC
MINUTE, HOUR, DAY, SECOND = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1), timedelta(seconds=1)


@pytest.fixture(scope="module")
def database(lean_data_folder: Path) -> MarketHoursDatabase:
    return MarketHoursDatabase.from_data_folder(lean_data_folder)


@pytest.fixture(scope="module")
def equity(database: MarketHoursDatabase) -> SecurityExchangeHours:
    return database.get_entry("usa", "SPY", SecurityType.EQUITY).exchange_hours


@pytest.fixture(scope="module")
def forex(database: MarketHoursDatabase) -> SecurityExchangeHours:
    return database.get_entry("oanda", "EURUSD", SecurityType.FOREX).exchange_hours


def _one_bar_at_a_time(
    hours: SecurityExchangeHours, now: datetime, bar: timedelta, count: int, extended: bool
) -> datetime:
    """The plain loop, without skipping closed stretches (data and exchange zones equal)."""
    current = round_down_in_zone(now, bar, hours.time_zone, hours.time_zone)
    found = 0
    while found < count:
        previous, current = current, current - bar
        if hours.is_open_between(current, previous, extended):
            found += 1
    return current


@pytest.mark.parametrize(
    ("now", "bar", "count", "extended"),
    [
        (datetime(2013, 10, 7, 9, 35), MINUTE, 10, False),  # over a weekend
        (datetime(2013, 10, 7, 9, 35), MINUTE, 400, False),  # more than a session
        (datetime(2013, 10, 7, 5, 0), MINUTE, 90, True),  # pre-market, extended
        (datetime(2013, 11, 29, 13, 30), MINUTE, 300, False),  # early close after Thanksgiving
        (datetime(2013, 10, 8, 0, 0), HOUR, 14, False),
        (datetime(2013, 10, 7, 9, 35, 7), SECOND, 4000, False),
    ],
)
def test_skipping_closed_time_gives_the_plain_loops_answer(
    equity: SecurityExchangeHours, now: datetime, bar: timedelta, count: int, extended: bool
) -> None:
    expected = _one_bar_at_a_time(equity, now, bar, count, extended)

    assert start_for_bars(equity, NEW_YORK, now, bar, count, extended_market_hours=extended) == expected


def test_minute_bars_before_the_monday_open_reach_back_to_friday(equity: SecurityExchangeHours) -> None:
    start = start_for_bars(equity, NEW_YORK, datetime(2013, 10, 7, 9, 32), MINUTE, 5)

    assert start == datetime(2013, 10, 4, 15, 57)


def test_strict_daily_bars_count_today_only_once_closed(equity: SecurityExchangeHours) -> None:
    def start(now: datetime) -> datetime:
        return start_for_bars(equity, NEW_YORK, now, DAY, 1, strict_daily_end_times=True)

    assert start(datetime(2013, 10, 8, 10, 0)) == datetime(2013, 10, 7)
    assert start(datetime(2013, 10, 8, 16, 0)) == datetime(2013, 10, 7, 16, 0)
    assert start(datetime(2013, 10, 12, 12, 0)) == datetime(2013, 10, 11)  # Saturday


def test_forex_daily_bars_round_down_to_midnight_in_the_data_zone(forex: SecurityExchangeHours) -> None:
    # 2014-05-07 12:00 New York is 16:00 UTC: the count starts from 00:00 UTC, 20:00 New York.
    start = start_for_bars(forex, UTC, datetime(2014, 5, 7, 12, 0), DAY, 2)

    assert start == datetime(2014, 5, 4, 20, 0)


def test_round_down_uses_the_data_zone() -> None:
    assert round_down_in_zone(datetime(2014, 5, 7, 12, 0), DAY, NEW_YORK, UTC) == datetime(2014, 5, 6, 20, 0)
    assert round_down_in_zone(datetime(2014, 5, 7, 12, 0, 42), MINUTE, NEW_YORK, NEW_YORK) == datetime(
        2014, 5, 7, 12, 0
    )


def test_a_closed_market_or_a_bad_bar_size_is_an_error(equity: SecurityExchangeHours) -> None:
    with pytest.raises(LeanError, match="must be positive"):
        start_for_bars(equity, NEW_YORK, datetime(2013, 10, 7), timedelta(0), 1)
    never_open = SecurityExchangeHours(NEW_YORK, {}, holidays=())
    with pytest.raises(LeanError, match="found only 0 of 1 open"):
        start_for_bars(never_open, NEW_YORK, datetime(2013, 10, 7), DAY, 1)
