from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from lean_core.data.bars import TradeBarFrame
from lean_core.data.slice import FeedFrame, build_slice_batch
from lean_core.data.subscription import SubscriptionDataReader, fill_forward_resolution
from lean_core.enums import DataNormalizationMode, Market, Resolution, SecurityType, TickType
from lean_core.symbols import Symbol


@pytest.fixture(scope="module")
def reader(lean_data_folder: Path) -> SubscriptionDataReader:
    return SubscriptionDataReader(lean_data_folder)


def test_adjusted_minute_bar_matches_lean_submission_price(reader: SubscriptionDataReader) -> None:
    spy = reader.map_files.create_equity_symbol("SPY", Market.USA, date(2013, 10, 7))
    data = reader.read(
        reader.create_config(spy, Resolution.MINUTE), datetime(2013, 10, 7), datetime(2013, 10, 7, 23)
    )

    first = data.frame.bar(0, data.config.exchange_time_zone)

    assert (first.time, first.end_time) == (datetime(2013, 10, 7, 9, 30), datetime(2013, 10, 7, 9, 31))
    assert first.close == pytest.approx(144.773077904, abs=1e-9)


def test_raw_mode_keeps_file_prices(reader: SubscriptionDataReader) -> None:
    spy = reader.map_files.create_equity_symbol("SPY", Market.USA, date(2013, 10, 7))
    config = reader.create_config(spy, Resolution.MINUTE, data_normalization_mode=DataNormalizationMode.RAW)

    data = reader.read(config, datetime(2013, 10, 7), datetime(2013, 10, 7, 23))

    assert data.frame.bar(0, config.exchange_time_zone).close == pytest.approx(167.44)


def test_extended_market_hours_keeps_pre_and_post_market_bars(reader: SubscriptionDataReader) -> None:
    spy = reader.map_files.create_equity_symbol("SPY", Market.USA, date(2013, 10, 7))
    regular = reader.read(
        reader.create_config(spy, Resolution.MINUTE), datetime(2013, 10, 7), datetime(2013, 10, 7, 23)
    )
    extended_config = reader.create_config(spy, Resolution.MINUTE, extended_market_hours=True)

    extended = reader.read(extended_config, datetime(2013, 10, 7), datetime(2013, 10, 7, 23))

    assert len(regular.frame) == 390
    assert len(extended.frame) > len(regular.frame)
    assert extended.frame.bar(0, extended_config.exchange_time_zone).time.hour < 9


def test_missing_day_is_counted_not_fatal(reader: SubscriptionDataReader) -> None:
    # The sample has SPY minute files for 2013-10-04..11 only; 2013-10-14 is a trading day without one.
    spy = reader.map_files.create_equity_symbol("SPY", Market.USA, date(2013, 10, 7))

    data = reader.read(
        reader.create_config(spy, Resolution.MINUTE), datetime(2013, 10, 11), datetime(2013, 10, 14, 23)
    )

    assert date(2013, 10, 14) in data.missing_days
    assert len(data.frame) >= 390


def test_missing_session_is_filled_forward_from_the_last_bar_read(reader: SubscriptionDataReader) -> None:
    spy = reader.map_files.create_equity_symbol("SPY", Market.USA, date(2013, 10, 7))
    config = reader.create_config(spy, Resolution.MINUTE)
    extended = reader.create_config(spy, Resolution.MINUTE, extended_market_hours=True)
    friday = reader.read(extended, datetime(2013, 10, 11), datetime(2013, 10, 11, 23))
    last_friday_bar = friday.frame.bar(len(friday.frame) - 1, config.exchange_time_zone)

    data = reader.read(config, datetime(2013, 10, 11), datetime(2013, 10, 14, 23))
    frame = data.frame
    assert isinstance(frame, TradeBarFrame)
    filled = np.flatnonzero(frame.is_fill_forward)

    # Monday 2013-10-14 has no file: its session repeats the last bar read. LEAN fills forward
    # before its market-hours filter, so that is Friday's last post-market bar, not the 16:00 close.
    assert len(filled) == 390
    first_filled = frame.bar(int(filled[0]), config.exchange_time_zone)
    assert first_filled.end_time == datetime(2013, 10, 14, 9, 31)
    assert first_filled.end_time - first_filled.time == timedelta(minutes=1)
    assert first_filled.volume == 0
    assert last_friday_bar.time.hour >= 16
    assert first_filled.close == last_friday_bar.close


def test_daily_data_is_filled_forward_on_the_finest_resolution(reader: SubscriptionDataReader) -> None:
    spy = reader.map_files.create_equity_symbol("SPY", Market.USA, date(2013, 10, 7))
    minute = reader.create_config(spy, Resolution.MINUTE)
    daily = reader.create_config(spy, Resolution.DAILY)
    span = fill_forward_resolution([minute, daily])

    data = reader.read(daily, datetime(2013, 10, 7), datetime(2013, 10, 9, 23), span)
    frame = data.frame

    assert span == timedelta(minutes=1)
    real = frame.select(~frame.is_fill_forward)
    filled = frame.select(frame.is_fill_forward)
    zone = daily.exchange_time_zone
    # Each filled bar keeps a daily period and ends on a minute of the following sessions.
    assert len(real) == 3
    # 09:31..15:59 are filled; the real daily bar itself arrives at 16:00.
    assert len(filled) == 2 * 389
    first_filled = filled.bar(0, zone)
    assert first_filled.end_time == datetime(2013, 10, 8, 9, 31)
    assert first_filled.close == real.bar(0, zone).close
    assert (filled.bar(len(filled) - 1, zone).end_time) == datetime(2013, 10, 9, 15, 59)


def test_slices_merge_equity_forex_and_crypto_in_time_order(reader: SubscriptionDataReader) -> None:
    spy = reader.map_files.create_equity_symbol("SPY", Market.USA, date(2013, 10, 7))
    eurusd = Symbol.create("EURUSD", SecurityType.FOREX, Market.OANDA)
    start, end = datetime(2014, 5, 5), datetime(2014, 5, 6, 23)
    configs = [
        reader.create_config(eurusd, Resolution.MINUTE, TickType.QUOTE),
        reader.create_config(spy, Resolution.DAILY),
    ]
    span = fill_forward_resolution(configs)
    feeds = [FeedFrame(reader.read(c, start, end, span).frame, c.exchange_time_zone) for c in configs]

    batch = build_slice_batch(feeds)

    assert np.all(np.diff(batch.times) > 0)
    assert batch.data_point_count == sum(len(feed.frame) for feed in feeds)
    new_york = configs[0].exchange_time_zone
    middle = batch.slice(len(batch) // 2, new_york)
    assert "EURUSD" in middle.quote_bars
    assert middle.quote_bars["EURUSD"].end_time <= middle.time


def test_daily_equity_data_follows_the_map_file_across_renames(reader: SubscriptionDataReader) -> None:
    # WM traded as UW to 1998-07-16, as WMI to 2009-08-04, then as WM; wm.zip also holds an older
    # namesake's bars from 1998-12-09, which must not be read for those years.
    wm = reader.map_files.create_equity_symbol("WM", Market.USA, date(2013, 10, 7))
    config = reader.create_config(wm, Resolution.DAILY, data_normalization_mode=DataNormalizationMode.RAW)

    data = reader.read(config, datetime(1998, 7, 15), datetime(2009, 8, 7))

    zone = config.exchange_time_zone
    days = [data.frame.bar(row, zone).time.date() for row in range(len(data.frame))]
    closes = {
        day: data.frame.bar(row, zone).close
        for row, day in enumerate(days)
        if day in {date(1998, 7, 16), date(1998, 7, 17), date(2009, 8, 4), date(2009, 8, 5)}
    }
    assert days[0] == date(1998, 7, 15) and days == sorted(set(days))
    # uw.zip's last close, wmi.zip's first and last, then wm.zip (raw deci-cents / 10000)
    assert closes[date(1998, 7, 16)] == pytest.approx(57.75)
    assert closes[date(1998, 7, 17)] == pytest.approx(57.5)
    assert closes[date(2009, 8, 4)] == pytest.approx(28.5)
    assert date(2009, 8, 5) in closes


def test_ticker_runs_merge_rows_of_the_same_ticker(reader: SubscriptionDataReader) -> None:
    wm = reader.map_files.create_equity_symbol("WM", Market.USA, date(2013, 10, 7))

    segments = reader._ticker_segments(wm, date(1997, 1, 1), date(2013, 10, 7))

    assert segments == [
        ("UW", date(1998, 1, 2), date(1998, 7, 16)),
        ("WMI", date(1998, 7, 17), date(2009, 8, 4)),
        ("WM", date(2009, 8, 5), date(2013, 10, 7)),
    ]
