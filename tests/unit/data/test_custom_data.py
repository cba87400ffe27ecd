"""Custom data: PythonData points, their sources, the reader contract on real files, the wire form."""

from __future__ import annotations

import logging
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from lean_core.bus.codec import decode, encode, pack_frame, unpack_frame
from lean_core.bus.messages import DataBatch, FrameColumns
from lean_core.data.custom_data import (
    CustomDataError,
    CustomDataTypes,
    Extensions,
    FileFormat,
    PythonData,
    SubscriptionDataSource,
    SubscriptionTransportMedium,
    to_snake_case,
)
from lean_core.data.custom_frame import CustomDataFrame
from lean_core.data.custom_reader import read_custom_data
from lean_core.data.subscription import SubscriptionDataConfig
from lean_core.enums import Resolution, SecurityType, TickType
from lean_core.symbols import Symbol
from lean_core.time.exchange_hours import SecurityExchangeHours
from lean_core.time.time_zones import TimeZones

NY = TimeZones.NEW_YORK
SYMBOL = Symbol.create("BTC", SecurityType.BASE, "usa")
HOURS = SecurityExchangeHours.always_open(NY)


def _config(resolution: Resolution = Resolution.DAILY) -> SubscriptionDataConfig:
    return SubscriptionDataConfig(SYMBOL, resolution, TickType.TRADE, NY, NY, fill_forward=False)


# -- data points --------------------------------------------------------------------------------
class Coin(PythonData):
    """A daily point per line "yyyymmdd,close,volume"; a header line gives None."""

    source = ""
    format = FileFormat.CSV

    def get_source(self, config: Any, date: datetime, is_live_mode: bool) -> SubscriptionDataSource:
        return SubscriptionDataSource(type(self).source, format=self.format)

    def reader(self, config: Any, line: str, date: datetime, is_live_mode: bool) -> Coin | None:
        if line.startswith("date"):
            return None
        fields = line.split(",")
        coin = Coin()
        coin.symbol = config.symbol
        coin.time = datetime.strptime(fields[0], "%Y%m%d")
        coin.end_time = coin.time + timedelta(days=1)
        coin.value = float(fields[1])
        coin["Close"] = float(fields[1])
        coin["VolumeBTC"] = float(fields[2])
        return coin


def test_dynamic_properties_read_back_ignoring_case_and_in_snake_case() -> None:
    coin = Coin()
    coin["VolumeBTC"] = 12.5
    coin["Exchange"] = "gdax"

    assert coin["volumebtc"] == coin.VolumeBTC == coin.volume_btc == coin.get_property("VOLUMEBTC") == 12.5
    assert coin.exchange == "gdax"
    assert coin.has_property("exchange") and not coin.has_property("close")
    assert coin.get_storage_dictionary() == {"volumebtc": 12.5, "exchange": "gdax"}


def test_a_missing_property_names_the_ones_that_exist() -> None:
    coin = Coin()
    coin["Close"] = 1.0

    with pytest.raises(KeyError, match=r"'open' does not exist.*close"):
        coin.get_property("Open")
    with pytest.raises(AttributeError, match="no attribute or property 'open'; properties: close"):
        _ = coin.open


def test_base_fields_set_by_property_name_reach_the_point() -> None:
    coin = Coin()
    coin["Value"] = 3.5
    coin["Time"] = datetime(2020, 1, 2)

    assert (coin.value, coin.price, coin.time, coin["value"]) == (3.5, 3.5, datetime(2020, 1, 2), 3.5)


def test_end_time_defaults_to_time_and_setting_it_first_sets_time() -> None:
    coin = Coin()
    coin.time = datetime(2020, 1, 2)
    assert coin.end_time == datetime(2020, 1, 2) and coin.period == timedelta(0)

    other = Coin()
    other.end_time = datetime(2020, 1, 3)
    assert other.time == other.end_time == datetime(2020, 1, 3)


def test_clone_copies_the_properties() -> None:
    coin = Coin()
    coin["Close"] = 1.0
    copy = coin.clone()
    copy["Close"] = 2.0

    assert (coin.close, copy.close) == (1.0, 2.0)


def test_snake_case_follows_lean() -> None:
    assert [to_snake_case(n) for n in ("VolumeBTC", "WeightedPrice", "close", "BTCUsd")] == [
        "volume_btc",
        "weighted_price",
        "close",
        "btc_usd",
    ]


def test_source_defaults_follow_the_address_and_compare_by_place() -> None:
    remote = SubscriptionDataSource("https://example.com/btc.csv")
    local = SubscriptionDataSource("/data/btc.csv", SubscriptionTransportMedium.LOCAL_FILE)

    assert remote.transport_medium == SubscriptionTransportMedium.REMOTE_FILE
    assert (local.transport_medium, local.format, local.sort) == (
        SubscriptionTransportMedium.LOCAL_FILE,
        FileFormat.CSV,
        False,
    )
    assert local == SubscriptionDataSource("/data/btc.csv", format=FileFormat.ZIP_ENTRY_NAME)
    assert local != remote


def test_extensions_convert_zones_and_name_tick_types() -> None:
    utc_midnight = datetime(2022, 12, 13)

    assert Extensions.convert_to(utc_midnight, TimeZones.UTC, NY) == datetime(2022, 12, 12, 19)
    assert Extensions.tick_type_to_lower(TickType.OPEN_INTEREST) == "openinterest"


def test_custom_types_come_from_a_module_and_unknown_names_are_explained() -> None:
    module = ModuleType("algo")
    module.Coin = Coin  # type: ignore[attr-defined]
    module.PythonData = PythonData  # type: ignore[attr-defined]
    types = CustomDataTypes.from_module(module)

    assert types.resolve("Coin") is Coin and len(types) == 1
    with pytest.raises(CustomDataError, match=r"'Gold' is unknown.*known: Coin.*top level"):
        types.resolve("Gold")


# -- reading sources ----------------------------------------------------------------------------
def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n")
    return path


def _read(source: str, start: datetime, end: datetime, cls: type[Coin] = Coin) -> Any:
    cls.source = source
    return read_custom_data(cls, _config(), HOURS, start, end)


ROWS = ["date,close,volume", "20200101,10.5,1", "20200102,11.5,2", "20200103,12.5,3", "20200104,13.5,4"]


def test_a_header_line_is_skipped_and_the_range_keeps_points_ending_in_it(tmp_path: Path) -> None:
    path = _write(tmp_path / "btc.csv", ROWS)

    read = _read(str(path), datetime(2020, 1, 2), datetime(2020, 1, 3, 23, 59))

    frame = read.frame
    # the 01-01 point ends on 01-02 00:00, the start, so it is kept; 01-04 starts after the end
    assert [p.time.day for p in (frame.point(i, NY) for i in range(len(frame)))] == [1, 2, 3]
    assert frame.point(2, NY).close == 12.5 and isinstance(frame.point(2, NY), Coin)
    assert read.missing_sources == [] and read.bad_lines == 0


def test_a_single_file_is_read_once_however_many_days(tmp_path: Path) -> None:
    path = _write(tmp_path / "btc.csv", ROWS)
    calls: list[datetime] = []

    class Counting(Coin):
        def reader(self, config: Any, line: str, date: datetime, is_live_mode: bool) -> Coin | None:
            calls.append(date)
            return super().reader(config, line, date, is_live_mode)

    _read(str(path), datetime(2020, 1, 1), datetime(2020, 1, 4), Counting)

    assert len(calls) == len(ROWS) and set(calls) == {datetime(2020, 1, 1)}


class PerDay(PythonData):
    """Hourly points from one file per day ("h:<hour>,<value>"), under `folder`."""

    folder = Path()

    def get_source(self, config: Any, date: datetime, is_live_mode: bool) -> SubscriptionDataSource:
        return SubscriptionDataSource(str(PerDay.folder / f"{date:%Y%m%d}.csv"))

    def reader(self, config: Any, line: str, date: datetime, is_live_mode: bool) -> PythonData:
        point = PerDay()
        hour, value = line[2:].split(",")
        point.time = date + timedelta(hours=int(hour))
        point.value = float(value)
        return point


def _read_days(folder: Path, end: datetime) -> Any:
    PerDay.folder = folder
    return read_custom_data(PerDay, _config(Resolution.HOUR), HOURS, datetime(2020, 1, 1), end)


def test_daily_files_are_read_per_date_with_that_date(tmp_path: Path) -> None:
    for day in (1, 2):
        _write(tmp_path / f"2020010{day}.csv", ["h:0,1.0", "h:12,2.0"])

    read = _read_days(tmp_path, datetime(2020, 1, 3))

    times = [read.frame.point(i, NY).time for i in range(len(read.frame))]
    noon = timedelta(hours=12)
    first, second = datetime(2020, 1, 1), datetime(2020, 1, 2)
    assert times == [first, first + noon, second, second + noon]
    assert read.missing_sources == [str(tmp_path / "20200103.csv")]


def test_a_point_reaching_the_next_source_s_date_ends_the_file(tmp_path: Path) -> None:
    # LEAN swaps to the next date's source when a point reaches that date: the rest is not read
    _write(tmp_path / "20200101.csv", ["h:0,1.0", "h:24,2.0", "h:25,3.0"])
    _write(tmp_path / "20200102.csv", ["h:1,4.0"])

    read = _read_days(tmp_path, datetime(2020, 1, 2, 23))

    assert read.frame.value.tolist() == [1.0, 4.0]


def test_zip_sources_read_the_first_entry_or_the_named_one(tmp_path: Path) -> None:
    path = tmp_path / "btc.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("first.csv", "\n".join(ROWS))
        archive.writestr("second.csv", "20200101,99.0,1")
    start, end = datetime(2020, 1, 1), datetime(2020, 1, 5)

    assert _read(str(path), start, end).frame.value.tolist() == [10.5, 11.5, 12.5, 13.5]
    assert _read(f"{path}#second.csv", start, end).frame.value.tolist() == [99.0]


def test_zip_entry_names_are_the_lines_of_that_format(tmp_path: Path) -> None:
    path = tmp_path / "names.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("20200101,10.5,1", "")
        archive.writestr("20200102,11.5,2", "")

    class Names(Coin):
        format = FileFormat.ZIP_ENTRY_NAME

    read = _read(str(path), datetime(2020, 1, 1), datetime(2020, 1, 5), Names)

    assert read.frame.value.tolist() == [10.5, 11.5]


def test_a_line_the_reader_fails_on_is_logged_with_file_and_line_then_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = _write(tmp_path / "btc.csv", [*ROWS[:2], "20200102,not-a-number,2", *ROWS[3:]])

    with caplog.at_level(logging.WARNING):
        read = _read(str(path), datetime(2020, 1, 1), datetime(2020, 1, 5))

    assert read.frame.value.tolist() == [10.5, 12.5, 13.5] and read.bad_lines == 1
    assert f"Coin reader failed on {path}, line 3 (ValueError" in caplog.text
    assert "'20200102,not-a-number,2'" in caplog.text


def test_points_without_end_time_or_going_back_in_time_are_dropped(tmp_path: Path) -> None:
    path = _write(tmp_path / "btc.csv", ["20200102,1.0,1", "20200101,2.0,1", "skip", "20200103,3.0,1"])

    class Lenient(Coin):
        def reader(self, config: Any, line: str, date: datetime, is_live_mode: bool) -> Coin | None:
            if line == "skip":
                return Lenient()  # LEAN drops a point whose end time was never set
            return super().reader(config, line, date, is_live_mode)

    read = _read(str(path), datetime(2020, 1, 1), datetime(2020, 1, 5), Lenient)

    assert read.frame.value.tolist() == [1.0, 3.0]


def test_sorted_sources_are_ordered_by_end_time(tmp_path: Path) -> None:
    path = _write(tmp_path / "btc.csv", ["20200103,3.0,1", "20200101,1.0,1", "20200102,2.0,1"])

    class Sorted(Coin):
        def get_source(self, config: Any, date: datetime, is_live_mode: bool) -> SubscriptionDataSource:
            source = super().get_source(config, date, is_live_mode)
            source.sort = True
            return source

    assert _read(str(path), datetime(2020, 1, 1), datetime(2020, 1, 5), Sorted).frame.value.tolist() == [
        1.0,
        2.0,
        3.0,
    ]


def test_remote_sources_fail_naming_the_address() -> None:
    with pytest.raises(
        CustomDataError, match=r"https://example.com/btc.csv is REMOTE_FILE.*local files only"
    ):
        _read("https://example.com/btc.csv", datetime(2020, 1, 1), datetime(2020, 1, 2))


def test_unsupported_formats_are_named(tmp_path: Path) -> None:
    class Binary(Coin):
        format = FileFormat.BINARY

    with pytest.raises(CustomDataError, match="format BINARY is not supported"):
        _read(str(_write(tmp_path / "b.bin", ["x"])), datetime(2020, 1, 1), datetime(2020, 1, 2), Binary)


def test_a_missing_local_file_is_counted_not_fatal(tmp_path: Path) -> None:
    read = _read(str(tmp_path / "none.csv"), datetime(2020, 1, 1), datetime(2020, 1, 2))

    assert len(read.frame) == 0 and read.missing_sources == [str(tmp_path / "none.csv")]


# -- columns and the wire -----------------------------------------------------------------------
def _rich_points() -> list[Coin]:
    points = []
    for day, close in ((1, 10.5), (2, 11.5)):
        coin = Coin()
        coin.time = datetime(2020, 1, day)
        coin.end_time = coin.time + timedelta(days=1)
        coin.value = close
        coin["Close"] = close
        coin["Trades"] = day * 3
        coin["Venue"] = "gdax"
        coin["Exact"] = Decimal("1.10")
        coin["Seen"] = datetime(2020, 1, day, 12)
        coin["Pair"] = SYMBOL
        if day == 2:
            coin["Note"] = "late"
        coin.tags = ["a", day]  # a plain attribute
        points.append(coin)
    return points


def test_points_survive_the_wire_as_the_user_s_class() -> None:
    frame = CustomDataFrame.from_points(SYMBOL, _rich_points(), NY)
    packed = pack_frame(0, frame, np.array([0, 1], dtype=np.int64))
    batch = DataBatch(run_id="r", index=0, times=b"", frames=[packed])
    wire = decode(encode(batch))
    assert isinstance(wire, DataBatch)
    restored = unpack_frame(wire.frames[0], SYMBOL)
    assert isinstance(restored, CustomDataFrame) and restored.type_name == "Coin"

    second = restored.with_class(Coin).point(1, NY)

    assert isinstance(second, Coin)
    assert (second.time, second.end_time, second.value) == (datetime(2020, 1, 2), datetime(2020, 1, 3), 11.5)
    assert (second.close, second.trades, second.venue, second.note) == (11.5, 6, "gdax", "late")
    assert (second.exact, second.seen, second.pair) == (Decimal("1.10"), datetime(2020, 1, 2, 12), SYMBOL)
    assert second.tags == ["a", 2]
    first = restored.with_class(Coin).point(0, NY)
    assert not first.has_property("note")


def test_float_properties_travel_as_columns_and_the_rest_as_objects() -> None:
    packed: FrameColumns = pack_frame(0, CustomDataFrame.from_points(SYMBOL, _rich_points(), NY), np.zeros(0))

    assert "p:Close" in packed.columns and "p:Trades" in packed.object_columns
    assert packed.kind == "custom" and packed.custom_type == "Coin"


def test_values_that_cannot_travel_are_named() -> None:
    coin = _rich_points()[0]
    coin["Handle"] = object()

    with pytest.raises(CustomDataError, match="'Handle' holds a object"):
        pack_frame(0, CustomDataFrame.from_points(SYMBOL, [coin], NY), np.zeros(1, dtype=np.int64))


def test_select_keeps_rows_of_every_column() -> None:
    frame = CustomDataFrame.from_points(SYMBOL, _rich_points(), NY)

    part = frame.select(np.array([1]))

    assert part.point(0, NY).note == "late" and part.value.tolist() == [11.5]
    assert frame.select(slice(0, 0)).objects["p:Venue"] == []


def test_dates_travel_too() -> None:
    coin = _rich_points()[0]
    coin["Day"] = date(2020, 1, 1)
    coin["Span"] = timedelta(hours=5)
    frame = CustomDataFrame.from_points(SYMBOL, [coin], NY)
    restored = unpack_frame(decode_frame(pack_frame(0, frame, np.zeros(1, dtype=np.int64))), SYMBOL)

    assert isinstance(restored, CustomDataFrame)
    assert (restored.point(0, NY).day, restored.point(0, NY).span) == (date(2020, 1, 1), timedelta(hours=5))


def decode_frame(packed: FrameColumns) -> FrameColumns:
    batch = decode(encode(DataBatch(run_id="r", index=0, times=b"", frames=[packed])))
    assert isinstance(batch, DataBatch)
    return batch.frames[0]


def test_a_failing_get_source_is_reported_with_the_type_and_date() -> None:
    class Broken(Coin):
        def get_source(self, config: Any, date: datetime, is_live_mode: bool) -> SubscriptionDataSource:
            raise RuntimeError("no folder")

    with pytest.raises(
        CustomDataError, match=r"Broken.get_source failed for 2020-01-01: RuntimeError: no folder"
    ):
        _read("", datetime(2020, 1, 1), datetime(2020, 1, 2), Broken)
