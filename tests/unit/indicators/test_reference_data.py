"""Indicators against LEAN's reference files, with the column and tolerance LEAN's own tests use."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from lean_core.indicators import (
    AverageTrueRange,
    BollingerBands,
    DoubleExponentialMovingAverage,
    ExponentialMovingAverage,
    HullMovingAverage,
    IndicatorBase,
    LinearWeightedMovingAverage,
    Momentum,
    MomentumPercent,
    MovingAverageConvergenceDivergence,
    MovingAverageType,
    RateOfChange,
    RateOfChangePercent,
    RateOfChangeRatio,
    RelativeStrengthIndex,
    SimpleMovingAverage,
    StandardDeviation,
    TriangularMovingAverage,
    TripleExponentialMovingAverage,
    TrueRange,
    Variance,
)

Selector = Callable[[Any], float]
Row = dict[str, str]
ReadRows = Callable[[str], list[Row]]
FeedRow = Callable[[IndicatorBase[Any], Row], datetime]


def _current(indicator: Any) -> float:
    return float(indicator.current.value)


def _unchanged(expected: float) -> float:
    return expected


@dataclass(frozen=True)
class ReferenceCase:
    """One LEAN reference comparison: what to build, which file and column, and how close."""

    create: Callable[[], IndicatorBase[Any]]
    file_name: str
    column: str
    tolerance: float
    actual: Selector = _current
    expected: Callable[[float], float] = _unchanged


def _case(case_id: str, *args: Any, **kwargs: Any) -> Any:
    return pytest.param(ReferenceCase(*args, **kwargs), id=case_id)


CASES = [
    _case("sma", lambda: SimpleMovingAverage(14), "spy_with_indicators.txt", "SMA14", 1e-2),
    _case("ema", lambda: ExponentialMovingAverage(14), "spy_ema.csv", "EMA14", 1e-3),
    _case("rsi_wilders", lambda: RelativeStrengthIndex(14), "spy_with_indicators.txt", "RSI 14 Wilder", 1e-3),
    _case(
        "rsi_simple",
        lambda: RelativeStrengthIndex("rsi", 14, MovingAverageType.SIMPLE),
        "spy_with_indicators.txt",
        "RSI 14",
        1e-3,
    ),
    _case(
        "roc",
        lambda: RateOfChange(50),
        "spy_with_rocp50.txt",
        "Rate of Change % 50",
        1e-3,
        actual=lambda indicator: indicator.current.value * 100,
    ),
    _case("rocp", lambda: RateOfChangePercent(50), "spy_with_rocp50.txt", "Rate of Change % 50", 1e-3),
    _case("momp", lambda: MomentumPercent(50), "spy_with_rocp50.txt", "Rate of Change % 50", 1e-3),
    _case("rocr", lambda: RateOfChangeRatio(5), "spy_rocr.txt", "ROCR_5", 1e-3),
    # not in LEAN's suite: this file's "rate of change" column holds the plain difference
    _case("mom", lambda: Momentum(50), "spy_with_roc50.txt", "Rate of Change 50", 1e-3),
    _case("macd", lambda: MovingAverageConvergenceDivergence(12, 26, 9), "spy_with_macd.txt", "MACD", 1e-4),
    _case(
        "macd_signal",
        lambda: MovingAverageConvergenceDivergence(12, 26, 9),
        "spy_with_macd.txt",
        "Signal",
        1e-4,
        actual=lambda indicator: indicator.signal.current.value,
    ),
    _case(
        "macd_histogram",
        lambda: MovingAverageConvergenceDivergence(12, 26, 9),
        "spy_with_macd.txt",
        "Histogram",
        1e-4,
        actual=lambda indicator: indicator.histogram.current.value,
    ),
    _case(
        "bb_lower",
        lambda: BollingerBands(20, 2.0),
        "spy_bollinger_bands.txt",
        "Bollinger Bands® 20 2 Bottom",
        1e-3,
        actual=lambda indicator: indicator.lower_band.current.value,
    ),
    _case(
        "bb_middle",
        lambda: BollingerBands(20, 2.0),
        "spy_bollinger_bands.txt",
        "Moving Average 20",
        1e-3,
        actual=lambda indicator: indicator.middle_band.current.value,
    ),
    _case(
        "bb_upper",
        lambda: BollingerBands(20, 2.0),
        "spy_bollinger_bands.txt",
        "Bollinger Bands® 20 2 Top",
        1e-3,
        actual=lambda indicator: indicator.upper_band.current.value,
    ),
    _case(
        "bb_band_width",
        lambda: BollingerBands(20, 2.0),
        "spy_bollinger_bands.txt",
        "BandWidth",
        1e-3,
        actual=lambda indicator: indicator.band_width.current.value,
    ),
    _case(
        "bb_percent_b",
        lambda: BollingerBands(20, 2.0),
        "spy_bollinger_bands.txt",
        "%B",
        1e-3,
        actual=lambda indicator: indicator.percent_b.current.value,
    ),
    _case("std", lambda: StandardDeviation(10), "spy_var.txt", "Var", 1e-6, expected=math.sqrt),
    _case("var", lambda: Variance(10), "spy_var.txt", "Var", 1e-3),
    _case("atr_wilders", lambda: AverageTrueRange(14), "spy_atr_wilder.txt", "Average True Range 14", 1e-3),
    _case(
        "atr_simple",
        lambda: AverageTrueRange(14, MovingAverageType.SIMPLE),
        "spy_atr.txt",
        "Average True Range 14",
        1e-3,
    ),
    _case("tr", TrueRange, "spy_tr.txt", "TR", 1e-3),
    _case("dema", lambda: DoubleExponentialMovingAverage(5), "spy_dema.txt", "DEMA_5", 1e-3),
    _case("tema", lambda: TripleExponentialMovingAverage(5), "spy_tema.txt", "TEMA_5", 1e-3),
    _case("trima_5", lambda: TriangularMovingAverage(5), "spy_trima.txt", "TRIMA_5", 1e-3),
    _case("trima_6", lambda: TriangularMovingAverage(6), "spy_trima.txt", "TRIMA_6", 1e-3),
    _case("lwma", lambda: LinearWeightedMovingAverage(6), "spx_lwma.csv", "LWMA", 1e-3),
    _case("hma", lambda: HullMovingAverage(16), "spy_hma.txt", "HMA_16", 1e-3),
]


def _stream(indicator: IndicatorBase[Any], rows: list[Row], case: ReferenceCase, feed_row: FeedRow) -> int:
    """Feed every row and compare each ready value with the expected column; return how many compared."""
    column = case.column.lower()
    compared = 0
    for row in rows:
        time = feed_row(indicator, row)
        text = row[column]
        if not indicator.is_ready or not text:
            continue
        expected = case.expected(float(text))
        assert case.actual(indicator) == pytest.approx(expected, abs=case.tolerance), f"at {time}"
        compared += 1
    return compared


@pytest.mark.parametrize("case", CASES)
def test_indicator_matches_lean_reference(
    case: ReferenceCase, reference_rows: ReadRows, feed_row: FeedRow
) -> None:
    indicator = case.create()

    compared = _stream(indicator, reference_rows(case.file_name), case, feed_row)

    assert compared > 10


@pytest.mark.parametrize("case", CASES)
def test_indicator_matches_lean_reference_again_after_reset(
    case: ReferenceCase, reference_rows: ReadRows, feed_row: FeedRow
) -> None:
    indicator = case.create()
    rows = reference_rows(case.file_name)
    first = _stream(indicator, rows, case, feed_row)

    indicator.reset()
    second = _stream(indicator, rows, case, feed_row)

    assert second == first
