"""Numba kernel of `Variance` and `StandardDeviation` (which `BollingerBands` runs too).

Same contract as `kernels.py`: the kernel advances the state arrays `volatility_adapters` lays out
in place and writes one output row per input, with the streaming path's float operations in the
same order. The window of values is a ring as `RollingWindow` keeps it: the slots fill in order,
then the oldest one (at `tail`) gives way to the newest. The running sums are re-added exactly
every window length, as the streaming path does, by splitting (`exact_sums`).
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

__all__ = ["deviations", "variance_kernel"]

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


Splitters = tuple[bool, float, float, float, float]
"""How a batch's offsets and their squares are summed exactly: whether the offsets' plain float sum
is exact, then the splitters (`exact_sums`) of the offsets and of their squares."""


@numba.njit(cache=True, error_model="numpy")
def variance_kernel(
    inputs: FloatArray, ring: FloatArray, floats: FloatArray, ints: IntArray, out: FloatArray, root: bool
) -> None:  # pragma: no cover - compiled
    """Advance `Variance` (its square root, `StandardDeviation`, with `root`).

    State: ring = the window of values, floats = [shift, sum, sum of squares, last value, value
    removed last], ints = [tail, values seen, run length of equal values].
    """
    values = np.empty(len(inputs), dtype=np.float64)
    deviations(inputs, ring, floats, ints, values, root)
    out[:, 0] = values


@numba.njit(cache=True, error_model="numpy")
def deviations(
    inputs: FloatArray, ring: FloatArray, floats: FloatArray, ints: IntArray, values: FloatArray, root: bool
) -> None:  # pragma: no cover - compiled
    """`variance_kernel` into a contiguous array of values (a composite's kernel runs it too).

    The running sums come first (a sequential pass), then the variances from them: those do not
    depend on each other, so that pass runs their divisions and roots several at a time.
    """
    count = len(inputs)
    sums = (values, np.empty(count, dtype=np.float64), np.empty(count, dtype=np.float64))
    _add_shifted_sums(inputs, ring, floats, ints, sums)
    _variances(*sums, root)


Running = tuple[float, float, float, float, float, int, int, int]
"""The variance's running state: shift, sum, sum of squares, last value, value removed last, the
window's tail, values seen, run length of equal values."""
Sums = tuple[FloatArray, FloatArray, FloatArray]
"""After each input: the sum of the offsets, the sum of their squares, the window's count (0.0:
the variance is 0 whatever the sums, as for a single value or a window of equal values)."""
Splits = tuple[SplitSum, SplitSum]
"""The exact sums in progress of a group's offsets and of their squares."""


@numba.njit(cache=True, error_model="numpy")
def _add_shifted_sums(
    inputs: FloatArray, ring: FloatArray, floats: FloatArray, ints: IntArray, sums: Sums
) -> None:  # pragma: no cover - compiled
    # The sums are re-added exactly at the first value and every `size` values
    # (Variance._resynchronise), from the window's offsets from its newest value. That window is
    # the values since the last re-sum (a group), and its newest value is an input known in
    # advance: so each value's offset is split into the exact sums as it comes (`exact_sums`),
    # when the group's re-sum falls in this batch.
    size = len(ring)
    running = (floats[0], floats[1], floats[2], floats[3], floats[4], ints[0], ints[1], ints[2])
    sigmas = _offset_splitters(ring[: min(ints[1], size)], inputs, size)
    scratch = np.empty((3, size), dtype=np.float64)
    until_resync = size - ints[1] % size
    index = 0
    while index < len(inputs):
        stop = min(index + until_resync, len(inputs))  # the group's inputs in this batch
        group_shift = inputs[stop - 1]
        if index == 0:  # the group began in an earlier batch: split what the window holds of it
            splits = _split_window_offsets(ring, running[6], running[5], group_shift, sigmas)
        else:
            splits = split_start(sigmas[1]), split_start(sigmas[3])
        group_sums = (sums[0][index:stop], sums[1][index:stop], sums[2][index:stop])
        resyncs = stop - index == until_resync
        if resyncs and running[6] >= size:  # the usual group: a full window, re-summed here
            running, splits = _settled_group(inputs[index:stop], ring, running, sigmas, splits, group_sums)
        else:
            running, splits = _any_group(
                inputs[index:stop], ring, running, resyncs, sigmas, splits, group_sums
            )
        until_resync -= stop - index
        index = stop
        if until_resync == 0:  # the group's last value re-sums: its running sums give way
            running = _resync(running, group_shift, splits, ring, scratch)
            sums[0][index - 1], sums[1][index - 1] = running[1], running[2]
            until_resync = size
    floats[0], floats[1], floats[2], floats[3], floats[4] = running[:5]
    ints[0], ints[1], ints[2] = running[5:]


@numba.njit(cache=True, inline="always")
def _resync(
    running: Running, shift: float, splits: Splits, ring: FloatArray, scratch: FloatArray
) -> Running:  # pragma: no cover - compiled
    # The sums of the window's offsets from its newest value: fsum's, from their split sums, or
    # when a bit escaped from the offsets themselves
    _, _, _, last, removed, tail, seen, run = running
    total, square_total = split_result(splits[0]), split_result(splits[1])
    if math.isnan(total) or math.isnan(square_total):  # a bit escaped: the slow way
        total, square_total = _shifted_sums(ring[: min(seen, len(ring))], shift, scratch)
    return shift, total, square_total, last, removed, tail, seen, run


@numba.njit(cache=True, inline="always")
def _settled_group(
    values: FloatArray, ring: FloatArray, running: Running, sigmas: Splitters, splits: Splits, sums: Sums
) -> tuple[Running, Splits]:  # pragma: no cover - compiled
    # `_any_group` once the window is full (each input pushes one out) and when the group's
    # re-sum falls in the batch (each offset from its newest value is split): the same steps
    # with no test of either, the splits in a loop of their own (together they hold more values
    # than there are registers)
    shift, total, square_total, last, removed, tail, seen, run = running
    totals, squares, counts = sums
    size = len(ring)
    for index in range(len(values)):
        at = np.uint64(index)  # unsigned indices: numba then skips its negative-index fix-up
        value = values[at]
        run = run + 1 if value == last else 1
        last = value
        slot = np.uint64(tail)
        removed = ring[slot]
        ring[slot] = value
        tail = tail + 1 if tail + 1 < size else 0
        offset = value - shift
        gone = removed - shift
        total = total + offset - gone
        square_total = square_total + offset * offset - gone * gone
        totals[at] = total
        squares[at] = square_total
        counts[at] = size if run < size else 0.0
    splits = _split_offsets(values, values[len(values) - 1], sigmas, splits)
    return (shift, total, square_total, last, removed, tail, seen + len(values), run), splits


@numba.njit(cache=True, inline="always")
def _any_group(
    values: FloatArray,
    ring: FloatArray,
    running: Running,
    resyncs: bool,
    sigmas: Splitters,
    splits: Splits,
    sums: Sums,
) -> tuple[Running, Splits]:  # pragma: no cover - compiled
    # A group's inputs in this batch, one step at a time as `_variance_after` takes them; the
    # offsets from the group's newest value split when its re-sum falls in this batch
    shift, total, square_total, last, removed, tail, seen, run = running
    totals, squares, counts = sums
    size = len(ring)
    for index in range(len(values)):
        at = np.uint64(index)  # unsigned indices: numba then skips its negative-index fix-up
        value = values[at]
        run = run + 1 if value == last else 1
        last = value
        seen += 1
        tail, removed = _push(ring, tail, seen, value, removed)
        shift, total, square_total = _running_sums(shift, total, square_total, value, removed, seen, size)
        window = seen if seen < size else size
        totals[at] = total
        squares[at] = square_total
        counts[at] = window if (seen >= 2) & (run < window) else 0.0
    if resyncs:
        splits = _split_offsets(values, values[len(values) - 1], sigmas, splits)
    return (shift, total, square_total, last, removed, tail, seen, run), splits


@numba.njit(cache=True, inline="always")
def _split_offsets(
    values: FloatArray, shift: float, sigmas: Splitters, splits: Splits
) -> Splits:  # pragma: no cover - compiled
    # Add the values' offsets from `shift`, and their squares, to their exact sums
    plain, sigma, sigma2, square_sigma, square_sigma2 = sigmas
    offsets, squares = splits
    if plain:  # the plain sum of the offsets is exact (`_offset_splitters`)
        total = offsets[0]
        for index in range(len(values)):
            offset = values[np.uint64(index)] - shift
            total += offset
            squares = split_add(squares, offset * offset, square_sigma, square_sigma2)
        return (total, offsets[1], offsets[2]), squares
    for index in range(len(values)):
        offset = values[np.uint64(index)] - shift
        offsets = split_add(offsets, offset, sigma, sigma2)
        squares = split_add(squares, offset * offset, square_sigma, square_sigma2)
    return offsets, squares


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
    values: FloatArray, squares: FloatArray, counts: FloatArray, root: bool
) -> None:  # pragma: no cover - compiled
    # Variance._variance_after from the sums (`values` holds the sums of the offsets on entry).
    # A pass of its own over contiguous arrays: the divisions and roots do not depend on each
    # other, so it runs several at a time.
    for index in range(len(counts)):
        count = counts[index]
        mean = values[index] / count
        spread = squares[index] / count - mean * mean
        # max(0.0, spread): 0.0 unless spread is greater (so never -0.0, nor NaN); a zero count
        # means a variance of 0 whatever the sums. Selects, no branch: the loop runs several at
        # a time (a zero count's divisions are computed and dropped).
        variance = spread if (spread > 0.0) & (count != 0.0) else 0.0
        values[index] = math.sqrt(variance) if root else variance


@numba.njit(cache=True)
def _offset_splitters(window: FloatArray, inputs: FloatArray, size: int) -> Splitters:  # pragma: no cover
    # An offset is at most the spread of the values the window holds or takes (rounding is
    # monotonic), its square the spread's square: the bounds of the splitters.
    #
    # And when every value's magnitude is at least sigma / 2 (the offsets' larger splitter,
    # 2**k), the plain float sum of up to `size` offsets is exact: such values have an ulp of at
    # least u = 2**(k - 53), so are multiples of u, and so is the difference of two; rounding
    # keeps it one (a multiple of u below 2**53 * u is a float, above it floats are multiples of
    # 2u). Every partial sum is then a multiple of u below size * spread < sigma = 2**53 * u in
    # magnitude: a float. (No value is 0, so no offset is -0.0.) Prices are so, but far apart.
    low, high = _value_range(inputs, np.inf, -np.inf)
    low, high = _value_range(window, low, high)
    spread = high - low if high >= low else 0.0
    sigma, sigma2 = splitters(spread, size)
    square_sigma, square_sigma2 = splitters(spread * spread, size)
    smallest = min(abs(low), abs(high)) if low * high > 0.0 else 0.0
    plain = sigma != 0.0 and smallest >= sigma / 2
    return plain, sigma, sigma2, square_sigma, square_sigma2


@numba.njit(cache=True)
def _value_range(values: FloatArray, low: float, high: float) -> tuple[float, float]:  # pragma: no cover
    for value in values:
        low = min(low, value)
        high = max(high, value)
    return low, high


@numba.njit(cache=True)
def _split_window_offsets(
    ring: FloatArray, seen: int, tail: int, shift: float, sigmas: Splitters
) -> Splits:  # pragma: no cover - compiled
    # The split sums of the offsets from `shift` (and of their squares) of the values the window
    # took since the last re-sum (seen % size of them): the newest, from slot 0 up while filling,
    # else before `tail`
    size = len(ring)
    _, sigma, sigma2, square_sigma, square_sigma2 = sigmas
    offsets, squares = split_start(sigma), split_start(square_sigma)
    slot = seen if seen < size else tail
    for _ in range(seen % size):
        slot = slot - 1 if slot > 0 else size - 1
        offset = ring[slot] - shift
        offsets = split_add(offsets, offset, sigma, sigma2)
        squares = split_add(squares, offset * offset, square_sigma, square_sigma2)
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
