"""The distinct end times of several streams, in order: the steps a merged batch walks."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["union_of_times"]

Int64Array = npt.NDArray[np.int64]


#: Distinct arrays looked for before giving up and sorting them all: comparing each array with
#: every distinct one found costs a pass each, so many different arrays are cheaper sorted.
_MOST_DISTINCT = 8


def union_of_times(arrays: Sequence[Int64Array]) -> Int64Array:
    """Return the sorted distinct values of all the arrays (int64 nanoseconds).

    Subscriptions of one exchange and resolution mostly share every end time, and the few that do
    not (a missing day, other hours) mostly share theirs with each other: only the distinct arrays
    are merged, and when there is one that strictly increases it is the answer, found in a pass per
    array instead of a sort of them all.
    """
    distinct: list[Int64Array] = []
    for array in arrays:
        if not len(array) or any(_same(array, seen) for seen in distinct):
            continue
        if len(distinct) == _MOST_DISTINCT:
            return np.unique(np.concatenate([array for array in arrays if len(array)]))
        distinct.append(array)
    if not distinct:
        return np.zeros(0, dtype=np.int64)
    first = distinct[0]
    if len(distinct) == 1 and bool(np.all(first[1:] > first[:-1])):
        return np.array(first, dtype=np.int64)
    return np.unique(np.concatenate(distinct))


def _same(array: Int64Array, other: Int64Array) -> bool:
    return array is other or (len(array) == len(other) and bool(np.array_equal(array, other)))
