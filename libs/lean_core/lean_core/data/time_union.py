"""The distinct end times of several streams, in order: the steps a merged batch walks."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["union_of_times"]

Int64Array = npt.NDArray[np.int64]


def union_of_times(arrays: Sequence[Int64Array]) -> Int64Array:
    """Return the sorted distinct values of all the arrays (int64 nanoseconds).

    Subscriptions of one exchange and resolution mostly share every end time: when each array
    equals the first and that one strictly increases, it is the answer, found in a pass per array
    instead of a sort of them all.
    """
    arrays = [array for array in arrays if len(array)]
    if not arrays:
        return np.zeros(0, dtype=np.int64)
    first = arrays[0]
    if bool(np.all(first[1:] > first[:-1])) and all(
        array is first or np.array_equal(array, first) for array in arrays[1:]
    ):
        return np.array(first, dtype=np.int64)
    return np.unique(np.concatenate(arrays))
