"""LEAN-format writers: exact spelling, exact round trips through the readers, LEAN's own files rewritten."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import msgspec
import numpy as np
import pytest

from lean_core.data.bars import QUOTE_COLUMNS, TICK_COLUMNS, TRADE_COLUMNS, Frame, TickFrame, TradeBarFrame
from lean_core.data.paths import data_location
from lean_core.data.readers import ReadRequest, read_frame
from lean_core.data.synthetic import GeneratorSettings, build_model, symbol_generator
from lean_core.data.synthetic_paths import SymbolSimulation
from lean_core.data.synthetic_reference import market_hours_entry, market_hours_key
from lean_core.data.writers import (
    NumberFormat,
    TextColumn,
    format_rows,
    number_column,
    write_frame,
    write_zip,
)
from lean_core.enums import Resolution, SecurityType, TickType
from lean_core.errors import DataError
from lean_core.symbols import Symbol
from lean_core.time import MarketHoursDatabase

NEW_YORK, UTC = ZoneInfo("America/New_York"), ZoneInfo("UTC")
MARKETS = {SecurityType.EQUITY: "usa", SecurityType.FOREX: "oanda", SecurityType.CRYPTO: "coinbase"}


def floats(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float64)


class TestFormatRows:
    def test_integers_and_fixed_decimals_are_spelled_in_full(self) -> None:
        text, ends = format_rows(
            [number_column(floats(0, 14_400_000), 0), number_column(floats(1.3868, 12.5), 5)]
        )
        assert text == b"0,1.38680\n14400000,12.50000\n"
        assert ends.tolist() == [10, 28]

    def test_trimmed_decimals_drop_trailing_zeros_and_a_bare_point(self) -> None:
        text, _ = format_rows([number_column(floats(611.9, 300, 0.05655554, 0), 8, trim=True)])
        assert text == b"611.9\n300\n0.05655554\n0\n"

    def test_scaled_prices_are_whole_deci_cents(self) -> None:
        text, _ = format_rows([number_column(floats(167.44, 0.01), 4, scaled=True)])
        assert text == b"1674400\n100\n"

    def test_missing_values_leave_the_field_empty(self) -> None:
        columns = [
            number_column(floats(1, 2), 0),
            number_column(floats(np.nan, 3.5), 1),
            number_column(floats(4, 5), 0),
        ]
        assert format_rows(columns)[0] == b"1,,4\n2,3.5,5\n"

    def test_text_columns_are_written_as_they_are(self) -> None:
        columns = [
            number_column(floats(1, 2), 0),
            TextColumn(np.array(["P", "NYSE"])),
            TextColumn(np.array(["", "x"])),
        ]
        assert format_rows(columns)[0] == b"1,P,\n2,NYSE,x\n"

    def test_a_price_off_the_grid_is_refused(self) -> None:
        with pytest.raises(ValueError, match="not a multiple of 1e-2"):
            number_column(floats(1.234), 2, what="price")


class TestNumberFormat:
    @pytest.mark.parametrize(
        ("security_type", "tick", "lot", "expected"),
        [
            (SecurityType.EQUITY, "0.01", "1", NumberFormat(4, 0, scaled=True)),
            (SecurityType.FOREX, "0.00001", "1", NumberFormat(5, 0)),
            (SecurityType.FOREX, "0.001", "1", NumberFormat(3, 0)),
            (SecurityType.CRYPTO, "0.01", "0.00000001", NumberFormat(2, 8, trim=True)),
        ],
    )
    def test_spelling_follows_security_type_and_grid(
        self, security_type: SecurityType, tick: str, lot: str, expected: NumberFormat
    ) -> None:
        assert NumberFormat.for_security(security_type, Decimal(tick), Decimal(lot)) == expected


class TestWriteZip:
    def test_one_named_entry_and_identical_bytes_for_identical_content(self, tmp_path: Path) -> None:
        for name in ("a.zip", "b.zip"):
            write_zip(tmp_path / name, "20240102_spy_minute_trade.csv", b"1,2\n", date(2024, 1, 2))
        with zipfile.ZipFile(tmp_path / "a.zip") as archive:
            assert archive.namelist() == ["20240102_spy_minute_trade.csv"]
            assert archive.read("20240102_spy_minute_trade.csv") == b"1,2\n"
        assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
        assert sorted(path.name for path in tmp_path.iterdir()) == ["a.zip", "b.zip"]


def test_a_frame_off_its_grid_is_refused_naming_the_file(tmp_path: Path) -> None:
    symbol = Symbol.create("SPY", SecurityType.EQUITY, "usa")
    times = np.array([1_704_205_800_000_000_000], dtype=np.int64)  # 2024-01-02 09:30 New York
    price = floats(100.00001)
    frame = TradeBarFrame(symbol, times, times + 60_000_000_000, price, price, price, price, floats(1))
    number_format = NumberFormat.for_security(SecurityType.EQUITY, Decimal("0.01"), Decimal(1))
    with pytest.raises(DataError, match=r"20240102_trade\.zip"):
        write_frame(tmp_path, frame, Resolution.MINUTE, data_time_zone=NEW_YORK, number_format=number_format)


# -- round trips of generated data -------------------------------------------------------------------------
def assert_same_frame(written: Frame, read: Frame) -> None:
    assert type(written) is type(read)
    if isinstance(written, TickFrame):
        columns: tuple[str, ...] = TICK_COLUMNS
    else:
        columns = TRADE_COLUMNS if isinstance(written, TradeBarFrame) else QUOTE_COLUMNS
    for column in columns:
        assert np.array_equal(getattr(written, column), getattr(read, column)), column


def frame_tick_type(frame: Frame) -> TickType:
    if isinstance(frame, TickFrame):
        return frame.tick_type
    return TickType.TRADE if isinstance(frame, TradeBarFrame) else TickType.QUOTE


def round_trip(folder: Path, security_type: SecurityType, ticker: str, resolution: Resolution) -> list[Frame]:
    """Simulate a few days, write every frame and aggregate, read each back and compare; return the frames."""
    market = MARKETS[security_type]
    config = GeneratorSettings(
        start=date(2024, 3, 8), end=date(2024, 3, 11), security_type=security_type, market=market, seed=3,
        resolution=resolution, tickers=(ticker,),
    )  # fmt: skip
    raw = {
        market_hours_key(security_type, market): msgspec.Raw(
            json.dumps(market_hours_entry(security_type, [2024]))
        )
    }
    entry = MarketHoursDatabase(raw).get_entry(market, None, security_type)
    rng = symbol_generator(config.seed, ticker, security_type)
    model = build_model(config, ticker, rng)
    symbol = Symbol.create(ticker, security_type, market)
    simulation = SymbolSimulation(config, model, symbol, entry, rng)
    number_format = NumberFormat.for_security(security_type, model.minimum_price_variation, model.lot_size)
    zone = entry.data_time_zone
    written: list[Frame] = []
    for day in simulation.run(resolution):
        for frame in day.frames:
            write_frame(folder, frame, resolution, data_time_zone=zone, number_format=number_format)
            request = ReadRequest(folder, symbol, resolution, frame_tick_type(frame), day.day, zone)
            assert_same_frame(frame, read_frame(request))
            written.append(frame)
    for aggregate in (Resolution.HOUR, Resolution.DAILY):
        for frame in simulation.aggregates(aggregate):
            write_frame(folder, frame, aggregate, data_time_zone=zone, number_format=number_format)
            assert_same_frame(
                frame, read_frame(ReadRequest(folder, symbol, aggregate, frame_tick_type(frame), None, zone))
            )
            written.append(frame)
    return written


class TestRoundTrip:
    @pytest.mark.parametrize(
        ("security_type", "ticker", "resolution", "kinds"),
        [
            (SecurityType.EQUITY, "SPY", Resolution.MINUTE, {"TradeBarFrame", "QuoteBarFrame"}),
            (SecurityType.EQUITY, "AAPL", Resolution.TICK, {"TickFrame", "TradeBarFrame"}),
            (SecurityType.FOREX, "EURUSD", Resolution.MINUTE, {"QuoteBarFrame"}),
            (SecurityType.FOREX, "USDJPY", Resolution.TICK, {"TickFrame", "QuoteBarFrame"}),
            (SecurityType.CRYPTO, "BTCUSD", Resolution.MINUTE, {"TradeBarFrame", "QuoteBarFrame"}),
            (SecurityType.CRYPTO, "ETHUSD", Resolution.TICK, {"TickFrame", "TradeBarFrame", "QuoteBarFrame"}),
        ],
    )
    def test_readers_read_back_exactly_what_was_written(
        self,
        tmp_path: Path,
        security_type: SecurityType,
        ticker: str,
        resolution: Resolution,
        kinds: set[str],
    ) -> None:
        written = round_trip(tmp_path, security_type, ticker, resolution)
        assert {type(frame).__name__ for frame in written} == kinds
        assert all(len(frame) for frame in written)

    def test_equity_lines_are_deci_cent_integers_on_the_cent_grid(self, tmp_path: Path) -> None:
        round_trip(tmp_path, SecurityType.EQUITY, "SPY", Resolution.MINUTE)
        symbol = Symbol.create("SPY", SecurityType.EQUITY, "usa")
        location = data_location(tmp_path, symbol, Resolution.MINUTE, TickType.TRADE, date(2024, 3, 8))
        with zipfile.ZipFile(location.path) as archive:
            lines = archive.read(location.entry).decode().split("\n")
        first = [int(field) for field in lines[0].split(",")]
        assert first[0] == 4 * 3_600_000 and all(price % 100 == 0 for price in first[1:5]) and first[5] > 0
        assert not lines[-1].endswith("\n") and len(lines) > 390


class TestLeanSampleFiles:
    @pytest.mark.parametrize(
        ("ticker", "security_type", "resolution", "tick_type", "day"),
        [
            ("SPY", SecurityType.EQUITY, Resolution.MINUTE, TickType.TRADE, date(2013, 10, 7)),
            ("SPY", SecurityType.EQUITY, Resolution.MINUTE, TickType.QUOTE, date(2013, 10, 7)),
            ("SPY", SecurityType.EQUITY, Resolution.HOUR, TickType.TRADE, None),
            ("SPY", SecurityType.EQUITY, Resolution.DAILY, TickType.TRADE, None),
            ("BTCUSD", SecurityType.CRYPTO, Resolution.MINUTE, TickType.TRADE, date(2016, 10, 7)),
            ("BTCUSD", SecurityType.CRYPTO, Resolution.DAILY, TickType.TRADE, None),
        ],
    )
    def test_rewriting_a_lean_file_reproduces_its_rows_byte_for_byte(
        self,
        lean_data_folder: Path,
        tmp_path: Path,
        ticker: str,
        security_type: SecurityType,
        resolution: Resolution,
        tick_type: TickType,
        day: date | None,
    ) -> None:
        symbol = Symbol.create(ticker, security_type, MARKETS[security_type])
        zone = NEW_YORK if security_type == SecurityType.EQUITY else UTC
        frame = read_frame(ReadRequest(lean_data_folder, symbol, resolution, tick_type, day, zone))
        lot = Decimal("0.00000001") if security_type == SecurityType.CRYPTO else Decimal(1)
        number_format = NumberFormat.for_security(security_type, Decimal("0.01"), lot)
        write_frame(tmp_path, frame, resolution, data_time_zone=zone, number_format=number_format)
        original = data_location(lean_data_folder, symbol, resolution, tick_type, day)
        rewritten = data_location(tmp_path, symbol, resolution, tick_type, day)
        with zipfile.ZipFile(original.path) as before, zipfile.ZipFile(rewritten.path) as after:
            assert after.namelist() == [original.entry] == before.namelist()
            # Some of LEAN's older vendor files end lines with CRLF; LEAN reads both, and writes LF.
            assert after.read(original.entry) == before.read(original.entry).replace(b"\r\n", b"\n")
