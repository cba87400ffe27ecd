"""Numba kernels of the volatility family: variance and deviation, true range, the Bollinger bands
and the rolling maximum and minimum (the averages the composites run are `kernels.py`'s).

Same contract as `kernels.py`: each kernel advances the state arrays its adapter lays out (in
`volatility_adapters.py`) in place and writes one output row per input, with the streaming path's
float operations in the same order. A window of values is a ring as `RollingWindow` keeps it: the
slots fill in order, then the oldest one (at `tail`) gives way to the newest.
"""

from __future__ import annotations

import math

import numba
import numpy as np
import numpy.typing as npt

from lean_core.indicators.batch.kernels import exact_sum

__all__ = [
    "bollinger_kernel",
    "extreme_kernel",
    "true_range_kernel",
    "variance_kernel",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@numba.njit(cache=True, inline="always")
def _push(ring: FloatArray, tail: int, seen: int, value: float, removed: float) -> tuple[int, float]:
    # `seen` counts `value` already; returns the new tail and the value that last gave way
    size = len(ring)
    if seen <= size:
        ring[seen - 1] = value
        return tail, removed
    removed = ring[tail]
    ring[tail] = value
    return (tail + 1 if tail + 1 < size else 0), removed


@numba.njit(cache=True, inline="always")
def _slot(tail: int, count: int, back: int) -> int:
    # the ring slot of the value `back` inputs before the newest (RollingWindow's indexing)
    return (count + tail - back - 1) % count


@numba.njit(cache=True)
def _shifted_sums(ring: FloatArray, count: int, shift: float) -> tuple[float, float]:  # pragma: no cover
    # Variance._resynchronise: exact sums of the offsets and their squares (order does not matter)
    offsets = np.empty(count, dtype=np.float64)
    squares = np.empty(count, dtype=np.float64)
    for index in range(count):
        offset = ring[index] - shift
        offsets[index] = offset
        squares[index] = offset * offset
    return exact_sum(offsets), exact_sum(squares)


@numba.njit(cache=True)
def variance_kernel(
    inputs: FloatArray, ring: FloatArray, floats: FloatArray, ints: IntArray, out: FloatArray, root: bool
) -> None:  # pragma: no cover - compiled
    """Advance `Variance` (its square root, `StandardDeviation`, with `root`).

    State: ring = the window of values, floats = [shift, sum, sum of squares, last value, value
    removed last], ints = [tail, values seen, run length of equal values].
    """
    size = len(ring)
    shift, total, squares, last, removed = floats[0], floats[1], floats[2], floats[3], floats[4]
    tail, seen, run = ints[0], ints[1], ints[2]
    for index in range(len(inputs)):
        value = inputs[index]
        run = run + 1 if value == last else 1
        last = value
        seen += 1
        tail, removed = _push(ring, tail, seen, value, removed)
        count = min(seen, size)
        if seen == 1 or seen % size == 0:
            shift = value
            total, squares = _shifted_sums(ring, count, shift)
        else:
            offset = value - shift
            total = total + offset
            squares = squares + offset * offset
            if seen > size:
                gone = removed - shift
                total = total - gone
                squares = squares - gone * gone
        variance = 0.0
        if seen >= 2 and run < count:
            mean = total / count
            spread = squares / count - mean * mean
            # max(0.0, spread): 0.0 unless spread is greater (so never -0.0, nor NaN)
            if spread > 0.0:
                variance = spread
        out[index, 0] = math.sqrt(variance) if root else variance
    floats[0], floats[1], floats[2], floats[3], floats[4] = shift, total, squares, last, removed
    ints[0], ints[1], ints[2] = tail, seen, run


@numba.njit(cache=True)
def true_range_kernel(
    inputs: FloatArray, floats: FloatArray, ints: IntArray, out: FloatArray
) -> None:  # pragma: no cover - compiled
    """Advance `TrueRange` over (high, low, close) rows.

    State: floats = [previous close, NaN before the first bar], ints = [samples].
    """
    previous = floats[0]
    samples = ints[0]
    for index in range(len(inputs)):
        high = inputs[index, 0]
        low = inputs[index, 1]
        samples += 1
        value = high - low
        if not math.isnan(previous) and samples >= 2:
            # Python's max(range, |high - close|, |low - close|) spelled out: a later one wins
            # only when greater (not left to numba's max, whose ties and NaNs are its own)
            above = abs(high - previous)
            if above > value:  # noqa: PLR1730
                value = above
            below = abs(low - previous)
            if below > value:  # noqa: PLR1730
                value = below
        previous = inputs[index, 2]
        out[index, 0] = value
    floats[0] = previous
    ints[0] = samples


@numba.njit(cache=True)
def bollinger_kernel(
    inputs: FloatArray, floats: FloatArray, ints: IntArray, out: FloatArray
) -> None:  # pragma: no cover - compiled
    """Fill `BollingerBands`' columns from its deviation (column 1) and middle band (column 2).

    Writes 0 the value, 3 the price, 4 lower, 5 upper, 6 band width, 7 %B. NaN in 6: the width
    is not computed (a zero middle band: that band takes no sample); NaN in 7: %B counts the
    sample without a value (a zero width). State: floats = [k], ints = [inputs until the parts are
    all ready].
    """
    k = floats[0]
    wait = ints[0]
    for index in range(len(inputs)):
        value = inputs[index]
        deviation = out[index, 1]
        middle = out[index, 2]
        offset = deviation * k
        lower = middle - offset
        upper = middle + offset
        width = upper - lower
        out[index, 3] = value
        out[index, 4] = lower
        out[index, 5] = upper
        out[index, 6] = width / middle * 100.0 if middle != 0.0 else math.nan
        out[index, 7] = (value - lower) / width if width != 0.0 else math.nan
        if wait > 0:
            wait -= 1
        # LEAN: once ready, no value while the deviation is 0
        out[index, 0] = math.nan if wait == 0 and deviation == 0.0 else value
    ints[0] = wait


@numba.njit(cache=True)
def _extreme_back(ring: FloatArray, tail: int, count: int, largest: bool) -> int:  # pragma: no cover
    # how many inputs back the window's extreme is: the newest of equal ones (a strict comparison)
    best = 0
    best_value = ring[_slot(tail, count, 0)]
    for back in range(1, count):
        value = ring[_slot(tail, count, back)]
        if (value > best_value) if largest else (value < best_value):
            best = back
            best_value = value
    return best


@numba.njit(cache=True)
def extreme_kernel(
    inputs: FloatArray, ring: FloatArray, floats: FloatArray, ints: IntArray, out: FloatArray, largest: bool
) -> None:  # pragma: no cover - compiled
    """Advance `Maximum` (`largest`) or `Minimum`: column 0 the value, 1 the inputs since it came.

    State: ring = the window of values, floats = [current value, value removed last], ints =
    [tail, values seen, inputs since the extreme].
    """
    size = len(ring)
    current, removed = floats[0], floats[1]
    tail, seen, since = ints[0], ints[1], ints[2]
    for index in range(len(inputs)):
        value = inputs[index]
        seen += 1
        tail, removed = _push(ring, tail, seen, value, removed)
        if seen == 1 or (value >= current if largest else value <= current):
            since = 0
            current = value
        elif since >= size - 1:  # the extreme just left the window: search it again
            count = min(seen, size)
            since = _extreme_back(ring, tail, count, largest)
            current = ring[_slot(tail, count, since)]
        else:
            since += 1
        out[index, 0] = current
        out[index, 1] = since
    floats[0], floats[1] = current, removed
    ints[0], ints[1], ints[2] = tail, seen, since
