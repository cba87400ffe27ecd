"""The bus over NATS, for handler code that runs in a worker thread.

Handlers are plain synchronous state machines, and the algorithm's requests block until their
reply: a service runs each run's handler in a thread of its own, and this bridge hands its
publishes and requests to the asyncio loop that owns the NATS connection. Every publish waits
until the connection took it, so messages leave in the order the handler produced them and a
dead connection is an error at once, not a lost message.

Published messages carry a sender id and a per-subject sequence number in their headers
(`SequenceCheck`): core NATS delivers at most once, and a gap must be an error, never silence.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, TypeVar

import nats.errors
import nats.js.errors
from nats.aio.client import Client

from lean_core.bus import codec
from lean_core.bus import messages as m
from lean_core.bus.subjects import Stream, stream_of, subject
from lean_core.engine.ports import Notifier, Outbox, Requester
from lean_core.engine.topology import server_of
from lean_core.errors import LeanError
from services.common.durable import ensure_results_stream, message_id

__all__ = [
    "CHUNK_HEADER",
    "SENDER_HEADER",
    "SEQUENCE_HEADER",
    "BusError",
    "ChunkAssembler",
    "NatsOutbound",
    "SequenceCheck",
]

SENDER_HEADER = "Lean-Sender"
SEQUENCE_HEADER = "Lean-Seq"
MSG_ID_HEADER = "Nats-Msg-Id"
"""JetStream's de-duplication header."""
CHUNK_HEADER = "Lean-Chunk"
"""`k/n`: the k-th of n consecutive messages whose payloads joined are one message."""

T = TypeVar("T")


class BusError(LeanError):
    """A message could not go out or come back: the run cannot go on correctly."""


class NatsOutbound:
    """Publish and request on a NATS connection from any thread but the connection's loop.

    It is the NATS side of `lean_core.bus.transport.Outbound`; subscriptions are the run hosts'.
    """

    def __init__(
        self,
        client: Client,
        loop: asyncio.AbstractEventLoop,
        sender: str,
        *,
        request_timeout: float = 60.0,
        on_publish: Callable[[str, str], None] | None = None,
        durable: frozenset[Stream] = frozenset(),
    ) -> None:
        """`on_publish(stream, message type)` counts each message published on a run subject;
        messages on `durable` streams are stored by JetStream (`durable.py`) as they are sent."""
        self._client = client
        self._loop = loop
        self._sender = sender
        self._timeout = request_timeout
        self._sequences: dict[str, int] = {}
        self._lock = threading.Lock()
        self._in_flight: concurrent.futures.Future[Any] | None = None
        self._aborted: str = ""
        self._on_publish = on_publish or (lambda stream, kind: None)
        self._durable = {stream.value for stream in durable}
        self._jetstream = client.jetstream()

    def publish(self, to: str, message: m.Message) -> None:
        """Send a message and wait until the connection took it.

        A message over the server's max_payload goes as consecutive chunks of one sequence number
        (`ChunkAssembler` puts them back together): a 100-symbol batch is bigger than NATS's
        default 1 MiB, and operators should not have to tune their server for it.
        """
        data = codec.encode(message)
        with self._lock:
            sequence = self._sequences.get(to, 0) + 1
            self._sequences[to] = sequence
        what = f"publishing {type(message).__name__}"
        stream = _stream_name(to)
        chunks = _chunks(data, self._chunk_size())
        for index, chunk in enumerate(chunks):
            headers = {SENDER_HEADER: self._sender, SEQUENCE_HEADER: str(sequence)}
            if len(chunks) > 1:
                headers[CHUNK_HEADER] = f"{index + 1}/{len(chunks)}"
            if stream in self._durable:
                headers[MSG_ID_HEADER] = message_id(self._sender, to, sequence, index)
                self._wait(self._store(to, chunk, headers), what)
            else:
                self._wait(self._client.publish(to, chunk, headers=headers), what)
        self._on_publish(stream, type(message).__name__)

    async def _store(self, to: str, chunk: bytes, headers: dict[str, str]) -> None:
        try:
            await self._jetstream.publish(to, chunk, headers=headers)
        except (
            nats.errors.NoRespondersError,
            nats.js.errors.NoStreamResponseError,
            nats.errors.TimeoutError,
        ):
            # The stream was deleted under us (an operator, a test's clean-up): make it again. The
            # server does not always say so; sometimes the acknowledgement just never comes.
            await ensure_results_stream(self._client)
            await self._jetstream.publish(to, chunk, headers=headers)

    def _chunk_size(self) -> int:
        # Headers and the protocol line take a little of the payload limit.
        limit = self._client.max_payload
        return max(limit - 1024, 1024) if limit else 1 << 20

    def publish_outbox(self, run_id: str, outbox: Outbox) -> None:
        """Publish what a handler returned, each message on its stream's subject of the run."""
        for stream, message in outbox:
            self.publish(subject(run_id, stream), message)

    def reply(self, to: str, message: m.Message, stream: str = "") -> None:
        """Answer a request on `stream` (replies go to one inbox: no sequence to keep)."""
        self._wait(self._client.publish(to, self._encoded(to, message)), f"replying {type(message).__name__}")
        self._on_publish(stream or "reply", type(message).__name__)

    def request(self, to: str, message: m.Message) -> m.Message:
        """Send a request and return its reply; raise `BusError` naming the subject when none comes."""
        what = f"{type(message).__name__} on {to}"
        try:
            reply = self._wait(
                self._client.request(to, self._encoded(to, message), timeout=self._timeout),
                what,
                abortable=True,
            )
        except nats.errors.NoRespondersError as error:
            raise BusError(f"{what}: the {_server_of(to)} service does not answer (not running?)") from error
        except (TimeoutError, nats.errors.TimeoutError) as error:
            raise BusError(f"{what}: no reply within {self._timeout:g} s") from error
        try:
            return codec.decode(reply.data)
        except Exception as error:
            raise BusError(f"{what}: the reply is not a valid message: {error}") from error

    def notify(self, to: str, message: m.Message) -> None:
        """Send a request whose reply nobody waits for; its responder takes it in turn with the
        requests this connection sends on the same subject (NATS keeps one publisher's order)."""
        what = f"{type(message).__name__} on {to}"
        self._wait(self._client.publish(to, self._encoded(to, message)), what, abortable=True)
        self._on_publish(_stream_name(to), type(message).__name__)

    def notifier(self, run_id: str) -> Notifier:
        """Return the `Notifier` a handler of `run_id` calls: streams in, this run's subjects out."""

        def notify(stream: Stream, message: m.Message) -> None:
            self.notify(subject(run_id, stream), message)

        return notify

    def requester(self, run_id: str) -> Requester:
        """Return the `Requester` a handler of `run_id` calls: streams in, this run's subjects out."""

        def request(stream: Stream, message: m.Message) -> m.Message:
            return self.request(subject(run_id, stream), message)

        return request

    def abort(self, reason: str) -> None:
        """Fail the request in flight and every later one with `reason` (a service of the run died)."""
        if not self._aborted:  # the first reason is the cause; later ones are its echoes
            self._aborted = reason
        in_flight = self._in_flight
        if in_flight is not None:
            self._loop.call_soon_threadsafe(in_flight.cancel)

    def _encoded(self, to: str, message: m.Message) -> bytes:
        data = codec.encode(message)
        limit = self._client.max_payload
        if limit and len(data) > limit:
            raise BusError(
                f"{type(message).__name__} on {to} is {len(data):,} bytes, over the NATS server's "
                f"max_payload of {limit:,}: raise max_payload in its configuration or send smaller batches"
            )
        return data

    def _wait(self, work: Coroutine[Any, Any, T], what: str, *, abortable: bool = False) -> T:
        # Only requests are aborted: they wait on the failed service. Publishing goes on, so the
        # run can still announce how it ended.
        if abortable and self._aborted:
            work.close()
            raise BusError(f"{what}: {self._aborted}")
        future = asyncio.run_coroutine_threadsafe(work, self._loop)
        if abortable:
            self._in_flight = future
        try:
            return future.result()
        except concurrent.futures.CancelledError as error:
            raise BusError(f"{what}: {self._aborted or 'cancelled'}") from error
        except nats.errors.ConnectionClosedError as error:
            raise BusError(f"{what}: the NATS connection is closed") from error
        finally:
            self._in_flight = None


class SequenceCheck:
    """Check that each sender's messages on each subject arrive without a gap."""

    def __init__(self) -> None:
        self._last: dict[tuple[str, str], int] = {}

    def gap(self, to: str, headers: Mapping[str, str] | None) -> str:
        """Take one message's headers; return "" or what went missing before it."""
        if not headers or SEQUENCE_HEADER not in headers:
            return ""
        sender = headers.get(SENDER_HEADER, "")
        try:
            sequence = int(headers[SEQUENCE_HEADER])
        except ValueError:
            return f"{to}: sequence number {headers[SEQUENCE_HEADER]!r} from {sender} is not a number"
        key = (to, sender)
        expected = self._last.get(key, 0) + 1
        self._last[key] = max(sequence, self._last.get(key, 0))
        if sequence != expected:
            return f"{to}: message {sequence} from {sender} arrived after {expected - 1}: messages were lost"
        return ""


def _stream_name(to: str) -> str:
    """Return the stream a run subject names, or the subject itself (for metrics labels)."""
    stream = stream_of(to)
    return stream.value if stream is not None else to


def _server_of(to: str) -> str:
    """Name the role that serves a run subject, for errors."""
    stream = stream_of(to)
    role = server_of(stream) if stream is not None else None
    return str(role) if role is not None else "requested"


def _chunks(data: bytes, size: int) -> list[bytes]:
    return [data[start : start + size] for start in range(0, len(data), size)] or [data]


class ChunkAssembler:
    """Join the chunks of one message (see `NatsOutbound.publish`), per subject and sender."""

    def __init__(self) -> None:
        self._parts: dict[tuple[str, str], tuple[str, list[bytes]]] = {}

    def take(self, to: str, headers: Mapping[str, str] | None, data: bytes) -> bytes | None:
        """Return the whole message once its last chunk is in (at once for an unchunked one).

        Raise `BusError` when chunks are missing or out of order: core NATS lost some.
        """
        mark = headers.get(CHUNK_HEADER) if headers else None
        if mark is None:
            return data
        assert headers is not None
        key = (to, headers.get(SENDER_HEADER, ""))
        sequence = headers.get(SEQUENCE_HEADER, "")
        try:
            index, count = (int(part) for part in mark.split("/"))
        except ValueError as error:
            raise BusError(f"{to}: chunk mark {mark!r} is not k/n") from error
        held_sequence, parts = self._parts.get(key, (sequence, []))
        if held_sequence != sequence or index != len(parts) + 1:
            self._parts.pop(key, None)
            raise BusError(
                f"{to}: chunk {index}/{count} of message {sequence} came out of turn: chunks were lost"
            )
        parts.append(data)
        if index < count:
            self._parts[key] = (sequence, parts)
            return None
        self._parts.pop(key, None)
        return b"".join(parts)
