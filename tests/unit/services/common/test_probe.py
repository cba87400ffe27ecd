"""The container health check: 0 for a 200 from the service's endpoint, 1 for anything else or silence."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from services.common.health import HealthServer
from services.common.metrics import ServiceMetrics
from services.common.probe import local_url, main, probe
from services.common.stack import free_ports

pytestmark = pytest.mark.timeout(30)


@dataclass
class RunningHealthServer:
    """A HealthServer answering on a loop of its own in a thread, so blocking probes can call it."""

    port: int = 0
    not_ready_because: str | None = "connecting to NATS"
    _stop: threading.Event = field(default_factory=threading.Event)

    def readiness(self) -> str | None:
        return self.not_ready_because

    def serve(self, started: threading.Event) -> None:
        async def run() -> None:
            server = HealthServer(ServiceMetrics("result").registry, self.readiness)
            await server.start()
            self.port = server.port
            started.set()
            while not self._stop.is_set():
                await asyncio.sleep(0.02)
            await server.stop()

        asyncio.run(run())


@pytest.fixture
def health_server() -> Iterator[RunningHealthServer]:
    running = RunningHealthServer()
    started = threading.Event()
    thread = threading.Thread(target=running.serve, args=(started,), daemon=True)
    thread.start()
    assert started.wait(10)
    yield running
    running._stop.set()
    thread.join(10)


class TestProbe:
    def test_a_ready_service_is_healthy(self, health_server: RunningHealthServer) -> None:
        health_server.not_ready_because = None

        result = probe(f"http://127.0.0.1:{health_server.port}/readyz")

        assert result.healthy
        assert result.detail.endswith("/readyz: 200 ready")

    def test_a_service_not_ready_is_unhealthy_and_says_why(self, health_server: RunningHealthServer) -> None:
        result = probe(f"http://127.0.0.1:{health_server.port}/readyz")

        assert not result.healthy
        assert "503 not ready: connecting to NATS" in result.detail

    def test_liveness_holds_while_readiness_fails(self, health_server: RunningHealthServer) -> None:
        assert probe(f"http://127.0.0.1:{health_server.port}/healthz").healthy

    def test_nothing_listening_is_unhealthy(self) -> None:
        (port,) = free_ports(1)

        result = probe(f"http://127.0.0.1:{port}/readyz", timeout=1)

        assert not result.healthy
        assert "no answer" in result.detail


class TestLocalUrl:
    @pytest.mark.parametrize(
        ("environ", "url"),
        [
            ({}, "http://127.0.0.1:8080/readyz"),
            ({"LEANBUS_HTTP_PORT": "9001"}, "http://127.0.0.1:9001/readyz"),
            ({"LEANBUS_HTTP_HOST": "0.0.0.0", "LEANBUS_HTTP_PORT": ""}, "http://127.0.0.1:8080/readyz"),
            ({"LEANBUS_HTTP_HOST": "10.1.2.3"}, "http://10.1.2.3:8080/readyz"),
            ({"LEANBUS_HTTP_HOST": "::1"}, "http://[::1]:8080/readyz"),
        ],
    )
    def test_the_url_follows_the_services_variables(self, environ: dict[str, str], url: str) -> None:
        assert local_url(environ) == url


class TestCommand:
    def test_exit_status_follows_readiness(
        self, health_server: RunningHealthServer, capsys: pytest.CaptureFixture[str]
    ) -> None:
        url = f"http://127.0.0.1:{health_server.port}/readyz"

        assert main(["--url", url]) == 1
        health_server.not_ready_because = None
        assert main(["--url", url]) == 0
        assert "200 ready" in capsys.readouterr().out

    def test_the_module_probes_the_port_its_environment_names(
        self, health_server: RunningHealthServer
    ) -> None:
        # What a Dockerfile HEALTHCHECK runs: the module, with the service's variables and no flags.
        command = [sys.executable, "-m", "services.common.probe", "--path", "/healthz"]
        environ = {**os.environ, "LEANBUS_HTTP_HOST": "0.0.0.0", "LEANBUS_HTTP_PORT": str(health_server.port)}

        done = subprocess.run(command, env=environ, capture_output=True, text=True, timeout=20, check=False)

        assert done.returncode == 0, done.stderr
        assert f"http://127.0.0.1:{health_server.port}/healthz: 200 ok" in done.stdout

    def test_the_module_imports_nothing_heavy(self) -> None:
        heavy = "{'numpy', 'pandas', 'nats', 'lean_core', 'prometheus_client'}"
        code = (
            "import sys, services.common.probe; "
            f"print(sorted(set(m.split('.')[0] for m in sys.modules) & {heavy}))"
        )

        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=20, check=True
        )

        assert done.stdout.strip() == "[]"
