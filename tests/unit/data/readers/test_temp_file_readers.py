"""Reading data the sample folder lacks (equity ticks, CFDs, tick quotes), from files written here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from lean_core.data.bars import QuoteBarFrame, TickFrame, TradeBarFrame
from lean_core.data.readers import ReadRequest, file_format, read_frame
from lean_core.enums import Market, OptionRight, OptionStyle, Resolution, SecurityType, TickType
from lean_core.symbols import Symbol

NEW_YORK = ZoneInfo("America/New_York")
UTC = ZoneInfo("UTC")
DAY = date(2013, 10, 7)
SPY = Symbol.create("SPY", SecurityType.EQUITY, Market.USA)
WriteZip = Callable[..., Path]  # the `write_zip` fixture


def _utc(*parts: int) -> int:
    return (datetime(*parts) - datetime(1970, 1, 1)) // timedelta(microseconds=1) * 1000


def _request(
    folder: Path,
    symbol: Symbol,
    resolution: Resolution,
    tick_type: TickType,
    day: date | None,
    zone: ZoneInfo,
) -> ReadRequest:
    return ReadRequest(folder, symbol, resolution, tick_type, day, zone)


class TestEquityTicks:
    def test_trade_ticks_with_and_without_exchange_fields(
        self, data_folder: Path, write_zip: WriteZip
    ) -> None:
        write_zip(
            SPY,
            Resolution.TICK,
            TickType.TRADE,
            DAY,
            "34200000,1674400,100,P,00000001,0\n34200001.5,1674500,50\n",
        )

        frame = read_frame(_request(data_folder, SPY, Resolution.TICK, TickType.TRADE, DAY, NEW_YORK))

        assert isinstance(frame, TickFrame)
        assert frame.tick_type == TickType.TRADE
        assert frame.time.tolist() == [_utc(2013, 10, 7, 13, 30), _utc(2013, 10, 7, 13, 30) + 1_500_000]
        assert frame.value.tolist() == [167.44, 167.45]
        assert frame.quantity.tolist() == [100.0, 50.0]
        assert frame.exchange.tolist() == ["P", ""]
        assert frame.sale_condition.tolist() == ["00000001", ""]
        assert frame.suspicious.tolist() == [False, False]

    def test_quote_ticks_value_is_the_mid_or_the_side_present(
        self, data_folder: Path, write_zip: WriteZip
    ) -> None:
        rows = "34200000,1674400,300,1674600,200,Q,0,1\n34200500,0,0,1674600,200\n"
        write_zip(SPY, Resolution.TICK, TickType.QUOTE, DAY, rows)

        frame = read_frame(_request(data_folder, SPY, Resolution.TICK, TickType.QUOTE, DAY, NEW_YORK))

        assert isinstance(frame, TickFrame)
        assert frame.value.tolist() == [167.45, 167.46]
        assert frame.bid_size.tolist() == [300.0, 0.0]
        assert frame.exchange.tolist() == ["Q", ""]
        assert frame.suspicious.tolist() == [True, False]


class TestCfd:
    def test_cfd_minute_quotes_are_plain_decimals(self, data_folder: Path, write_zip: WriteZip) -> None:
        gold = Symbol.create("XAUUSD", SecurityType.CFD, Market.OANDA)
        write_zip(
            gold,
            Resolution.MINUTE,
            TickType.QUOTE,
            DAY,
            "0,1320.5,1321,1320,1320.75,0,1321,1321.5,1320.5,1321.25,0\n",
        )

        frame = read_frame(_request(data_folder, gold, Resolution.MINUTE, TickType.QUOTE, DAY, UTC))

        assert isinstance(frame, QuoteBarFrame)
        assert (frame.bid_close[0], frame.ask_close[0], frame.time[0]) == (
            1320.75,
            1321.25,
            _utc(2013, 10, 7),
        )

    def test_cfd_ticks_are_bid_and_ask(self, data_folder: Path, write_zip: WriteZip) -> None:
        gold = Symbol.create("XAUUSD", SecurityType.CFD, Market.OANDA)
        write_zip(gold, Resolution.TICK, TickType.QUOTE, DAY, "1000,1320.5,1321\n")

        frame = read_frame(_request(data_folder, gold, Resolution.TICK, TickType.QUOTE, DAY, UTC))

        assert isinstance(frame, TickFrame)
        assert (frame.bid_price[0], frame.ask_price[0], frame.value[0]) == (1320.5, 1321.0, 1320.75)

    def test_cfd_trade_data_does_not_exist(self) -> None:
        gold = Symbol.create("XAUUSD", SecurityType.CFD, Market.OANDA)

        with pytest.raises(ValueError, match="quotes only"):
            file_format(gold, Resolution.MINUTE, TickType.TRADE)


class TestCryptoTicks:
    def test_trade_ticks_take_the_market_as_exchange(self, data_folder: Path, write_zip: WriteZip) -> None:
        btc = Symbol.create("BTCUSD", SecurityType.CRYPTO, Market.COINBASE)
        write_zip(btc, Resolution.TICK, TickType.TRADE, DAY, "1000,611.78,0.5\n2000,611.9,0.25,1\n")

        frame = read_frame(_request(data_folder, btc, Resolution.TICK, TickType.TRADE, DAY, UTC))

        assert isinstance(frame, TickFrame)
        assert frame.value.tolist() == [611.78, 611.9]
        assert frame.exchange.tolist() == ["coinbase", "coinbase"]
        assert frame.suspicious.tolist() == [False, True]


class TestDerivativeTicks:
    def test_future_quote_ticks_may_miss_a_side(self, data_folder: Path, write_zip: WriteZip) -> None:
        es = Symbol.create_future("ES", Market.CME, date(2013, 12, 20))
        write_zip(es, Resolution.TICK, TickType.QUOTE, DAY, "1000,1676.5,10,,,usa,0\n")

        frame = read_frame(_request(data_folder, es, Resolution.TICK, TickType.QUOTE, DAY, UTC))

        assert isinstance(frame, TickFrame)
        assert (frame.bid_price[0], frame.ask_price[0], frame.ask_size[0], frame.value[0]) == (
            1676.5,
            0.0,
            0.0,
            1676.5,
        )

    def test_equity_option_ticks_are_deci_cents(self, data_folder: Path, write_zip: WriteZip) -> None:
        aapl = Symbol.create("AAPL", SecurityType.EQUITY, Market.USA)
        call = Symbol.create_option(
            aapl, Market.USA, OptionStyle.AMERICAN, OptionRight.CALL, 650, date(2014, 6, 21)
        )
        write_zip(call, Resolution.TICK, TickType.TRADE, date(2014, 6, 6), "34200000,125000,1,C,,0\n")

        frame = read_frame(
            _request(data_folder, call, Resolution.TICK, TickType.TRADE, date(2014, 6, 6), NEW_YORK)
        )

        assert isinstance(frame, TickFrame)
        assert frame.value.tolist() == [12.5]


class TestDaylightSaving:
    def test_minute_rows_on_the_fall_back_day_map_to_the_right_utc(
        self, data_folder: Path, write_zip: WriteZip
    ) -> None:
        switch_day = date(2013, 11, 3)  # New York clocks fall back from 02:00 EDT to 01:00 EST
        rows = (
            "0,1,1,1,1,1\n3600000,1,1,1,1,1\n10800000,1,1,1,1,1\n"  # 00:00, 01:00 (twice, later kept), 03:00
        )
        write_zip(SPY, Resolution.MINUTE, TickType.TRADE, switch_day, rows)

        frame = read_frame(
            _request(data_folder, SPY, Resolution.MINUTE, TickType.TRADE, switch_day, NEW_YORK)
        )

        assert isinstance(frame, TradeBarFrame)
        assert frame.time.tolist() == [
            _utc(2013, 11, 3, 4, 0),
            _utc(2013, 11, 3, 6, 0),
            _utc(2013, 11, 3, 8, 0),
        ]

    def test_a_daily_bar_across_the_switch_lasts_25_hours(
        self, data_folder: Path, write_zip: WriteZip
    ) -> None:
        write_zip(
            SPY,
            Resolution.DAILY,
            TickType.TRADE,
            None,
            "20131102 00:00,1,1,1,1,1\n20131103 00:00,1,1,1,1,1\n",
        )

        frame = read_frame(_request(data_folder, SPY, Resolution.DAILY, TickType.TRADE, None, NEW_YORK))

        assert isinstance(frame, TradeBarFrame)
        hours = (frame.end_time - frame.time) / 3_600_000_000_000
        assert hours.tolist() == [24.0, 25.0]
        assert bool(np.all(frame.time[1:] == frame.end_time[:-1]))
