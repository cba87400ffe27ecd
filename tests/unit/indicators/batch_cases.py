"""The batch-capable indicators the batch path tests run, each with a fresh-instance builder.

A kernel added to `lean_core.indicators.batch` gets its cases here: every test of
test_batch_path.py then compares it with the streaming path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lean_core.indicators import (
    AbsolutePriceOscillator,
    ExponentialMovingAverage,
    IndicatorBase,
    LinearWeightedMovingAverage,
    Momentum,
    MomentumPercent,
    MovingAverageConvergenceDivergence,
    MovingAverageType,
    PercentagePriceOscillator,
    RateOfChange,
    RateOfChangePercent,
    RateOfChangeRatio,
    RelativeStrengthIndex,
    SimpleMovingAverage,
    Sum,
    WilderMovingAverage,
)

Build = Callable[[], IndicatorBase[Any]]

_RSI_CASES: dict[str, Build] = {
    "RSI(1)": lambda: RelativeStrengthIndex(1),
    "RSI(14)": lambda: RelativeStrengthIndex(14),
    "RSI(6,SIMPLE)": lambda: RelativeStrengthIndex(6, MovingAverageType.SIMPLE),
    "RSI(9,EXPONENTIAL)": lambda: RelativeStrengthIndex(9, MovingAverageType.EXPONENTIAL),
    "RSI(4,LWMA)": lambda: RelativeStrengthIndex(4, MovingAverageType.LINEAR_WEIGHTED_MOVING_AVERAGE),
}
_MACD_CASES: dict[str, Build] = {
    "MACD(1,2,1)": lambda: MovingAverageConvergenceDivergence(1, 2, 1),
    "MACD(12,26,9)": lambda: MovingAverageConvergenceDivergence(12, 26, 9),
    "MACD(3,7,4,SIMPLE)": lambda: MovingAverageConvergenceDivergence(3, 7, 4, MovingAverageType.SIMPLE),
    "MACD(2,5,3,WILDERS)": lambda: MovingAverageConvergenceDivergence(2, 5, 3, MovingAverageType.WILDERS),
    "APO(3,8)": lambda: AbsolutePriceOscillator(3, 8),
    "PPO(2,6)": lambda: PercentagePriceOscillator(2, 6),
}

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
    **_RSI_CASES,
    **_MACD_CASES,
}

#: the parts (sub-indicators) a case's batches also publish, by attribute name
CASE_PARTS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(_RSI_CASES, ("average_gain", "average_loss")),
    **dict.fromkeys(_MACD_CASES, ("fast", "slow", "signal", "histogram")),
}
