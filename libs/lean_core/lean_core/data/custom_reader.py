"""Read a custom data subscription: call the type's `get_source` per date and its `reader` per line.

Follows LEAN's `SubscriptionDataReader` for custom data:

- dates run over the exchange's tradable days (every day for custom data, which is always open);
  consecutive dates with an equal source share one read of it, with the first date passed to
  `reader` (a single file holding all history is read once);
- while a source is read, a point at or after the start of the next date whose source differs
  ends that source: the next source takes over (LEAN's date change swaps the enumerator);
- a point is dropped when the reader returns None, leaves its end time unset, ends before the
  previous point, or ends before the requested start; the first point starting after the
  requested end stops the subscription;
- a line the reader fails on is logged with file, line number and error, then skipped, as LEAN's
  reader-error event does; a missing local file is skipped (custom data is sparse by default);
- local files are read whole: plain text, or a zip (its first entry, or `path.zip#entry`).

Remote, REST, streaming and object-store sources cannot be reached from a backtest here: they
raise a `CustomDataError` naming the URL.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from lean_core.data.custom_data import (
    MIN_TIME,
    CustomDataError,
    DynamicData,
    FileFormat,
    PythonData,
    SubscriptionDataSource,
    SubscriptionTransportMedium,
)
from lean_core.data.custom_frame import CustomDataFrame
from lean_core.data.readers.archive import entry_names, read_entry
from lean_core.data.subscription import SubscriptionDataConfig
from lean_core.enums import Resolution
from lean_core.errors import DataError, MissingDataError
from lean_core.time.exchange_hours import SecurityExchangeHours

__all__ = ["CustomDataRead", "read_custom_data", "read_source_lines"]

logger = logging.getLogger(__name__)

#: How many failing lines of one source are logged one by one before only the count is.
MAX_LOGGED_ERRORS = 10
_LINE_PREVIEW = 200


@dataclass(slots=True)
class CustomDataRead:
    """A custom subscription's points for a time range, and what could not be read."""

    frame: CustomDataFrame
    missing_sources: list[str] = field(default_factory=list)
    bad_lines: int = 0


@dataclass(slots=True)
class _Run:
    """Consecutive dates sharing one source."""

    source: SubscriptionDataSource
    first_date: date
    next_change: date | None = None


def read_custom_data(
    data_class: type[PythonData],
    config: SubscriptionDataConfig,
    hours: SecurityExchangeHours,
    start: datetime,
    end: datetime,
) -> CustomDataRead:
    """Return the subscription's points with end times from `start` and times up to `end` (exchange-local)."""
    try:
        factory = data_class()
    except Exception as error:
        raise CustomDataError(f"{data_class.__name__}() failed: {type(error).__name__}: {error}") from error
    result = CustomDataRead(CustomDataFrame.empty(config.symbol, data_class.__name__))
    points: list[DynamicData] = []
    previous: DynamicData | None = None
    ticks = config.resolution == Resolution.TICK
    for run in _runs(factory, config, hours, start.date(), end.date()):
        for point in _run_points(factory, config, run, result):
            if previous is not None and not ticks and point.end_time < previous.end_time:
                continue  # LEAN skips custom data that goes back in time
            previous = point
            if point.end_time < start:
                continue
            if point.time > end:
                return _finish(result, config, points, data_class)
            points.append(point)
    return _finish(result, config, points, data_class)


def _finish(
    result: CustomDataRead,
    config: SubscriptionDataConfig,
    points: list[DynamicData],
    data_class: type[PythonData],
) -> CustomDataRead:
    frame = CustomDataFrame.from_points(config.symbol, points, config.exchange_time_zone, data_class.__name__)
    result.frame = frame.with_class(data_class)
    return result


def _runs(
    factory: PythonData, config: SubscriptionDataConfig, hours: SecurityExchangeHours, first: date, last: date
) -> list[_Run]:
    runs: list[_Run] = []
    day = first
    while day <= last:
        if hours.is_date_open(day, True):
            source = _source(factory, config, day)
            if source is not None and source.source and (not runs or source != runs[-1].source):
                if runs:
                    runs[-1].next_change = day
                runs.append(_Run(source, day))
        day += timedelta(days=1)
    return runs


def _source(factory: PythonData, config: SubscriptionDataConfig, day: date) -> SubscriptionDataSource | None:
    try:
        source = factory.get_source(config, datetime.combine(day, time()), False)
    except Exception as error:
        raise CustomDataError(
            f"{type(factory).__name__}.get_source failed for {day}: {type(error).__name__}: {error}"
        ) from error
    if source is not None and not isinstance(source, SubscriptionDataSource):
        raise CustomDataError(
            f"{type(factory).__name__}.get_source must return a SubscriptionDataSource, got {source!r}"
        )
    return source


def _run_points(
    factory: PythonData, config: SubscriptionDataConfig, run: _Run, result: CustomDataRead
) -> Iterator[DynamicData]:
    source = run.source
    lines = read_source_lines(source)
    if lines is None:
        result.missing_sources.append(source.source)
        return
    read_date = datetime.combine(run.first_date, time())
    points = _parse(factory, config, source, lines, read_date, result)
    if source.sort:
        points.sort(key=lambda point: point.end_time)
    change = datetime.combine(run.next_change, time()) if run.next_change else None
    for point in points:
        if change is not None and point.time >= change:
            return
        yield point


def _parse(
    factory: PythonData,
    config: SubscriptionDataConfig,
    source: SubscriptionDataSource,
    lines: list[str],
    read_date: datetime,
    result: CustomDataRead,
) -> list[DynamicData]:
    points: list[DynamicData] = []
    errors = 0
    for number, line in enumerate(lines, start=1):
        try:
            output = factory.reader(config, line, read_date, False)
        except Exception as error:
            errors += 1
            if errors <= MAX_LOGGED_ERRORS:
                logger.warning(
                    "%s reader failed on %s, line %d (%s: %s); line skipped: %r",
                    type(factory).__name__,
                    source.source,
                    number,
                    type(error).__name__,
                    error,
                    line[:_LINE_PREVIEW],
                )
            continue
        points.extend(_accepted(output))
    if errors > MAX_LOGGED_ERRORS:
        logger.warning(
            "%s reader failed on %d lines of %s in all; those lines were skipped",
            type(factory).__name__,
            errors,
            source.source,
        )
    result.bad_lines += errors
    return points


def _accepted(output: Any) -> list[DynamicData]:
    """Return the points a reader produced: none, one, or a collection to unfold."""
    if output is None:
        return []
    items = output if isinstance(output, list | tuple) else [output]
    accepted = []
    for item in items:
        if not isinstance(item, DynamicData):
            raise CustomDataError(
                f"a custom data reader must return PythonData instances or None, got {type(item).__name__}"
            )
        if item.end_time != MIN_TIME:  # LEAN drops points whose end time was never set
            accepted.append(item)
    return accepted


def read_source_lines(source: SubscriptionDataSource) -> list[str] | None:
    """Return the lines of a local source (None when the file does not exist)."""
    if source.transport_medium != SubscriptionTransportMedium.LOCAL_FILE:
        raise CustomDataError(
            f"custom data source {source.source} is {source.transport_medium.name}: backtests here read "
            "local files only; download it into the data folder and return a LOCAL_FILE source"
        )
    path_text, _, entry = source.source.partition("#")
    path = Path(path_text)
    if source.format == FileFormat.ZIP_ENTRY_NAME:
        return _entry_names(path)
    if source.format not in (FileFormat.CSV, FileFormat.UNFOLDING_COLLECTION):
        raise CustomDataError(
            f"custom data source {source.source}: format {source.format.name} is not supported "
            "(CSV, UNFOLDING_COLLECTION and ZIP_ENTRY_NAME are)"
        )
    try:
        content = _read_bytes(path, entry)
    except MissingDataError:
        return None
    return content.decode("utf-8-sig", errors="replace").splitlines()


def _read_bytes(path: Path, entry: str) -> bytes:
    if path.suffix.lower() != ".zip":
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise MissingDataError("no data file", path=path) from None
        except OSError as error:
            raise DataError(f"cannot read the file ({error})", path=path) from None
    names = entry_names(path)
    if not names:
        raise DataError("the zip holds no entry", path=path)
    return read_entry(path, entry or names[0])[1]


def _entry_names(path: Path) -> list[str] | None:
    try:
        return entry_names(path)
    except MissingDataError:
        return None
