"""Numba kernels of the batch path: each runs one indicator over an array of inputs.

This module holds the moving averages' kernels, which the composites of every family also run for
their averages (see `averages.py`). A kernel takes the inputs, the indicator's state as a few small
arrays (a ring of values, floats, integers: laid out by its adapter in `adapters.py`) which it
advances in place, and an output array with one row per input. Each performs the streaming path's
float operations in the same order, so both give the same bits: no fast-math, and sums the
streaming path takes exactly (`math.fsum`) are taken exactly here too (`exact_sums`). A NaN in an
output's first column means the streaming path's "no value" (the sample counts, `current` stays).
Loops index with unsigned integers where they can: numba then skips its negative-index fix-up.
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
from lean_core.indicators.batch.rings import keep_newest, oldest_first

__all__ = [
    "EXPONENTIAL",
    "WILDERS",
    "Smoothing",
    "SmoothingConstants",
    "lwma_kernel",
    "settled",
    "sma_kernel",
    "smooth",
    "smoothed",
    "smoothing_constants",
    "smoothing_kernel",
    "smoothing_of",
    "store_smoothing",
    "sum_kernel",
]

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


# -- exponential and Wilder's averages ---------------------------------------------------------
# Both smooth from their period-th value on and keep the same state, so one step serves both (and
# the composites that fuse them: RSI, MACD, the average true range).

#: a smoothed average's kind, as `averages.AVERAGE_CLASSES` indexes it
EXPONENTIAL = 1
WILDERS = 2

Smoothing = tuple[float, float, int]
"""A smoothed average's state: the sum of its first values, its current value, its samples."""
SmoothingConstants = tuple[int, int, float, float]
"""A smoothed average's kind, period, and weights of the new value and of the current one."""


@numba.njit(cache=True, inline="always")
def smoothing_of(floats: FloatArray, ints: IntArray) -> Smoothing:  # pragma: no cover - compiled
    """Return the state of a smoothed average's arrays: floats = [first values' sum, current,
    weight, retain], ints = [samples, period] (`adapters` lays them out)."""
    return floats[0], floats[1], ints[0]


@numba.njit(cache=True, inline="always")
def smoothing_constants(
    kind: int, floats: FloatArray, ints: IntArray
) -> SmoothingConstants:  # pragma: no cover - compiled
    """Return a smoothed average's constants: `weight` and `retain` are the indicator's bits."""
    return kind, ints[1], floats[2], floats[3]


@numba.njit(cache=True, inline="always")
def store_smoothing(state: Smoothing, floats: FloatArray, ints: IntArray) -> None:  # pragma: no cover
    """Write a smoothed average's state back into its arrays."""
    floats[0], floats[1], ints[0] = state


@numba.njit(cache=True, inline="always")
def smooth(state: Smoothing, constants: SmoothingConstants, value: float) -> Smoothing:  # pragma: no cover
    """Return the state after `value`: the streaming `_compute_next_value`, step for step.

    Exponential: 0 until the period-th value, which gives the mean of the first ones; Wilder's: the
    mean of the values so far until then. Both smooth after (`smoothed`).
    """
    first, current, samples = state
    kind, period = constants[0], constants[1]
    samples += 1
    if samples < period:
        first += value
        return first, (first / samples if kind == WILDERS else 0.0), samples
    if samples == period and kind == EXPONENTIAL:
        first += value
        return first, first / period, samples
    return first, smoothed(current, value, constants), samples


@numba.njit(cache=True, inline="always")
def smoothed(current: float, value: float, constants: SmoothingConstants) -> float:  # pragma: no cover
    """Return the smoothing of `current` by `value`: what `smooth` computes once `settled`."""
    return value * constants[2] + current * constants[3]


@numba.njit(cache=True, inline="always")
def settled(state: Smoothing, constants: SmoothingConstants) -> bool:  # pragma: no cover - compiled
    """Return whether every next value only smooths (`smoothed`): the first values are behind.

    A kernel then runs a loop of the smoothing alone, and counts the samples after it.
    """
    return state[2] >= constants[1]


@numba.njit(cache=True, error_model="numpy")
def smoothing_kernel(
    inputs: FloatArray, floats: FloatArray, ints: IntArray, out: FloatArray, kind: int
) -> None:  # pragma: no cover - compiled
    """Advance an exponential average (`kind` EXPONENTIAL) or Wilder's (WILDERS).

    State: floats = [sum of the first values, current value, weight, retain], ints = [samples,
    period]. `weight` and `retain` come from the indicator, so the constants are its bits.
    """
    state = smoothing_of(floats, ints)
    constants = smoothing_constants(kind, floats, ints)
    count = len(inputs)
    index = 0
    while index < count and not settled(state, constants):
        state = smooth(state, constants, inputs[index])
        out[index, 0] = state[1]
        index += 1
    first, current, samples = state
    for position in range(index, count):
        at = np.uint64(position)  # unsigned indices: numba then skips its negative-index fix-up
        current = smoothed(current, inputs[at], constants)
        out[at, 0] = current
    store_smoothing((first, current, samples + count - index), floats, ints)


@numba.njit(cache=True, error_model="numpy")
def lwma_kernel(
    inputs: FloatArray, ring: FloatArray, ints: IntArray, out: FloatArray, denominator: int
) -> None:  # pragma: no cover - compiled
    """Advance a linear weighted average over `len(ring)` values: 0 until the window is full.

    State: ring = the window's values, laid out as `RollingWindow` lays out its items (`rings`);
    ints = [slot of the oldest once full, values seen, denominator]. Each weighted sum runs newest
    to oldest, as the streaming loop does, so its rounding is the same; the batch's sums run
    weight by weight over all its outputs at once (the window's values and the inputs laid out
    oldest first), which takes the additions several outputs at a time.
    """
    size = len(ring)
    seen = ints[1]
    count = len(inputs)
    values = oldest_first(ring, seen, size - 1, inputs)
    held = len(values) - count
    first = min(count, max(0, size - 1 - seen))  # the outputs before have fewer than size values
    sums = np.zeros(count - first, dtype=np.float64)
    for back in range(size):  # the value `back` inputs before each output weighs size - back
        weight = float(size - back)
        window = values[held + first - back :]
        for index in range(len(sums)):
            sums[index] += weight * window[index]
    out[:first, 0] = 0.0
    divisor = float(denominator)
    averages = out[first:]
    for index in range(len(sums)):
        averages[index, 0] = sums[index] / divisor
    seen += count
    ints[0] = keep_newest(values, seen, ring)
    ints[1] = seen
