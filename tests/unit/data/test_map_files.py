from datetime import date, datetime
from pathlib import Path

import pytest

from lean_core.data.map_files import (
    END_OF_TIME,
    MapFile,
    MapFileProvider,
    MapFileRow,
    TickerRename,
    read_map_file,
)
from lean_core.enums import DataMappingMode, Market, SecurityType
from lean_core.errors import DataError
from lean_core.symbols import Symbol


@pytest.fixture(scope="module")
def provider(lean_data_folder: Path) -> MapFileProvider:
    return MapFileProvider(lean_data_folder)


def write_map_file(folder: Path, name: str, text: str) -> Path:
    target = folder / "equity" / "usa" / "map_files"
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{name}.csv"
    path.write_text(text, encoding="utf-8")
    return path


# Identifiers as LEAN prints them in its own tests and regression algorithms
# (e.g. "GOOCV VP83T1ZUHROL" and "GOOG T1AZ164W5VTX" in Tests/, "NWSA T3MO1488O0H1" in
# Algorithm.CSharp/OptionRenameRegressionAlgorithm.cs).
@pytest.mark.parametrize(
    ("ticker", "on", "expected_id"),
    [
        ("SPY", date(2013, 10, 7), "SPY R735QTJ8XC9X"),
        ("AAPL", date(2014, 6, 6), "AAPL R735QTJ8XC9X"),
        ("GOOG", date(2014, 5, 1), "GOOCV VP83T1ZUHROL"),
        ("GOOG", date(2010, 1, 4), "GOOG T1AZ164W5VTX"),  # class A traded as GOOG until 2014-04-02
        ("GOOGL", date(2015, 1, 2), "GOOG T1AZ164W5VTX"),
        ("BAC", date(2015, 1, 2), "NB R735QTJ8XC9X"),
        ("TWX", date(2015, 1, 2), "AOL R735QTJ8XC9X"),
        ("FB", date(2015, 1, 2), "FB V6OIPNZEM8V9"),
        ("QQQ", date(2015, 1, 2), "QQQ RIWIV7K5Z9LX"),
        ("NWSA", date(2010, 1, 4), "NWSA T3MO1488O0H1"),
    ],
)
def test_create_equity_symbol_takes_identifier_from_first_date_and_ticker(
    provider: MapFileProvider, ticker: str, on: date, expected_id: str
) -> None:
    symbol = provider.create_equity_symbol(ticker, Market.USA, on)

    assert str(symbol.id) == expected_id
    assert symbol.value == ticker
    assert symbol == Symbol.parse(expected_id)


def test_create_equity_symbol_without_map_file_uses_lean_defaults(provider: MapFileProvider) -> None:
    symbol = provider.create_equity_symbol("NOSUCH", None, date(2014, 1, 2))

    assert symbol == Symbol.create("NOSUCH", SecurityType.EQUITY, Market.USA)
    assert str(symbol.id).startswith("NOSUCH ")


@pytest.mark.parametrize(
    ("ticker", "on", "permtick"),
    [
        ("TWX", date(2000, 1, 3), "TWX.1"),  # the older namesake, twx.1.csv
        ("TWX", date(2001, 1, 11), "TWX.1"),  # its last day
        ("TWX", date(2015, 1, 2), "TWX"),  # AOL renamed TWX in twx.csv
        ("AOL", date(2000, 1, 3), "TWX"),
        ("FB", date(2001, 1, 2), "FB.1"),
        ("FB", date(2015, 1, 2), "FB"),
        ("GOOG", date(2014, 4, 2), "GOOGL"),
        ("GOOG", date(2014, 4, 3), "GOOG"),
        ("goog", date(2014, 4, 3), "GOOG"),
        ("VXX", date(2015, 1, 2), "VXX.1"),
        ("VXX", date(2020, 1, 2), "VXX"),
    ],
)
def test_resolve_finds_the_security_that_used_the_ticker_on_that_date(
    provider: MapFileProvider, ticker: str, on: date, permtick: str
) -> None:
    map_file = provider.resolve(ticker, on)

    assert map_file is not None
    assert map_file.permtick == permtick


@pytest.mark.parametrize(
    ("ticker", "on"),
    [
        ("AAA", date(2010, 1, 4)),  # between aaa.1.csv (ended 2007) and aaa.csv (listed 2020)
        ("NOSUCH", date(2010, 1, 4)),
        ("FB", date(1999, 1, 4)),  # before the first FB listed
    ],
)
def test_resolve_returns_none_where_lean_uses_an_empty_map_file(
    provider: MapFileProvider, ticker: str, on: date
) -> None:
    assert provider.resolve(ticker, on) is None


def test_resolve_symbol_uses_identifier_first_ticker_and_date(provider: MapFileProvider) -> None:
    googl = Symbol.parse("GOOG T1AZ164W5VTX", "GOOGL")

    map_file = provider.resolve_symbol(googl)

    assert map_file is not None
    assert map_file.permtick == "GOOGL"


@pytest.mark.parametrize(
    ("permtick", "first_date", "first_ticker", "last_date", "delisting_date"),
    [
        ("SPY", date(1998, 1, 2), "SPY", END_OF_TIME, None),
        ("GOOG", date(2014, 3, 27), "GOOCV", END_OF_TIME, None),
        ("TWX.1", date(1998, 1, 2), "TWX", date(2001, 1, 11), date(2001, 1, 11)),
        ("TFCFA", date(2004, 11, 12), "NWSA", date(2019, 3, 20), date(2019, 3, 20)),
        ("TAP.A", date(2005, 2, 9), "TAPA", END_OF_TIME, None),
    ],
)
def test_map_file_first_and_last_dates(
    provider: MapFileProvider,
    permtick: str,
    first_date: date,
    first_ticker: str,
    last_date: date,
    delisting_date: date | None,
) -> None:
    map_file = provider.get(permtick)

    assert map_file is not None
    assert (map_file.first_date, map_file.first_ticker) == (first_date, first_ticker)
    assert (map_file.last_date, map_file.delisting_date) == (last_date, delisting_date)


@pytest.mark.parametrize(
    ("day", "ticker"),
    [
        (date(2014, 3, 26), None),  # before the listing
        (date(2014, 3, 27), "GOOCV"),
        (date(2014, 4, 2), "GOOCV"),  # a row's ticker holds through its date
        (date(2014, 4, 3), "GOOG"),
        (date(2050, 12, 31), "GOOG"),
        (date(2051, 1, 1), None),
    ],
)
def test_ticker_on_holds_each_row_ticker_through_its_date(
    provider: MapFileProvider, day: date, ticker: str | None
) -> None:
    map_file = provider.get("goog")

    assert map_file is not None
    assert map_file.ticker_on(day) == ticker


def test_ticker_on_is_none_after_delisting(provider: MapFileProvider) -> None:
    map_file = provider.get("TFCFA")

    assert map_file is not None
    assert map_file.ticker_on(date(2019, 3, 20)) == "TFCFA"
    assert map_file.ticker_on(date(2019, 3, 21)) is None
    assert not map_file.has_data(date(2019, 3, 21))


def test_mapped_symbol_answers_first_ticker_before_listing_as_lean() -> None:
    map_file = MapFile("goog", [MapFileRow(date(2014, 3, 27), "goocv"), MapFileRow(END_OF_TIME, "goog")])

    assert map_file.mapped_symbol(date(2000, 1, 3)) == "GOOCV"
    assert map_file.mapped_symbol(date(2051, 1, 1), "DEFAULT") == "DEFAULT"


@pytest.mark.parametrize(
    ("permtick", "renames"),
    [
        ("SPY", []),
        ("BAC", [TickerRename(date(1998, 9, 30), "NB", "BAC")]),
        (
            "WM",
            [TickerRename(date(1998, 7, 16), "UW", "WMI"), TickerRename(date(2009, 8, 4), "WMI", "WM")],
        ),
        (
            "QQQ",
            [TickerRename(date(2004, 11, 30), "QQQ", "QQQQ"), TickerRename(date(2011, 3, 22), "QQQQ", "QQQ")],
        ),
        ("GOOGL", [TickerRename(date(2014, 4, 2), "GOOG", "GOOGL")]),
    ],
)
def test_rename_dates_lists_each_ticker_change(
    provider: MapFileProvider, permtick: str, renames: list[TickerRename]
) -> None:
    map_file = provider.get(permtick)

    assert map_file is not None
    assert map_file.rename_dates() == renames


def test_symbol_changed_event_falls_on_first_trading_day_under_new_ticker(provider: MapFileProvider) -> None:
    map_file = provider.get("GOOGL")
    assert map_file is not None
    symbol = Symbol.parse("GOOG T1AZ164W5VTX", "GOOG")

    (event,) = map_file.symbol_changed_events(symbol)

    assert (event.time, event.old_symbol, event.new_symbol) == (datetime(2014, 4, 3), "GOOG", "GOOGL")
    assert event.symbol == symbol


def test_symbol_changed_events_use_the_given_trading_calendar() -> None:
    map_file = MapFile("x", [MapFileRow(date(2020, 1, 2), "old"), MapFileRow(date(2020, 1, 3), "new")])
    symbol = Symbol.create("NEW", SecurityType.EQUITY, Market.USA)

    (event,) = map_file.symbol_changed_events(symbol, next_trading_day=lambda _: date(2020, 1, 7))

    assert event.time == datetime(2020, 1, 7)


def test_has_data_spans_first_to_last_date_and_is_always_true_when_empty() -> None:
    listed = MapFile("x", [MapFileRow(date(2020, 1, 2), "x"), MapFileRow(date(2020, 3, 2), "x")])
    empty = MapFile("y", [])

    assert [listed.has_data(day) for day in (date(2020, 1, 1), date(2020, 1, 2), date(2020, 3, 3))] == [
        False,
        True,
        False,
    ]
    assert empty.has_data(date(1990, 1, 1))
    assert empty.first_ticker == "Y"
    assert empty.ticker_on(date(2020, 1, 2)) is None


def test_map_file_sorts_rows_drops_repeats_and_uppercases() -> None:
    late = MapFileRow(END_OF_TIME, "new", "Q")
    early = MapFileRow(date(2020, 1, 2), "old", "Q")

    map_file = MapFile("brk.a.1", [late, early, early])

    assert map_file.rows == (early, late)
    assert map_file.permtick == "BRK.A.1"
    assert map_file.first_ticker == "OLD"
    assert early.ticker == "OLD"


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        ("20200102,abc,Q\n20501231,abc,Q\n", ["20200102,abc,Q", "20501231,abc,Q"]),
        ("19990929,fb\n20030328,fb\n", ["19990929,fb", "20030328,fb"]),  # no exchange, as fb.1.csv
        ("\n20200102,abc,Q\r\n\n20501231,abc,Q\r\n", ["20200102,abc,Q", "20501231,abc,Q"]),
        ("20200102,abc,Q,1\n", ["20200102,abc,Q,1"]),
        ("20200102,abc,,0\n", ["20200102,abc,,0"]),
    ],
)
def test_read_map_file_reads_lean_rows(tmp_path: Path, text: str, rows: list[str]) -> None:
    path = write_map_file(tmp_path, "abc", text)

    map_file = read_map_file(path)

    assert [row.to_csv() for row in map_file] == rows


def test_read_map_file_skips_rows_with_unknown_mapping_mode(tmp_path: Path) -> None:
    path = write_map_file(tmp_path, "cl", "20110418,cl,NYMEX,999\n20110419,cl,NYMEX,openinterest\n")

    map_file = read_map_file(path)

    assert [row.date for row in map_file] == [date(2011, 4, 19)]
    assert map_file.rows[0].data_mapping_mode == DataMappingMode.OPEN_INTEREST


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("20200102,abc,Q\n2020010,abc,Q\n", 2, "yyyyMMdd"),
        ("20200102,abc,Q\n\n20201302,abc,Q\n", 3, "invalid date"),
        ("20200102\n", 1, "expected"),
        ("20200102,,Q\n", 1, "expected"),
        ("abc,20200102\n", 1, "yyyyMMdd"),
    ],
)
def test_malformed_map_file_row_raises_data_error_with_path_and_line(
    tmp_path: Path, text: str, line: int, reason: str
) -> None:
    path = write_map_file(tmp_path, "bad", text)

    with pytest.raises(DataError, match=reason) as caught:
        read_map_file(path)

    assert caught.value.path == path
    assert caught.value.line == line


def test_provider_raises_data_error_when_an_indexed_file_is_malformed(tmp_path: Path) -> None:
    write_map_file(tmp_path, "good", "20200102,good,Q\n20501231,good,Q\n")
    bad = write_map_file(tmp_path, "bad", "20200102,bad,Q\nnot a row\n")
    provider = MapFileProvider(tmp_path)

    with pytest.raises(DataError) as caught:
        provider.resolve("GOOD", date(2020, 6, 1))

    assert (caught.value.path, caught.value.line) == (bad, 2)


def test_provider_without_map_file_folder_finds_nothing(tmp_path: Path) -> None:
    provider = MapFileProvider(tmp_path)

    assert provider.get("SPY") is None
    assert provider.resolve("SPY", date(2020, 1, 2)) is None
    assert str(provider.create_equity_symbol("SPY", Market.USA, date(2020, 1, 2)).id) == "SPY R735QTJ8XC9X"


def test_empty_permtick_is_rejected() -> None:
    with pytest.raises(ValueError, match="permtick"):
        MapFile("", [])
