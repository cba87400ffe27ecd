"""Apply slice data to securities: the prices every handler's replica must agree on."""

from __future__ import annotations

import functools
import sys
from bisect import bisect_right
from decimal import Decimal
from operator import itemgetter
from zoneinfo import ZoneInfo

from lean_core.data.bars import QuoteBar, QuoteBarFrame, Tick, TickFrame, TradeBar, TradeBarFrame
from lean_core.data.custom_data import DynamicData
from lean_core.data.custom_frame import CustomDataFrame
from lean_core.securities.exact_data import ExactCustomData
from lean_core.securities.security import Security
from lean_core.statistics.dotnet import decimal_from_double

BarFrame = TradeBarFrame | QuoteBarFrame | TickFrame | CustomDataFrame
PriceFactors = list[tuple[int, Decimal]]
"""(first row, exact factor) runs of a frame."""
FactorRun = tuple[int, int, Decimal | None]
"""Rows [first, stop) and the exact factor they share (None: the frame has no factors)."""
_FIRST_ROW = itemgetter(0)


def exact_factors(runs: list[tuple[int, str]]) -> PriceFactors:
    """Parse a frame's wire factor runs once, rather than a factor for every row applied."""
    return [(row, _factor(text)) for row, text in runs]


@functools.lru_cache(maxsize=1024)
def _factor(text: str) -> Decimal:
    """Return one shared decimal per factor text: securities key their price memo on its identity."""
    return Decimal(text)


def factor_at(factors: PriceFactors, row: int) -> Decimal | None:
    """Return the exact price factor of a row from (first row, factor) runs."""
    return factor_run(factors, row)[2]


def factor_run(factors: PriceFactors, row: int) -> FactorRun:
    """Return the rows [first, stop) that share `row`'s exact price factor, and that factor.

    Rows before the first run take its factor; without runs every row has none.
    """
    if not factors:
        return (0, sys.maxsize, None)
    index = max(bisect_right(factors, row, key=_FIRST_ROW) - 1, 0)
    first = factors[index][0] if index else 0
    stop = factors[index + 1][0] if index + 1 < len(factors) else sys.maxsize
    return (first, stop, factors[index][1])


def data_point(frame: BarFrame, row: int, zone: ZoneInfo) -> TradeBar | QuoteBar | Tick | DynamicData:
    """Return row `row` of a frame as the object user code sees, times in `zone`."""
    if isinstance(frame, CustomDataFrame):
        return frame.point(row, zone)
    if isinstance(frame, TickFrame):
        return frame.tick(row, zone)
    return frame.bar(row, zone)


def put_point(
    security: Security, point: TradeBar | QuoteBar | Tick | DynamicData, factor: Decimal | None
) -> None:
    """Put one data point into the security's cache; `factor` is its row's exact price factor."""
    if isinstance(point, DynamicData):
        # pythonnet stores a Python float value as C#'s (decimal)double would
        exact = ExactCustomData(point.time, point.end_time, decimal_from_double(point.value))
        security.cache.update_custom_data(point, exact, is_fill_forward=point.is_fill_forward)
        return
    if factor is not None:
        security.price_factor = factor
    if isinstance(point, TradeBar):
        security.cache.update_trade_bar(point)
    elif isinstance(point, QuoteBar):
        security.cache.update_quote_bar(point)
    else:
        security.cache.update_tick(point)


def update_security(
    security: Security, frame: BarFrame, row: int, factors: PriceFactors
) -> TradeBar | QuoteBar | Tick | DynamicData:
    """Put one row of a frame into the security's cache and return the object built for it."""
    point = data_point(frame, row, security.exchange_hours.time_zone)
    put_point(security, point, None if isinstance(frame, CustomDataFrame) else factor_at(factors, row))
    return point
