"""Bad files give a `DataError` naming file, entry and line; a missing file is `MissingDataError`."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from lean_core.data.bars import QuoteBarFrame, TradeBarFrame
from lean_core.data.paths import data_location
from lean_core.data.readers import ReadRequest, read_frame
from lean_core.enums import Market, OptionRight, OptionStyle, Resolution, SecurityType, TickType
from lean_core.errors import DataError, MissingDataError
from lean_core.symbols import Symbol

NEW_YORK = ZoneInfo("America/New_York")
DAY = date(2013, 10, 7)
SPY = Symbol.create("SPY", SecurityType.EQUITY, Market.USA)
ENTRY = "20131007_spy_minute_trade.csv"
WriteZip = Callable[..., Path]  # the `write_zip` fixture


def _minute(folder: Path, tick_type: TickType = TickType.TRADE, symbol: Symbol = SPY) -> ReadRequest:
    return ReadRequest(folder, symbol, Resolution.MINUTE, tick_type, DAY, NEW_YORK)


def test_a_missing_day_is_missing_data(data_folder: Path) -> None:
    with pytest.raises(MissingDataError) as caught:
        read_frame(_minute(data_folder))

    assert caught.value.path == data_folder / "equity/usa/minute/spy/20131007_trade.zip"


def test_a_file_that_is_not_a_zip_is_a_data_error(data_folder: Path) -> None:
    path = data_location(data_folder, SPY, Resolution.MINUTE, TickType.TRADE, DAY).path
    path.parent.mkdir(parents=True)
    path.write_text("14400000,1674100,1674100,1672500,1672700,3197\n")

    with pytest.raises(DataError, match="not a readable zip file") as caught:
        read_frame(_minute(data_folder))

    assert caught.value.path == path
    assert not isinstance(caught.value, MissingDataError)


def test_a_corrupt_zip_entry_is_a_data_error(data_folder: Path, write_zip: WriteZip) -> None:
    path = write_zip(
        SPY, Resolution.MINUTE, TickType.TRADE, DAY, "14400000,1674100,1674100,1672500,1672700,3197\n" * 50
    )
    raw = bytearray(path.read_bytes())
    offset = 30 + len(ENTRY) + 5  # inside the compressed data, past the local header
    raw[offset : offset + 8] = b"\xff" * 8
    path.write_bytes(bytes(raw))

    with pytest.raises(DataError, match="corrupt zip entry") as caught:
        read_frame(_minute(data_folder))

    assert caught.value.entry == ENTRY


def test_a_zip_without_the_expected_entry_is_a_data_error(data_folder: Path, write_zip: WriteZip) -> None:
    write_zip(
        SPY,
        Resolution.MINUTE,
        TickType.TRADE,
        DAY,
        "0,1,1,1,1,1\n",
        entry="other.csv",
        extra={"more.csv": ""},
    )

    with pytest.raises(DataError, match="no such entry") as caught:
        read_frame(_minute(data_folder))

    assert caught.value.entry == ENTRY
    assert "other.csv" in str(caught.value)


def test_a_single_entry_under_another_name_is_read_as_lean_reads_it(
    data_folder: Path, write_zip: WriteZip
) -> None:
    write_zip(
        SPY, Resolution.MINUTE, TickType.TRADE, DAY, "0,1674100,1674100,1672500,1672700,3197\n", entry="x.csv"
    )

    frame = read_frame(_minute(data_folder))

    assert isinstance(frame, TradeBarFrame)
    assert frame.close.tolist() == [167.27]


def test_a_contract_absent_from_its_chain_zip_is_missing_data(data_folder: Path, write_zip: WriteZip) -> None:
    aapl = Symbol.create("AAPL", SecurityType.EQUITY, Market.USA)
    traded = Symbol.create_option(
        aapl, Market.USA, OptionStyle.AMERICAN, OptionRight.CALL, 650, date(2014, 6, 21)
    )
    idle = Symbol.create_option(
        aapl, Market.USA, OptionStyle.AMERICAN, OptionRight.PUT, 650, date(2014, 6, 21)
    )
    write_zip(traded, Resolution.MINUTE, TickType.TRADE, DAY, "34200000,125000,127500,122500,123500,46\n")

    with pytest.raises(MissingDataError, match="no entry for this contract") as caught:
        read_frame(_minute(data_folder, symbol=idle))

    assert caught.value.entry == "20131007_aapl_minute_trade_american_put_6500000_20140621.csv"


@pytest.mark.parametrize(
    ("rows", "line", "reason"),
    [
        ("14400000,1674100,1674100,1672500,1672700,3197\n14460000,1672500,1672500\n", 2, "found 3"),
        ("14400000,1674100,1674100,abc,1672700,3197\n", 1, "field 4 is not a number"),
        ("14400000,1674100,1674100,1672500,1672700,\n", 1, "field 6 is empty"),
        ("04:00,1674100,1674100,1672500,1672700,3197\n", 1, "field 1 is not a time"),
        ("\n14400000,1674100,1674100,1672500,1672700,3197,9\n", 2, "found 7"),
    ],
)
def test_a_bad_row_names_the_file_entry_and_line(
    data_folder: Path, write_zip: WriteZip, rows: str, line: int, reason: str
) -> None:
    path = write_zip(SPY, Resolution.MINUTE, TickType.TRADE, DAY, rows)

    with pytest.raises(DataError) as caught:
        read_frame(_minute(data_folder))

    error = caught.value
    assert (error.path, error.entry, error.line) == (path, ENTRY, line)
    assert reason in str(error)
    assert f"{path} [{ENTRY}], line {line}:" in str(error)


def test_a_quote_side_with_some_prices_missing_is_a_data_error(
    data_folder: Path, write_zip: WriteZip
) -> None:
    write_zip(
        SPY, Resolution.MINUTE, TickType.QUOTE, DAY, "0,1,1,1,1,1,2,2,2,2,2\n60000,1,,1,1,1,2,2,2,2,2\n"
    )

    with pytest.raises(DataError, match="bid side is incomplete") as caught:
        read_frame(_minute(data_folder, TickType.QUOTE))

    assert caught.value.line == 2


def test_a_quote_side_left_empty_is_missing(data_folder: Path, write_zip: WriteZip) -> None:
    write_zip(SPY, Resolution.MINUTE, TickType.QUOTE, DAY, "0,,,,,,1674600,1674700,1674500,1674600,200\n")

    frame = read_frame(_minute(data_folder, TickType.QUOTE))

    assert isinstance(frame, QuoteBarFrame)
    bar = frame.bar(0, NEW_YORK)
    assert bar.bid is None
    assert bar.ask is not None and bar.ask.close == 167.46
    assert (bar.last_bid_size, bar.last_ask_size) == (0.0, 200.0)


def test_an_empty_file_gives_an_empty_frame(data_folder: Path, write_zip: WriteZip) -> None:
    write_zip(SPY, Resolution.MINUTE, TickType.TRADE, DAY, "")

    frame = read_frame(_minute(data_folder))

    assert isinstance(frame, TradeBarFrame)
    assert len(frame) == 0


def test_a_blank_trailing_line_is_skipped(data_folder: Path, write_zip: WriteZip) -> None:
    write_zip(SPY, Resolution.MINUTE, TickType.TRADE, DAY, "0,1674100,1674100,1672500,1672700,3197\n\n")

    frame = read_frame(_minute(data_folder))

    assert len(frame) == 1


def test_data_lean_does_not_have_is_refused_before_reading(data_folder: Path) -> None:
    eurusd = Symbol.create("EURUSD", SecurityType.FOREX, Market.OANDA)

    with pytest.raises(ValueError, match="quotes only"):
        read_frame(_minute(data_folder, TickType.TRADE, eurusd))


def test_the_zip_entry_of_a_corrupt_archive_is_not_guessed(data_folder: Path) -> None:
    path = data_location(data_folder, SPY, Resolution.MINUTE, TickType.TRADE, DAY).path
    path.parent.mkdir(parents=True)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(ENTRY, "0,1,1,1,1,1\n")
    path.write_bytes(path.read_bytes()[:-10])  # cut the central directory short

    with pytest.raises(DataError, match="not a readable zip file"):
        read_frame(_minute(data_folder))
