"""The HTTP endpoints an orchestrator and Prometheus poll: /metrics, /healthz and /readyz.

A few lines of HTTP/1.1 over `asyncio.start_server`, so a service needs no web framework. Each
connection carries one request and is closed after the answer. Nothing a client sends may stop
the server: a malformed or slow request is logged, answered 400 or dropped, and the next request
is served as usual.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from http import HTTPStatus

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

__all__ = ["HealthServer", "ReadinessProbe"]

logger = logging.getLogger(__name__)

ReadinessProbe = Callable[[], str | None]
"""Return None when the service can do its work, else why not (e.g. "not connected to NATS")."""

_TEXT = "text/plain; charset=utf-8"
# A probe or a scrape sends a request line and a few headers; anything much bigger is not one.
_MAX_LINE_BYTES = 8 * 1024
_MAX_HEADER_LINES = 100
_REQUEST_TIMEOUT_SECONDS = 5.0


class _BadRequestError(Exception):
    """The bytes received are not an HTTP request this server answers."""


class _ClientGoneError(Exception):
    """The client closed the connection before sending a request."""


def _always_ready() -> str | None:
    return None


class HealthServer:
    """Serve a registry's metrics and the liveness and readiness probes on one host and port.

    A client that has not sent its request head within `request_timeout` seconds is dropped.
    """

    def __init__(
        self,
        registry: CollectorRegistry,
        ready: ReadinessProbe = _always_ready,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        request_timeout: float = _REQUEST_TIMEOUT_SECONDS,
    ):
        self._registry = registry
        self._ready = ready
        self._host = host
        self._requested_port = port
        self._request_timeout = request_timeout
        self._server: asyncio.Server | None = None

    @property
    def port(self) -> int:
        """Return the port bound by `start()`; port 0 at construction means an ephemeral one."""
        if self._server is None:
            raise RuntimeError("the health server has not started")
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    @property
    def url(self) -> str:
        """Return the base URL, e.g. `http://127.0.0.1:8080`."""
        return f"http://{self._host}:{self.port}"

    async def start(self) -> None:
        """Bind and start answering in the background."""
        self._server = await asyncio.start_server(
            self._serve_connection, self._host, self._requested_port, limit=_MAX_LINE_BYTES
        )
        logger.info("health_server_started", extra={"url": self.url})

    async def stop(self) -> None:
        """Stop accepting connections and close the listening socket."""
        if self._server is None:
            return
        self._server.close()
        await self._server.wait_closed()
        self._server = None

    async def _serve_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # Every failure of one connection ends here, logged and closed; an exception escaping this
        # callback would only be printed by asyncio, but the listening socket must never depend on it.
        try:
            response = await self._respond_to(reader)
            if response is not None:
                writer.write(response)
                await writer.drain()
        except ConnectionError:
            pass  # the client left before reading its answer: nothing to do
        except Exception:
            logger.exception("http_connection_failed")
        finally:
            await _close(writer)

    async def _respond_to(self, reader: asyncio.StreamReader) -> bytes | None:
        try:
            method, path = await asyncio.wait_for(_read_request_head(reader), self._request_timeout)
        except _BadRequestError as error:
            logger.warning("http_request_malformed", extra={"reason": str(error)})
            return _response(HTTPStatus.BAD_REQUEST, _TEXT, b"bad request\n")
        except (TimeoutError, _ClientGoneError):
            logger.info("http_request_abandoned")
            return None
        status, content_type, body = self._answer(method, path)
        return _response(status, content_type, body, head_only=method == "HEAD")

    def _answer(self, method: str, path: str) -> tuple[HTTPStatus, str, bytes]:
        if method not in ("GET", "HEAD"):
            return HTTPStatus.METHOD_NOT_ALLOWED, _TEXT, b"method not allowed\n"
        if path == "/metrics":
            return HTTPStatus.OK, CONTENT_TYPE_LATEST, generate_latest(self._registry)
        if path == "/healthz":
            # Answering at all proves the event loop runs, which is what liveness asks.
            return HTTPStatus.OK, _TEXT, b"ok\n"
        if path == "/readyz":
            return self._readiness()
        return HTTPStatus.NOT_FOUND, _TEXT, b"not found\n"

    def _readiness(self) -> tuple[HTTPStatus, str, bytes]:
        try:
            reason = self._ready()
        except Exception as error:
            logger.exception("readiness_probe_failed")
            reason = f"readiness probe raised {type(error).__name__}"
        if reason is None:
            return HTTPStatus.OK, _TEXT, b"ready\n"
        return HTTPStatus.SERVICE_UNAVAILABLE, _TEXT, f"not ready: {reason}\n".encode()


async def _read_request_head(reader: asyncio.StreamReader) -> tuple[str, str]:
    """Return the method and path of the next request, having read and ignored its headers."""
    method, path = _parse_request_line(await _read_line(reader, at_start=True))
    for _ in range(_MAX_HEADER_LINES):
        line = await _read_line(reader, at_start=False)
        if line in ("", "\r\n", "\n"):  # a blank line ends the headers; EOF is forgiven
            return method, path
    raise _BadRequestError(f"more than {_MAX_HEADER_LINES} header lines")


async def _read_line(reader: asyncio.StreamReader, *, at_start: bool) -> str:
    try:
        raw = await reader.readline()
    except ValueError as error:  # asyncio's way of saying the line exceeds the stream limit
        raise _BadRequestError(f"a line longer than {_MAX_LINE_BYTES} bytes") from error
    if at_start and not raw:
        raise _ClientGoneError
    # HTTP heads are ISO-8859-1; decoding that way cannot fail, whatever the bytes.
    return raw.decode("latin-1")


def _parse_request_line(line: str) -> tuple[str, str]:
    parts = line.split()
    if len(parts) != 3 or not parts[2].startswith("HTTP/") or not parts[0].isalpha():
        raise _BadRequestError(f"not a request line: {line[:80]!r}")
    method, target, _ = parts
    return method.upper(), target.split("?", 1)[0]


def _response(status: HTTPStatus, content_type: str, body: bytes, *, head_only: bool = False) -> bytes:
    head = (
        f"HTTP/1.1 {status.value} {status.phrase}\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode("latin-1") + (b"" if head_only else body)


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(ConnectionError):  # already reset by the client
        await writer.wait_closed()
