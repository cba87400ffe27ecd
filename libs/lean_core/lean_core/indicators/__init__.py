"""LEAN's indicators: the update cycle, the rolling window and the common indicator families."""

from lean_core.indicators.base import (
    BarIndicator,
    Identity,
    Indicator,
    IndicatorBase,
    IndicatorUpdatedEvent,
    UpdatedHandler,
    WindowIndicator,
)
from lean_core.indicators.data_point import BaseDataLike, DataBar, IndicatorDataPoint
from lean_core.indicators.momentum import (
    Momentum,
    MomentumPercent,
    MovingAverageConvergenceDivergence,
    RateOfChange,
    RateOfChangePercent,
    RateOfChangeRatio,
    RelativeStrengthIndex,
)
from lean_core.indicators.moving_averages import (
    DoubleExponentialMovingAverage,
    ExponentialMovingAverage,
    HullMovingAverage,
    LinearWeightedMovingAverage,
    MovingAverageType,
    SimpleMovingAverage,
    Sum,
    TriangularMovingAverage,
    TripleExponentialMovingAverage,
    WilderMovingAverage,
    as_indicator,
)
from lean_core.indicators.rolling_window import RollingWindow
from lean_core.indicators.volatility import (
    AverageTrueRange,
    BollingerBands,
    StandardDeviation,
    TrueRange,
    Variance,
)

__all__ = [
    "AverageTrueRange",
    "BarIndicator",
    "BaseDataLike",
    "BollingerBands",
    "DataBar",
    "DoubleExponentialMovingAverage",
    "ExponentialMovingAverage",
    "HullMovingAverage",
    "Identity",
    "Indicator",
    "IndicatorBase",
    "IndicatorDataPoint",
    "IndicatorUpdatedEvent",
    "LinearWeightedMovingAverage",
    "Momentum",
    "MomentumPercent",
    "MovingAverageConvergenceDivergence",
    "MovingAverageType",
    "RateOfChange",
    "RateOfChangePercent",
    "RateOfChangeRatio",
    "RelativeStrengthIndex",
    "RollingWindow",
    "SimpleMovingAverage",
    "StandardDeviation",
    "Sum",
    "TriangularMovingAverage",
    "TripleExponentialMovingAverage",
    "TrueRange",
    "UpdatedHandler",
    "Variance",
    "WilderMovingAverage",
    "WindowIndicator",
    "as_indicator",
]
