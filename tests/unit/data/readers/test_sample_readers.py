"""Reading LEAN's sample data folder: counts, first and last rows, as the files hold them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from lean_core.data.bars import Frame, OpenInterestFrame, QuoteBarFrame, TickFrame, TradeBarFrame
from lean_core.data.readers import ReadRequest, list_zip_contracts, read_frame
from lean_core.enums import Market, OptionRight, OptionStyle, Resolution, SecurityType, TickType
from lean_core.symbols import Symbol
from lean_core.time.time_zones import get_time_zone

pytestmark = pytest.mark.lean_data

NEW_YORK = ZoneInfo("America/New_York")
UTC = ZoneInfo("UTC")
SPY = Symbol.create("SPY", SecurityType.EQUITY, Market.USA)
EURUSD = Symbol.create("EURUSD", SecurityType.FOREX, Market.OANDA)
BTCUSD = Symbol.create("BTCUSD", SecurityType.CRYPTO, Market.COINBASE)
ES_DEC_2013 = Symbol.create_future("ES", Market.CME, date(2013, 12, 20))
AAPL = Symbol.create("AAPL", SecurityType.EQUITY, Market.USA)
AAPL_650_CALL = Symbol.create_option(
    AAPL, Market.USA, OptionStyle.AMERICAN, OptionRight.CALL, 650, date(2014, 6, 21)
)


def _utc(*parts: int) -> int:
    """Return a UTC moment as nanoseconds since the epoch."""
    return (datetime(*parts) - datetime(1970, 1, 1)) // timedelta(microseconds=1) * 1000


def _read(
    folder: Path,
    symbol: Symbol,
    resolution: Resolution,
    tick_type: TickType,
    day: date | None,
    zone: ZoneInfo,
) -> Frame:
    return read_frame(ReadRequest(folder, symbol, resolution, tick_type, day, zone))


def _ohlcv(frame: TradeBarFrame, index: int) -> list[float]:
    return [float(getattr(frame, name)[index]) for name in ("open", "high", "low", "close", "volume")]


class TestEquity:
    def test_spy_minute_trades_include_extended_hours_4_to_20(self, lean_data_folder: Path) -> None:
        frame = _read(lean_data_folder, SPY, Resolution.MINUTE, TickType.TRADE, date(2013, 10, 7), NEW_YORK)

        assert isinstance(frame, TradeBarFrame)
        assert len(frame) == 828
        assert frame.time[0] == _utc(2013, 10, 7, 8, 0)  # 04:00 EDT
        assert frame.end_time[0] == _utc(2013, 10, 7, 8, 1)
        assert _ohlcv(frame, 0) == [167.41, 167.41, 167.25, 167.27, 3197.0]
        assert frame.time[-1] == _utc(2013, 10, 7, 23, 59)  # 19:59 EDT
        assert _ohlcv(frame, -1) == [167.26, 167.3, 167.26, 167.3, 800.0]

    def test_spy_minute_quotes_hold_both_sides_with_sizes(self, lean_data_folder: Path) -> None:
        frame = _read(lean_data_folder, SPY, Resolution.MINUTE, TickType.QUOTE, date(2013, 10, 7), NEW_YORK)

        assert isinstance(frame, QuoteBarFrame)
        assert len(frame) == 908
        first = frame.bar(0, NEW_YORK)
        assert first.time == datetime(2013, 10, 7, 4, 0)
        assert first.bid is not None and first.ask is not None
        assert (first.bid.open, first.bid.high, first.bid.low, first.bid.close) == (
            167.27,
            167.27,
            167.15,
            167.25,
        )
        assert (first.ask.open, first.ask.high, first.ask.low, first.ask.close) == (
            168.0,
            168.0,
            167.26,
            167.27,
        )
        assert (first.last_bid_size, first.last_ask_size) == (300.0, 20000.0)
        last = frame.bar(len(frame) - 1, NEW_YORK)
        assert last.time == datetime(2013, 10, 7, 20, 0)
        assert last.ask is not None and last.ask.close == 167.33

    def test_spy_daily_bars_cover_1998_to_2021(self, lean_data_folder: Path) -> None:
        frame = _read(lean_data_folder, SPY, Resolution.DAILY, TickType.TRADE, None, NEW_YORK)

        assert isinstance(frame, TradeBarFrame)
        assert len(frame) == 5849
        assert frame.time[0] == _utc(1998, 1, 2, 5, 0)  # midnight EST
        assert frame.end_time[0] == _utc(1998, 1, 3, 5, 0)
        assert _ohlcv(frame, 0) == [97.31, 97.53, 96.53, 97.36, 2150000.0]
        assert frame.time[-1] == _utc(2021, 3, 31, 4, 0)  # midnight EDT
        assert _ohlcv(frame, -1) == [395.35, 398.0, 395.33, 396.33, 90673494.0]

    def test_spy_second_bars_read_a_whole_day(self, lean_data_folder: Path) -> None:
        frame = _read(lean_data_folder, SPY, Resolution.SECOND, TickType.TRADE, date(2013, 10, 7), NEW_YORK)

        assert isinstance(frame, TradeBarFrame)
        assert len(frame) == 16675
        assert frame.end_time[0] - frame.time[0] == 1_000_000_000

    def test_hour_bars_shift_an_hour_in_utc_when_daylight_saving_ends(self, lean_data_folder: Path) -> None:
        frame = _read(lean_data_folder, SPY, Resolution.HOUR, TickType.TRADE, None, NEW_YORK)
        assert isinstance(frame, TradeBarFrame)

        friday = np.flatnonzero(frame.time == _utc(2013, 11, 1, 13, 0))  # 09:00 EDT, before the switch
        monday = np.flatnonzero(frame.time == _utc(2013, 11, 4, 14, 0))  # 09:00 EST, after it

        assert len(friday) == 1 and len(monday) == 1
        assert _ohlcv(frame, int(monday[0])) == [176.71, 176.8, 176.32, 176.45, 9327272.0]
        assert frame.bar(int(monday[0]), NEW_YORK).time == datetime(2013, 11, 4, 9, 0)


class TestForex:
    def test_eurusd_minute_quotes_are_plain_decimals_in_utc(self, lean_data_folder: Path) -> None:
        frame = _read(lean_data_folder, EURUSD, Resolution.MINUTE, TickType.QUOTE, date(2014, 5, 1), UTC)

        assert isinstance(frame, QuoteBarFrame)
        assert len(frame) == 1363
        assert frame.time[0] == _utc(2014, 5, 1, 0, 0)
        assert [frame.bid_open[0], frame.bid_close[0], frame.ask_open[0], frame.ask_close[0]] == [
            1.38676,
            1.38686,
            1.38686,
            1.38697,
        ]
        assert frame.time[-1] == _utc(2014, 5, 1, 23, 59)
        assert (frame.bid_close[-1], frame.ask_close[-1], frame.bid_size[-1]) == (1.38693, 1.38706, 0.0)

    def test_eurusd_daily_quotes_span_2007_to_2018(self, lean_data_folder: Path) -> None:
        frame = _read(lean_data_folder, EURUSD, Resolution.DAILY, TickType.QUOTE, None, UTC)

        assert isinstance(frame, QuoteBarFrame)
        assert len(frame) == 3738
        assert (frame.time[0], frame.bid_open[0], frame.ask_close[0]) == (_utc(2007, 1, 1), 1.31927, 1.32195)
        assert (frame.time[-1], frame.bid_close[-1], frame.ask_close[-1]) == (
            _utc(2018, 12, 31),
            1.14607,
            1.14707,
        )

    def test_fxcm_ticks_are_read_in_the_fixed_utc_minus_5_zone(self, lean_data_folder: Path) -> None:
        eurusd = Symbol.create("EURUSD", SecurityType.FOREX, Market.FXCM)
        zone = get_time_zone("UTC-05")

        frame = _read(lean_data_folder, eurusd, Resolution.TICK, TickType.QUOTE, date(2014, 5, 1), zone)

        assert isinstance(frame, TickFrame)
        assert len(frame) == 51053
        assert frame.time[0] == _utc(2014, 5, 1, 5, 0, 1, 787000)
        assert (frame.bid_price[0], frame.ask_price[0], frame.value[0]) == (1.38727, 1.38729, 1.38728)
        assert frame.time[-1] == _utc(2014, 5, 2, 4, 59, 47, 638000)


class TestCrypto:
    def test_btcusd_minute_trades_read_crlf_files(self, lean_data_folder: Path) -> None:
        frame = _read(lean_data_folder, BTCUSD, Resolution.MINUTE, TickType.TRADE, date(2016, 10, 7), UTC)

        assert isinstance(frame, TradeBarFrame)
        assert len(frame) == 1419
        assert frame.time[0] == _utc(2016, 10, 7)
        assert _ohlcv(frame, 0) == [611.78, 611.91, 611.78, 611.9, 1.13872]
        assert frame.time[-1] == _utc(2016, 10, 7, 23, 59)
        assert _ohlcv(frame, -1) == [618.17, 618.17, 617.98, 617.98, 0.24885568]

    @pytest.mark.parametrize(
        ("tick_type", "rows", "first_day", "last_day"),
        [
            (TickType.TRADE, 1318, date(2014, 12, 1), date(2018, 8, 13)),
            (TickType.QUOTE, 1332, date(2015, 4, 27), date(2018, 12, 24)),
        ],
    )
    def test_btcusd_daily_files_are_split_by_tick_type(
        self, lean_data_folder: Path, tick_type: TickType, rows: int, first_day: date, last_day: date
    ) -> None:
        frame = _read(lean_data_folder, BTCUSD, Resolution.DAILY, tick_type, None, UTC)

        assert len(frame) == rows
        assert frame.time[0] == _utc(first_day.year, first_day.month, first_day.day)
        assert frame.time[-1] == _utc(last_day.year, last_day.month, last_day.day)


class TestFutures:
    def test_es_contract_minute_trades_are_not_scaled(self, lean_data_folder: Path) -> None:
        frame = _read(
            lean_data_folder, ES_DEC_2013, Resolution.MINUTE, TickType.TRADE, date(2013, 10, 7), UTC
        )

        assert isinstance(frame, TradeBarFrame)
        assert len(frame) == 1344
        assert frame.time[0] == _utc(2013, 10, 7)
        assert _ohlcv(frame, 0) == [1676.5, 1676.5, 1676.5, 1676.5, 9.0]
        assert frame.time[-1] == _utc(2013, 10, 7, 23, 59)
        assert _ohlcv(frame, -1) == [1667.5, 1667.75, 1667.5, 1667.75, 7.0]

    def test_es_contract_open_interest(self, lean_data_folder: Path) -> None:
        frame = _read(
            lean_data_folder, ES_DEC_2013, Resolution.MINUTE, TickType.OPEN_INTEREST, date(2013, 10, 7), UTC
        )

        assert isinstance(frame, OpenInterestFrame)
        assert frame.time.tolist() == [
            _utc(2013, 10, 7, 6, 6),
            _utc(2013, 10, 7, 11, 51),
            _utc(2013, 10, 7, 13, 42),
        ]
        assert frame.value.tolist() == [2691941.0, 2691941.0, 2674467.0]

    def test_es_contract_quotes(self, lean_data_folder: Path) -> None:
        frame = _read(
            lean_data_folder, ES_DEC_2013, Resolution.MINUTE, TickType.QUOTE, date(2013, 10, 7), UTC
        )

        assert isinstance(frame, QuoteBarFrame)
        assert len(frame) == 1410
        assert (frame.bid_close[0], frame.bid_size[0], frame.ask_close[0], frame.ask_size[0]) == (
            1676.5,
            86.0,
            1676.75,
            97.0,
        )

    def test_gold_trade_ticks_keep_exchange_and_condition(self, lean_data_folder: Path) -> None:
        gold = Symbol.create_future("GC", Market.COMEX, date(2013, 10, 29))

        frame = _read(lean_data_folder, gold, Resolution.TICK, TickType.TRADE, date(2013, 10, 7), UTC)

        assert isinstance(frame, TickFrame)
        assert (frame.value[0], frame.quantity[0], frame.exchange[0], frame.suspicious[0]) == (
            1313.8,
            1.0,
            "usa",
            False,
        )

    def test_futures_chain_lists_contract_months_dated_by_the_given_rule(
        self, lean_data_folder: Path
    ) -> None:
        def third_friday(month: date) -> date:
            first_friday = 1 + (4 - month.weekday()) % 7
            return month.replace(day=first_friday + 14)

        contracts = list_zip_contracts(
            lean_data_folder,
            ES_DEC_2013,
            Resolution.MINUTE,
            TickType.TRADE,
            date(2013, 10, 7),
            future_expiry=third_friday,
        )

        assert contracts[0] == ES_DEC_2013
        assert [c.id.date for c in contracts[:2]] == [date(2013, 12, 20), date(2014, 3, 21)]


class TestOptions:
    def test_aapl_call_minute_trades_are_deci_cents(self, lean_data_folder: Path) -> None:
        frame = _read(
            lean_data_folder, AAPL_650_CALL, Resolution.MINUTE, TickType.TRADE, date(2014, 6, 6), NEW_YORK
        )

        assert isinstance(frame, TradeBarFrame)
        assert len(frame) == 233
        assert frame.time[0] == _utc(2014, 6, 6, 13, 30)  # 09:30 EDT
        assert _ohlcv(frame, 0) == [12.5, 12.75, 12.25, 12.35, 46.0]
        assert frame.time[-1] == _utc(2014, 6, 6, 19, 59)
        assert _ohlcv(frame, -1) == [9.98, 10.0, 9.85, 9.9, 38.0]

    def test_option_chain_lists_every_contract_of_the_zip(self, lean_data_folder: Path) -> None:
        contracts = list_zip_contracts(
            lean_data_folder, AAPL_650_CALL, Resolution.MINUTE, TickType.TRADE, date(2014, 6, 6)
        )

        assert AAPL_650_CALL in contracts
        assert all(contract.underlying == AAPL for contract in contracts)
        assert {contract.id.option_right for contract in contracts} == {OptionRight.CALL, OptionRight.PUT}

    def test_option_daily_bars_join_the_yearly_files(self, lean_data_folder: Path) -> None:
        call = Symbol.create_option(
            AAPL, Market.USA, OptionStyle.AMERICAN, OptionRight.CALL, 100, date(2015, 1, 17)
        )

        frame = _read(lean_data_folder, call, Resolution.DAILY, TickType.TRADE, None, NEW_YORK)

        assert isinstance(frame, TradeBarFrame)
        assert len(frame) > 0
        assert bool(np.all(np.diff(frame.time) > 0))

    def test_index_option_bars_are_deci_cents(self, lean_data_folder: Path) -> None:
        spx = Symbol.create("SPX", SecurityType.INDEX, Market.USA)
        call = Symbol.create_option(
            spx, Market.USA, OptionStyle.EUROPEAN, OptionRight.CALL, 3200, date(2021, 1, 15)
        )

        frame = _read(lean_data_folder, call, Resolution.MINUTE, TickType.TRADE, date(2021, 1, 4), NEW_YORK)

        assert isinstance(frame, TradeBarFrame)
        assert _ohlcv(frame, 0) == [516.04, 516.04, 516.04, 516.04, 1.0]
