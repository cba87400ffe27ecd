"""One run's handler in a service: NATS subscriptions in, a worker thread, publishes out.

The handler runs in a thread of its own, so the algorithm's blocking requests never stall the
connection's event loop, and it takes one message at a time, in arrival order, as on the
in-process bus. A request the handler cannot take yet (an order on a batch that has not arrived:
`RoleEndpoint.ready_for`) waits, and is retried after each later message.

The order events a request caused go to the run's other consumers (the result service, `leanbus
watch`) gathered: they wait until the host publishes anything else, takes a message that is not a
request (the next data batch), or its heartbeat ticks. One message a batch instead of one an order
saves the result service and the server a wake-up per order; the events keep their order.

Nothing a message carries can kill the host: a malformed message is logged and counted, and a
handler that raises fails its run (a `ServiceFailed` naming the service), not the process.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription

from lean_core.bus import codec
from lean_core.bus import messages as m
from lean_core.bus.subjects import Stream, stream_of, subject
from lean_core.engine.liveness import HEARTBEAT_INTERVAL, HEARTBEAT_TIMEOUT, LivenessWatch, Silence
from lean_core.engine.ports import Outbox
from lean_core.engine.topology import Role, RoleEndpoint
from lean_core.orders.events import OrderEvent
from services.common.log_setup import run_context
from services.common.metrics import ErrorKind, ServiceMetrics
from services.common.nats_bus import BusError, ChunkAssembler, NatsOutbound, SequenceCheck

__all__ = ["RunHost"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Delivery:
    stream: Stream
    message: m.Message
    reply_to: str


@dataclass(frozen=True, slots=True)
class _Call:
    """Work for the thread that is not a message: the algorithm's start."""

    work: Callable[[], Any]


_STOP = object()


class RunHost:
    """Serve one role of one run until the role's part is done (or the run fails)."""

    def __init__(
        self,
        endpoint: RoleEndpoint,
        client: Client,
        outbound: NatsOutbound,
        *,
        service_id: str,
        on_done: Callable[[RunHost], None],
        metrics: ServiceMetrics | None = None,
        heartbeat_interval: float = HEARTBEAT_INTERVAL,
    ) -> None:
        self.endpoint = endpoint
        self.run_id = endpoint.run_id
        self.service_id = service_id
        self.outbound = outbound
        self._client = client
        self._on_done = on_done
        self.metrics = metrics if metrics is not None else ServiceMetrics(str(endpoint.role))
        self._inbox: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._parked: list[_Delivery] = []
        self._held_events: list[OrderEvent] = []
        self._subscriptions: list[Subscription] = []
        self._sequences = SequenceCheck()
        self._chunks = ChunkAssembler()
        self._thread = threading.Thread(target=self._work, name=f"{endpoint.role}-{self.run_id}", daemon=True)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._interval = heartbeat_interval
        self._pulse: asyncio.Task[None] | None = None
        self._watch: LivenessWatch | None = None
        self._notices: set[asyncio.Task[None]] = set()
        self.failed = ""
        self._ended = False

    # -- life cycle (event loop side) ---------------------------------------------------------------
    async def open(self) -> None:
        """Subscribe to the run's subjects, make sure the server has the subscriptions, start the thread."""
        self._loop = asyncio.get_running_loop()
        for stream in self.endpoint.streams():
            self._subscriptions.append(
                await self._client.subscribe(subject(self.run_id, stream), cb=self._receive)
            )
        self._subscriptions.append(
            await self._client.subscribe(subject(self.run_id, Stream.HEARTBEATS), cb=self._on_heartbeat)
        )
        await self._client.flush()
        self._watch = LivenessWatch(
            self._watched_roles(),
            self._loop.time(),
            timeout=HEARTBEAT_TIMEOUT * self._interval / HEARTBEAT_INTERVAL,
        )
        self._thread.start()
        self._pulse = asyncio.create_task(self._beat())

    def call(self, work: Callable[[], Any]) -> None:
        """Run `work` on the run's thread, in turn with its messages."""
        self._inbox.put(_Call(work))

    async def close(self) -> None:
        """Unsubscribe and let the thread finish what it holds."""
        if self._pulse is not None and self._pulse is not asyncio.current_task():
            self._pulse.cancel()
        for subscription in self._subscriptions:
            try:
                await subscription.unsubscribe()
            except Exception:  # the connection may be closing: nothing more will come anyway
                logger.debug("unsubscribing from a run subject failed", exc_info=True)
        self._subscriptions.clear()
        self._inbox.put(_STOP)
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            await asyncio.to_thread(self._thread.join, 10.0)

    async def _receive(self, msg: Msg) -> None:
        stream = stream_of(msg.subject)
        if stream is None:  # the subscriptions are run subjects: nothing else can arrive here
            return
        try:
            data = self._chunks.take(msg.subject, msg.headers, msg.data)
        except BusError as error:
            self.metrics.error(ErrorKind.SEQUENCE_GAP)
            self._inbox.put(_Call(partial(self._fail, str(error))))
            return
        if data is None:
            return  # more chunks to come
        try:
            message = codec.decode(data)
        except Exception as error:
            self.metrics.malformed_message(stream.value)
            logger.warning("run %s: malformed message on %s ignored: %s", self.run_id, msg.subject, error)
            return
        gap = self._sequences.gap(msg.subject, msg.headers)
        if gap:
            self.metrics.error(ErrorKind.SEQUENCE_GAP)
            # Publishing waits on this loop: the failure is reported from the run's thread.
            self._inbox.put(_Call(partial(self._fail, gap)))
        self.metrics.message_received(stream.value, type(message).__name__)
        if self._watch is not None and self._loop is not None:
            self._watch.follow(message, self._loop.time())
        if isinstance(message, m.ServiceFailed) and message.service_id != self.service_id:
            # Unblock a request waiting on the failed service before the thread sees the notice.
            self.outbound.abort(f"the {message.role} service failed: {message.error}")
        self._inbox.put(_Delivery(stream, message, msg.reply or ""))

    # -- liveness -----------------------------------------------------------------------------------
    def _watched_roles(self) -> list[str]:
        return [str(role) for role in self.endpoint.routes.watches]

    async def _beat(self) -> None:
        beat = codec.encode(
            m.Heartbeat(run_id=self.run_id, role=str(self.endpoint.role), service_id=self.service_id)
        )
        where = subject(self.run_id, Stream.HEARTBEATS)
        loop = asyncio.get_running_loop()
        while True:
            if self._held_events:
                self.call(self._release_events)
            try:
                await self._client.publish(where, beat)
            except Exception as error:  # reconnecting: the next beat may go through
                logger.debug("run %s: heartbeat not sent: %s", self.run_id, error)
            if self._watch is not None:
                for silence in self._watch.silent(loop.time()):
                    self._on_silence(silence)
            await asyncio.sleep(self._interval)

    async def _on_heartbeat(self, msg: Msg) -> None:
        try:
            beat = codec.decode(msg.data)
        except Exception:
            self.metrics.malformed_message(Stream.HEARTBEATS.value)
            return
        if isinstance(beat, m.Heartbeat) and self._watch is not None and self._loop is not None:
            self._watch.beat(beat.role, beat.service_id, self._loop.time())

    def _on_silence(self, silence: Silence) -> None:
        if self._ended:
            return
        reason = silence.describe()
        logger.warning("run %s: %s", self.run_id, reason)
        if silence.role == Role.ALGORITHM:
            self._inbox.put(_STOP)  # the run is over without its algorithm: nothing more will come
            self._ended = True
            self._on_done(self)
            return
        notice = m.ServiceFailed(
            run_id=self.run_id, role=silence.role, service_id=silence.service_id, error=reason
        )
        self.outbound.abort(reason)
        # The handler learns it in turn with its messages; the run's other consumers learn it now.
        self._inbox.put(_Delivery(Stream.CONTROL, notice, ""))
        if self.endpoint.role is Role.ALGORITHM:
            task = asyncio.create_task(self._announce(notice))
            self._notices.add(task)
            task.add_done_callback(self._notices.discard)

    async def _announce(self, notice: m.ServiceFailed) -> None:
        try:
            await self._client.publish(subject(self.run_id, Stream.CONTROL), codec.encode(notice))
        except Exception as error:
            logger.warning("run %s: could not announce %s: %s", self.run_id, notice.error, error)

    # -- the run's thread -----------------------------------------------------------------------------
    def _work(self) -> None:
        with run_context(self.run_id, role=str(self.endpoint.role)):
            self._take_messages()

    def _take_messages(self) -> None:
        while True:
            item = self._inbox.get()
            if item is _STOP:
                return
            self._handle(item)
            self._retry_parked()
            if self.endpoint.done:
                self._finished()
                return

    def _handle(self, item: object) -> None:
        try:
            if isinstance(item, _Call):
                self._publish(self.endpoint.sent(item.work() or []))
            elif isinstance(item, _Delivery):
                self._deliver(item)
        except Exception as error:
            self.metrics.error(ErrorKind.HANDLER)
            logger.error("run %s: %s failed: %s", self.run_id, self.endpoint.role, traceback.format_exc())
            reply_to = item.reply_to if isinstance(item, _Delivery) else ""
            self._fail(f"{type(error).__name__}: {error}", reply_to)

    def _deliver(self, delivery: _Delivery) -> None:
        endpoint, message = self.endpoint, delivery.message
        if endpoint.serves(delivery.stream, message):
            if not endpoint.ready_for(message):
                self._parked.append(delivery)
                return
            answered = endpoint.answer(delivery.stream, message)
            if delivery.reply_to:  # else a notice (`NatsOutbound.notify`): its sender does not wait
                self.outbound.reply(delivery.reply_to, answered.reply, delivery.stream.value)
            self._hold_events(answered.outbox)
            return
        self._publish(self._release_events())
        if isinstance(message, m.DataBatch) and endpoint.consumes(delivery.stream, message):
            with self.metrics.time_batch():
                self._publish(endpoint.deliver(delivery.stream, message))
            self.metrics.data_points_processed(message.data_points)
        elif endpoint.consumes(delivery.stream, message):
            self._publish(endpoint.deliver(delivery.stream, message))

    def _hold_events(self, outbox: Outbox) -> None:
        for stream, message in outbox:
            if stream is Stream.ORDER_EVENTS and isinstance(message, m.OrderEvents):
                self._held_events.extend(message.events)
            else:
                self._publish([(stream, message)])

    def _release_events(self) -> Outbox:
        """Return the held order events as one message (and hold none)."""
        if not self._held_events:
            return []
        events, self._held_events = self._held_events, []
        return [(Stream.ORDER_EVENTS, m.OrderEvents(run_id=self.run_id, events=events))]

    def _publish(self, outbox: Outbox) -> None:
        """Publish what the handler sent, after the order events it caused before."""
        if outbox:
            self.outbound.publish_outbox(self.run_id, [*self._release_events(), *outbox])

    def _retry_parked(self) -> None:
        while self._parked and self.endpoint.ready_for(self._parked[0].message):
            self._deliver(self._parked.pop(0))

    def _fail(self, error: str, reply_to: str = "") -> None:
        """Tell the run this service cannot go on: the requester at once, every service on CONTROL."""
        if self.failed:
            return
        self.failed = error
        notice = m.ServiceFailed(
            run_id=self.run_id, role=str(self.endpoint.role), service_id=self.service_id, error=error
        )
        try:
            if reply_to:
                self.outbound.reply(reply_to, notice)
            self._publish([(Stream.CONTROL, notice)])
        except Exception:
            logger.exception("run %s: could not report the failure", self.run_id)

    def _finished(self) -> None:
        self._ended = True
        loop = self._loop
        if loop is not None:
            loop.call_soon_threadsafe(self._on_done, self)
