"""One subscription's frame in a data batch, and how its rows reach the cache and the slice.

A row becomes a bar object once, when the slice or the cache first reads it, and the two share
it. Once a frame is read step after step its columns are copied to lists, and its rows reach
the security's cache as their floats (see `cache_entries`): a held security whose price alone
is read every step then builds no bar at all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from lean_core.data.bars import (
    QuoteBar,
    QuoteBarFrame,
    Tick,
    TickFrame,
    TradeBar,
    TradeBarFrame,
    local_datetimes,
    quote_bar_at,
    trade_bar_at,
)
from lean_core.data.custom_data import DynamicData
from lean_core.engine.security_updates import (
    BarFrame,
    FactorRun,
    PriceFactors,
    data_point,
    factor_run,
    put_point,
)
from lean_core.securities.cache_entries import QuoteBarEntry, TradeBarEntry
from lean_core.securities.security import Security

__all__ = ["DataPoint", "FrameRows"]

DataPoint = TradeBar | QuoteBar | Tick | DynamicData
BoolArray = npt.NDArray[np.bool_]
Int64Array = npt.NDArray[np.int64]
_ROWS_BEFORE_LISTS = 16
"""Rows a frame reads from its arrays before it copies its columns to lists."""


@dataclass(slots=True)
class FrameRows:
    """One subscription's frame in a batch and the row (or tick rows) it has at each step."""

    security: Security
    frame: BarFrame
    rows: Int64Array
    factors: PriceFactors
    is_internal: bool
    _last_real_step: Int64Array | None = None
    _last_real_rows: list[int] | None = None
    _row_list: list[int] | None = None
    _points: dict[int, DataPoint] = field(default_factory=dict)
    _reads: int = 0
    _lists: tuple[list[Any], ...] | None = None
    _times: tuple[list[datetime], list[datetime]] = ([], [])
    _factor_run: FactorRun = (0, -1, None)

    @property
    def last_real_step(self) -> Int64Array | None:
        """Per step, the latest step up to it with a real (not filled-forward) bar; None for ticks and custom.

        Worked out on first use: a batch's frames are built by several handlers, not all of which look.
        """
        steps = self._last_real_step
        if steps is None and isinstance(self.frame, TradeBarFrame | QuoteBarFrame):
            steps = self._last_real_step = _last_real_steps(self.rows, self.frame.is_fill_forward)
        return steps

    def row_at(self, step: int) -> int:
        """Return the frame's row at `step` (-1: none; for ticks, the step's first row).

        A list made on first use: slices and caches ask step after step, and a list item is read
        several times faster than a numpy scalar.
        """
        rows = self._row_list
        if rows is None:
            rows = self._row_list = self.rows.tolist()
        return rows[step]

    def last_real_row(self, step: int) -> int:
        """Return the row of the latest real bar up to `step`, or -1 when the batch has none yet.

        A list made on first use: a held security's price is looked up this way at every step.
        """
        rows = self._last_real_rows
        if rows is None:
            steps = self.last_real_step
            if steps is None:
                raise TypeError(f"{type(self.frame).__name__} rows have no last real bar")
            real = steps >= 0
            rows = self._last_real_rows = np.where(real, self.rows[np.where(real, steps, 0)], -1).tolist()
        return rows[step]

    def is_complete(self, row: int) -> bool:
        """Tell whether every cache field a bar row sets is non-zero (so it hides all earlier rows).

        A missing quote side (NaN) is not complete. Asked of a row or two per batch, so not vectorised.
        """
        frame = self.frame
        if not isinstance(frame, TradeBarFrame | QuoteBarFrame):
            raise TypeError(f"{type(frame).__name__} rows have no completeness")
        columns = frame.value_columns()[:-1]  # every value column but the fill-forward flag
        for column in columns:
            value = float(column[row])
            if value == 0.0 or math.isnan(value):
                return False
        return True

    def point(self, row: int) -> DataPoint:
        """Return a row's data point, built once and shared by the cache and the slice."""
        point = self._points.get(row)
        if point is None:
            point = self._build(row)
            self._points[row] = point
        return point

    def _build(self, row: int) -> DataPoint:
        frame = self.frame
        lists = self._columns()
        if lists is None:
            return data_point(frame, row, self.security.exchange_hours.time_zone)
        time, end_time = self._times[0][row], self._times[1][row]
        if isinstance(frame, TradeBarFrame):
            return trade_bar_at(frame.symbol, time, end_time, lists, row)
        assert isinstance(frame, QuoteBarFrame)
        return quote_bar_at(frame.symbol, time, end_time, lists, row)

    def _columns(self) -> tuple[list[Any], ...] | None:
        """Return a bar frame's value columns as lists once its rows are read step after step.

        Python lists index several times faster than numpy scalars, and whole time columns
        convert at once: worth a copy for a frame read row after row, not for the few rows a
        catch-up reads. None until then (and for ticks and custom data).
        """
        if self._lists is not None:
            return self._lists
        frame = self.frame
        self._reads += 1
        if self._reads <= _ROWS_BEFORE_LISTS or not isinstance(frame, TradeBarFrame | QuoteBarFrame):
            return None
        self._local_times()
        self._lists = tuple(column.tolist() for column in frame.value_columns())
        return self._lists

    def _local_times(self) -> tuple[list[datetime], list[datetime]]:
        """Return a bar frame's row start and end times, exchange-local, converted once."""
        if not self._times[0] and len(self.frame):
            frame = self.frame
            assert isinstance(frame, TradeBarFrame | QuoteBarFrame)
            zone = self.security.exchange_hours.time_zone
            self._times = (local_datetimes(frame.time, zone), local_datetimes(frame.end_time, zone))
        return self._times

    def local_end_times(self) -> list[datetime]:
        """Return a bar frame's row end times, exchange-local, as the bars user code sees carry them."""
        return self._local_times()[1]

    def apply(self, step: int) -> None:
        """Put this frame's rows of one step into its security's cache."""
        if isinstance(self.frame, TickFrame):
            for row in range(self.row_at(step), self.row_at(step + 1)):
                put_point(self.security, self.point(row), self._factor(row))
            return
        row = self.row_at(step)
        if row < 0:
            return
        lists = self._columns()
        if lists is None:
            put_point(self.security, self.point(row), self._factor(row))
        elif isinstance(self.frame, TradeBarFrame):
            self._take_trade_bar(row, lists)
        else:
            self._take_quote_bar(row, lists)

    def _take_trade_bar(self, row: int, lists: tuple[list[Any], ...]) -> None:
        """Give the cache a trade row's floats: it builds the bar object only if someone reads it."""
        factor = self._set_factor(row)
        open_, high, low, close, volume, is_fill_forward = lists
        if is_fill_forward[row]:
            return
        values = (open_[row], high[row], low[row], close[row], volume[row])
        time, end_time = self._times[0][row], self._times[1][row]
        cache = self.security.cache
        cache.take_trade_bar(TradeBarEntry(time, end_time, values, cache.converter, factor, self, row))

    def _take_quote_bar(self, row: int, lists: tuple[list[Any], ...]) -> None:
        """Give the cache a quote row's floats (a NaN close marks a missing side, as in `_side`)."""
        factor = self._set_factor(row)
        (bid_open, bid_high, bid_low, bid_close, bid_size,
         ask_open, ask_high, ask_low, ask_close, ask_size, is_fill_forward) = lists  # fmt: skip
        if is_fill_forward[row]:
            return
        bid = ask = None
        if not math.isnan(bid_close[row]):
            bid = (bid_open[row], bid_high[row], bid_low[row], bid_close[row])
        if not math.isnan(ask_close[row]):
            ask = (ask_open[row], ask_high[row], ask_low[row], ask_close[row])
        time, end_time = self._times[0][row], self._times[1][row]
        cache = self.security.cache
        sizes = (bid_size[row], ask_size[row])
        cache.take_quote_bar(
            QuoteBarEntry(time, end_time, (bid, ask), sizes, cache.converter, factor, self, row)
        )

    def exact_close(self, row: int) -> Decimal | None:
        """Return a trade row's close as the cache would hold it, or None for a zero close (kept out)."""
        frame = self.frame
        assert isinstance(frame, TradeBarFrame)
        close = float(frame.close[row]) if self._lists is None else self._lists[3][row]
        if close == 0:
            return None
        factor = self._factor(row)
        security = self.security
        return security.cache.converter.to_exact_at(
            close, False, security.price_factor if factor is None else factor
        )

    def _set_factor(self, row: int) -> Decimal:
        """Make a row's factor the security's, as `put_point` does, and return the factor in force."""
        factor = self._factor(row)
        if factor is None:
            return self.security.price_factor
        self.security.price_factor = factor
        return factor

    def _factor(self, row: int) -> Decimal | None:
        """Return a row's exact price factor: rows come in order, so mostly from the same run."""
        first, stop, factor = self._factor_run
        if first <= row < stop:
            return factor
        self._factor_run = run = factor_run(self.factors, row)
        return run[2]


def _last_real_steps(rows: Int64Array, is_fill_forward: BoolArray) -> Int64Array:
    real = rows >= 0
    real[real] = ~is_fill_forward[rows[real]]
    steps = np.where(real, np.arange(len(rows), dtype=np.int64), -1)
    return np.maximum.accumulate(steps) if len(steps) else steps
