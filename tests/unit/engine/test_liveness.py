"""Heartbeats: a watched role silent for longer than the timeout is reported once; a finished one never."""

from __future__ import annotations

from lean_core.engine.liveness import LivenessWatch


def test_a_role_that_keeps_beating_is_never_reported() -> None:
    watch = LivenessWatch(["transaction"], now=0.0, timeout=4.0)
    for second in range(1, 20):
        watch.beat("transaction", "transaction-1", float(second))
        assert watch.silent(float(second) + 0.5) == []


def test_a_silent_role_is_reported_once_with_its_service_and_silence() -> None:
    watch = LivenessWatch(["transaction", "result"], now=0.0, timeout=4.0)
    watch.beat("transaction", "transaction-1", 1.0)
    watch.beat("result", "result-1", 3.0)

    first = watch.silent(5.5)

    assert [(s.role, s.service_id, s.seconds) for s in first] == [("transaction", "transaction-1", 4.5)]
    assert "the transaction service (transaction-1) stopped" in first[0].describe()
    assert watch.silent(6.0) == []  # reported already
    assert [s.role for s in watch.silent(7.5)] == ["result"]


def test_a_role_never_heard_from_counts_from_the_start_of_the_watch() -> None:
    watch = LivenessWatch(["data-feed"], now=10.0, timeout=4.0)

    assert watch.silent(13.0) == []
    assert [s.describe() for s in watch.silent(14.5)] == [
        "the data-feed service stopped: no heartbeat for 4.5 s"
    ]


def test_a_retired_role_may_fall_silent() -> None:
    watch = LivenessWatch(["algorithm"], now=0.0, timeout=4.0)
    watch.retire("algorithm")

    assert watch.silent(100.0) == []


def test_beats_of_roles_not_watched_are_ignored() -> None:
    watch = LivenessWatch(["algorithm"], now=0.0, timeout=4.0)
    watch.beat("realtime", "realtime-1", 1.0)

    assert [s.role for s in watch.silent(5.0)] == ["algorithm"]
