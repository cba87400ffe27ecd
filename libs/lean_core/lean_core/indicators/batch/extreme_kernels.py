"""Numba kernels of the rolling maximum and minimum.

`Maximum` keeps the largest of its window and how many inputs ago it came, the newest of equal
ones; when that one leaves the window it searches the window again. The kernels do the same over
the window's values and the inputs laid out oldest first in one array: a window is then a range of
it, searched in order with no ring to wrap around, and the window the indicator keeps is written
once at the end (`rings`).

State, as `volatility_adapters` lays it out: ring = the window as `RollingWindow` keeps it (the
slots fill in order, then the oldest one, at `tail`, gives way to the newest: the value of the
p-th input seen is in slot (p - 1) % size), floats = [current value, value removed last], ints =
[tail, values seen, inputs since the extreme].
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

from lean_core.indicators.batch.rings import keep_newest, oldest_first

__all__ = ["maximum_kernel", "minimum_kernel"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@numba.njit(cache=True, error_model="numpy")
def maximum_kernel(
    inputs: FloatArray, ring: FloatArray, floats: FloatArray, ints: IntArray, out: FloatArray
) -> None:  # pragma: no cover - compiled
    """Advance `Maximum`: column 0 the value, 1 the inputs since it came."""
    _extremes(inputs, ring, floats, ints, out, True)


@numba.njit(cache=True, error_model="numpy")
def minimum_kernel(
    inputs: FloatArray, ring: FloatArray, floats: FloatArray, ints: IntArray, out: FloatArray
) -> None:  # pragma: no cover - compiled
    """Advance `Minimum`: column 0 the value, 1 the inputs since it came."""
    _extremes(inputs, ring, floats, ints, out, False)


@numba.njit(cache=True, inline="always")
def _extremes(
    inputs: FloatArray, ring: FloatArray, floats: FloatArray, ints: IntArray, out: FloatArray, largest: bool
) -> None:  # pragma: no cover - compiled
    # Inlined with `largest` a constant. `values` holds the window's values then the inputs,
    # `keys` their order as integers (`_order_keys`); the extreme is tracked by its index.
    size = len(ring)
    seen = ints[1]
    held = min(seen, size)
    values = oldest_first(ring, seen, held, inputs)
    keys = _order_keys(values, largest)
    best, best_at = _search(keys, 0, held)
    for index in range(held, len(values)):
        at = np.uint64(index)
        # the input takes over when at least as large (small), the newest of equal ones: a
        # conditional move, as that is a coin toss a branch would mispredict
        takes = keys[at] >= best
        best = keys[at] if takes else best
        best_at = index if takes else best_at
        if best_at <= index - size:  # the extreme left the window: search it again
            best, best_at = _search(keys, index - size + 1, index + 1)
        row = np.uint64(index - held)
        out[row, 0] = values[np.uint64(best_at)]
        out[row, 1] = index - best_at
    count = len(inputs)
    if count:
        floats[0], ints[2] = values[np.uint64(best_at)], len(values) - 1 - best_at
        seen += count
        ints[0], ints[1] = keep_newest(values, seen, ring), seen
        if seen > size:  # the input `size` before the newest was the last to leave
            floats[1] = values[len(values) - 1 - size]


@numba.njit(cache=True, inline="always")
def _order_keys(values: FloatArray, largest: bool) -> IntArray:  # pragma: no cover - compiled
    # Integers in the order of the values (of their negatives for the minimum): the largest key
    # is the extreme, and comparing integers runs several at a time where floats would not.
    # Adding 0.0 makes -0.0 +0.0 (equal floats, equal keys); a float's bits read as an integer
    # are in its order once the negatives' magnitude bits are flipped.
    keys = (values + 0.0 if largest else -values + 0.0).view(np.int64)
    for index in range(len(keys)):
        at = np.uint64(index)
        key = keys[at]
        keys[at] = key if key >= 0 else key ^ 0x7FFFFFFFFFFFFFFF
    return keys


@numba.njit(cache=True, inline="always")
def _search(keys: IntArray, start: int, stop: int) -> tuple[int, int]:  # pragma: no cover - compiled
    # The largest of keys[start:stop] and the index of the newest key equal to it (-1 if none)
    largest = np.iinfo(np.int64).min
    for index in range(start, stop):
        key = keys[np.uint64(index)]
        largest = key if key > largest else largest
    index = stop - 1
    while index >= start and keys[np.uint64(index)] != largest:
        index -= 1
    return largest, index
