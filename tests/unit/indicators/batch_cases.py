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
    AverageTrueRange,
    BollingerBands,
    ExponentialMovingAverage,
    IndicatorBase,
    Maximum,
    Minimum,
    MovingAverageType,
    SimpleMovingAverage,
    StandardDeviation,
    Sum,
    TrueRange,
    Variance,
    WilderMovingAverage,
)
from lean_core.indicators.batch import adapter_for

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
    "VAR(1)": lambda: Variance(1),
    "VAR(5)": lambda: Variance(5),
    "STD(1)": lambda: StandardDeviation(1),
    "STD(3)": lambda: StandardDeviation(3),
    "STD(20)": lambda: StandardDeviation(20),
    "BB(1,2)": lambda: BollingerBands(1, 2),
    "BB(5,1.5)": lambda: BollingerBands(5, 1.5),
    "BB(20,2)": lambda: BollingerBands(20, 2),
    "BB(10,2,EMA)": lambda: BollingerBands(10, 2, MovingAverageType.EXPONENTIAL),
    "BB(4,1,WILDERS)": lambda: BollingerBands(4, 1, MovingAverageType.WILDERS),
    "MAX(1)": lambda: Maximum(1),
    "MAX(5)": lambda: Maximum(5),
    "MAX(20)": lambda: Maximum(20),
    "MIN(1)": lambda: Minimum(1),
    "MIN(4)": lambda: Minimum(4),
    "MIN(20)": lambda: Minimum(20),
}

BAR_BATCH_CASES: dict[str, Build] = {
    "TR": TrueRange,
    "ATR(1)": lambda: AverageTrueRange(1),
    "ATR(14)": lambda: AverageTrueRange(14),
    "ATR(5,SIMPLE)": lambda: AverageTrueRange(5, MovingAverageType.SIMPLE),
    "ATR(7,EMA)": lambda: AverageTrueRange(7, MovingAverageType.EXPONENTIAL),
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
    """Return the list every `updated` of the indicator and its parts appends to, in firing order."""
    seen: list[tuple[Any, ...]] = []

    def record(sender: IndicatorBase[Any], point: Any) -> None:
        extras = tuple(getattr(sender, name, None) for name in EXTRA_VALUES)
        seen.append((sender.name, point.time, point.value.hex(), *extras))

    for each in (indicator, *parts_of(indicator)):
        each.updated += record
    return seen


def state_of(indicator: IndicatorBase[Any]) -> list[tuple[Any, ...]]:
    """Return what a user sees of the indicator and its parts, and the state its kernel would take.

    Values as hex, so a -0.0 for a 0.0 shows; the kernel state (the indicator's internals, laid
    out by its adapter) as bytes, so the state handed back after a batch is compared too.
    """
    return [*(_own_state(each) for each in (indicator, *parts_of(indicator))), _kernel_state(indicator)]


def _own_state(indicator: IndicatorBase[Any]) -> tuple[Any, ...]:
    window: list[tuple[datetime, str]] = [(point.time, point.value.hex()) for point in indicator.window]
    extras = tuple(getattr(indicator, name, None) for name in EXTRA_VALUES)
    current = indicator.current.value.hex()
    return indicator.name, indicator.samples, indicator.is_ready, current, window, *extras


def _kernel_state(indicator: IndicatorBase[Any]) -> list[bytes]:
    adapter = adapter_for(indicator)
    assert adapter is not None
    return [array.tobytes() for array in adapter.export_state(indicator)]
