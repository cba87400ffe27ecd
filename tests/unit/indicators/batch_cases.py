"""The batch-capable indicators the batch path tests run, each with a fresh-instance builder.

A kernel added to `lean_core.indicators.batch` gets its cases here: every test of
test_batch_path.py then compares it with the streaming path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lean_core.indicators import (
    ExponentialMovingAverage,
    IndicatorBase,
    LinearWeightedMovingAverage,
    Momentum,
    MomentumPercent,
    RateOfChange,
    RateOfChangePercent,
    RateOfChangeRatio,
    SimpleMovingAverage,
    Sum,
    WilderMovingAverage,
)

Build = Callable[[], IndicatorBase[Any]]

BATCH_CASES: dict[str, Build] = {
    "SMA(1)": lambda: SimpleMovingAverage(1),
    "SMA(10)": lambda: SimpleMovingAverage(10),
    "SMA(30)": lambda: SimpleMovingAverage(30),
    "SUM(7)": lambda: Sum(7),
    "EMA(1)": lambda: ExponentialMovingAverage(1),
    "EMA(10)": lambda: ExponentialMovingAverage(10),
    "EMA(20,0.3)": lambda: ExponentialMovingAverage(20, 0.3),
    "WWMA(1)": lambda: WilderMovingAverage(1),
    "WWMA(14)": lambda: WilderMovingAverage(14),
    "LWMA(1)": lambda: LinearWeightedMovingAverage(1),
    "LWMA(10)": lambda: LinearWeightedMovingAverage(10),
    "MOM(1)": lambda: Momentum(1),
    "MOM(10)": lambda: Momentum(10),
    "ROC(1)": lambda: RateOfChange(1),
    "ROC(12)": lambda: RateOfChange(12),
    "ROCP(1)": lambda: RateOfChangePercent(1),
    "ROCP(9)": lambda: RateOfChangePercent(9),
    "MOMP(5)": lambda: MomentumPercent(5),
    "ROCR(3)": lambda: RateOfChangeRatio(3),
}
