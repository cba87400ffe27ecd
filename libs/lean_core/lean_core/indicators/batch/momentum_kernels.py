"""Numba kernels of the momentum family: changes over a window, and RSI's arithmetic on its averages.

As in `kernels.py`, each repeats the streaming path's float operations in the same order, so the
batch path gives the same bits. A window is a ring laid out as `RollingWindow` lays out its items:
filled from slot 0, then the slot of the oldest item (`oldest`) is the next overwritten. RSI and
MACD run their averages through the averages' own kernels (see `averages.py`); `rsi_values` is
RSI's own arithmetic on their values.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

# RSI's threshold below which the average loss counts as none: the streaming path's constant
from lean_core.indicators.momentum import _LOSS_ROUNDS_TO_ZERO

__all__ = [
    "MOMENTUM",
    "RATE_OF_CHANGE",
    "RATE_OF_CHANGE_PERCENT",
    "RATE_OF_CHANGE_RATIO",
    "change_kernel",
    "rsi_values",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: what `change_kernel` computes from a value and the value `period` inputs back
MOMENTUM = 0
RATE_OF_CHANGE = 1
RATE_OF_CHANGE_PERCENT = 2
RATE_OF_CHANGE_RATIO = 3


@numba.njit(cache=True, inline="always")
def _change(value: float, reference: float, mode: int) -> float:  # pragma: no cover - compiled
    # Momentum, RateOfChange and its percent and ratio subclasses, step by step as they compute
    if mode == MOMENTUM:
        return value - reference
    rate = 0.0 if reference == 0.0 else (value - reference) / reference
    if mode == RATE_OF_CHANGE:
        return rate
    if mode == RATE_OF_CHANGE_PERCENT:
        return 100.0 * rate
    return rate + 1.0 if rate != 0.0 else 0.0


@numba.njit(cache=True)
def change_kernel(
    inputs: FloatArray, ring: FloatArray, ints: IntArray, out: FloatArray, mode: int
) -> None:  # pragma: no cover - compiled
    """Advance a change over `len(ring)` values: momentum or a rate of change, by `mode`.

    State: ring = the window's values; ints = [slot of the oldest once full, values seen]. The
    reference is the value `period` inputs back, or the first value while fewer were seen.
    """
    size = len(ring)
    oldest, seen = ints[0], ints[1]
    for index in range(len(inputs)):
        value = inputs[index]
        seen += 1
        if seen <= size:
            ring[seen - 1] = value
            reference = ring[0]
        else:  # the value pushed out is the one `period` back
            reference = ring[oldest]
            ring[oldest] = value
            oldest = oldest + 1 if oldest + 1 < size else 0
        out[index, 0] = _change(value, reference, mode)
    ints[0] = oldest
    ints[1] = seen


@numba.njit(cache=True)
def rsi_values(
    gains: FloatArray, losses: FloatArray, skipped: int, floats: FloatArray, out: FloatArray
) -> None:  # pragma: no cover - compiled
    """Write RSI and its averages' values per input, from the averages' values per price change.

    The first `skipped` inputs (0 or 1) had no previous price, so no change: the averages keep
    `floats` = [average gain, average loss] as they were (NaN in their columns: no update).
    """
    gain, loss = floats[0], floats[1]
    for index in range(len(out)):
        if index < skipped:
            out[index, 1] = np.nan
            out[index, 2] = np.nan
        else:
            gain = gains[index - skipped]
            loss = losses[index - skipped]
            out[index, 1] = gain
            out[index, 2] = loss
        # max(x, 0.0) as Python takes it: x unless 0.0 is greater (a NaN stays NaN, -0.0 stays)
        average_loss = 0.0 if loss < 0.0 else loss
        average_gain = 0.0 if gain < 0.0 else gain
        if average_loss < _LOSS_ROUNDS_TO_ZERO:
            out[index, 0] = 100.0
        else:
            out[index, 0] = 100.0 - 100.0 / (1.0 + average_gain / average_loss)
    floats[0] = gain
    floats[1] = loss
