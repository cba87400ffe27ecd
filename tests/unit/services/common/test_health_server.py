"""HealthServer answers scrapes and probes over real sockets, and survives whatever a client sends."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest

from services.common.health import HealthServer, ReadinessProbe
from services.common.metrics import ServiceMetrics

pytestmark = pytest.mark.timeout(10)

T = TypeVar("T")


async def _exchange(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes and return the status, headers and body of the answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
        await writer.wait_closed()
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in header_lines)
    return int(status_line.split()[1]), headers, body


async def _get(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    return await _exchange(port, f"GET {path} HTTP/1.1\r\nHost: test\r\n\r\n".encode())


def _serve(
    scenario: Callable[[HealthServer], Awaitable[T]],
    ready: ReadinessProbe | None = None,
    metrics: ServiceMetrics | None = None,
) -> T:
    """Run `scenario` against a started server on an ephemeral port, and stop the server after."""

    async def run() -> T:
        registry = (metrics or ServiceMetrics("algorithm")).registry
        server = HealthServer(registry, ready) if ready else HealthServer(registry)
        await server.start()
        try:
            return await scenario(server)
        finally:
            await server.stop()

    return asyncio.run(run())


class TestEndpoints:
    def test_metrics_exposes_the_leanbus_metrics_in_prometheus_text(self) -> None:
        metrics = ServiceMetrics("algorithm")
        metrics.message_received("slices", "TimeSliceBatch")

        status, headers, body = _serve(lambda server: _get(server.port, "/metrics"), metrics=metrics)

        assert status == 200
        assert headers["Content-Type"].startswith("text/plain; version=")
        text = body.decode()
        assert "leanbus_runs_started_total" in text
        assert (
            'leanbus_messages_received_total{service="algorithm",stream="slices",type="TimeSliceBatch"} 1.0'
            in text
        )

    def test_healthz_answers_ok_while_the_loop_runs(self) -> None:
        status, _, body = _serve(lambda server: _get(server.port, "/healthz"))

        assert (status, body) == (200, b"ok\n")

    def test_readyz_is_unavailable_with_the_reason_until_the_probe_says_ready(self) -> None:
        connected = False

        def ready() -> str | None:
            return None if connected else "not connected to NATS"

        async def scenario(server: HealthServer) -> list[tuple[int, bytes]]:
            nonlocal connected
            before = await _get(server.port, "/readyz")
            connected = True
            after = await _get(server.port, "/readyz")
            return [(before[0], before[2]), (after[0], after[2])]

        answers = _serve(scenario, ready=ready)

        assert answers == [(503, b"not ready: not connected to NATS\n"), (200, b"ready\n")]

    def test_readyz_is_unavailable_when_the_probe_raises(self) -> None:
        def broken() -> str | None:
            raise RuntimeError("probe bug")

        status, _, body = _serve(lambda server: _get(server.port, "/readyz"), ready=broken)

        assert status == 503
        assert b"RuntimeError" in body

    @pytest.mark.parametrize(
        ("request_bytes", "expected_status"),
        [
            (b"GET /nowhere HTTP/1.1\r\n\r\n", 404),
            (b"POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n", 405),
            (b"GET /healthz?verbose=1 HTTP/1.0\r\n\r\n", 200),
        ],
    )
    def test_other_requests_get_the_matching_status(self, request_bytes: bytes, expected_status: int) -> None:
        status, _, _ = _serve(lambda server: _exchange(server.port, request_bytes))

        assert status == expected_status

    def test_head_gets_the_length_without_the_body(self) -> None:
        status, headers, body = _serve(
            lambda server: _exchange(server.port, b"HEAD /healthz HTTP/1.1\r\n\r\n")
        )

        assert (status, headers["Content-Length"], body) == (200, "3", b"")


class TestMalformedRequests:
    @pytest.mark.parametrize(
        "garbage",
        [
            b"\x00\xff\xfe garbage \x80\r\n\r\n",
            b"GET\r\n\r\n",
            b"GET / HTTP/1.1 extra\r\n\r\n",
            b"GET /" + b"a" * 20_000 + b" HTTP/1.1\r\n\r\n",
        ],
        ids=["binary", "no-path", "four-words", "huge-line"],
    )
    def test_garbage_gets_400_and_the_next_request_is_answered(self, garbage: bytes) -> None:
        async def scenario(server: HealthServer) -> tuple[int, int]:
            bad_status, _, _ = await _exchange(server.port, garbage)
            good_status, _, _ = await _get(server.port, "/healthz")
            return bad_status, good_status

        assert _serve(scenario) == (400, 200)

    def test_a_client_that_connects_and_leaves_does_not_stop_the_server(self) -> None:
        async def scenario(server: HealthServer) -> int:
            _, writer = await asyncio.open_connection("127.0.0.1", server.port)
            writer.close()
            await writer.wait_closed()
            status, _, _ = await _get(server.port, "/healthz")
            return status

        assert _serve(scenario) == 200

    def test_a_silent_client_is_dropped_after_the_timeout_and_others_are_served(self) -> None:
        async def scenario() -> tuple[int, bytes]:
            server = HealthServer(ServiceMetrics("algorithm").registry, request_timeout=0.2)
            await server.start()
            try:
                silent_reader, silent_writer = await asyncio.open_connection("127.0.0.1", server.port)
                status, _, _ = await _get(server.port, "/healthz")
                dropped_with = await asyncio.wait_for(silent_reader.read(), 2)
                silent_writer.close()
                await silent_writer.wait_closed()
                return status, dropped_with
            finally:
                await server.stop()

        assert asyncio.run(scenario()) == (200, b"")


def test_port_is_ephemeral_and_known_after_start() -> None:
    async def scenario(server: HealthServer) -> tuple[int, str]:
        return server.port, server.url

    port, url = _serve(scenario)

    assert port > 0
    assert url == f"http://127.0.0.1:{port}"
