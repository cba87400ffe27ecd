from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from lean_core.data.paths import (
    available_dates,
    data_location,
    future_contract_month,
    option_strike_text,
    option_year_files,
    zip_directory,
)
from lean_core.enums import Market, OptionRight, OptionStyle, Resolution, SecurityType, TickType
from lean_core.symbols import Symbol

ROOT = Path("/data")
DAY = date(2013, 10, 7)


def _equity(ticker: str = "SPY") -> Symbol:
    return Symbol.create(ticker, SecurityType.EQUITY, Market.USA)


def _aapl_option(right: OptionRight = OptionRight.CALL, strike: Decimal = Decimal(650)) -> Symbol:
    return Symbol.create_option(
        _equity("AAPL"), Market.USA, OptionStyle.AMERICAN, right, strike, date(2014, 6, 21)
    )


@pytest.mark.parametrize(
    ("symbol", "resolution", "tick_type", "day", "path", "entry"),
    [
        (
            _equity(),
            Resolution.MINUTE,
            TickType.TRADE,
            DAY,
            "equity/usa/minute/spy/20131007_trade.zip",
            "20131007_spy_minute_trade.csv",
        ),
        (
            _equity(),
            Resolution.SECOND,
            TickType.QUOTE,
            DAY,
            "equity/usa/second/spy/20131007_quote.zip",
            "20131007_spy_second_quote.csv",
        ),
        (
            _equity(),
            Resolution.TICK,
            TickType.TRADE,
            DAY,
            "equity/usa/tick/spy/20131007_trade.zip",
            "20131007_spy_Trade_Tick.csv",
        ),
        (
            _equity(),
            Resolution.TICK,
            TickType.QUOTE,
            DAY,
            "equity/usa/tick/spy/20131007_quote.zip",
            "20131007_spy_Quote_Tick.csv",
        ),
        (_equity(), Resolution.DAILY, TickType.TRADE, None, "equity/usa/daily/spy.zip", "spy.csv"),
        (_equity(), Resolution.HOUR, TickType.TRADE, DAY, "equity/usa/hour/spy.zip", "spy.csv"),
        (
            Symbol.create("EURUSD", SecurityType.FOREX, Market.OANDA),
            Resolution.TICK,
            TickType.QUOTE,
            DAY,
            "forex/oanda/tick/eurusd/20131007_quote.zip",
            "20131007_eurusd_tick_quote.csv",
        ),
        (
            Symbol.create("XAUUSD", SecurityType.CFD, Market.OANDA),
            Resolution.DAILY,
            TickType.QUOTE,
            None,
            "cfd/oanda/daily/xauusd.zip",
            "xauusd.csv",
        ),
        (
            Symbol.create("BTCUSD", SecurityType.CRYPTO, Market.COINBASE),
            Resolution.DAILY,
            TickType.TRADE,
            None,
            "crypto/coinbase/daily/btcusd_trade.zip",
            "btcusd.csv",
        ),
        (
            Symbol.create("BTCUSD", SecurityType.CRYPTO, Market.COINBASE),
            Resolution.MINUTE,
            TickType.QUOTE,
            DAY,
            "crypto/coinbase/minute/btcusd/20131007_quote.zip",
            "20131007_btcusd_minute_quote.csv",
        ),
        (
            Symbol.create_future("ES", Market.CME, date(2013, 12, 20)),
            Resolution.MINUTE,
            TickType.OPEN_INTEREST,
            DAY,
            "future/cme/minute/es/20131007_openinterest.zip",
            "20131007_es_minute_openinterest_201312.csv",
        ),
        (
            Symbol.create_future("ES", Market.CME, date(2013, 12, 20)),
            Resolution.DAILY,
            TickType.TRADE,
            None,
            "future/cme/daily/es_trade.zip",
            "es_trade_201312.csv",
        ),
        (
            _aapl_option(),
            Resolution.MINUTE,
            TickType.TRADE,
            date(2014, 6, 6),
            "option/usa/minute/aapl/20140606_trade_american.zip",
            "20140606_aapl_minute_trade_american_call_6500000_20140621.csv",
        ),
        (
            _aapl_option(OptionRight.PUT, Decimal("92.5")),
            Resolution.DAILY,
            TickType.QUOTE,
            date(2014, 6, 6),
            "option/usa/daily/aapl_2014_quote_american.zip",
            "aapl_quote_american_put_925000_20140621.csv",
        ),
        (
            Symbol.create("BTCUSDT", SecurityType.CRYPTO_FUTURE, Market.BYBIT),
            Resolution.MINUTE,
            TickType.TRADE,
            date(2022, 12, 13),
            "cryptofuture/bybit/minute/btcusdt/20221213_trade.zip",
            "20221213_btcusdt_minute_trade_perp.csv",
        ),
    ],
)
def test_data_location_follows_lean_layout(
    symbol: Symbol, resolution: Resolution, tick_type: TickType, day: date | None, path: str, entry: str
) -> None:
    location = data_location(ROOT, symbol, resolution, tick_type, day)

    assert location.path == ROOT / path
    assert location.entry == entry


def test_index_option_files_use_the_option_ticker_not_the_underlying() -> None:
    spx = Symbol.create("SPX", SecurityType.INDEX, Market.USA)
    spxw = Symbol.create_option(
        spx, Market.USA, OptionStyle.EUROPEAN, OptionRight.PUT, 3200, date(2021, 1, 15), target_ticker="SPXW"
    )

    location = data_location(ROOT, spxw, Resolution.MINUTE, TickType.QUOTE, date(2021, 1, 4))

    assert location.path == ROOT / "indexoption/usa/minute/spxw/20210104_quote_european.zip"
    assert location.entry == "20210104_spxw_minute_quote_european_put_32000000_20210115.csv"


def test_future_option_folder_is_the_underlying_contract_month() -> None:
    gold = Symbol.create_future("GC", Market.COMEX, date(2020, 4, 28))
    option = Symbol.create_option(
        gold,
        Market.COMEX,
        OptionStyle.AMERICAN,
        OptionRight.CALL,
        1500,
        date(2020, 3, 26),
        target_ticker="OG",
    )

    assert zip_directory(ROOT, option, Resolution.DAILY) == ROOT / "futureoption/comex/daily/og/202004"


def test_crude_oil_contract_month_follows_its_expiry_month() -> None:
    january_crude = Symbol.create_future("CL", Market.NYMEX, date(2013, 12, 19))

    assert future_contract_month(january_crude.id) == date(2014, 1, 1)
    location = data_location(ROOT, january_crude, Resolution.MINUTE, TickType.TRADE, DAY)
    assert location.entry.endswith("_201401.csv")


def test_path_ticker_overrides_the_symbol_value_for_renamed_equities() -> None:
    location = data_location(
        ROOT, _equity("GOOGL"), Resolution.MINUTE, TickType.TRADE, DAY, path_ticker="GOOG"
    )

    assert location.path == ROOT / "equity/usa/minute/goog/20131007_trade.zip"
    assert location.entry == "20131007_goog_minute_trade.csv"


@pytest.mark.parametrize(
    ("strike", "text"),
    [
        (Decimal(650), "6500000"),
        (Decimal("92.5"), "925000"),
        (Decimal("0.05"), "500"),
        (Decimal("1.23456"), "12345.6"),
    ],
)
def test_option_strike_text_is_scaled_without_trailing_zeros(strike: Decimal, text: str) -> None:
    assert option_strike_text(strike) == text


def test_daily_files_need_no_day_but_minute_files_do() -> None:
    with pytest.raises(ValueError, match="give a day"):
        data_location(ROOT, _equity(), Resolution.MINUTE, TickType.TRADE, None)


@pytest.mark.lean_data
def test_available_dates_lists_the_days_with_a_file_of_the_tick_type(lean_data_folder: Path) -> None:
    days = available_dates(lean_data_folder, _equity(), Resolution.MINUTE, TickType.TRADE)

    assert days[:6] == [date(2013, 10, 4), *(date(2013, 10, d) for d in range(7, 12))]
    assert all(
        data_location(lean_data_folder, _equity(), Resolution.MINUTE, TickType.TRADE, day).path.exists()
        for day in days
    )


@pytest.mark.lean_data
def test_available_dates_of_daily_data_are_the_row_dates(lean_data_folder: Path) -> None:
    days = available_dates(lean_data_folder, _equity(), Resolution.DAILY, TickType.TRADE)

    assert len(days) == 5849
    assert days[0] == date(1998, 1, 2)
    assert days[-1] == date(2021, 3, 31)


@pytest.mark.lean_data
def test_available_dates_of_an_option_span_its_yearly_files(lean_data_folder: Path) -> None:
    contract = _aapl_option()
    files = option_year_files(lean_data_folder, contract, Resolution.DAILY, TickType.TRADE)

    days = available_dates(lean_data_folder, contract, Resolution.DAILY, TickType.TRADE)

    assert [path.name for path in files] == ["aapl_2014_trade_american.zip", "aapl_2015_trade_american.zip"]
    assert days
    assert all(day <= contract.id.date for day in days)


def test_available_dates_of_a_symbol_without_data_is_empty(tmp_path: Path) -> None:
    assert available_dates(tmp_path, _equity(), Resolution.MINUTE, TickType.TRADE) == []
