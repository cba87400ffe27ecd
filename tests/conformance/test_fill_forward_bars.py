"""LEAN's fill-forward expectations (`FillForwardBars.zip` in LEAN's test data).

Each `enum_*` entry lists the fill-forward bars LEAN emits between two bars `N` days apart,
for an exchange, a data time zone, a data resolution and a fill-forward resolution, starting
on 2011-03-07 (around the spring DST change) or 2011-10-31 (around the autumn one).
"""

from __future__ import annotations

import re
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from lean_core.data.fill_forward import BarSpan, FillForwarder
from lean_core.enums import Market, Resolution, SecurityType
from lean_core.time.market_hours import MarketHoursDatabase

_ENTRY = re.compile(
    r"enum_(?P<dst>DST|ST)_(?P<days>\d+)_(?P<exchange>.+?)_(?P<data>UTC-05|UTC|America_New_York)_(?P<res>\w+?)_(?P<ff>\w+)\.txt"
)
_REFERENCES = {"DST": datetime(2011, 3, 7), "ST": datetime(2011, 10, 31)}
# The data zones LEAN's test pairs with each exchange: a fixed UTC-5 offset goes with the
# FXCM forex exchange, New York with US equities, UTC with Oanda forex.
_EXCHANGES = {
    "UTC-05": (SecurityType.FOREX, Market.FXCM, ZoneInfo("Etc/GMT+5")),
    "America_New_York": (SecurityType.EQUITY, Market.USA, ZoneInfo("America/New_York")),
    "UTC": (SecurityType.FOREX, Market.OANDA, ZoneInfo("UTC")),
}


def _entries(folder: Path | None) -> list[str]:
    if folder is None:
        return []
    with zipfile.ZipFile(folder / "FillForwardBars.zip") as archive:
        return sorted(name for name in archive.namelist() if name.startswith("enum_"))


def _testdata_folder() -> Path | None:
    from tests.conftest import _shared_folder

    return _shared_folder("LEAN_TESTDATA_FOLDER", "lean-testdata")


def _format(value: datetime) -> str:
    return f"{value:%Y.%m.%d} {value.hour}:{value.minute}:{value.second}"


@pytest.fixture(scope="module")
def market_hours(lean_data_folder: Path) -> MarketHoursDatabase:
    return MarketHoursDatabase.from_data_folder(lean_data_folder)


@pytest.mark.parametrize("entry", _entries(_testdata_folder()) or ["no-test-data"])
def test_fill_forward_bars_match_lean(
    entry: str, market_hours: MarketHoursDatabase, lean_testdata_folder: Path
) -> None:
    match = _ENTRY.fullmatch(entry)
    assert match is not None, entry
    security_type, market, data_zone = _EXCHANGES[match["data"]]
    hours = market_hours.get_entry(market, None, security_type).exchange_hours
    resolution = Resolution.parse(match["res"]).to_timedelta()
    forwarder = FillForwarder(
        hours,
        data_zone,
        resolution,
        Resolution.parse(match["ff"]).to_timedelta(),
        extended_market_hours=False,
    )
    reference = _REFERENCES[match["dst"]]
    first_start = _convert(reference, data_zone, hours.time_zone)
    second_start = _convert(reference + timedelta(days=int(match["days"])), data_zone, hours.time_zone)

    produced = forwarder.between(
        BarSpan(first_start, first_start + resolution), BarSpan(second_start, second_start + resolution)
    )

    with zipfile.ZipFile(lean_testdata_folder / "FillForwardBars.zip") as archive:
        expected = archive.read(entry).decode().splitlines()
    assert [f"{_format(bar.time)} - {_format(bar.end_time)}" for bar in produced] == expected


def _convert(value: datetime, source: ZoneInfo, target: ZoneInfo) -> datetime:
    return value.replace(tzinfo=source).astimezone(target).replace(tzinfo=None)
