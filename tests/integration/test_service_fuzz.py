"""Random bytes and stray messages on every subject: each service logs, counts, and goes on.

A run is under way while the fuzz goes on; it must still end exactly as it does in-process, and
every service must still be ready afterwards. The stray messages are well-formed messages of types
no service takes on that subject (a message a service does take would be a legitimate input).
"""

from __future__ import annotations

import asyncio
import threading
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nats.aio.client import Client

from lean_core.bus import codec
from lean_core.bus import messages as m
from lean_core.bus.subjects import CONTROL_RUNS, Stream, join_subject, subject
from lean_core.engine.embedded import new_run_id
from lean_core.engine.topology import ROLES, Role
from services.common.stack import ServiceStack
from tests.integration.nats_clients import connect_client
from tests.integration.service_runs import RunOutcome, in_process, submitted

pytestmark = pytest.mark.timeout(300)

LONG_RUN = "limit_fill_regression_algorithm.py"
CONTROL_SUBJECTS = [CONTROL_RUNS, *(join_subject(role) for role in Role if role is not Role.ALGORITHM)]
#: Well-formed messages built from random text, of types that some subjects take and others do not.
STRAYS: dict[str, Callable[[str, str], m.Message]] = {
    "Heartbeat": lambda run_id, text: m.Heartbeat(run_id=run_id, role=text, service_id=text),
    "RunAccepted": lambda run_id, text: m.RunAccepted(run_id=run_id, service_id=text, error=text),
    "RunJoined": lambda run_id, text: m.RunJoined(run_id=run_id, role=text, service_id=text),
    "ScheduleAcknowledged": lambda run_id, text: m.ScheduleAcknowledged(run_id=run_id, event_id=len(text)),
    "ResultsWritten": lambda run_id, text: m.ResultsWritten(
        run_id=run_id, status=text, statistics={text: text}, runtime_statistics={}
    ),
}


#: What the submitting client takes, besides what the services' tables route.
CLIENT_TAKES = {
    Stream.CONTROL: {"AlgorithmInitialized", "AlgorithmFinished", "ServiceFailed"},
    Stream.RESULTS: {"AlgorithmProgress", "ResultsWritten"},
    Stream.HEARTBEATS: {"Heartbeat"},
}


def _taken_on(stream: Stream) -> set[str]:
    """Name the message types the run's services or its client take on `stream`: real input there."""
    taken = set(CLIENT_TAKES.get(stream, ()))
    for routes in ROLES.values():
        taken |= {route.kind.__name__ for route in routes.consumes if route.stream is stream}
        taken |= {
            kind.__name__ for serve in routes.serves if serve.stream is stream for kind in serve.methods
        }
    return taken


class _Fuzzer:
    """A client on its own loop in a thread, so the hypothesis body can stay synchronous."""

    def __init__(self, url: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.client: Client = self._run(connect_client(url))

    def _run(self, work):  # type: ignore[no-untyped-def]
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(10)

    def publish(self, to: str, payload: bytes) -> None:
        self._run(self.client.publish(to, payload))

    def flush(self) -> None:
        self._run(self.client.flush())

    def close(self) -> None:
        self._run(self.client.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


@pytest.fixture
def fuzzer(service_stack: ServiceStack) -> Iterator[_Fuzzer]:
    fuzz = _Fuzzer(service_stack.nats_url)
    yield fuzz
    fuzz.close()


def _malformed_total(service_stack: ServiceStack) -> dict[Role, float]:
    totals = {}
    for role, service in service_stack.processes.items():
        with urllib.request.urlopen(f"{service.health_url}/metrics", timeout=5) as response:
            text = response.read().decode()
        totals[role] = sum(
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith("leanbus_malformed_messages_total{")
        )
    return totals


def test_garbage_on_every_subject_is_counted_and_the_run_under_way_is_untouched(
    service_stack: ServiceStack, fuzzer: _Fuzzer, lean_data_folder: Path, tmp_path: Path
) -> None:
    alone = in_process(LONG_RUN, lean_data_folder, tmp_path)
    before = _malformed_total(service_stack)
    started = threading.Event()
    run_ids: list[str] = []
    outcome: list[RunOutcome] = []

    def on_progress(fraction: float, data_points: int) -> None:
        started.set()

    live = new_run_id()

    def run() -> None:
        remote, written = asyncio.run(
            submitted(
                service_stack.nats_url,
                LONG_RUN,
                service_stack.results_folder,
                run_id=live,
                on_progress=on_progress,
            )
        )
        run_ids.append(remote.run_id)
        outcome.append(written)

    runner = threading.Thread(target=run)
    runner.start()
    assert started.wait(60)

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(garbage=st.binary(max_size=300), stray=st.sampled_from(sorted(STRAYS)), text=st.text(max_size=20))
    def throw(garbage: bytes, stray: str, text: str) -> None:
        for to in CONTROL_SUBJECTS:
            fuzzer.publish(to, garbage)
            fuzzer.publish(to, codec.encode(STRAYS[stray](text or "x", text)))
        for stream in Stream:
            fuzzer.publish(subject(live, stream), garbage)
            if stray not in _taken_on(stream):
                fuzzer.publish(subject(live, stream), codec.encode(STRAYS[stray](live, text)))
        fuzzer.flush()

    throw()
    runner.join(240)

    assert run_ids == [live]
    assert outcome == [alone]
    after = _malformed_total(service_stack)
    for role in Role:
        assert after[role] > before[role], f"the {role} service counted no malformed message"
        assert service_stack.processes[role].ready(), f"the {role} service is no longer ready"
