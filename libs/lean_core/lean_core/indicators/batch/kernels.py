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

import math

import numba
import numpy as np
import numpy.typing as npt

from lean_core.indicators.batch.exact_sums import (
    SplitSum,
    largest_magnitude,
    shewchuk_sum,
    split_add,
    split_result,
    split_start,
    splitters,
)

__all__ = ["ema_kernel", "lwma_kernel", "sma_kernel", "sum_kernel", "wilder_kernel"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@numba.njit(cache=True, error_model="numpy")
def _running_sum(
    inputs: FloatArray, ring: FloatArray, floats: FloatArray, ints: IntArray, out: FloatArray, mean: bool
) -> None:  # pragma: no cover - compiled
    # State: floats[0] the total; ints[0] the ring slot of the oldest value once full, ints[1] the
    # values seen. The total is re-added exactly every `size` values, as the streaming sum does.
    # The values since the last re-sum are exactly those the next re-sum adds, so each value is
    # split into that exact sum as it comes (`exact_sums`), and the re-sum costs one addition.
    # Every window's values are in the ring or the inputs: one bound serves the batch.
    size = len(ring)
    total = floats[0]
    oldest = ints[0]
    seen = ints[1]
    sigma, sigma2 = splitters(max(largest_magnitude(ring), largest_magnitude(inputs)), size)
    partials = np.empty(size, dtype=np.float64)
    exact = _split_newest(ring, seen, oldest, sigma, sigma2)
    until_resum = size - seen % size  # values to go until `seen` is a multiple of `size`
    for index in range(len(inputs)):
        at = np.uint64(index)  # unsigned indices: numba then skips its negative-index fix-up
        value = inputs[at]
        seen += 1
        if seen <= size:  # filling the ring: the mean is over the values so far
            ring[np.uint64(seen - 1)] = value
            total = total + value
        else:
            slot = np.uint64(oldest)
            removed = ring[slot]
            ring[slot] = value
            oldest = oldest + 1 if oldest + 1 < size else 0
            total = total + value - removed
        exact = split_add(exact, value, sigma, sigma2)
        until_resum -= 1
        if until_resum == 0:
            total = split_result(exact)
            if math.isnan(total):  # a bit escaped the split: add the window the slow way
                total = shewchuk_sum(ring, partials)
            exact = split_start(sigma)
            until_resum = size
        # x / 1.0 is x: a sum takes the same loop
        out[at, 0] = total / (seen if seen < size else size) if mean else total
    floats[0] = total
    ints[0] = oldest
    ints[1] = seen


@numba.njit(cache=True, inline="always")
def _split_newest(
    ring: FloatArray, seen: int, oldest: int, sigma: float, sigma2: float
) -> SplitSum:  # pragma: no cover - compiled
    # The split sum of the values the ring took since the last re-sum (seen % size of them):
    # the newest, from slot 0 up while filling, else before the oldest's slot
    size = len(ring)
    exact = split_start(sigma)
    slot = seen if seen < size else oldest
    for _ in range(seen % size):
        slot = slot - 1 if slot > 0 else size - 1
        exact = split_add(exact, ring[slot], sigma, sigma2)
    return exact


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
