"""The averages a composite indicator runs through their own kernels, and the composite's state layout.

RSI and MACD (momentum), the average true range and the Bollinger bands (volatility) take the type
of their averages as an option. Each can run its averages through the averages' own adapters and
kernels (`adapters.MOVING_AVERAGE_ADAPTERS`), so it takes any average listed here (`has_kernels`)
and gives its bits; for the kinds of its defaults it runs them in one kernel with its own
arithmetic (`average_kinds`). A composite's state is one tuple of arrays (`pack`): a layout
header, the composite's own arrays, then each average's, as their adapters lay them out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt

from lean_core.indicators.base import IndicatorBase
from lean_core.indicators.batch import kernels
from lean_core.indicators.batch.adapters import MOVING_AVERAGE_ADAPTERS, BatchAdapter, FedInputs, KernelState
from lean_core.indicators.data_point import IndicatorDataPoint, new_point
from lean_core.indicators.moving_averages import (
    ExponentialMovingAverage,
    LinearWeightedMovingAverage,
    SimpleMovingAverage,
    WilderMovingAverage,
)
from lean_core.symbols import Symbol

__all__ = [
    "AVERAGE_CLASSES",
    "SIMPLE",
    "Average",
    "AveragePart",
    "average_kinds",
    "has_kernels",
    "import_average",
    "pack",
    "run_average",
    "smoothing_kinds",
    "take_last_input",
    "unpack",
]

FloatArray = npt.NDArray[np.float64]
Average = IndicatorBase[IndicatorDataPoint]

#: the averages a composite may run through their kernels, each in a slot its state names: all
#: give a value per input (never None) and are ready by their sample count
AVERAGE_CLASSES: tuple[type[Average], ...] = (
    SimpleMovingAverage,
    ExponentialMovingAverage,
    WilderMovingAverage,
    LinearWeightedMovingAverage,
)
_AVERAGE_ADAPTERS: tuple[BatchAdapter[Any], ...] = tuple(
    MOVING_AVERAGE_ADAPTERS[cls] for cls in AVERAGE_CLASSES
)

#: the kinds `smoothing_kinds` accepts (indexes of AVERAGE_CLASSES)
_SMOOTHED = (kernels.EXPONENTIAL, kernels.WILDERS)
assert all(AVERAGE_CLASSES[kind] in (ExponentialMovingAverage, WilderMovingAverage) for kind in _SMOOTHED)

#: `average_kinds` and `smoothing_kinds` by packed header: a composite's layouts are few, and a
#: kernel asks once per data batch (cheaper looked up than read from the header each time)
_KINDS: dict[bytes, tuple[tuple[int, ...], tuple[int, ...] | None]] = {}
#: the simple average's kind
SIMPLE = AVERAGE_CLASSES.index(SimpleMovingAverage)

AveragePart = tuple[BatchAdapter[Any], KernelState]
"""An average's adapter and its arrays within a composite's state."""


def has_kernels(*averages: Average) -> bool:
    """Return whether a composite can run all these averages through their kernels (by exact class)."""
    return all(type(average) in AVERAGE_CLASSES for average in averages)


def pack(own: KernelState, averages: Sequence[Average]) -> KernelState:
    """Return a composite's state: a header of [arrays, kind] per piece, its arrays, its averages'.

    The kind (an index of `AVERAGE_CLASSES`, -1 for the composite's own) says which kernel
    `unpack` gives an average's arrays: they alone do not tell.
    """
    kinds = [AVERAGE_CLASSES.index(type(average)) for average in averages]
    states = [_AVERAGE_ADAPTERS[kind].export_state(a) for kind, a in zip(kinds, averages, strict=True)]
    header = [[len(own), -1], *([len(state), kind] for state, kind in zip(states, kinds, strict=True))]
    return (np.array(header, dtype=np.int64), *own, *chain.from_iterable(states))


def average_kinds(state: KernelState) -> tuple[int, ...]:
    """Return the kinds (indexes of AVERAGE_CLASSES) of a packed state's averages, in order.

    A composite whose averages are of kinds it fuses runs them in one kernel with its own
    arithmetic, their arrays in the state's order.
    """
    return _kinds_of(state[0])[0]


def smoothing_kinds(state: KernelState) -> tuple[int, ...] | None:
    """Return the kinds of a packed state's averages when all are exponential or Wilder's, else None.

    Those keep the same two arrays and step by `kernels.smooth`: RSI, MACD and the average true
    range run them in one kernel (the kinds as arguments).
    """
    return _kinds_of(state[0])[1]


def _kinds_of(header: npt.NDArray[np.int64]) -> tuple[tuple[int, ...], tuple[int, ...] | None]:
    # `average_kinds` and `smoothing_kinds` of a header, looked up
    key = header.tobytes()
    found = _KINDS.get(key)
    if found is None:
        kinds = tuple(header[1:, 1].tolist())
        found = _KINDS[key] = kinds, kinds if all(kind in _SMOOTHED for kind in kinds) else None
    return found


def unpack(state: KernelState) -> tuple[KernelState, list[AveragePart]]:
    """Return a composite's own arrays, and each average's adapter and arrays (the state's own)."""
    pieces: list[AveragePart] = []
    start = 1
    for size, kind in state[0].tolist():
        pieces.append((_AVERAGE_ADAPTERS[kind], state[start : start + size]))
        start += size
    return pieces[0][1], pieces[1:]


def run_average(part: AveragePart, inputs: FloatArray) -> FloatArray:
    """Return an average's value after each input, advancing its arrays."""
    adapter, state = part
    out = np.empty((len(inputs), 1), dtype=np.float64)
    adapter.run(state, np.ascontiguousarray(inputs), out)
    return out[:, 0]


def take_last_input(
    indicator: IndicatorBase[Any], symbol: Symbol | None, time: datetime, value: float
) -> None:
    """Leave what the indicator's last update would have: the input the out-of-order check reads."""
    if indicator._last_symbol is not symbol:
        indicator._switch_symbol(symbol)
    indicator._last_input = new_point(symbol, time, value)


def import_average(part: AveragePart, average: Average, fed: FedInputs) -> None:
    """Give an average its kernel's state, which took `fed` (symbol, times and values it was fed)."""
    adapter, state = part
    adapter.import_state(average, state, fed)
    if len(fed.times):
        take_last_input(average, fed.symbol, fed.times[-1], float(fed.inputs[-1]))
