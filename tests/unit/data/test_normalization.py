import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lean_core.data.bars import QuoteBarFrame, TickFrame, TradeBarFrame, local_to_ns
from lean_core.data.factor_files import FactorFile, FactorFileProvider, FactorFileRow
from lean_core.data.normalization import (
    adjust_quote_bars,
    adjust_ticks,
    adjust_trade_bars,
    adjusted_price_decimal,
    day_numbers,
    dividend_offsets,
    local_day_numbers,
    normalize_price_decimal,
    row_factors,
    scale_sizes,
    scale_volume_decimal,
)
from lean_core.enums import DataNormalizationMode, Market, SecurityType, TickType
from lean_core.symbols import Symbol

NEW_YORK = ZoneInfo("America/New_York")
AAPL = Symbol.create("AAPL", SecurityType.EQUITY, Market.USA)
SPY = Symbol.create("SPY", SecurityType.EQUITY, Market.USA)
Mode = DataNormalizationMode


@pytest.fixture(scope="module")
def factor_files(lean_data_folder: Path) -> FactorFileProvider:
    return FactorFileProvider(lean_data_folder)


def get_factor_file(provider: FactorFileProvider, permtick: str) -> FactorFile:
    found = provider.get(permtick)
    assert found is not None
    return found


def read_csv_rows(path: Path) -> list[list[str]]:
    with zipfile.ZipFile(path) as archive:
        text = archive.read(archive.namelist()[0]).decode()
    return [line.split(",") for line in text.splitlines() if line]


def daily_trade_frame(folder: Path, ticker: str, first: date, last: date) -> TradeBarFrame:
    """Read LEAN daily trade bars between two dates as a frame (prices x 0.0001, as LEAN parses)."""
    rows = [
        row
        for row in read_csv_rows(folder / "equity" / "usa" / "daily" / f"{ticker}.zip")
        if first <= datetime.strptime(row[0], "%Y%m%d %H:%M").date() <= last
    ]
    starts = [local_to_ns(datetime.strptime(row[0], "%Y%m%d %H:%M"), NEW_YORK) for row in rows]
    prices = np.array([[int(value) for value in row[1:5]] for row in rows], dtype=np.float64) / 10000
    return TradeBarFrame(
        Symbol.create(ticker, SecurityType.EQUITY, Market.USA),
        np.array(starts, dtype=np.int64),
        np.array(starts, dtype=np.int64) + 86_400 * 10**9,
        prices[:, 0].copy(),
        prices[:, 1].copy(),
        prices[:, 2].copy(),
        prices[:, 3].copy(),
        np.array([float(row[5]) for row in rows]),
    )


def local_days(frame: TradeBarFrame | QuoteBarFrame) -> np.ndarray:
    """Return the New York date of each bar start as datetime64[D]."""
    return np.array(
        [datetime.fromtimestamp(ns / 1e9, NEW_YORK).date() for ns in frame.time], dtype="datetime64[D]"
    )


# -- the exact decimal path -------------------------------------------------------------------
def test_spy_first_minute_close_adjusts_to_lean_submission_last_price() -> None:
    # LEAN_FACTS section 1.4: BasicTemplateAlgorithm's first order carries lastPrice 144.77307790400
    # and askPrice 144.78172417000: the 09:30 SPY minute bar of 2013-10-07 (trade close 1674400,
    # ask close 1674500) x 0.8646266.
    factor = Decimal("0.8646266")

    last = adjusted_price_decimal(1674400, factor)
    ask = adjusted_price_decimal(1674500, factor)

    assert str(last) == "144.77307790400"
    assert str(ask) == "144.78172417000"


def test_sample_minute_file_holds_the_close_behind_lean_last_price(lean_data_folder: Path) -> None:
    trade = read_csv_rows(lean_data_folder / "equity" / "usa" / "minute" / "spy" / "20131007_trade.zip")
    quote = read_csv_rows(lean_data_folder / "equity" / "usa" / "minute" / "spy" / "20131007_quote.zip")

    opening_trade = next(row for row in trade if row[0] == "34200000")
    opening_quote = next(row for row in quote if row[0] == "34200000")

    assert opening_trade[4] == "1674400"
    assert opening_quote[9] == "1674500"


@pytest.mark.parametrize(
    ("raw", "tick", "expected"),
    [
        (1674400, False, "167.4400"),  # bars keep scale 4
        (1674400, True, "167.44"),  # ticks divide, so the scale shrinks
    ],
)
def test_adjusted_price_decimal_keeps_lean_scale(raw: int, tick: bool, expected: str) -> None:
    assert str(adjusted_price_decimal(raw, Decimal(1), tick=tick)) == expected


@pytest.mark.parametrize(
    ("price", "factor", "dividends", "expected"),
    [
        ("167.4400", "0.8646266", "0", "144.77307790400"),
        ("93.7000", "0.25", "0.99", "24.415000"),
    ],
)
def test_normalize_price_decimal_multiplies_then_adds_dividends(
    price: str, factor: str, dividends: str, expected: str
) -> None:
    result = normalize_price_decimal(Decimal(price), Decimal(factor), Decimal(dividends))

    assert str(result) == expected


@pytest.mark.parametrize(
    ("volume", "factor", "expected"),
    [
        ("12116671", "0.03571430", "339266652"),
        ("5", "2", "2"),  # 2.5 rounds to even
        ("7", "2", "4"),  # 3.5 rounds to even
        ("2", "0.8", "2"),  # 2.5 exactly in decimal
    ],
)
def test_scale_volume_decimal_rounds_half_to_even(volume: str, factor: str, expected: str) -> None:
    assert str(scale_volume_decimal(Decimal(volume), Decimal(factor))) == expected


# -- factors per row --------------------------------------------------------------------------
@pytest.mark.parametrize("mode", [Mode.ADJUSTED, Mode.SPLIT_ADJUSTED, Mode.TOTAL_RETURN, Mode.RAW])
@pytest.mark.parametrize("permtick", ["aapl", "spy"])
def test_row_factors_match_price_scale_factor_on_every_day(
    factor_files: FactorFileProvider, permtick: str, mode: DataNormalizationMode
) -> None:
    factor_file = get_factor_file(factor_files, permtick)
    days = np.arange(np.datetime64("2012-01-01"), np.datetime64("2051-01-05"))

    result = row_factors(factor_file, days, mode)

    expected = [float(factor_file.price_scale_factor(day.astype(date), mode)) for day in days]
    np.testing.assert_array_equal(result, np.array(expected))


def test_row_factors_accept_day_numbers_and_datetime64(factor_files: FactorFileProvider) -> None:
    spy = get_factor_file(factor_files, "spy")
    stamps = np.array(["2013-10-07T13:31", "2013-12-19T20:00", "2013-12-20T14:30"], dtype="datetime64[m]")

    from_stamps = row_factors(spy, stamps, Mode.ADJUSTED)
    from_numbers = row_factors(spy, day_numbers(stamps), Mode.ADJUSTED)

    np.testing.assert_array_equal(from_stamps, from_numbers)
    np.testing.assert_array_equal(from_stamps, [0.8646266, 0.8646266, 0.8693686])


def test_row_factors_are_ones_without_factor_file_or_in_raw_mode(factor_files: FactorFileProvider) -> None:
    days = np.array([15_000, 16_000], dtype=np.int64)

    np.testing.assert_array_equal(row_factors(None, days, Mode.ADJUSTED), [1.0, 1.0])
    np.testing.assert_array_equal(
        row_factors(get_factor_file(factor_files, "spy"), days, Mode.RAW), [1.0, 1.0]
    )


def test_fill_forward_rows_keep_the_factor_of_the_last_real_row(factor_files: FactorFileProvider) -> None:
    spy = get_factor_file(factor_files, "spy")
    days = np.array(
        ["2013-12-19", "2013-12-19", "2013-12-20", "2013-12-20", "2013-12-23"], dtype="datetime64[D]"
    )
    fill_forward = np.array([True, False, True, False, True])

    result = row_factors(spy, days, Mode.ADJUSTED, fill_forward=fill_forward)

    np.testing.assert_array_equal(result, [0.8646266, 0.8646266, 0.8646266, 0.8693686, 0.8693686])


def test_leading_fill_forward_rows_take_the_first_row_day(factor_files: FactorFileProvider) -> None:
    spy = get_factor_file(factor_files, "spy")
    days = np.array(["2013-12-19", "2013-12-20", "2013-12-20"], dtype="datetime64[D]")

    result = row_factors(spy, days, Mode.ADJUSTED, fill_forward=np.array([True, True, False]))

    np.testing.assert_array_equal(result, [0.8646266, 0.8646266, 0.8693686])


def test_row_factors_scaled_raw_is_relative_to_end_day(factor_files: FactorFileProvider) -> None:
    aapl = get_factor_file(factor_files, "aapl")
    days = np.array(["2014-06-06", "2014-06-09"], dtype="datetime64[D]")

    result = row_factors(aapl, days, Mode.SCALED_RAW, end_day=date(2014, 6, 9))

    np.testing.assert_allclose(result, [0.032185077159740 / 0.225295450, 1.0], rtol=1e-15)


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (datetime(2013, 10, 6, 23, 59), date(2013, 10, 6)),  # 03:59 UTC the next day
        (datetime(2013, 10, 7, 0, 0), date(2013, 10, 7)),
        (datetime(2013, 11, 3, 0, 30), date(2013, 11, 3)),  # the night clocks go back
        (datetime(2013, 11, 3, 23, 59), date(2013, 11, 3)),
        (datetime(2014, 3, 9, 23, 59), date(2014, 3, 9)),  # the day clocks go forward
        (datetime(1969, 12, 31, 20, 0), date(1969, 12, 31)),
    ],
)
def test_local_day_numbers_follow_the_exchange_time_zone(local: datetime, expected: date) -> None:
    times = np.array([local_to_ns(local, NEW_YORK)], dtype=np.int64)

    result = local_day_numbers(times, NEW_YORK)

    assert result.tolist() == [(expected - date(1970, 1, 1)).days]


def test_local_day_numbers_of_a_minute_file_match_per_row_conversion(lean_data_folder: Path) -> None:
    frame = daily_trade_frame(lean_data_folder, "spy", date(2013, 10, 1), date(2013, 12, 31))
    minutes = (frame.time[:, None] + np.arange(0, 86_400, 997)[None, :] * 10**9).reshape(-1)

    result = local_day_numbers(minutes, NEW_YORK)

    expected = [(datetime.fromtimestamp(ns / 1e9, NEW_YORK).date() - date(1970, 1, 1)).days for ns in minutes]
    assert result.tolist() == expected


def test_day_numbers_rejects_float_input() -> None:
    with pytest.raises(TypeError, match="dtype"):
        day_numbers(np.array([1.5]))


# -- whole frames around a real split -----------------------------------------------------------
@pytest.mark.parametrize(
    ("mode", "closes", "volumes"),
    [
        # 2014-06-06 (last pre-split day, close 645.57) and 2014-06-09 (first post-split day, close 93.70).
        (Mode.RAW, [645.57, 93.70], [12116671, 72875948]),
        (Mode.SPLIT_ADJUSTED, [23.0560806510, 23.425], [339266652, 291503792]),
        (Mode.ADJUSTED, [20.77772026201335180, 21.11018366500], [376468602, 323468352]),
    ],
)
def test_aapl_daily_bars_around_seven_for_one_split_adjust_as_lean(
    lean_data_folder: Path,
    factor_files: FactorFileProvider,
    mode: DataNormalizationMode,
    closes: list[float],
    volumes: list[int],
) -> None:
    frame = daily_trade_frame(lean_data_folder, "aapl", date(2014, 6, 6), date(2014, 6, 9))
    factors = row_factors(get_factor_file(factor_files, "aapl"), local_days(frame), mode)

    adjusted = adjust_trade_bars(frame, factors)

    np.testing.assert_allclose(adjusted.close, closes, rtol=1e-15)
    np.testing.assert_array_equal(adjusted.volume, volumes)
    np.testing.assert_array_equal(adjusted.time, frame.time)


def test_spy_daily_close_on_2013_10_07_adjusts_by_lean_factor(
    lean_data_folder: Path, factor_files: FactorFileProvider
) -> None:
    frame = daily_trade_frame(lean_data_folder, "spy", date(2013, 10, 7), date(2013, 10, 7))
    factors = row_factors(get_factor_file(factor_files, "spy"), local_days(frame), Mode.ADJUSTED)

    adjusted = adjust_trade_bars(frame, factors)

    assert frame.close[0] == 167.42
    assert adjusted.close[0] == pytest.approx(float(adjusted_price_decimal(1674200, Decimal("0.8646266"))))
    assert adjusted.volume[0] == float(scale_volume_decimal(Decimal(81489219), Decimal("0.8646266")))


# -- TotalReturn --------------------------------------------------------------------------------
def test_dividend_offsets_add_each_dividend_from_its_ex_date(factor_files: FactorFileProvider) -> None:
    spy = get_factor_file(factor_files, "spy")
    days = np.array(
        ["2013-10-07", "2013-12-19", "2013-12-20", "2014-03-20", "2014-03-21"], dtype="datetime64[D]"
    )

    offsets = dividend_offsets(spy, days, start_day=date(2013, 10, 7))

    np.testing.assert_allclose(offsets, [0.0, 0.0, 0.99, 0.99, 0.99 + 0.83])


def test_dividend_offsets_skip_dividends_announced_before_the_start(factor_files: FactorFileProvider) -> None:
    spy = get_factor_file(factor_files, "spy")
    days = np.array(["2013-12-20", "2014-03-21"], dtype="datetime64[D]")

    offsets = dividend_offsets(spy, days, start_day=date(2013, 12, 20))

    np.testing.assert_allclose(offsets, [0.0, 0.83])
    np.testing.assert_array_equal(dividend_offsets(None, days, date(2013, 1, 2)), [0.0, 0.0])


def test_total_return_prices_are_split_scaled_plus_dividend_sum(
    lean_data_folder: Path, factor_files: FactorFileProvider
) -> None:
    aapl = get_factor_file(factor_files, "aapl")
    frame = daily_trade_frame(lean_data_folder, "aapl", date(2014, 5, 7), date(2014, 5, 8))
    days = local_days(frame)
    factors = row_factors(aapl, days, Mode.TOTAL_RETURN)
    offsets = dividend_offsets(aapl, days, start_day=date(2014, 5, 7))

    adjusted = adjust_trade_bars(frame, factors, offsets)

    np.testing.assert_allclose(factors, [0.03571430, 0.03571430])
    np.testing.assert_allclose(adjusted.close, frame.close * 0.03571430 + np.array([0.0, 3.29]))


# -- quotes and ticks -----------------------------------------------------------------------------
def make_quote_frame(symbol: Symbol) -> QuoteBarFrame:
    nan = np.nan
    return QuoteBarFrame(
        symbol,
        np.array([0, 60], dtype=np.int64),
        np.array([60, 120], dtype=np.int64),
        np.array([100.0, nan]),
        np.array([101.0, nan]),
        np.array([99.0, nan]),
        np.array([100.5, nan]),
        np.array([700.0, 0.0]),
        np.array([100.2, 100.4]),
        np.array([101.2, 101.4]),
        np.array([99.2, 99.4]),
        np.array([100.7, 100.9]),
        np.array([350.0, 7.0]),
    )


def test_quote_bars_scale_both_sides_and_keep_a_missing_side_missing() -> None:
    frame = make_quote_frame(SPY)

    adjusted = adjust_quote_bars(frame, np.array([0.5, 0.5]))

    np.testing.assert_allclose(adjusted.bid_close, [50.25, np.nan])
    np.testing.assert_allclose(adjusted.ask_close, [50.35, 50.45])
    np.testing.assert_array_equal(adjusted.bid_size, [1400.0, 0.0])
    np.testing.assert_array_equal(adjusted.ask_size, [700.0, 14.0])


@pytest.mark.parametrize("factors", [[1.0, 1.0], [1.0, 0.5]])
def test_a_factor_of_one_leaves_its_rows_prices_as_read(factors: list[float]) -> None:
    frame = make_quote_frame(SPY)

    adjusted = adjust_quote_bars(frame, np.array(factors))

    np.testing.assert_array_equal(adjusted.bid_close, [100.5, np.nan])
    np.testing.assert_array_equal(adjusted.ask_close, [100.7, 100.9 * factors[1]])
    np.testing.assert_array_equal(adjusted.ask_size, [350.0, 7.0 / factors[1]])


def make_ticks(symbol: Symbol, tick_type: TickType) -> TickFrame:
    return TickFrame.from_columns(
        symbol,
        tick_type,
        time=np.array([0, 1, 2], dtype=np.int64),
        value=np.array([100.0, 100.0, 0.0]),
        quantity=np.array([5.0, 7.0, 9.0]),
        bid_price=np.array([100.0, 0.0, 0.0]),
        bid_size=np.array([5.0, 0.0, 0.0]),
        ask_price=np.array([100.2, 100.4, 0.0]),
        ask_size=np.array([3.0, 7.0, 0.0]),
    )


def test_trade_ticks_scale_value_and_quantity() -> None:
    adjusted = adjust_ticks(make_ticks(SPY, TickType.TRADE), np.array([2.0, 2.0, 2.0]))

    np.testing.assert_array_equal(adjusted.value, [200.0, 200.0, 0.0])
    np.testing.assert_array_equal(adjusted.quantity, [2.0, 4.0, 4.0])


def test_quote_ticks_keep_zero_sides_and_take_mid_or_present_side() -> None:
    adjusted = adjust_ticks(make_ticks(SPY, TickType.QUOTE), np.array([0.5, 0.5, 0.5]))

    np.testing.assert_allclose(adjusted.bid_price, [50.0, 0.0, 0.0])
    np.testing.assert_allclose(adjusted.ask_price, [50.1, 50.2, 0.0])
    np.testing.assert_allclose(adjusted.value, [50.05, 50.2, 0.0])
    np.testing.assert_array_equal(adjusted.bid_size, [10.0, 0.0, 0.0])


@pytest.mark.parametrize(
    ("symbol", "tick_type"),
    [
        (SPY, TickType.OPEN_INTEREST),
        (Symbol.create("EURUSD", SecurityType.FOREX, Market.OANDA), TickType.QUOTE),
        (Symbol.create("BTCUSD", SecurityType.CRYPTO, Market.COINBASE), TickType.TRADE),
    ],
)
def test_ticks_lean_does_not_scale_are_returned_unchanged(symbol: Symbol, tick_type: TickType) -> None:
    frame = make_ticks(symbol, tick_type)

    assert adjust_ticks(frame, np.array([0.5, 0.5, 0.5])) is frame


def test_scale_sizes_settles_float_near_ties_in_decimal() -> None:
    # 2 / 0.8 is 2.5 in decimal (rounds to 2) though the float quotient need not be exactly 2.5.
    sizes = np.array([2.0, 5.0, 7.0, 3.0, 0.0])
    factors = np.array([0.8, 2.0, 2.0, 0.8646266, 0.5])

    np.testing.assert_array_equal(scale_sizes(sizes, factors), [2.0, 2.0, 4.0, 3.0, 0.0])


def test_adjusting_with_mismatched_factor_length_is_rejected() -> None:
    frame = make_quote_frame(SPY)

    with pytest.raises(ValueError, match="factors"):
        adjust_quote_bars(frame, np.array([1.0]))
    with pytest.raises(ValueError, match="offsets"):
        adjust_quote_bars(frame, np.array([1.0, 1.0]), np.array([0.0]))


def test_empty_factor_file_gives_factor_one() -> None:
    empty = FactorFile("abc", [])
    single = FactorFile("abc", [FactorFileRow(date(2020, 1, 2), Decimal("0.5"), Decimal(1))])
    days = np.array(["2020-01-02", "2020-01-03"], dtype="datetime64[D]")

    np.testing.assert_array_equal(row_factors(empty, days, Mode.ADJUSTED), [1.0, 1.0])
    np.testing.assert_array_equal(row_factors(single, days, Mode.ADJUSTED), [0.5, 1.0])


@given(
    st.lists(
        st.one_of(
            st.floats(0, 1e9, allow_nan=False),
            st.integers(0, 10**6).map(lambda n: n + 0.5),
            st.integers(0, 10**6).map(lambda n: np.nextafter(n + 0.5, 0.0)),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_a_factor_of_one_rounds_sizes_as_the_general_rule_does(sizes: list[float]) -> None:
    volume = np.array(sizes)
    times = np.arange(len(volume), dtype=np.int64)
    frame = TradeBarFrame(SPY, times, times + 1, volume, volume, volume, volume, volume)
    ones = np.ones(len(volume))

    adjusted = adjust_trade_bars(frame, ones)

    assert adjusted.volume.tolist() == scale_sizes(volume, ones).tolist()
