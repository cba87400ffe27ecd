"""Correctly rounded sums: the bits `math.fsum` gives, for the kernels' exact re-sums.

The streaming path re-adds some windows exactly (`math.fsum`) every window length. fsum returns the
correctly rounded value of the exact sum (ties to even, +0.0 when the exact sum is zero), and that
value is unique: any algorithm returning it gives fsum's bits. Two such algorithms here:

* `exact_sum` is fsum's own (Shewchuk's partials): any finite values, but a data-dependent inner
  loop per value makes it slow;
* a split sum (`split_add`) splits each value at two fixed powers of two (error-free extraction,
  after Rump, Ogita and Oishi) into parts that add up without error, in any order: a fixed handful
  of float operations per value, and it can take the values one at a time as they come. It tells
  when a bit escaped its two levels (`split_result` is then NaN), and the kernel takes
  `exact_sum` of the window instead.

A kernel bounds the magnitudes of a batch's values once and derives the powers from the bound
(`splitters`), so every window of the batch splits at the same two.
"""

from __future__ import annotations

import math

import numba
import numpy as np
import numpy.typing as npt

__all__ = [
    "SplitSum",
    "exact_sum",
    "largest_magnitude",
    "shewchuk_sum",
    "split_add",
    "split_result",
    "split_start",
    "splitters",
]

FloatArray = npt.NDArray[np.float64]

#: the exponent range where `split_add`'s argument holds: sigma finite with 1.5 * sigma too, and
#: the smaller splitter's half a normal number (its multiples are then the floats near it)
_LARGEST_EXPONENT = 1023
_SMALLEST_EXPONENT = -1021


@numba.njit(cache=True)
def exact_sum(values: FloatArray) -> float:  # pragma: no cover - compiled
    """Return the correctly rounded sum of finite values, as `math.fsum` does (Shewchuk's partials)."""
    return shewchuk_sum(values, np.empty(len(values), dtype=np.float64))


@numba.njit(cache=True)
def shewchuk_sum(values: FloatArray, partials: FloatArray) -> float:  # pragma: no cover - compiled
    """`exact_sum` with scratch space of at least len(values): a kernel allocates it once, not per sum."""
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
        if x != 0.0:  # as CPython's fsum: no zero partial, so an exact zero sum is +0.0
            partials[kept] = x
            kept += 1
        used = kept
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
def largest_magnitude(values: FloatArray) -> float:  # pragma: no cover - compiled
    """Return the largest |value| (0.0 for none): the bound `splitters` takes."""
    largest = 0.0
    for value in values:
        largest = max(largest, abs(value))
    return largest


@numba.njit(cache=True)
def splitters(bound: float, count: int) -> tuple[float, float]:  # pragma: no cover - compiled
    """Return the two powers of two `split_add` splits at, for sums of `count` values within ±bound.

    (0.0, 0.0) when the bound is out of the range where the split is exact: a split sum then
    escapes from the start (`split_start`). See `split_add` for why these powers.
    """
    if not math.isfinite(bound):
        return 0.0, 0.0
    levels = 1  # the M of `split_add`: count < 2**M
    while (1 << levels) <= count:
        levels += 1
    exponent = math.frexp(bound)[1] + levels  # bound < 2**frexp(bound)[1]
    smaller = exponent - 53 + levels
    if exponent > _LARGEST_EXPONENT or smaller < _SMALLEST_EXPONENT:
        return 0.0, 0.0
    return math.ldexp(1.0, exponent), math.ldexp(1.0, smaller)


SplitSum = tuple[float, float, bool]
"""A sum in progress by splitting (`split_add`): the two levels' exact sums, whether a bit escaped."""


@numba.njit(cache=True, inline="always")
def split_start(sigma: float) -> SplitSum:  # pragma: no cover - compiled
    """Return an empty split sum (one that escaped already when `splitters` found no exact split)."""
    return 0.0, 0.0, sigma == 0.0


@numba.njit(cache=True, inline="always")
def split_add(total: SplitSum, x: float, sigma: float, sigma2: float) -> SplitSum:  # pragma: no cover
    """Add `x` to a split sum: at most `count` values (of `splitters`) within its bound, in any order.

    Why the sum stays exact: let sigma = 2**k, |x| <= sigma / 2**M for every value and count < 2**M
    (M >= 1), and write u = 2**(k - 53).

    1. s = fl(sigma + x) lies in [sigma/2, 3*sigma/2] (sigma + x does; rounding is monotonic and both
       ends are floats), where every float is a multiple of u.
    2. q = fl(s - sigma) is s - sigma exactly (Sterbenz: sigma/2 <= s <= 2*sigma): a multiple of u,
       with |q| <= |x| + u (s is within half an ulp, at most u, of sigma + x).
    3. r = fl(x - q) is x - q exactly: it is (sigma + x) - s, the rounding error of a float sum,
       which is a float; |r| <= u.
    4. Any sum of at most `count` of the q is a multiple of u smaller than sigma = 2**53 * u in
       magnitude (count * (sigma / 2**M + u) < sigma), hence a float: every partial sum of the q,
       in any order, is exact.

    The second level repeats this on r with sigma2 = 2**(k - 53 + M) (so |r| <= sigma2 / 2**M).
    A bit escapes when r differs from its q2: r - q2 (exact, by 3) is what neither level holds.
    """
    high, low, escaped = total
    q = (sigma + x) - sigma
    r = x - q
    q2 = (sigma2 + r) - sigma2
    return high + q, low + q2, escaped | (r != q2)


@numba.njit(cache=True, inline="always")
def split_result(total: SplitSum) -> float:  # pragma: no cover - compiled
    """Return fsum's value of the values split into `total`, or NaN when a bit escaped.

    With no bit escaped the sum is exactly high + low, both exact, so fl(high + low) is its
    correct rounding: fsum's value, +0.0 for an exact zero too (no q is -0.0: s - sigma of equal
    floats is +0.0, and x + -x is +0.0). A kernel takes `exact_sum` of the values on a NaN (an
    exact sum of finite values within a bound `splitters` takes is never NaN).
    """
    high, low, escaped = total
    return math.nan if escaped else high + low
