"""Numba kernel of `Variance` and `StandardDeviation` (which `BollingerBands` runs too).

Same contract as `kernels.py`: the kernel advances the state arrays `volatility_adapters` lays out
in place and writes one value per input, with the streaming path's float operations in the same
order (the Bollinger bands' kernel runs it with its simple middle band: `deviations_and_means`).
The window of values is a ring as `RollingWindow` keeps it: the slots fill in order, then the
oldest one (at `tail`) gives way to the newest; the kernel lays the window's values out ahead of
its inputs (`rings`) and writes the window back once done. The running sums are re-added exactly
every window length, as the streaming path does, by splitting (`exact_sums`): those re-sums depend
on the values alone, so they come in a pass of their own, many windows at a time.
"""

from __future__ import annotations

import math

import numba
import numpy as np
import numpy.typing as npt

from lean_core.indicators.batch.exact_sums import (
    largest_magnitude,
    shewchuk_sum,
    split_add,
    split_result,
    splitters,
)
from lean_core.indicators.batch.rings import keep_newest, oldest_first

__all__ = ["deviations_and_means", "variance_kernel"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


Splitters = tuple[bool, float, float, float, float]
"""How a batch's offsets and their squares are summed exactly: whether the offsets' plain float sum
is exact, then the splitters (`exact_sums`) of the offsets and of their squares."""


@numba.njit(cache=True, error_model="numpy")
def variance_kernel(
    inputs: FloatArray, ring: FloatArray, floats: FloatArray, ints: IntArray, values: FloatArray, root: bool
) -> None:  # pragma: no cover - compiled
    """Advance `Variance` (its square root, `StandardDeviation`, with `root`): each input's value
    into `values`, one dimension (the adapter passes its output's column: no copy of a 2-D one).

    State: ring = the window of values, floats = [shift, sum, sum of squares, last value, value
    removed last], ints = [tail, values seen, run length of equal values]. The running sums come
    first (a sequential pass), then the variances from them: those do not depend on each other,
    so that pass runs their divisions and roots several at a time.
    """
    count = len(inputs)
    sums = (values, np.empty(count, dtype=np.float64), np.empty(count, dtype=np.float64), np.empty(0))
    _add_shifted_sums(inputs, ring, floats, ints, sums, 0.0)
    _variances(sums[0], sums[1], sums[2], root)


@numba.njit(cache=True, error_model="numpy")
def deviations_and_means(
    inputs: FloatArray,
    ring: FloatArray,
    floats: FloatArray,
    ints: IntArray,
    values: FloatArray,
    means: FloatArray,
    window_sum: float,
) -> float:  # pragma: no cover - compiled
    """`variance_kernel`'s roots, with the simple average after each input into `means`: the
    window's plain sum over its count, as `kernels.sma_kernel` keeps it (from `window_sum`, its
    total before; returned after). The Bollinger bands' deviation and middle band.

    The plain sum runs in the same pass as the variance's: two chains of dependent additions side
    by side take hardly longer than one, and the pass has room for the mean's division too. Its
    re-sums fall where the variance's do (every `size` values: the two took the same values), and
    are taken with them.
    """
    count = len(inputs)
    sums = (values, np.empty(count, dtype=np.float64), np.empty(count, dtype=np.float64), means)
    window_sum = _add_shifted_sums(inputs, ring, floats, ints, sums, window_sum)
    _variances(sums[0], sums[1], sums[2], True)
    return window_sum


Running = tuple[float, float, float, float, int, int, float]
"""The variance's running state: shift, sum, sum of squares, last value, values seen, run length
of equal values; then the window's plain sum."""
Sums = tuple[FloatArray, FloatArray, FloatArray, FloatArray]
"""After each input: the mean of the offsets (their sum over the count, whatever that gives for a
count of 0.0), the sum of their squares, the window's count (0.0: the variance is 0 whatever the
sums, as for a single value or a window of equal values), and the window's mean (its plain sum
over its count; an empty array: not asked for)."""
Resums = tuple[FloatArray, FloatArray, FloatArray]
"""The exact sums of the offsets, of their squares and of the values at each of a batch's re-sums,
in order (the last empty when the plain sums are not asked for)."""


@numba.njit(cache=True, error_model="numpy")
def _add_shifted_sums(
    inputs: FloatArray, ring: FloatArray, floats: FloatArray, ints: IntArray, sums: Sums, window_sum: float
) -> float:  # pragma: no cover - compiled
    # The sums are re-added exactly at the first value and every `size` values
    # (Variance._resynchronise), from the window's offsets from its newest value; in between, a
    # value adds its offset and takes off that of the value it pushes out. With the window's
    # values laid out ahead of the inputs (`oldest_first`), the value pushed out is the one
    # `size` places before, and a re-sum's window a range: the re-sums depend on the values
    # alone, so they come first, in a pass of their own, and the running sums take them in turn.
    size = len(ring)
    seen = ints[1]
    values = oldest_first(ring, seen, size, inputs)
    held = len(values) - len(inputs)
    first = size - 1 - seen % size  # the first input a re-sum falls on: seen + first + 1 = 0 mod size
    resums = _resums(values, held + first, size, len(sums[3]) > 0)
    running = (floats[0], floats[1], floats[2], floats[3], seen, ints[2], window_sum)
    running = _running_sums(values, size, running, resums, first, sums)
    floats[0], floats[1], floats[2], floats[3] = running[:4]
    seen = running[4]
    if seen > size and len(inputs):
        floats[4] = values[len(values) - 1 - size]  # the value the last input pushed out
    ints[0] = keep_newest(values, seen, ring)
    ints[1], ints[2] = seen, running[5]
    return running[6]


@numba.njit(cache=True, error_model="numpy")
def _running_sums(
    values: FloatArray, size: int, running: Running, resums: Resums, first: int, sums: Sums
) -> Running:  # pragma: no cover - compiled
    # Variance._variance_after for each input (the end of `values`, the window's values before):
    # the re-sums from `resums`, the first of them at input `first`, then every `size`; and the
    # plain sum as `kernels._running_sum` keeps it, with its mean, when asked. Once the window is
    # full, the inputs take a loop of their own (`_settled_steps`).
    count = len(sums[0])
    held = len(values) - count
    resum = first
    index = 0
    while index < count and running[4] < size:
        group = (index - first) // size if index == resum else -1
        running = _step(values, held, size, index, running, resums, group, sums)
        resum += size if index == resum else 0
        index += 1
    if len(sums[3]):  # a loop for each of with and without the plain sums: one testing is slower
        return _settled_steps(values, held, size, index, resum, first, running, resums, sums, True)
    return _settled_steps(values, held, size, index, resum, first, running, resums, sums, False)


@numba.njit(cache=True, inline="always")
def _step(
    values: FloatArray,
    held: int,
    size: int,
    index: int,
    running: Running,
    resums: Resums,
    group: int,
    sums: Sums,
) -> Running:  # pragma: no cover - compiled
    # Input `index` (at values[held + index]): a re-sum from `resums`' group `group` (-1: none),
    # else a running step; either while the window fills
    shift, total, square_total, last, seen, run, window_sum = running
    value = values[held + index]
    run = run + 1 if value == last else 1
    seen += 1
    removed = values[held + index - size] if seen > size else 0.0
    if group >= 0:
        shift, total, square_total = value, resums[0][group], resums[1][group]
        window_sum = resums[2][group] if len(sums[3]) else window_sum
    else:
        if seen == 1:  # a first value's window re-sums too: its offset is 0
            shift, total, square_total = value, 0.0, 0.0
        else:
            offset = value - shift
            total = total + offset
            square_total = square_total + offset * offset
            if seen > size:
                gone = removed - shift
                total = total - gone
                square_total = square_total - gone * gone
        window_sum = window_sum + value - removed if seen > size else window_sum + value
    window = seen if seen < size else size
    count = window if (seen >= 2) & (run < window) else 0.0
    sums[0][index], sums[1][index], sums[2][index] = total / count, square_total, count
    if len(sums[3]):
        sums[3][index] = window_sum / window
    return shift, total, square_total, value, seen, run, window_sum


@numba.njit(cache=True, inline="always")
def _settled_steps(
    values: FloatArray,
    held: int,
    size: int,
    start: int,
    resum: int,
    first: int,
    running: Running,
    resums: Resums,
    sums: Sums,
    plain: bool,
) -> Running:  # pragma: no cover - compiled
    # `_step` for the inputs from `start` on, the window full before each (every one pushes a
    # value out), the next re-sum at input `resum`
    shift, total, square_total, last, seen, run, window_sum = running
    totals, squares, counts, means = sums
    group = (resum - first) // size
    for index in range(start, len(totals)):
        at = np.uint64(index)  # unsigned indices: numba then skips its negative-index fix-up
        value = values[np.uint64(held + index)]
        removed = values[np.uint64(held + index - size)]
        run = run + 1 if value == last else 1
        last = value
        if index == resum:
            slot = np.uint64(group)
            shift, total, square_total = value, resums[0][slot], resums[1][slot]
            if plain:
                window_sum = resums[2][slot]
            group += 1
            resum += size
        else:
            offset = value - shift
            gone = removed - shift
            total = total + offset - gone
            square_total = square_total + offset * offset - gone * gone
            if plain:
                window_sum = window_sum + value - removed
        count = size if run < size else 0.0
        totals[at] = total / count
        squares[at] = square_total
        counts[at] = count
        if plain:
            means[at] = window_sum / size
    return shift, total, square_total, last, seen + len(totals) - start, run, window_sum


@numba.njit(cache=True, error_model="numpy")
def _resums(values: FloatArray, first: int, size: int, plain: bool) -> Resums:  # pragma: no cover
    # The exact sums of the offsets (and of their squares) of each window of `size` values ending
    # at values[first], then every `size` values, from its newest value, and with `plain` of the
    # values themselves: by splitting (`exact_sums`), by fsum's own algorithm where a bit
    # escapes. Those windows tile the values: laid out one per column, each row's offsets split
    # across every window at once, the windows' sums in arrays of their own (not one window's
    # values into one sum: a chain of dependent additions), which runs several windows at a time.
    groups = max(0, (len(values) - first + size - 1) // size)
    start = first - size + 1
    columns = _columns(values[start : start + groups * size], size)
    shifts = columns[size - 1]
    offsets, squares, sums = _no_splits(groups), _no_splits(groups), _no_splits(groups if plain else 0)
    sigmas = _offset_splitters(values[start:], size)
    for row in range(size):
        _split_row(columns[row], shifts, sigmas, offsets, squares)
    if plain:
        sigma, sigma2 = splitters(largest_magnitude(values[start:]), size)
        for row in range(size):
            _split_values(columns[row], sigma, sigma2, sums)
    scratch = np.empty((3, size), dtype=np.float64)
    for group in range(groups):
        total = _split_total(offsets, group, sigmas[0])
        square_total = _split_total(squares, group, False)
        if math.isnan(total) or math.isnan(square_total):  # a bit escaped: the slow way
            window = values[start + group * size : start + (group + 1) * size]
            total, square_total = _shifted_sums(window, shifts[group], scratch)
        offsets[0][group], squares[0][group] = total, square_total
    for group in range(len(sums[0])):
        window_sum = _split_total(sums, group, False)
        if math.isnan(window_sum):
            window_sum = shewchuk_sum(values[start + group * size : start + (group + 1) * size], scratch[2])
        sums[0][group] = window_sum
    return offsets[0], squares[0], sums[0]


SplitSums = tuple[FloatArray, FloatArray, IntArray]
"""Split sums in progress (`exact_sums.SplitSum`) of several windows, one per element (whether a
bit escaped as 0 or 1: integer flags let the loops run several windows at a time, booleans not)."""


@numba.njit(cache=True)
def _columns(values: FloatArray, size: int) -> FloatArray:  # pragma: no cover - compiled
    # values[k * size + row] at [row, k] (numba's own copy of a transposed view is far slower)
    groups = len(values) // size
    columns = np.empty((size, groups), dtype=np.float64)
    for group in range(groups):
        for row in range(size):
            columns[row, group] = values[group * size + row]
    return columns


@numba.njit(cache=True, inline="always")
def _split_row(
    values: FloatArray, shifts: FloatArray, sigmas: Splitters, offsets: SplitSums, squares: SplitSums
) -> None:  # pragma: no cover - compiled
    # Add one value of each window: its offset from the window's shift, and the offset's square
    plain, sigma, sigma2, square_sigma, square_sigma2 = sigmas
    highs, lows, escaped = offsets
    square_highs, square_lows, square_escaped = squares
    for index in range(len(values)):
        at = np.uint64(index)  # unsigned indices: numba then skips its negative-index fix-up
        offset = values[at] - shifts[at]
        if plain:  # the plain sum of the offsets is exact (`_offset_splitters`)
            highs[at] += offset
        else:
            highs[at], lows[at], escaped[at] = split_add(
                (highs[at], lows[at], escaped[at]), offset, sigma, sigma2
            )
        square = offset * offset
        square_highs[at], square_lows[at], square_escaped[at] = split_add(
            (square_highs[at], square_lows[at], square_escaped[at]), square, square_sigma, square_sigma2
        )


@numba.njit(cache=True, inline="always")
def _split_total(sums: SplitSums, at: int, plain: bool) -> float:  # pragma: no cover - compiled
    # fsum's value of one window's split sum (its high part alone when summed plainly), NaN when a
    # bit escaped
    return sums[0][at] if plain else split_result((sums[0][at], sums[1][at], sums[2][at]))


@numba.njit(cache=True, inline="always")
def _no_splits(groups: int) -> SplitSums:  # pragma: no cover - compiled
    # empty split sums for `groups` windows
    return np.zeros(groups), np.zeros(groups), np.zeros(groups, dtype=np.int64)


@numba.njit(cache=True, inline="always")
def _split_values(
    values: FloatArray, sigma: float, sigma2: float, sums: SplitSums
) -> None:  # pragma: no cover
    # Add one value of each window to its split sum
    highs, lows, escaped = sums
    for index in range(len(values)):
        at = np.uint64(index)  # unsigned indices: numba then skips its negative-index fix-up
        highs[at], lows[at], escaped[at] = split_add(
            (highs[at], lows[at], escaped[at]), values[at], sigma, sigma2
        )


@numba.njit(cache=True, error_model="numpy")
def _variances(
    values: FloatArray, squares: FloatArray, counts: FloatArray, root: bool
) -> None:  # pragma: no cover - compiled
    # Variance._variance_after from the sums (`values` holds the offsets' means on entry: their
    # division has room in the running pass, which waits on its chains of additions). A pass of
    # its own over contiguous arrays: the divisions and roots do not depend on each other, so it
    # runs several at a time.
    for index in range(len(counts)):
        count = counts[index]
        mean = values[index]
        spread = squares[index] / count - mean * mean
        # max(0.0, spread): 0.0 unless spread is greater (so never -0.0, nor NaN); a zero count
        # means a variance of 0 whatever the sums. Selects, no branch: the loop runs several at
        # a time (a zero count's divisions are computed and dropped).
        variance = spread if (spread > 0.0) & (count != 0.0) else 0.0
        values[index] = math.sqrt(variance) if root else variance


@numba.njit(cache=True)
def _offset_splitters(values: FloatArray, size: int) -> Splitters:  # pragma: no cover - compiled
    # An offset is at most the spread of the values (the window's and the inputs: every re-sum's
    # window is among them; rounding is monotonic), its square the spread's square: the bounds
    # of the splitters.
    #
    # And when every value's magnitude is at least sigma / 2 (the offsets' larger splitter,
    # 2**k), the plain float sum of up to `size` offsets is exact: such values have an ulp of at
    # least u = 2**(k - 53), so are multiples of u, and so is the difference of two; rounding
    # keeps it one (a multiple of u below 2**53 * u is a float, above it floats are multiples of
    # 2u). Every partial sum is then a multiple of u below size * spread < sigma = 2**53 * u in
    # magnitude: a float. (No value is 0, so no offset is -0.0.) Prices are so, but far apart.
    low, high = _value_range(values, np.inf, -np.inf)
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
