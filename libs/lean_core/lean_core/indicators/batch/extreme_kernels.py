"""Numba kernels of the rolling maximum and minimum.

`Maximum` keeps the largest of its window and how many inputs ago it came: an input at least as
large takes over, and when the one it keeps leaves the window it searches the window again, newest
first. What it keeps is then always the newest of the window's values equal to its largest (either
zero equal to the other), and that is what the kernels compute, bits and count alike. A batch's
first `size` inputs, whose windows reach back into the ring, go one by one as the streaming update
goes, over an array of the ring's values then those inputs (`rings.oldest_first`); the windows of
the later ones are all inputs, which go a block at a time (`_windows`) and are read in place. The
ring takes the batch's last inputs at the end (`rings.add_newest`).

State, as `volatility_adapters` lays it out: ring = the window as `RollingWindow` keeps it (the
slots fill in order, then the oldest one, at `tail`, gives way to the newest: the value of the
p-th input seen is in slot (p - 1) % size), floats = [current value, value removed last], ints =
[tail, values seen, inputs since the extreme].
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

from lean_core.indicators.batch.rings import add_newest, oldest_first

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
    # Inlined with `largest` a constant. The first `size` inputs' windows reach back into the
    # ring: they go one by one as the streaming path goes. The later ones' windows are all inputs,
    # which `_windows` takes a block at a time.
    size = len(ring)
    seen = ints[1]
    count = len(inputs)
    head = min(count, size)
    values = oldest_first(ring, seen, size, inputs[:head])
    held = len(values) - head
    # the streaming path's own value and count; before any input, one every input takes over from
    best = floats[0] if seen else (-np.inf if largest else np.inf)
    _track(values, held, size, best, held - 1 - ints[2], out[:head], largest)
    _windows(inputs, size, out, largest)
    if count:
        removed = seen + count - size  # the position of the input that left the window last
        if removed > seen:
            floats[1] = inputs[removed - seen - 1]
        elif removed > 0:
            floats[1] = ring[(removed - 1) % size]  # before the ring takes the inputs
        floats[0], ints[2] = out[count - 1, 0], out[count - 1, 1]
        ints[0], ints[1] = add_newest(ring, seen, inputs), seen + count


@numba.njit(cache=True, inline="always")
def _better(value: float, than: float, largest: bool) -> bool:  # pragma: no cover - compiled
    # whether `value` beats `than` outright: an equal one (either zero for the other) does not
    return value > than if largest else value < than


@numba.njit(cache=True, inline="always")
def _track(
    values: FloatArray, start: int, size: int, best: float, best_at: int, out: FloatArray, largest: bool
) -> None:  # pragma: no cover - compiled
    # Take values[start:] in turn as the streaming update does, the extreme `best` at index
    # `best_at` before the first; values[start + r] gives row r of `out`.
    for index in range(start, len(values)):
        value = values[np.uint64(index)]  # unsigned indices: numba then skips its negative-index fix-up
        if not _better(best, value, largest):  # at least as large (small): the newest takes over
            best, best_at = value, index
        elif best_at <= index - size:  # the extreme just left the window
            best, best_at = _search(values, index, size, largest)
        row = np.uint64(index - start)
        out[row, 0] = best
        out[row, 1] = index - best_at


@numba.njit(cache=True, inline="always")
def _search(
    values: FloatArray, newest: int, size: int, largest: bool
) -> tuple[float, int]:  # pragma: no cover - compiled
    # The extreme of the `size` values up to values[newest] and its index: the streaming path's
    # max (min) of its window newest first, which keeps the first it meets of equal ones
    best, best_at = values[np.uint64(newest)], newest
    for index in range(newest - 1, newest - size, -1):
        value = values[np.uint64(index)]
        if _better(value, best, largest):
            best, best_at = value, index
    return best, best_at


@numba.njit(cache=True, inline="always")
def _windows(
    values: FloatArray, size: int, out: FloatArray, largest: bool
) -> None:  # pragma: no cover - compiled
    # The rows of values[size:], each the extreme of the `size` values up to it and the values
    # since it came: the newest of the extreme's equals, which is what the streaming path keeps.
    # Cut into blocks of `size` from values[0], a window is the end of one block (a suffix) and
    # the start of the next (a prefix): the extremes of a block's suffixes, then those of the
    # next block's prefixes, give each window's in one comparison, in two passes over each value
    # however the values go (the streaming path searches its whole window whenever the extreme
    # leaves it: at every step of a steady fall). This is van Herk and Gil-Werman's method. An
    # extreme keeps its index alongside, as a float: the count since it is then one float
    # subtraction, and choosing the index the same blend as choosing the value. The rows' pass is
    # written out here: as an inlined helper of its own it measured ~30% slower (the suffixes'
    # pass as one did not).
    count = len(values)
    if count <= size:
        return
    # rows of (extreme, index) of the suffixes of the block before; the last one an empty
    # suffix, which every prefix beats: that of a window that is a whole block
    suffixes = np.empty((size + 1, 2), dtype=np.float64)
    suffixes[size, 0], suffixes[size, 1] = (-np.inf if largest else np.inf), 0.0
    for start in range(0, count, size):
        stop = min(start + size, count)
        if start:
            # the rows of this block: the suffix of the block before wins the first ones if any;
            # from the first it does not, none does again (the prefix's extreme only gets
            # better, the suffix's only worse), and the rest need no suffix
            best, best_at = values[np.uint64(start)], float(start)
            index = best_at  # the row as a float, for the counts
            row = start
            while row < stop:
                best, best_at = _newest_extreme(values[np.uint64(row)], index, best, best_at, largest)
                at = np.uint64(row - start + 1)  # the window's suffix: from row - size + 1
                suffix = suffixes[at, 0]
                if not _better(suffix, best, largest):
                    break
                out[np.uint64(row), 0] = suffix
                out[np.uint64(row), 1] = index - suffixes[at, 1]
                index += 1.0
                row += 1
            if row < stop:  # the row where the prefix took over
                out[np.uint64(row), 0] = best
                out[np.uint64(row), 1] = index - best_at
                index += 1.0
                row += 1
            for later in range(row, stop):
                best, best_at = _newest_extreme(values[np.uint64(later)], index, best, best_at, largest)
                out[np.uint64(later), 0] = best
                out[np.uint64(later), 1] = index - best_at
                index += 1.0
        if stop - start == size:
            _suffixes(values, start, size, suffixes, largest)


@numba.njit(cache=True, inline="always")
def _suffixes(
    values: FloatArray, start: int, size: int, suffixes: FloatArray, largest: bool
) -> None:  # pragma: no cover - compiled
    # The extreme of each suffix of the block at `start` and its index, from the block's end
    # back: an older value takes over only when it beats the newer outright
    best, best_at = values[np.uint64(start + size - 1)], float(start + size - 1)
    index = best_at
    for offset in range(size - 1, -1, -1):
        value = values[np.uint64(start + offset)]
        older = _better(value, best, largest)
        best = value if older else best
        best_at = index if older else best_at
        suffixes[np.uint64(offset), 0] = best
        suffixes[np.uint64(offset), 1] = best_at
        index -= 1.0


@numba.njit(cache=True, inline="always")
def _newest_extreme(
    value: float, index: float, best: float, best_at: float, largest: bool
) -> tuple[float, float]:  # pragma: no cover - compiled
    # The extreme and its index with the value at `index` after the ones before: the value takes
    # over when at least as large (small). Both choices' values at hand: conditional moves, as
    # which wins is a coin toss a branch would mispredict.
    kept = _better(best, value, largest)
    return (best if kept else value), (best_at if kept else index)
