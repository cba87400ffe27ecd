"""The in-process bus: FIFO delivery without re-entrance, request/reply to one responder."""

from __future__ import annotations

import pytest

from lean_core.bus import messages as m
from lean_core.bus.in_process import InProcessBus, NoResponderError


def _request(count: int) -> m.DataBatchRequest:
    return m.DataBatchRequest(run_id="r1", count=count)


def test_a_message_published_during_delivery_waits_for_the_current_one() -> None:
    bus = InProcessBus()
    seen: list[tuple[str, int]] = []

    def first(message: m.Message) -> None:
        assert isinstance(message, m.DataBatchRequest)
        seen.append(("first", message.count))
        if message.count == 1:
            bus.publish("s", _request(2))
        seen.append(("first-done", message.count))

    def second(message: m.Message) -> None:
        assert isinstance(message, m.DataBatchRequest)
        seen.append(("second", message.count))

    bus.subscribe("s", first)
    bus.subscribe("s", second)
    bus.publish("s", _request(1))

    assert seen == [
        ("first", 1),
        ("first-done", 1),
        ("second", 1),
        ("first", 2),
        ("first-done", 2),
        ("second", 2),
    ]


def test_request_returns_the_responders_reply() -> None:
    bus = InProcessBus()
    bus.serve("q", lambda message: m.ScheduleAcknowledged(run_id="r1", event_id=7))

    reply = bus.request("q", _request(1))

    assert isinstance(reply, m.ScheduleAcknowledged) and reply.event_id == 7


def test_request_without_responder_names_the_subject() -> None:
    with pytest.raises(NoResponderError, match=r"lean\.r1\.orders\.requests"):
        InProcessBus().request("lean.r1.orders.requests", _request(1))


def test_a_subject_takes_one_responder() -> None:
    bus = InProcessBus()
    bus.serve("q", lambda message: message)

    with pytest.raises(ValueError, match="already has a responder"):
        bus.serve("q", lambda message: message)
