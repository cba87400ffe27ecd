"""Builders for indicator tests: LEAN's reference files as rows, and LEAN's generic test inputs."""

from __future__ import annotations

import csv
import functools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from lean_core.data.bars import TradeBar
from lean_core.enums import Market, SecurityType
from lean_core.indicators import (
    BarIndicator,
    IndicatorBase,
    IndicatorDataPoint,
    IntradayVwap,
    TradeBarIndicator,
)
from lean_core.symbols import Symbol

Row = dict[str, str]
ReadRows = Callable[[str], list[Row]]
MakeInput = Callable[[IndicatorBase[Any], int], IndicatorDataPoint | TradeBar]
FeedRow = Callable[[IndicatorBase[Any], Row], datetime]

_DATE_FORMATS = (
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y",
    "%m/%d/%y %I:%M %p",
    "%m/%d/%Y %I:%M %p",
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %I:%M:%S %p",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y/%m/%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y%m%d",
    "%Y%m%d %H:%M",
)


@functools.cache
def parse_reference_time(text: str) -> datetime:
    """Read a reference file's date: the US, ISO and compact forms LEAN's files use, or Unix seconds."""
    text = text.strip()
    if text.isdigit() and len(text) != 8:
        return datetime.fromtimestamp(int(text), UTC).replace(tzinfo=None)
    # a file keeps one format: try the one that read the previous date first
    for date_format in (_last_format[0], *_DATE_FORMATS):
        try:
            parsed = datetime.strptime(text, date_format)
        except ValueError:
            continue
        _last_format[0] = date_format
        return parsed
    raise ValueError(f"unrecognised reference date {text!r}")


_last_format = [_DATE_FORMATS[0]]


def _read_rows(path: Path) -> Iterator[Row]:
    # some files open with a byte-order mark
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = [name.strip().lower() for name in next(reader)]
        for values in reader:
            if values:
                yield dict(zip(header, (value.strip() for value in values), strict=False))


@pytest.fixture(scope="session")
def reference_rows(lean_testdata_folder: Path) -> ReadRows:
    """Return a function reading a LEAN reference file into rows keyed by lower-case column name."""
    cache: dict[str, list[Row]] = {}

    def read(file_name: str) -> list[Row]:
        if file_name not in cache:
            cache[file_name] = list(_read_rows(lean_testdata_folder / file_name))
        return cache[file_name]

    return read


def row_time(row: Row) -> datetime:
    """Return a reference row's time (its `date` or `time` column)."""
    return parse_reference_time(row.get("date") or row["time"])


def row_bar(row: Row) -> TradeBar:
    """Return a reference row as a trade bar starting at the row's time.

    As LEAN's test helper builds it: one minute long, with no symbol, and no volume where the
    file has none.
    """
    time = row_time(row)
    volume = float(row["volume"]) if row.get("volume") else 0.0
    return TradeBar(
        None,  # type: ignore[arg-type]
        time,
        time + timedelta(minutes=1),
        float(row["open"]),
        float(row["high"]),
        float(row["low"]),
        float(row["close"]),
        volume,
    )


def takes_bars(indicator: IndicatorBase[Any]) -> bool:
    """Return True for an indicator of bars rather than of single values."""
    return isinstance(indicator, BarIndicator | TradeBarIndicator | IntradayVwap)


@pytest.fixture(scope="session")
def feed_row() -> FeedRow:
    """Return a function feeding a reference row to an indicator (a bar, or the close) and returning its time.

    As LEAN's test helper does, indicators of data points get `update(time, close)` and the
    others (of bars) get the row as a trade bar.
    """

    def feed(indicator: IndicatorBase[Any], row: Row) -> datetime:
        if takes_bars(indicator):
            bar = row_bar(row)
            indicator.update(bar)
            return bar.time
        time = row_time(row)
        indicator.update(time, float(row["close"]))
        return time

    return feed


@pytest.fixture(scope="session")
def spy() -> Symbol:
    """Return SPY's symbol."""
    return Symbol.create("SPY", SecurityType.EQUITY, Market.USA)


@pytest.fixture
def make_input(spy: Symbol) -> MakeInput:
    """Return LEAN's generic test input for day `days` after 2019-01-01: close 100 + days.

    Bar indicators get a bar (open 100 + days, high 105 + days, low 95 + days), others a point.
    """
    start = datetime(2019, 1, 1)

    def make(indicator: IndicatorBase[Any], days: int) -> IndicatorDataPoint | TradeBar:
        time = start + timedelta(days=days)
        if takes_bars(indicator):
            end_time = time + timedelta(days=1)
            return TradeBar(spy, time, end_time, 100 + days, 105 + days, 95 + days, 100 + days, 100)
        return IndicatorDataPoint(spy, time, 100 + days)

    return make
