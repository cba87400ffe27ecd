"""A `RollingWindow`'s ring as the kernels that read windows as ranges lay it out and write it back.

`RollingWindow` fills its slots in order, then overwrites the oldest (at its `tail`): the p-th item
added is in slot (p - 1) % size, and the tail is the count added modulo the size once the ring is
full (0 while it fills). A kernel that reads each input's window as a range of an array lays the
window's newest values out ahead of its inputs (`oldest_first`), and writes the window back once
the batch is done (`keep_newest`) rather than one input at a time. One that reads the ring itself
for a batch's first inputs (whose windows reach back into it) and the inputs after those needs no
such copy: it writes the batch's last inputs into the ring at the end (`add_newest`).
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

__all__ = ["add_newest", "keep_newest", "oldest_first"]

FloatArray = npt.NDArray[np.float64]


@numba.njit(cache=True)
def oldest_first(
    ring: FloatArray, seen: int, keep: int, inputs: FloatArray
) -> FloatArray:  # pragma: no cover
    """Return the newest `keep` values the ring holds after `seen` items, oldest first, then the inputs."""
    size = len(ring)
    keep = min(keep, seen, size)
    values = np.empty(keep + len(inputs), dtype=np.float64)
    for index in range(keep):
        values[index] = ring[(seen - keep + index) % size]  # position seen - keep + index + 1
    _copy(inputs, values[keep:])
    return values


@numba.njit(cache=True, inline="always")
def _copy(source: FloatArray, target: FloatArray) -> None:  # pragma: no cover - compiled
    # target[:] = source, several values at a time: numba's slice assignment copies one at a time
    # (unsigned indices: numba then skips its negative-index fix-up, which keeps this loop from it)
    for index in range(len(source)):
        at = np.uint64(index)
        target[at] = source[at]


@numba.njit(cache=True)
def keep_newest(values: FloatArray, seen: int, ring: FloatArray) -> int:  # pragma: no cover - compiled
    """Write the window after `seen` items into the ring, values[-1] being the newest; return the tail.

    `values` holds at least the window (its last min(seen, size) items).
    """
    size = len(ring)
    newest = len(values) - 1
    for position in range(max(1, seen - size + 1), seen + 1):
        ring[(position - 1) % size] = values[newest - (seen - position)]
    return seen % size if seen >= size else 0


@numba.njit(cache=True)
def add_newest(ring: FloatArray, seen: int, inputs: FloatArray) -> int:  # pragma: no cover - compiled
    """Add the inputs to the ring after `seen` items, as one `add` each would; return the tail.

    Only the last `len(ring)` can still be in the window: the others are not written.
    """
    size = len(ring)
    count = len(inputs)
    for index in range(max(0, count - size), count):
        ring[(seen + index) % size] = inputs[index]  # the slot of position seen + index + 1
    seen += count
    return seen % size if seen >= size else 0
