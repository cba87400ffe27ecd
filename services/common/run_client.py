"""Submit a backtest to running services and follow it to its results (`leanbus backtest --nats`).

The client subscribes to the run's control and result subjects before it submits, so it sees
every message of the run; the run id is its own choice for that reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

import nats
from nats.aio.client import Client
from nats.aio.msg import Msg

from lean_core.bus import codec
from lean_core.bus import messages as m
from lean_core.bus.subjects import CONTROL_RUNS, Stream, stream_of, subject
from lean_core.engine.embedded import new_run_id
from lean_core.engine.liveness import HEARTBEAT_INTERVAL, LivenessWatch
from lean_core.engine.progress import last_step_ns, run_fraction
from lean_core.engine.topology import Role
from services.common.durable import last_results

__all__ = ["RemoteRunError", "RemoteRunResult", "submit_run"]

SUBMIT_TIMEOUT = 30.0
"""Seconds to wait for an algorithm service to accept (it loads the algorithm and gathers the others)."""


class RemoteRunError(Exception):
    """The run could not start, or its services stopped answering."""


@dataclass(slots=True)
class RemoteRunResult:
    """A run's final message and how it got there."""

    run_id: str
    written: m.ResultsWritten
    finished: m.AlgorithmFinished | None = None
    failures: list[m.ServiceFailed] = field(default_factory=list)
    data_points: int = 0


#: What the client follows, by stream.
_FOLLOWED: dict[Stream, tuple[type[m.Message], ...]] = {
    Stream.CONTROL: (m.AlgorithmInitialized, m.AlgorithmFinished, m.ServiceFailed),
    Stream.RESULTS: (m.AlgorithmProgress, m.ResultsWritten),
    Stream.HEARTBEATS: (m.Heartbeat,),
}


@dataclass(slots=True)
class _Follower:
    on_progress: Callable[[float, int], None] | None
    span: tuple[int, int] = (0, 0)
    finished: m.AlgorithmFinished | None = None
    failures: list[m.ServiceFailed] = field(default_factory=list)
    data_points: int = 0
    written: asyncio.Future[m.ResultsWritten] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )
    watch: LivenessWatch | None = None
    """Set once the run is accepted: joining the services can take longer than a heartbeat timeout."""

    async def on_message(self, msg: Msg) -> None:
        try:
            message = codec.decode(msg.data)
        except Exception:
            return  # not ours to judge: the services log and count malformed messages
        stream = stream_of(msg.subject)
        if stream is None or type(message) not in _FOLLOWED.get(stream, ()):
            return  # a message on a stream that does not carry its type is noise, whatever it says
        if isinstance(message, m.AlgorithmInitialized):
            self.span = (message.start_ns, message.end_ns)
        elif isinstance(message, m.AlgorithmProgress):
            self._progress(message)
        elif isinstance(message, m.AlgorithmFinished):
            self.finished = message
        elif isinstance(message, m.ServiceFailed):
            self.failures.append(message)
        elif isinstance(message, m.ResultsWritten) and not self.written.done():
            self.written.set_result(message)
        if self.watch is not None:
            self.watch.follow(message, asyncio.get_running_loop().time())

    async def results(self, timeout: float | None) -> m.ResultsWritten:
        """Wait for the results; fail as soon as the algorithm or result service goes silent."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            try:
                return await asyncio.wait_for(asyncio.shield(self.written), HEARTBEAT_INTERVAL)
            except TimeoutError:
                pass
            silent = self.watch.silent(loop.time()) if self.watch is not None else []
            if silent:
                raise RemoteRunError("; ".join(silence.describe() for silence in silent))
            if deadline is not None and loop.time() > deadline:
                raise RemoteRunError(f"no results within {timeout:g} s")

    def _progress(self, message: m.AlgorithmProgress) -> None:
        self.data_points = message.data_points
        last = last_step_ns(message)
        fraction = None if last is None else run_fraction(*self.span, last)
        if self.on_progress is not None and fraction is not None:
            self.on_progress(fraction, message.data_points)


async def submit_run(
    nats_url: str,
    settings: m.RunSettings,
    *,
    run_id: str | None = None,
    timeout: float | None = None,
    on_progress: Callable[[float, int], None] | None = None,
) -> RemoteRunResult:
    """Submit a run to the services on `nats_url` and return once its results are written."""
    run_id = run_id or new_run_id()
    client = await nats.connect(nats_url, name=f"leanbus-client-{run_id}", max_reconnect_attempts=3)
    try:
        follower = _Follower(on_progress)
        for stream in (Stream.CONTROL, Stream.RESULTS, Stream.HEARTBEATS):
            await client.subscribe(subject(run_id, stream), cb=follower.on_message)
        await client.flush()
        accepted = await _submit(client, m.RunSubmitted(run_id=run_id, settings=settings))
        if accepted.error:
            raise RemoteRunError(f"run {run_id} refused by {accepted.service_id}: {accepted.error}")
        follower.watch = LivenessWatch(
            [str(Role.ALGORITHM), str(Role.RESULT)], asyncio.get_running_loop().time()
        )
        try:
            written = await follower.results(timeout)
        except RemoteRunError:
            # The results may have been written while this client was not listening (a reconnect).
            stored = await last_results(client, run_id)
            if stored is None:
                raise
            written = stored
        return RemoteRunResult(run_id, written, follower.finished, follower.failures, follower.data_points)
    finally:
        await client.close()


async def _submit(client: Client, request: m.RunSubmitted) -> m.RunAccepted:
    try:
        msg = await client.request(CONTROL_RUNS, codec.encode(request), timeout=SUBMIT_TIMEOUT)
    except nats.errors.NoRespondersError as error:
        raise RemoteRunError(f"no algorithm service is listening on {CONTROL_RUNS}") from error
    except nats.errors.TimeoutError as error:
        raise RemoteRunError(f"no algorithm service answered within {SUBMIT_TIMEOUT:g} s") from error
    reply = codec.decode(msg.data)
    if not isinstance(reply, m.RunAccepted):
        raise RemoteRunError(f"the submission was answered with {type(reply).__name__}")
    return reply
