"""The union of streams' end times: sorted and distinct, whether the streams share their times or not."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from lean_core.data.time_union import union_of_times

times = st.lists(st.integers(0, 50), max_size=30).map(lambda values: np.array(values, dtype=np.int64))


@st.composite
def _streams(draw: st.DrawFn) -> list[np.ndarray]:
    """Streams that copy a few distinct arrays (more than the union looks for, at times)."""
    bases = draw(st.lists(times, min_size=1, max_size=11))
    picks = draw(st.lists(st.integers(0, len(bases) - 1), max_size=20))
    return [bases[pick].copy() for pick in picks]


@given(st.one_of(st.lists(times, max_size=5), _streams()), st.booleans())
def test_union_is_the_sorted_distinct_times_of_all_streams(arrays: list[np.ndarray], shared: bool) -> None:
    if shared and arrays:  # the fast case: every stream has the first one's times
        arrays = [arrays[0]] * len(arrays)
    expected = np.unique(np.concatenate(arrays)) if arrays else np.zeros(0, dtype=np.int64)

    union = union_of_times(arrays)

    assert union.dtype == np.int64
    assert union.tolist() == expected.tolist()


def test_shared_times_with_a_repeat_are_not_taken_as_they_are() -> None:
    ticks = np.array([1, 2, 2, 3], dtype=np.int64)  # ticks share end times

    assert union_of_times([ticks, ticks.copy()]).tolist() == [1, 2, 3]


def test_the_union_does_not_alias_a_stream_s_array() -> None:
    ends = np.array([1, 2, 3], dtype=np.int64)

    union_of_times([ends, ends])[0] = 99

    assert ends[0] == 1


def test_many_distinct_streams_are_all_merged() -> None:
    streams = [np.array([day, day + 100], dtype=np.int64) for day in range(12)]

    assert union_of_times([*streams, streams[3].copy()]).tolist() == sorted([*range(12), *range(100, 112)])
