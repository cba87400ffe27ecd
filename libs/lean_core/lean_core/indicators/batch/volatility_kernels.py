"""Numba kernels of the volatility family: true range and its average, the Bollinger bands (the
variance and deviation are `variance_kernels.py`'s, the rolling maximum and minimum
`extreme_kernels.py`'s).

Same contract as `kernels.py`: each kernel advances the state arrays its adapter lays out (in
`volatility_adapters.py`) in place and writes one output row per input, with the streaming path's
float operations in the same order.
"""

from __future__ import annotations

import math

import numba
import numpy as np
import numpy.typing as npt

from lean_core.indicators.batch import kernels, variance_kernels
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
    "bollinger_sma_kernel",
    "true_range_kernel",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


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


@numba.njit(cache=True, error_model="numpy")
def bollinger_kernel(
    inputs: FloatArray, floats: FloatArray, ints: IntArray, out: FloatArray
) -> None:  # pragma: no cover - compiled
    """Fill `BollingerBands`' columns from its deviation (column 1) and middle band (column 2).

    Writes 0 the value, 3 the price, 4 lower, 5 upper, 6 band width, 7 %B. NaN in 6: the width
    is not computed (a zero middle band: that band takes no sample); NaN in 7: %B counts the
    sample without a value (a zero width). State: floats = [k], ints = [inputs until the parts are
    all ready].
    """
    _bands(inputs, np.ascontiguousarray(out[:, 1]), np.ascontiguousarray(out[:, 2]), floats, ints, out)


@numba.njit(cache=True, error_model="numpy")
def bollinger_sma_kernel(
    inputs: FloatArray,
    floats: FloatArray,
    ints: IntArray,
    deviation_ring: FloatArray,
    deviation_floats: FloatArray,
    deviation_ints: IntArray,
    middle_ring: FloatArray,
    middle_floats: FloatArray,
    middle_ints: IntArray,
    out: FloatArray,
) -> None:  # pragma: no cover - compiled
    """Advance `BollingerBands` over a simple average in one kernel: the deviation, the middle band
    (their kernels' state as their adapters lay it out), then `bollinger_kernel`'s columns.

    The two took the same values (the bands feed both each input): their windows are then the
    same, and the middle band runs in the deviation's pass (`deviations_and_means`).
    """
    count = len(inputs)
    deviations = np.empty(count, dtype=np.float64)
    middles = np.empty(count, dtype=np.float64)
    seen = deviation_ints[1]
    size = len(middle_ring)
    if (
        seen != middle_ints[1]
        or size != len(deviation_ring)
        or not _same_window(deviation_ring, middle_ring, seen)
    ):
        variance_kernels.variance_kernel(
            inputs, deviation_ring, deviation_floats, deviation_ints, deviations, True
        )
        kernels.sma_kernel(inputs, middle_ring, middle_floats, middle_ints, middles.reshape((count, 1)))
    else:
        middle_floats[0] = variance_kernels.deviations_and_means(
            inputs, deviation_ring, deviation_floats, deviation_ints, deviations, middles, middle_floats[0]
        )
        middle_ring[:] = deviation_ring
        middle_ints[0], middle_ints[1] = deviation_ints[0], deviation_ints[1]
    _bands(inputs, deviations, middles, floats, ints, out)


@numba.njit(cache=True, inline="always")
def _same_window(ring: FloatArray, other: FloatArray, seen: int) -> bool:  # pragma: no cover - compiled
    # whether two rings of a window hold the same values after `seen` inputs, bit for bit
    held = min(seen, len(ring))
    return bool(np.all(ring[:held].view(np.int64) == other[:held].view(np.int64)))


@numba.njit(cache=True, error_model="numpy")
def _bands(
    inputs: FloatArray,
    deviations: FloatArray,
    middles: FloatArray,
    floats: FloatArray,
    ints: IntArray,
    out: FloatArray,
) -> None:  # pragma: no cover - compiled
    # `bollinger_kernel`'s columns from contiguous deviations and middle bands (and those, into
    # columns 1 and 2). The divisions first (`_ratios`), then the columns.
    count = len(inputs)
    k = floats[0]
    widths = np.empty(count, dtype=np.float64)
    percents = np.empty(count, dtype=np.float64)
    _ratios(inputs, deviations, middles, k, widths, percents)
    wait = ints[0]
    for index in range(count):
        at = np.uint64(index)  # unsigned indices: numba then skips its negative-index fix-up
        value = inputs[at]
        deviation = deviations[at]
        offset = deviation * k
        out[at, 1] = deviation
        out[at, 2] = middles[at]
        out[at, 3] = value
        out[at, 4] = middles[at] - offset
        out[at, 5] = middles[at] + offset
        out[at, 6] = widths[at]
        out[at, 7] = percents[at]
        wait = wait - 1 if wait > 0 else 0
        # LEAN: once ready, no value while the deviation is 0
        out[at, 0] = math.nan if wait == 0 and deviation == 0.0 else value
    ints[0] = wait


@numba.njit(cache=True, error_model="numpy")
def _ratios(
    inputs: FloatArray,
    deviations: FloatArray,
    middles: FloatArray,
    k: float,
    widths: FloatArray,
    percents: FloatArray,
) -> None:  # pragma: no cover - compiled
    # The band widths and %B: a pass (and a function: in `_bands` numba's loop runs one at a time)
    # of its own over contiguous arrays (a column of `out` is strided), which runs several
    # divisions at a time. NaN: no value (see `bollinger_kernel`).
    for index in range(len(inputs)):
        offset = deviations[index] * k
        middle = middles[index]
        lower = middle - offset
        width = (middle + offset) - lower
        widths[index] = width / middle * 100.0 if middle != 0.0 else math.nan
        percents[index] = (inputs[index] - lower) / width if width != 0.0 else math.nan
