"""The batch-capable indicators the batch path tests run, each with a fresh-instance builder.

A kernel added to `lean_core.indicators.batch` gets its cases here: every test of
test_batch_path.py then compares it with the streaming path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lean_core.indicators import ExponentialMovingAverage, IndicatorBase, SimpleMovingAverage, Sum

BATCH_CASES: dict[str, Callable[[], IndicatorBase[Any]]] = {
    "SMA(1)": lambda: SimpleMovingAverage(1),
    "SMA(10)": lambda: SimpleMovingAverage(10),
    "SMA(30)": lambda: SimpleMovingAverage(30),
    "SUM(7)": lambda: Sum(7),
    "EMA(1)": lambda: ExponentialMovingAverage(1),
    "EMA(10)": lambda: ExponentialMovingAverage(10),
    "EMA(20,0.3)": lambda: ExponentialMovingAverage(20, 0.3),
}
