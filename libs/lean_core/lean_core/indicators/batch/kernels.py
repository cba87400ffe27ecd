"""Numba kernels of the batch path: each runs one indicator over an array of inputs.

This module holds the moving averages' kernels, which the composites of every family also run for
their averages (see `averages.py`). A kernel takes the inputs, the indicator's state as a few small
arrays (a ring of values, floats, integers: laid out by its adapter in `adapters.py`) which it
advances in place, and an output array with one row per input. Each performs the streaming path's
float operations in the same order, so both give the same bits: no fast-math, and sums the
streaming path takes exactly (`math.fsum`) are taken exactly here too. A NaN in an output's first
column means the streaming path's "no value" (the sample counts, `current` stays).
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

__all__ = ["ema_kernel", "exact_sum", "lwma_kernel", "sma_kernel", "sum_kernel", "wilder_kernel"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@numba.njit(cache=True)
def exact_sum(values: FloatArray) -> float:  # pragma: no cover - compiled
    """Return the correctly rounded sum of finite values, as `math.fsum` does (Shewchuk's partials)."""
    return _exact_sum(values, np.empty(len(values), dtype=np.float64))


@numba.njit(cache=True, inline="always")
def _exact_sum(values: FloatArray, partials: FloatArray) -> float:  # pragma: no cover - compiled
    # `partials` is scratch space of at least len(values): a kernel allocates it once, not per sum
    used = 0
    for value in values:
        x = value
        kept = 0
        for index in range(used):
            y = partials[index]
            if abs(x) < abs(y):
                x, y = y, x
            high = x + y
            low = y - (high - x)
            if low != 0.0:
                partials[kept] = low
                kept += 1
            x = high
        partials[kept] = x
        used = kept + 1
    return _round_partials(partials, used)


@numba.njit(cache=True, inline="always")
def _round_partials(partials: FloatArray, used: int) -> float:  # pragma: no cover - compiled
    # Sum the partials from the largest down; the final correction gives the correctly rounded
    # result when the remainder is exactly half an ulp (CPython's math_fsum does the same).
    if used == 0:
        return 0.0
    count = used - 1
    high = partials[count]
    low = 0.0
    while count > 0:
        x = high
        count -= 1
        y = partials[count]
        high = x + y
        low = y - (high - x)
        if low != 0.0:
            break
    if count > 0 and ((low < 0.0 and partials[count - 1] < 0.0) or (low > 0.0 and partials[count - 1] > 0.0)):
        y = low * 2.0
        x = high + y
        if y == x - high:
            high = x
    return float(high)


@numba.njit(cache=True)
def _running_sum(
    inputs: FloatArray, ring: FloatArray, floats: FloatArray, ints: IntArray, out: FloatArray, mean: bool
) -> None:  # pragma: no cover - compiled
    # State: floats[0] the total; ints[0] the ring slot of the oldest value once full, ints[1] the
    # values seen. The total is re-added exactly every `size` values, as the streaming sum does.
    size = len(ring)
    total = floats[0]
    oldest = ints[0]
    seen = ints[1]
    partials = np.empty(size, dtype=np.float64)
    until_resum = size - seen % size  # values to go until `seen` is a multiple of `size`
    count = len(inputs)
    index = 0
    while index < count and seen < size:  # filling the ring: the mean is over the values so far
        value = inputs[index]
        ring[seen] = value
        seen += 1
        total = total + value
        until_resum -= 1
        if until_resum == 0:
            total = _exact_sum(ring, partials)
            until_resum = size
        out[index, 0] = total / seen if mean else total
        index += 1
    divisor = float(size) if mean else 1.0  # x / 1.0 is x: one loop serves both
    filled = index
    for index in range(filled, count):
        value = inputs[index]
        removed = ring[oldest]
        ring[oldest] = value
        oldest += 1
        if oldest == size:
            oldest = 0
        total = total + value - removed
        until_resum -= 1
        if until_resum == 0:
            total = _exact_sum(ring, partials)
            until_resum = size
        out[index, 0] = total / divisor
    floats[0] = total
    ints[0] = oldest
    ints[1] += count  # the ring loop counts only while filling


@numba.njit(cache=True)
def sma_kernel(
    inputs: FloatArray, ring: FloatArray, floats: FloatArray, ints: IntArray, out: FloatArray
) -> None:  # pragma: no cover - compiled
    """Advance a simple moving average: the running sum over `len(ring)` values, over their count."""
    _running_sum(inputs, ring, floats, ints, out, True)


@numba.njit(cache=True)
def sum_kernel(
    inputs: FloatArray, ring: FloatArray, floats: FloatArray, ints: IntArray, out: FloatArray
) -> None:  # pragma: no cover - compiled
    """Advance a running sum over `len(ring)` values."""
    _running_sum(inputs, ring, floats, ints, out, False)


@numba.njit(cache=True)
def ema_kernel(
    inputs: FloatArray, floats: FloatArray, ints: IntArray, out: FloatArray
) -> None:  # pragma: no cover - compiled
    """Advance an exponential average seeded by the simple average of its first `period` values.

    State: floats = [seed sum, current value, weight, retain], ints = [samples, period]. `weight`
    and `retain` come from the indicator, so the constants are the streaming path's bits.
    """
    seed, current, weight, retain = floats[0], floats[1], floats[2], floats[3]
    samples, period = ints[0], ints[1]
    for index in range(len(inputs)):
        value = inputs[index]
        samples += 1
        if samples < period:
            seed += value
            current = 0.0
        elif samples == period:
            seed += value
            current = seed / period
        else:
            current = value * weight + current * retain
        out[index, 0] = current
    floats[0] = seed
    floats[1] = current
    ints[0] = samples


@numba.njit(cache=True)
def wilder_kernel(
    inputs: FloatArray, floats: FloatArray, ints: IntArray, out: FloatArray
) -> None:  # pragma: no cover - compiled
    """Advance Wilder's average: the mean of the values seen until `period`, then smoothing.

    State: floats = [sum of the first values, current value, weight, retain], ints = [samples,
    period]. `weight` and `retain` come from the indicator, so the constants are its bits.
    """
    total, current, weight, retain = floats[0], floats[1], floats[2], floats[3]
    samples, period = ints[0], ints[1]
    for index in range(len(inputs)):
        value = inputs[index]
        samples += 1
        if samples < period:
            total += value
            current = total / samples
        else:
            current = value * weight + current * retain
        out[index, 0] = current
    floats[0] = total
    floats[1] = current
    ints[0] = samples


@numba.njit(cache=True)
def lwma_kernel(
    inputs: FloatArray, ring: FloatArray, ints: IntArray, out: FloatArray, denominator: int
) -> None:  # pragma: no cover - compiled
    """Advance a linear weighted average over `len(ring)` values: 0 until the window is full.

    State: ring = the window's values, laid out as `RollingWindow` lays out its items (filled from
    slot 0, then the oldest's slot is the next overwritten); ints = [slot of the oldest once full,
    values seen, denominator]. The weighted sum runs newest to oldest, as the streaming loop does,
    so its rounding is the same.
    """
    size = len(ring)
    oldest, seen = ints[0], ints[1]
    for index in range(len(inputs)):
        value = inputs[index]
        seen += 1
        if seen <= size:
            ring[seen - 1] = value
        else:
            ring[oldest] = value
            oldest = oldest + 1 if oldest + 1 < size else 0
        if seen < size:
            out[index, 0] = 0.0
            continue
        numerator = 0.0
        slot = oldest - 1 if oldest > 0 else size - 1  # the newest value's slot
        for weight in range(size, 0, -1):
            numerator += weight * ring[slot]
            slot = slot - 1 if slot > 0 else size - 1
        out[index, 0] = numerator / denominator
    ints[0] = oldest
    ints[1] = seen
