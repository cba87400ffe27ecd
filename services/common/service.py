"""A service process: one role's runs on a NATS connection.

The algorithm service takes runs submitted on `lean.control.runs` (a queue group: one replica
takes each), asks one replica of every other role to join the run on `lean.control.join.<role>`
(again a queue group), then starts the algorithm. The other services wait for joins. A joined
service has subscribed to the run's subjects before it answers, so nothing the run publishes
afterwards can miss it.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, field
from typing import TypeVar

import nats
from nats.aio.client import Client
from nats.aio.msg import Msg

from lean_core.bus import codec
from lean_core.bus import messages as m
from lean_core.bus.subjects import CONTROL_RUNS, Stream, join_subject
from lean_core.engine.service_handlers import (
    ServiceFolders,
    build_algorithm_handler,
    build_handler,
    load_algorithm,
)
from lean_core.engine.topology import Role, RoleEndpoint
from services.common.durable import ensure_results_stream
from services.common.health import HealthServer
from services.common.log_setup import redact_url
from services.common.metrics import ErrorKind, RunStatus, ServiceMetrics
from services.common.nats_bus import BusError, NatsOutbound
from services.common.run_host import RunHost

__all__ = ["JOIN_TIMEOUT", "Service", "ServiceOptions"]

MessageT = TypeVar("MessageT", bound=m.Message)

logger = logging.getLogger(__name__)

JOIN_TIMEOUT = 10.0
"""Seconds the algorithm service waits for another role to join a run."""

_OTHER_ROLES = tuple(role for role in Role if role is not Role.ALGORITHM)


@dataclass(slots=True)
class ServiceOptions:
    """How a service process connects and where its data and results are."""

    role: Role
    nats_url: str
    folders: ServiceFolders
    service_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    request_timeout: float = 60.0
    drain_timeout: float = 30.0
    http_host: str = "127.0.0.1"
    http_port: int | None = None
    """Where `/metrics`, `/healthz` and `/readyz` answer (None: nowhere; 0: any free port)."""


class Service:
    """Serve one role's part of every run that reaches this replica."""

    def __init__(self, options: ServiceOptions) -> None:
        self.options = options
        self.role = options.role
        self.service_id = f"{options.role}-{options.service_id}"
        self.hosts: dict[str, RunHost] = {}
        self.client: Client | None = None
        self.metrics = ServiceMetrics(str(options.role))
        self.health: HealthServer | None = None
        self._taking_runs = False
        self._closing: set[asyncio.Task[None]] = set()
        self._all_done = asyncio.Event()
        self._all_done.set()

    def readiness(self) -> str | None:
        """Return why the service cannot take runs now, or None when it can (`/readyz`)."""
        if self.client is None:
            return "connecting to NATS"
        if not self.client.is_connected:
            return "reconnecting to NATS"
        if not self._taking_runs:
            return "not taking runs"
        return None

    async def run(self, stop: asyncio.Event) -> None:
        """Serve until `stop` is set, then let the runs in flight finish (up to the drain timeout)."""
        if self.options.http_port is not None:
            self.health = HealthServer(
                self.metrics.registry,
                self.readiness,
                host=self.options.http_host,
                port=self.options.http_port,
            )
            await self.health.start()
        try:
            await self._serve(stop)
        finally:
            if self.health is not None:
                await self.health.stop()

    async def _serve(self, stop: asyncio.Event) -> None:
        client = await nats.connect(
            self.options.nats_url,
            name=self.service_id,
            error_cb=self._on_connection_error,
            max_reconnect_attempts=-1,
            reconnect_time_wait=0.5,
            connect_timeout=5,
        )
        self.client = client
        await ensure_results_stream(client)
        # Read the data folder's databases before taking runs, so a join answers in milliseconds.
        await asyncio.to_thread(self.options.folders.factory_for, self.options.folders.data_folder)
        if self.role is Role.ALGORITHM:
            control = await client.subscribe(CONTROL_RUNS, queue=str(self.role), cb=self._on_submitted)
        else:
            control = await client.subscribe(join_subject(self.role), queue=str(self.role), cb=self._on_join)
        await client.flush()
        self._taking_runs = True
        logger.info("%s ready on %s", self.service_id, redact_url(self.options.nats_url))
        await stop.wait()
        self._taking_runs = False
        await control.unsubscribe()
        try:
            await asyncio.wait_for(self._all_done.wait(), self.options.drain_timeout)
        except TimeoutError:
            logger.warning(
                "%s: %d run(s) still in flight after the drain timeout", self.service_id, len(self.hosts)
            )
        for host in list(self.hosts.values()):
            await host.close()
        await client.close()
        logger.info("%s stopped", self.service_id)

    # -- joining runs -----------------------------------------------------------------------------
    async def _on_join(self, msg: Msg) -> None:
        request = self._decoded(msg, m.JoinRun)
        if request is None:
            return
        try:
            handler = await asyncio.to_thread(
                build_handler, self.role, request.run_id, request.settings, self.options.folders
            )
            await self._open(RoleEndpoint(self.role, handler, request.run_id))
        except Exception as error:
            logger.exception("%s could not join run %s", self.service_id, request.run_id)
            await self._reply(msg, self._joined(request.run_id, f"{type(error).__name__}: {error}"))
            return
        await self._reply(msg, self._joined(request.run_id))

    def _joined(self, run_id: str, error: str = "") -> m.RunJoined:
        return m.RunJoined(run_id=run_id, role=str(self.role), service_id=self.service_id, error=error)

    # -- taking submitted runs (the algorithm service) ------------------------------------------------
    async def _on_submitted(self, msg: Msg) -> None:
        request = self._decoded(msg, m.RunSubmitted)
        if request is None:
            return
        run_id, settings = request.run_id, request.settings
        try:
            await asyncio.to_thread(load_algorithm, settings)  # refuse a broken algorithm before any join
            await self._join_others(run_id, settings)
            outbound = self._outbound()
            handler = await asyncio.to_thread(
                build_algorithm_handler,
                run_id,
                settings,
                self.options.folders,
                outbound.requester(run_id),
                outbound.notifier(run_id),
            )
            host = await self._open(RoleEndpoint(self.role, handler, run_id), outbound)
        except Exception as error:
            logger.warning("%s refused run %s: %s", self.service_id, run_id, error)
            await self._reply(msg, self._accepted(run_id, f"{type(error).__name__}: {error}"))
            return
        await self._reply(msg, self._accepted(run_id))
        host.call(handler.start)

    def _accepted(self, run_id: str, error: str = "") -> m.RunAccepted:
        return m.RunAccepted(run_id=run_id, service_id=self.service_id, error=error)

    async def _join_others(self, run_id: str, settings: m.RunSettings) -> None:
        replies = await asyncio.gather(*(self._join(role, run_id, settings) for role in _OTHER_ROLES))
        refused = [reply for reply in replies if reply.error]
        if refused:
            raise BusError("; ".join(f"the {reply.role} service refused: {reply.error}" for reply in refused))

    async def _join(self, role: Role, run_id: str, settings: m.RunSettings) -> m.RunJoined:
        client = self._client()
        request = m.JoinRun(run_id=run_id, role=str(role), settings=settings)

        def refused(reason: str) -> m.RunJoined:
            return m.RunJoined(run_id=run_id, role=str(role), service_id="", error=reason)

        try:
            msg = await client.request(join_subject(role), codec.encode(request), timeout=JOIN_TIMEOUT)
        except nats.errors.NoRespondersError:
            return refused("no such service is running")
        except nats.errors.TimeoutError:
            return refused(f"no answer within {JOIN_TIMEOUT:g} s")
        reply = codec.decode(msg.data)
        return reply if isinstance(reply, m.RunJoined) else refused("answered with no RunJoined")

    # -- hosts --------------------------------------------------------------------------------------
    async def _open(self, endpoint: RoleEndpoint, outbound: NatsOutbound | None = None) -> RunHost:
        host = RunHost(
            endpoint,
            self._client(),
            outbound or self._outbound(),
            service_id=self.service_id,
            on_done=self._on_host_done,
            metrics=self.metrics,
        )
        await host.open()
        self.metrics.run_started()
        self.hosts[endpoint.run_id] = host
        self._all_done.clear()
        return host

    def _outbound(self) -> NatsOutbound:
        return NatsOutbound(
            self._client(),
            asyncio.get_running_loop(),
            self.service_id,
            request_timeout=self.options.request_timeout,
            on_publish=self.metrics.message_published,
            durable=frozenset({Stream.RESULTS}),
        )

    def _on_host_done(self, host: RunHost) -> None:
        self.hosts.pop(host.run_id, None)
        self.metrics.run_finished(RunStatus.FAILED if host.failed else RunStatus.COMPLETED)
        # The loop holds tasks weakly: keep each until it is done, or it may vanish half-way.
        closing = asyncio.get_running_loop().create_task(host.close())
        self._closing.add(closing)
        closing.add_done_callback(self._closing.discard)
        logger.info("%s finished its part of run %s", self.service_id, host.run_id)
        if not self.hosts:
            self._all_done.set()

    # -- plumbing -------------------------------------------------------------------------------------
    def _client(self) -> Client:
        if self.client is None:
            raise RuntimeError("the service is not connected")
        return self.client

    def _decoded(self, msg: Msg, kind: type[MessageT]) -> MessageT | None:
        try:
            message = codec.decode(msg.data)
        except Exception as error:
            self.metrics.malformed_message(msg.subject)
            logger.warning("%s: malformed message on %s ignored: %s", self.service_id, msg.subject, error)
            return None
        if not isinstance(message, kind):
            self.metrics.error(ErrorKind.UNKNOWN_MESSAGE)
            logger.warning(
                "%s: unexpected %s on %s ignored", self.service_id, type(message).__name__, msg.subject
            )
            return None
        return message

    async def _reply(self, msg: Msg, message: m.Message) -> None:
        if msg.reply:
            await self._client().publish(msg.reply, codec.encode(message))

    async def _on_connection_error(self, error: Exception) -> None:
        logger.warning("%s: NATS connection: %s", self.service_id, error)
