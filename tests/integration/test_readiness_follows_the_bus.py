"""/readyz follows a real NATS connection: unavailable while the server is down, ready once reconnected."""

from __future__ import annotations

import asyncio

import pytest
from nats.aio.client import Client

from services.common.health import HealthServer
from services.common.metrics import ServiceMetrics
from services.common.nats_server import NatsServer
from tests.integration.nats_clients import connect_client

pytestmark = pytest.mark.timeout(10)


async def _readyz_status(port: int) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /readyz HTTP/1.1\r\n\r\n")
    status_line = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return int(status_line.split()[1])


async def _wait_until(client: Client, *, connected: bool) -> None:
    while client.is_connected != connected:
        await asyncio.sleep(0.01)


def test_readyz_is_unavailable_while_nats_is_down_and_ready_after_reconnect(
    async_runner: asyncio.Runner,
) -> None:
    async def scenario(server: NatsServer) -> list[int]:
        client = await connect_client(server.url)
        health = HealthServer(
            ServiceMetrics("algorithm").registry,
            lambda: None if client.is_connected else "not connected to NATS",
        )
        await health.start()
        try:
            statuses = [await _readyz_status(health.port)]
            server.kill()
            await asyncio.wait_for(_wait_until(client, connected=False), 5)
            statuses.append(await _readyz_status(health.port))
            server.restart()
            await asyncio.wait_for(_wait_until(client, connected=True), 5)
            statuses.append(await _readyz_status(health.port))
            return statuses
        finally:
            await health.stop()
            await client.close()

    with NatsServer() as server:
        assert async_runner.run(scenario(server)) == [200, 503, 200]
