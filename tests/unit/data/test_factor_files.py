from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from lean_core.data.corporate_actions import Dividend, Split, SplitType
from lean_core.data.factor_files import FactorFile, FactorFileProvider, FactorFileRow, read_factor_file
from lean_core.enums import DataNormalizationMode, Market, SecurityType
from lean_core.errors import DataError
from lean_core.symbols import Symbol

AAPL = Symbol.create("AAPL", SecurityType.EQUITY, Market.USA)
SPY = Symbol.create("SPY", SecurityType.EQUITY, Market.USA)
Mode = DataNormalizationMode


@pytest.fixture(scope="module")
def provider(lean_data_folder: Path) -> FactorFileProvider:
    return FactorFileProvider(lean_data_folder)


def factor_file(provider: FactorFileProvider, permtick: str) -> FactorFile:
    found = provider.get(permtick)
    assert found is not None
    return found


def write_factor_file(folder: Path, text: str, name: str = "abc") -> Path:
    target = folder / "equity" / "usa" / "factor_files"
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{name}.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_spy_adjusted_factor_on_2013_10_07_is_lean_figure(provider: FactorFileProvider) -> None:
    # LEAN_FACTS section 3: BasicTemplateAlgorithm's first fill is on 0.8646266 x the raw price.
    spy = factor_file(provider, "spy")

    assert spy.price_scale_factor(date(2013, 10, 7), Mode.ADJUSTED) == Decimal("0.8646266")


@pytest.mark.parametrize(
    ("day", "mode", "expected"),
    [
        # On and before the 2014-06-06 row: 0.9011818 x 0.03571430, the pre-split history.
        (date(2014, 6, 6), Mode.ADJUSTED, "0.032185077159740"),
        (date(2014, 6, 6), Mode.SPLIT_ADJUSTED, "0.03571430"),
        (date(2014, 6, 6), Mode.TOTAL_RETURN, "0.03571430"),
        (date(2014, 6, 6), Mode.RAW, "1"),
        # The first day after the split takes the 2014-08-06 row: 0.9011818 x 0.25.
        (date(2014, 6, 9), Mode.ADJUSTED, "0.225295450"),
        (date(2014, 6, 9), Mode.SPLIT_ADJUSTED, "0.25"),
        (date(2014, 5, 8), Mode.ADJUSTED, "0.032185077159740"),
        (date(2014, 5, 7), Mode.ADJUSTED, "0.032006312802520"),
        # Past the last row (20501231,1,1,0) everything is 1.
        (date(2051, 1, 3), Mode.ADJUSTED, "1"),
    ],
)
def test_price_scale_factor_uses_row_with_smallest_date_on_or_after_day(
    provider: FactorFileProvider, day: date, mode: DataNormalizationMode, expected: str
) -> None:
    aapl = factor_file(provider, "aapl")

    result = aapl.price_scale_factor(day, mode)

    assert result == Decimal(expected)
    assert str(result) == expected


def test_scaled_raw_divides_by_end_day_factor(provider: FactorFileProvider) -> None:
    aapl = factor_file(provider, "aapl")

    result = aapl.price_scale_factor(date(2014, 6, 6), Mode.SCALED_RAW, end_day=date(2014, 6, 9))

    assert result == Decimal("0.032185077159740") / Decimal("0.225295450")


@pytest.mark.parametrize(
    "mode", [Mode.FORWARD_PANAMA_CANAL, Mode.BACKWARDS_PANAMA_CANAL, Mode.BACKWARDS_RATIO]
)
def test_future_only_modes_are_rejected(provider: FactorFileProvider, mode: DataNormalizationMode) -> None:
    with pytest.raises(ValueError, match=mode.name):
        factor_file(provider, "aapl").price_scale_factor(date(2014, 6, 6), mode)


def test_scaled_raw_without_end_day_is_rejected(provider: FactorFileProvider) -> None:
    with pytest.raises(ValueError, match="end_day"):
        factor_file(provider, "aapl").price_scale_factor(date(2014, 6, 6), Mode.SCALED_RAW)


def test_aapl_seven_for_one_split_appears_from_factor_rows(provider: FactorFileProvider) -> None:
    events = factor_file(provider, "aapl").splits_and_dividends(AAPL)

    splits = [event for event in events if isinstance(event, Split)]

    assert Split(AAPL, datetime(2014, 6, 9), Decimal("645.57"), Decimal("0.1428572")) in splits
    assert all(split.type == SplitType.SPLIT_OCCURRED for split in splits)
    assert [split.time.date() for split in splits] == [
        date(2000, 6, 21),
        date(2005, 2, 28),
        date(2014, 6, 9),
        date(2020, 8, 31),
    ]


@pytest.mark.parametrize(
    ("permtick", "symbol", "ex_date", "distribution", "reference_price"),
    [
        ("aapl", AAPL, date(2014, 5, 8), "3.29", "592.33"),
        ("aapl", AAPL, date(2014, 8, 7), "0.47", "94.97"),
        ("spy", SPY, date(2013, 12, 20), "0.99", "181.5"),
        ("spy", SPY, date(2013, 9, 20), "0.84", "172.81"),
    ],
)
def test_dividends_come_from_price_factor_ratio_and_reference_price(
    provider: FactorFileProvider,
    permtick: str,
    symbol: Symbol,
    ex_date: date,
    distribution: str,
    reference_price: str,
) -> None:
    events = factor_file(provider, permtick).splits_and_dividends(symbol)

    expected = Dividend(
        symbol,
        datetime.combine(ex_date, datetime.min.time()),
        Decimal(distribution),
        Decimal(reference_price),
    )

    assert expected in events


def test_splits_and_dividends_are_in_date_order_with_trading_calendar(provider: FactorFileProvider) -> None:
    aapl = factor_file(provider, "aapl")

    events = aapl.splits_and_dividends(AAPL, next_trading_day=lambda day: date(day.year + 1, 1, 2))

    times = [event.time for event in events]
    assert times == sorted(times)
    assert all(time.month == 1 and time.day == 2 for time in times)


def test_next_trading_day_lookups_match_only_a_row_date(provider: FactorFileProvider) -> None:
    aapl = factor_file(provider, "aapl")

    assert aapl.split_on_next_trading_day(date(2014, 6, 6)) == (Decimal("0.1428572"), Decimal("645.57"))
    assert aapl.split_on_next_trading_day(date(2014, 6, 5)) is None
    assert aapl.split_on_next_trading_day(date(2014, 5, 7)) is None
    ratio, reference = aapl.dividend_on_next_trading_day(date(2014, 5, 7)) or (None, None)
    assert ratio == Decimal("0.8961764") / Decimal("0.9011818")
    assert reference == Decimal("592.33")
    assert aapl.dividend_on_next_trading_day(date(2014, 6, 6)) is None


def test_missing_factor_file_gives_none_and_empty_file_gives_one(tmp_path: Path) -> None:
    empty = FactorFile("abc", [])

    assert FactorFileProvider(tmp_path).get("SPY") is None
    assert empty.price_scale_factor(date(2014, 1, 2), Mode.ADJUSTED) == 1
    assert empty.splits_and_dividends(SPY) == []


def test_read_factor_file_skips_what_lean_skips(tmp_path: Path) -> None:
    text = (
        "19980102,1,5,8.5,qq\n"
        "20000101,inf,1,2\n"
        "20010101,1.6e+6,1,2\n"
        "20020101,0,1,2\n"
        "\n"
        "20171109,1,5,0.12,qq\n"
        "20171109,1,5,0.12,qq\n"
        "20501231,1,1,0\n"
    )
    path = write_factor_file(tmp_path, text)

    result = read_factor_file(path)

    assert [row.date for row in result.rows] == [date(1998, 1, 2), date(2017, 11, 9), date(2050, 12, 31)]
    assert result.minimum_date == date(1998, 1, 1)
    assert result.permtick == "ABC"


def test_rows_without_reference_price_read_as_zero(tmp_path: Path) -> None:
    path = write_factor_file(tmp_path, "20200102,0.9,1\n")

    (row,) = read_factor_file(path).rows

    assert row == FactorFileRow(date(2020, 1, 2), Decimal("0.9"), Decimal(1), Decimal(0))


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("20200102,1,1,1\n20200103,abc,1,1\n", 2, "decimal"),
        ("20200102,1,1,1\n\n20200103,1\n", 3, "expected"),
        ("2020-01-02,1,1,1\n", 1, "yyyyMMdd"),
        ("20200230,1,1,1\n", 1, "invalid date"),
        ("20200102,1,1,NaN\n", 1, "finite"),
    ],
)
def test_malformed_factor_file_row_raises_data_error_with_path_and_line(
    tmp_path: Path, text: str, line: int, reason: str
) -> None:
    path = write_factor_file(tmp_path, text)

    with pytest.raises(DataError, match=reason) as caught:
        read_factor_file(path)

    assert (caught.value.path, caught.value.line) == (path, line)


def test_provider_reads_files_by_permtick_case_insensitively(tmp_path: Path) -> None:
    write_factor_file(tmp_path, "20200102,0.5,1,10\n20501231,1,1,0\n", name="brk.a")
    provider = FactorFileProvider(tmp_path, Market.USA)

    found = provider.get("BRK.A")

    assert found is not None
    assert found.price_scale_factor(date(2020, 1, 2), Mode.ADJUSTED) == Decimal("0.5")
    assert provider.get("brk.a") is found


@pytest.mark.parametrize(
    ("row", "csv"),
    [
        (
            FactorFileRow(date(2014, 6, 6), Decimal("0.9011818"), Decimal("0.03571430"), Decimal("645.57")),
            "20140606,0.9011818,0.03571430,645.57",
        ),
        (FactorFileRow(date(2050, 12, 31), Decimal(1), Decimal(1), Decimal(0)), "20501231,1,1,0"),
        (
            FactorFileRow(date(2020, 1, 2), Decimal("0.123456789"), Decimal(1), Decimal("100.00")),
            "20200102,0.1234568,1,100",
        ),
    ],
)
def test_row_writes_as_lean_does(row: FactorFileRow, csv: str) -> None:
    assert row.to_csv() == csv
