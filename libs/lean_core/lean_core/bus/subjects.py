"""Subject names: built here and nowhere else (`lean.<run_id>.<stream>`)."""

from __future__ import annotations

from enum import StrEnum

CONTROL_RUNS = "lean.control.runs"


class Stream(StrEnum):
    """The streams of one run."""

    CONTROL = "control"
    SLICES = "slices"
    DATA_REQUESTS = "data.requests"
    CLOCK_REQUESTS = "clock.requests"
    ORDER_REQUESTS = "orders.requests"
    ORDER_EVENTS = "orders.events"
    RESULTS = "results"
    HEARTBEATS = "heartbeats"


def check_run_id(run_id: str) -> str:
    """Return `run_id` if it can name subjects; raise `ValueError` saying why it cannot."""
    return _token("run id", run_id)


def subject(run_id: str, stream: Stream) -> str:
    """Return the subject of one stream of a run."""
    return f"lean.{check_run_id(run_id)}.{stream.value}"


def stream_of(run_subject: str) -> Stream | None:
    """Return the stream a run subject (`lean.<run_id>.<stream>`) names, or None if it names none."""
    parts = run_subject.split(".", 2)
    if len(parts) != 3 or parts[0] != "lean":
        return None
    try:
        return Stream(parts[2])
    except ValueError:
        return None


def all_runs(stream: Stream) -> str:
    """Return the wildcard subject that matches a stream of every run (for extra consumers)."""
    return f"lean.*.{stream.value}"


def join_subject(role: str) -> str:
    """Return the subject on which one replica of a service role is asked to join a run."""
    return f"lean.control.join.{_token('role', role)}"


def _token(what: str, text: str) -> str:
    # one token of a subject: NATS splits subjects at dots and reads '*', '>' and spaces specially
    if not text or any(char in text for char in ".*> "):
        raise ValueError(f"{what} {text!r} must be non-empty and free of '.', '*', '>' and spaces")
    return text
