"""Run results outlive the moment they were sent: JetStream keeps them, once each."""

from __future__ import annotations

import asyncio

import pytest
from nats.aio.client import Client

from lean_core.bus import messages as m
from lean_core.bus.subjects import Stream, subject
from lean_core.engine.embedded import new_run_id
from services.common.durable import RESULTS_STREAM, ensure_results_stream, last_results
from services.common.nats_bus import NatsOutbound
from services.common.stack import ServiceStack
from tests.integration.service_runs import over_nats

pytestmark = pytest.mark.timeout(120)


def test_a_reader_arriving_after_the_run_gets_its_results_from_jetstream(
    service_stack: ServiceStack, nats_client: Client, async_runner: asyncio.Runner
) -> None:
    remote, _ = over_nats(service_stack.nats_url, "basic_template_algorithm.py", service_stack.results_folder)

    stored = async_runner.run(last_results(nats_client, remote.run_id))

    assert stored == remote.written


def test_the_same_message_sent_twice_is_stored_once(
    nats_client: Client, async_runner: asyncio.Runner
) -> None:
    run_id = new_run_id()
    message = m.ResultsWritten(run_id=run_id, status="Completed", statistics={}, runtime_statistics={})

    async def stored_count() -> int:
        return int((await nats_client.jetstream().stream_info(RESULTS_STREAM)).state.messages)

    async def send_twice() -> int:
        await ensure_results_stream(nats_client)
        before = await stored_count()
        loop = asyncio.get_running_loop()
        for _ in range(2):  # a sender that restarted and sent its message again, under the same id
            outbound = NatsOutbound(nats_client, loop, "result-test", durable=frozenset({Stream.RESULTS}))
            await asyncio.to_thread(outbound.publish, subject(run_id, Stream.RESULTS), message)
        assert await last_results(nats_client, run_id) == message
        return await stored_count() - before

    assert async_runner.run(send_twice()) == 1
