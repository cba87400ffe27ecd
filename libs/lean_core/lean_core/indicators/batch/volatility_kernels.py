"""Numba kernels of the volatility family: variance and deviation, true range and its average, the
Bollinger bands (the rolling maximum and minimum are `extreme_kernels.py`'s).

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

from lean_core.indicators.batch.exact_sums import (
    SplitSum,
    shewchuk_sum,
    split_add,
    split_result,
    split_start,
    splitters,
)
from lean_core.indicators.batch.kernels import (
    settled,
    smooth,
    smoothed,
    smoothing_constants,
    smoothing_of,
    store_smoothing,
)

__all__ = [
    "atr_kernel",
    "bollinger_kernel",
    "true_range_kernel",
    "variance_kernel",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@numba.njit(cache=True, inline="always")
def _push(ring: FloatArray, tail: int, seen: int, value: float, removed: float) -> tuple[int, float]:
    # `seen` counts `value` already; returns the new tail and the value that last gave way
    # (unsigned slots: numba then skips its negative-index fix-up)
    size = len(ring)
    if seen <= size:
        ring[np.uint64(seen - 1)] = value
        return tail, removed
    slot = np.uint64(tail)
    removed = ring[slot]
    ring[slot] = value
    return (tail + 1 if tail + 1 < size else 0), removed


@numba.njit(cache=True, error_model="numpy")
def variance_kernel(
    inputs: FloatArray, ring: FloatArray, floats: FloatArray, ints: IntArray, out: FloatArray, root: bool
) -> None:  # pragma: no cover - compiled
    """Advance `Variance` (its square root, `StandardDeviation`, with `root`).

    State: ring = the window of values, floats = [shift, sum, sum of squares, last value, value
    removed last], ints = [tail, values seen, run length of equal values]. The running sums come
    first (a sequential pass), then the variances from them: those do not depend on each other,
    so that pass runs their divisions and roots several at a time.
    """
    count = len(inputs)
    squares = np.empty(count, dtype=np.float64)
    counts = np.empty(count, dtype=np.float64)
    _add_shifted_sums(inputs, ring, floats, ints, out, squares, counts)
    _variances(out, squares, counts, root)


@numba.njit(cache=True, error_model="numpy")
def _add_shifted_sums(
    inputs: FloatArray,
    ring: FloatArray,
    floats: FloatArray,
    ints: IntArray,
    totals: FloatArray,
    squares: FloatArray,
    counts: FloatArray,
) -> None:  # pragma: no cover - compiled
    # After each input: the sum of the window's offsets from the shift (into column 0 of
    # `totals`), of their squares, and the window's count (0.0: the variance is 0 whatever the
    # sums, as for a single value or a window of equal values). The sums are re-added exactly at
    # the first value and every `size` values (Variance._resynchronise), from the window's
    # offsets from its newest value. That window is the values since the last re-sum (a group),
    # and its newest value is an input known in advance: so each value's offset is split into
    # the exact sums as it comes (`exact_sums`), when the group's re-sum falls in this batch.
    size = len(ring)
    shift, total, square_total, last, removed = floats[0], floats[1], floats[2], floats[3], floats[4]
    tail, seen, run = ints[0], ints[1], ints[2]
    count = len(inputs)
    sigmas = _offset_splitters(ring[: min(seen, size)], inputs, size)
    sigma, sigma2, square_sigma, square_sigma2 = sigmas
    scratch = np.empty((3, size), dtype=np.float64)
    until_resync = size - seen % size
    index = 0
    while index < count:
        stop = min(index + until_resync, count)  # the group's inputs in this batch
        resyncs = stop - index == until_resync
        group_shift = inputs[stop - 1]
        if index == 0:  # the group began in an earlier batch: split what the window holds of it
            offsets, offset_squares = _split_window_offsets(ring, seen, tail, group_shift, sigmas)
        else:
            offsets, offset_squares = split_start(sigma), split_start(square_sigma)
        for position in range(index, stop):
            at = np.uint64(position)  # unsigned indices: numba then skips its negative-index fix-up
            value = inputs[at]
            run = run + 1 if value == last else 1
            last = value
            seen += 1
            tail, removed = _push(ring, tail, seen, value, removed)
            if resyncs:
                offset = value - group_shift
                offsets = split_add(offsets, offset, sigma, sigma2)
                offset_squares = split_add(offset_squares, offset * offset, square_sigma, square_sigma2)
            # (the group's last value re-sums instead: see below)
            shift, total, square_total = _running_sums(shift, total, square_total, value, removed, seen, size)
            window = seen if seen < size else size
            totals[at, 0] = total
            squares[at] = square_total
            counts[at] = window if (seen >= 2) & (run < window) else 0.0
        until_resync -= stop - index
        index = stop
        if until_resync == 0:
            shift = group_shift
            total, square_total = split_result(offsets), split_result(offset_squares)
            if math.isnan(total) or math.isnan(square_total):  # a bit escaped: the slow way
                total, square_total = _shifted_sums(ring[: min(seen, size)], shift, scratch)
            totals[index - 1, 0] = total
            squares[index - 1] = square_total
            until_resync = size
    floats[0], floats[1], floats[2], floats[3], floats[4] = shift, total, square_total, last, removed
    ints[0], ints[1], ints[2] = tail, seen, run


@numba.njit(cache=True, inline="always")
def _running_sums(
    shift: float, total: float, square_total: float, value: float, removed: float, seen: int, size: int
) -> tuple[float, float, float]:  # pragma: no cover - compiled
    # Variance._variance_after between re-sums: add the value's offset from the shift (and its
    # square), drop the removed value's; a first value starts the sums (its offset is 0)
    if seen == 1:
        return value, 0.0, 0.0
    offset = value - shift
    total = total + offset
    square_total = square_total + offset * offset
    if seen > size:
        gone = removed - shift
        total = total - gone
        square_total = square_total - gone * gone
    return shift, total, square_total


@numba.njit(cache=True, error_model="numpy")
def _variances(
    out: FloatArray, squares: FloatArray, counts: FloatArray, root: bool
) -> None:  # pragma: no cover - compiled
    # Variance._variance_after from the sums (column 0 of `out` on entry, the value on return)
    for index in range(len(counts)):
        count = counts[index]
        variance = 0.0
        if count != 0.0:
            mean = out[index, 0] / count
            spread = squares[index] / count - mean * mean
            # max(0.0, spread): 0.0 unless spread is greater (so never -0.0, nor NaN)
            if spread > 0.0:
                variance = spread
        out[index, 0] = math.sqrt(variance) if root else variance


@numba.njit(cache=True)
def _offset_splitters(
    window: FloatArray, inputs: FloatArray, size: int
) -> tuple[float, float, float, float]:  # pragma: no cover - compiled
    # The splitters (`exact_sums`) of a batch's offsets and of their squares: an offset is at
    # most the spread of the values the window holds or takes (rounding is monotonic), its square
    # the spread's square.
    low, high = _value_range(inputs, np.inf, -np.inf)
    low, high = _value_range(window, low, high)
    spread = high - low if high >= low else 0.0
    sigma, sigma2 = splitters(spread, size)
    square_sigma, square_sigma2 = splitters(spread * spread, size)
    return sigma, sigma2, square_sigma, square_sigma2


@numba.njit(cache=True)
def _value_range(values: FloatArray, low: float, high: float) -> tuple[float, float]:  # pragma: no cover
    for value in values:
        low = min(low, value)
        high = max(high, value)
    return low, high


@numba.njit(cache=True)
def _split_window_offsets(
    ring: FloatArray, seen: int, tail: int, shift: float, sigmas: tuple[float, float, float, float]
) -> tuple[SplitSum, SplitSum]:  # pragma: no cover - compiled
    # The split sums of the offsets from `shift` (and of their squares) of the values the window
    # took since the last re-sum (seen % size of them): the newest, from slot 0 up while filling,
    # else before `tail`
    size = len(ring)
    sigma, smaller, square_sigma, square_smaller = sigmas
    offsets, squares = split_start(sigma), split_start(square_sigma)
    slot = seen if seen < size else tail
    for _ in range(seen % size):
        slot = slot - 1 if slot > 0 else size - 1
        offset = ring[slot] - shift
        offsets = split_add(offsets, offset, sigma, smaller)
        squares = split_add(squares, offset * offset, square_sigma, square_smaller)
    return offsets, squares


@numba.njit(cache=True, error_model="numpy")
def _shifted_sums(
    window: FloatArray, shift: float, scratch: FloatArray
) -> tuple[float, float]:  # pragma: no cover - compiled
    # Variance._resynchronise by `exact_sum`: fsum of the offsets and of their squares
    # (`scratch`: rows for the offsets, the squares and fsum's partials)
    count = len(window)
    for index in range(count):
        offset = window[index] - shift
        scratch[0, index] = offset
        scratch[1, index] = offset * offset
    return shewchuk_sum(scratch[0, :count], scratch[2]), shewchuk_sum(scratch[1, :count], scratch[2])


@numba.njit(cache=True, error_model="numpy")
def true_range_kernel(
    inputs: FloatArray, floats: FloatArray, ints: IntArray, out: FloatArray
) -> None:  # pragma: no cover - compiled
    """Advance `TrueRange` over (high, low, close) rows.

    State: floats = [previous close, NaN before the first bar], ints = [samples].
    """
    previous = floats[0]
    samples = ints[0]
    for index in range(len(inputs)):
        at = np.uint64(index)  # unsigned indices: numba then skips its negative-index fix-up
        samples += 1
        out[at, 0] = _true_range(inputs[at, 0], inputs[at, 1], previous, samples)
        previous = inputs[at, 2]
    floats[0] = previous
    ints[0] = samples


@numba.njit(cache=True, inline="always")
def _true_range(high: float, low: float, previous: float, samples: int) -> float:  # pragma: no cover
    # TrueRange._compute_next_value: `samples` counts this bar, `previous` is NaN before any
    if samples < 2 or math.isnan(previous):
        return high - low
    return _range_over(high, low, previous)


@numba.njit(cache=True, inline="always")
def _range_over(high: float, low: float, previous: float) -> float:  # pragma: no cover - compiled
    # true_range_of: Python's max(range, |high - close|, |low - close|) spelled out, a later one
    # winning only when greater (maxsd's rule: not left to numba's max, and no branch on which
    # is the largest)
    value = high - low
    above = abs(high - previous)
    value = above if above > value else value
    below = abs(low - previous)
    return below if below > value else value


@numba.njit(cache=True, error_model="numpy")
def atr_kernel(
    inputs: FloatArray,
    range_floats: FloatArray,
    range_ints: IntArray,
    floats: FloatArray,
    ints: IntArray,
    out: FloatArray,
    kind: int,
) -> None:  # pragma: no cover - compiled
    """Advance `AverageTrueRange` over a smoothed average (exponential or Wilder's, by kind).

    Outputs: the value, the true range, the average. State: the true range's arrays
    (`true_range_kernel`), then the average's (`kernels.smoothing_kernel`).
    """
    previous = range_floats[0]
    samples = range_ints[0]
    state = smoothing_of(floats, ints)
    constants = smoothing_constants(kind, floats, ints)
    count = len(inputs)
    index = 0
    while index < count and not (samples >= 2 and settled(state, constants)):
        samples += 1
        true_range = _true_range(inputs[index, 0], inputs[index, 1], previous, samples)
        previous = inputs[index, 2]
        state = smooth(state, constants, true_range)
        out[index, 0], out[index, 1], out[index, 2] = state[1], true_range, state[1]
        index += 1
    first, current, smoothed_samples = state
    for position in range(index, count):  # settled: the smoothing alone, the samples after
        at = np.uint64(position)  # unsigned indices: numba then skips its negative-index fix-up
        true_range = _range_over(inputs[at, 0], inputs[at, 1], previous)
        previous = inputs[at, 2]
        current = smoothed(current, true_range, constants)
        out[at, 0], out[at, 1], out[at, 2] = current, true_range, current
    range_floats[0] = previous
    range_ints[0] = samples + count - index
    store_smoothing((first, current, smoothed_samples + count - index), floats, ints)


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
