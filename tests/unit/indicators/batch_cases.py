"""The batch-capable indicators the batch path tests run, each with a fresh-instance builder.

A kernel added to `lean_core.indicators.batch` gets its cases here: every test of
test_batch_path.py (value inputs, BATCH_CASES) or test_batch_bar_path.py (bar inputs,
BAR_BATCH_CASES) then compares it with the streaming path, parts included.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from lean_core.indicators import (
    AbsolutePriceOscillator,
    AverageTrueRange,
    BollingerBands,
    ExponentialMovingAverage,
    IndicatorBase,
    LinearWeightedMovingAverage,
    Maximum,
    Minimum,
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
    StandardDeviation,
    Sum,
    TrueRange,
    Variance,
    WilderMovingAverage,
)
from lean_core.indicators.batch import adapter_for

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
    "PPO(3,7,EMA)": lambda: PercentagePriceOscillator(3, 7, MovingAverageType.EXPONENTIAL),
    "APO(2,5,WILDERS)": lambda: AbsolutePriceOscillator(2, 5, MovingAverageType.WILDERS),
}
_BOLLINGER_CASES: dict[str, Build] = {
    "BB(1,2)": lambda: BollingerBands(1, 2),
    "BB(5,1.5)": lambda: BollingerBands(5, 1.5),
    "BB(20,2)": lambda: BollingerBands(20, 2),
    "BB(10,2,EMA)": lambda: BollingerBands(10, 2, MovingAverageType.EXPONENTIAL),
    "BB(4,1,WILDERS)": lambda: BollingerBands(4, 1, MovingAverageType.WILDERS),
    "BB(6,2,LWMA)": lambda: BollingerBands(6, 2, MovingAverageType.LINEAR_WEIGHTED_MOVING_AVERAGE),
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
    "VAR(1)": lambda: Variance(1),
    "VAR(5)": lambda: Variance(5),
    "STD(1)": lambda: StandardDeviation(1),
    "STD(3)": lambda: StandardDeviation(3),
    "STD(20)": lambda: StandardDeviation(20),
    **_BOLLINGER_CASES,
    "MAX(1)": lambda: Maximum(1),
    "MAX(5)": lambda: Maximum(5),
    "MAX(20)": lambda: Maximum(20),
    "MIN(1)": lambda: Minimum(1),
    "MIN(4)": lambda: Minimum(4),
    "MIN(20)": lambda: Minimum(20),
}

#: the parts (sub-indicators) a composite's batches also publish, by attribute name
CASE_PARTS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(_RSI_CASES, ("average_gain", "average_loss")),
    **dict.fromkeys(_MACD_CASES, ("fast", "slow", "signal", "histogram")),
    **dict.fromkeys(
        _BOLLINGER_CASES,
        ("standard_deviation", "middle_band", "price", "lower_band", "upper_band", "band_width", "percent_b"),
    ),
}

BAR_BATCH_CASES: dict[str, Build] = {
    "TR": TrueRange,
    "ATR(1)": lambda: AverageTrueRange(1),
    "ATR(14)": lambda: AverageTrueRange(14),
    "ATR(5,SIMPLE)": lambda: AverageTrueRange(5, MovingAverageType.SIMPLE),
    "ATR(7,EMA)": lambda: AverageTrueRange(7, MovingAverageType.EXPONENTIAL),
    "ATR(5,LWMA)": lambda: AverageTrueRange(5, MovingAverageType.LINEAR_WEIGHTED_MOVING_AVERAGE),
}

#: the values an indicator publishes besides `current`, read at each `updated` and compared
EXTRA_VALUES = ("periods_since_maximum", "periods_since_minimum")


def parts_of(indicator: IndicatorBase[Any]) -> list[IndicatorBase[Any]]:
    """Return the indicators an indicator holds (its bands, its average...), in slot order."""
    parts: list[IndicatorBase[Any]] = []
    for cls in type(indicator).__mro__:
        for slot in getattr(cls, "__slots__", ()):
            part = getattr(indicator, slot, None)
            if (
                isinstance(part, IndicatorBase)
                and part is not indicator
                and all(part is not p for p in parts)
            ):
                parts.append(part)
    return parts


def observed(indicator: IndicatorBase[Any]) -> list[tuple[Any, ...]]:
    """Return the list every `updated` of the indicator and its parts appends to, in firing order.

    Each entry has the indicator's sample count as the event fires: a part's handler sees it.
    """
    seen: list[tuple[Any, ...]] = []

    def record(sender: IndicatorBase[Any], point: Any) -> None:
        extras = tuple(getattr(sender, name, None) for name in EXTRA_VALUES)
        seen.append((sender.name, point.time, point.value.hex(), indicator.samples, *extras))

    for each in (indicator, *parts_of(indicator)):
        each.updated += record
    return seen


def state_of(indicator: IndicatorBase[Any]) -> list[tuple[Any, ...]]:
    """Return what a user sees of the indicator and its parts, and the state its kernel would take.

    Values as hex, so a -0.0 for a 0.0 shows; the last input each took (the out-of-order check's);
    the kernel state (the indicator's internals, laid out by its adapter) as bytes, so the state
    handed back after a batch is compared too.
    """
    return [*(_own_state(each) for each in (indicator, *parts_of(indicator))), _kernel_state(indicator)]


def _own_state(indicator: IndicatorBase[Any]) -> tuple[Any, ...]:
    window: list[tuple[datetime, str]] = [(point.time, point.value.hex()) for point in indicator.window]
    extras = tuple(getattr(indicator, name, None) for name in EXTRA_VALUES)
    current = indicator.current.value.hex()
    last = indicator._last_input  # what the out-of-order check compares with (a bar: its close)
    last_input = None if last is None else (indicator._last_symbol, last.end_time, last.value.hex())
    return indicator.name, indicator.samples, indicator.is_ready, current, window, last_input, *extras


def _kernel_state(indicator: IndicatorBase[Any]) -> list[bytes]:
    adapter = adapter_for(indicator)
    assert adapter is not None
    return [array.tobytes() for array in adapter.export_state(indicator)]
