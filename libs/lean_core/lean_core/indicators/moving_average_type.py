"""LEAN's `MovingAverageType` and the factory that turns one into an indicator."""

from __future__ import annotations

import functools
from collections.abc import Callable
from enum import IntEnum

from lean_core.enums import pascal_name
from lean_core.indicators.base import IndicatorBase
from lean_core.indicators.data_point import IndicatorDataPoint

__all__ = ["MovingAverageType", "as_indicator"]


class MovingAverageType(IntEnum):
    """Which moving average an indicator uses, with LEAN's names and values."""

    SIMPLE = 0
    EXPONENTIAL = 1
    WILDERS = 2
    LINEAR_WEIGHTED_MOVING_AVERAGE = 3
    DOUBLE_EXPONENTIAL = 4
    TRIPLE_EXPONENTIAL = 5
    TRIANGULAR = 6
    T3 = 7
    KAMA = 8
    HULL = 9
    ALMA = 10
    ZLEMA = 11
    MGD = 12

    def as_indicator(self, period: int, name: str | None = None) -> IndicatorBase[IndicatorDataPoint]:
        """Create this kind of moving average over `period` values (LEAN's `AsIndicator`)."""
        return as_indicator(self, period, name)

    @property
    def lean_name(self) -> str:
        """Return the C# member name ("Wilders"), which LEAN puts in sub-indicator names."""
        if self is MovingAverageType.MGD:
            return "MGD"
        return pascal_name(self)


def as_indicator(
    moving_average_type: MovingAverageType, period: int, name: str | None = None
) -> IndicatorBase[IndicatorDataPoint]:
    """Create the moving average `moving_average_type` names, over `period` values."""
    factory = _factories()[MovingAverageType(moving_average_type)]
    return factory(period, name=name)


@functools.cache
def _factories() -> dict[MovingAverageType, Callable[..., IndicatorBase[IndicatorDataPoint]]]:
    # imported here: some of these averages are built on indicators that take a moving average type
    from lean_core.indicators.adaptive_averages import KaufmanAdaptiveMovingAverage, McGinleyDynamic
    from lean_core.indicators.derived_averages import (
        ArnaudLegouxMovingAverage,
        T3MovingAverage,
        ZeroLagExponentialMovingAverage,
    )
    from lean_core.indicators.moving_averages import (
        DoubleExponentialMovingAverage,
        ExponentialMovingAverage,
        HullMovingAverage,
        LinearWeightedMovingAverage,
        SimpleMovingAverage,
        TriangularMovingAverage,
        TripleExponentialMovingAverage,
        WilderMovingAverage,
    )

    return {
        MovingAverageType.SIMPLE: SimpleMovingAverage,
        MovingAverageType.EXPONENTIAL: ExponentialMovingAverage,
        MovingAverageType.WILDERS: WilderMovingAverage,
        MovingAverageType.LINEAR_WEIGHTED_MOVING_AVERAGE: LinearWeightedMovingAverage,
        MovingAverageType.DOUBLE_EXPONENTIAL: DoubleExponentialMovingAverage,
        MovingAverageType.TRIPLE_EXPONENTIAL: TripleExponentialMovingAverage,
        MovingAverageType.TRIANGULAR: TriangularMovingAverage,
        MovingAverageType.T3: T3MovingAverage,
        MovingAverageType.KAMA: KaufmanAdaptiveMovingAverage,
        MovingAverageType.HULL: HullMovingAverage,
        MovingAverageType.ALMA: ArnaudLegouxMovingAverage,
        MovingAverageType.ZLEMA: ZeroLagExponentialMovingAverage,
        MovingAverageType.MGD: McGinleyDynamic,
    }
