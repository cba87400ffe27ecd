"""Run subjects are built in one place and read back in one place."""

from __future__ import annotations

import pytest

from lean_core.bus.subjects import Stream, all_runs, join_subject, stream_of, subject


@pytest.mark.parametrize("stream", list(Stream))
def test_every_stream_of_a_run_reads_back_from_its_subject(stream: Stream) -> None:
    assert stream_of(subject("r1", stream)) is stream


@pytest.mark.parametrize("text", ["lean.control.runs", "lean.r1.nothing", "other.r1.slices", "lean.r1", ""])
def test_subjects_that_name_no_run_stream_read_as_none(text: str) -> None:
    assert stream_of(text) is None


def test_run_ids_and_roles_that_would_break_a_subject_are_refused() -> None:
    with pytest.raises(ValueError, match="run id"):
        subject("a.b", Stream.SLICES)
    with pytest.raises(ValueError, match="role"):
        join_subject("data*feed")
    assert all_runs(Stream.ORDER_EVENTS) == "lean.*.orders.events"
    assert join_subject("data-feed") == "lean.control.join.data-feed"
