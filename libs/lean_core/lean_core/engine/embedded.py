"""The embedded backtest: the five handlers on the in-process bus, wired by `topology`'s tables.

The NATS services wire the same handlers with the same tables, each in its own process.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from lean_core.algorithm.qc_algorithm import QCAlgorithm
from lean_core.algorithm.security_factory import SecurityFactory
from lean_core.bus import messages as m
from lean_core.bus.in_process import InProcessBus
from lean_core.bus.subjects import Stream, subject
from lean_core.bus.transport import Bus
from lean_core.data.bars import ns_to_local
from lean_core.data.custom_data import CustomDataTypes, Globals
from lean_core.data.readers import FrameCache
from lean_core.data.subscription import SubscriptionDataReader
from lean_core.engine.algorithm_handler import AlgorithmHandler
from lean_core.engine.data_feed import DEFAULT_BATCH_STEPS, DataFeedHandler
from lean_core.engine.ports import Outbox
from lean_core.engine.progress import last_step_ns, run_fraction
from lean_core.engine.realtime_handler import RealtimeHandler
from lean_core.engine.result_handler import ResultHandler
from lean_core.engine.run_setup import RunOverrides
from lean_core.engine.topology import ROLES, Role, RoleEndpoint
from lean_core.engine.transaction_handler import TransactionHandler
from lean_core.time.time_zones import TimeZones

logger = logging.getLogger(__name__)

Route = Callable[[Any], Outbox]


@dataclass(frozen=True, slots=True)
class ProgressReport:
    """How far a run got."""

    fraction: float
    current_date: date | None
    data_points: int


@dataclass(slots=True)
class BacktestResult:
    """A finished run: status, statistics and where its files are."""

    run_id: str
    status: str
    statistics: dict[str, str]
    runtime_statistics: dict[str, str]
    output_folder: Path
    data_points: int
    error: str = ""
    files: list[str] = field(default_factory=list)
    logs: list[str] = field(default_factory=list)


def new_run_id() -> str:
    """Return a fresh run id (LEAN's algorithm ids are digits; ours must suit NATS subjects)."""
    return uuid.uuid4().hex[:12]


class BacktestRun:
    """One in-process backtest of an algorithm instance."""

    def __init__(
        self,
        algorithm: QCAlgorithm,
        *,
        data_folder: Path,
        output_folder: Path | None = None,
        overrides: RunOverrides | None = None,
        run_id: str | None = None,
        algorithm_id: str | None = None,
        name: str | None = None,
        batch_steps: int | None = None,
        cache: FrameCache | None = None,
        custom_data_types: CustomDataTypes | None = None,
        read_ahead: Executor | None = None,
    ) -> None:
        """`read_ahead`: a process pool that reads day files ahead of the feed (see `ReadAhead`)."""
        self.run_id = run_id or new_run_id()
        self.data_folder = Path(data_folder)
        self.output_folder = output_folder
        Globals.data_folder = str(self.data_folder)
        reader = SubscriptionDataReader(self.data_folder, cache=cache if cache is not None else FrameCache())
        factory = SecurityFactory(self.data_folder, market_hours=reader.market_hours)
        self.bus: Bus = InProcessBus()
        # The feed gets the custom data classes the way a feed process would: from the module
        # that defines the algorithm, not from the algorithm object.
        custom_types = (
            custom_data_types if custom_data_types is not None else CustomDataTypes.beside(type(algorithm))
        )
        self.feed = DataFeedHandler(
            reader,
            self.run_id,
            batch_steps=batch_steps or DEFAULT_BATCH_STEPS,
            custom_types=custom_types,
            read_ahead=read_ahead,
        )
        self.transactions = TransactionHandler(factory, self.run_id)
        self.realtime = RealtimeHandler(factory.market_hours, self.run_id)
        self.results = ResultHandler(
            self.run_id,
            data_folder=self.data_folder,
            output_folder=output_folder,
            algorithm_id=algorithm_id,
            name=name,
        )
        self.algorithm = AlgorithmHandler(algorithm, factory, self.run_id, self._request, overrides)
        self._final: m.ResultsWritten | None = None
        self._on_progress: Callable[[ProgressReport], None] | None = None
        self._span: tuple[int, int] = (0, 0)
        self._wire()

    # -- wiring -------------------------------------------------------------------------------
    def _wire(self) -> None:
        handlers = {
            Role.DATA_FEED: self.feed,
            Role.TRANSACTION: self.transactions,
            Role.REALTIME: self.realtime,
            Role.RESULT: self.results,
            Role.ALGORITHM: self.algorithm,
        }
        for role in ROLES:
            self._attach(RoleEndpoint(role, handlers[role], self.run_id))
        self._observe(Stream.CONTROL, m.AlgorithmInitialized, self._on_initialized)
        self._observe(Stream.RESULTS, m.AlgorithmProgress, self._report_progress)
        self._observe(Stream.RESULTS, m.ResultsWritten, self._on_results)

    def _attach(self, endpoint: RoleEndpoint) -> None:
        """Subscribe and serve what the endpoint's table lists, on this run's subjects."""
        for stream in endpoint.streams():
            where = subject(self.run_id, stream)
            self.bus.subscribe(where, partial(self._deliver, endpoint, stream))
            if stream in {serve.stream for serve in endpoint.routes.serves}:
                self.bus.serve(where, partial(self._answer, endpoint, stream))

    def _deliver(self, endpoint: RoleEndpoint, stream: Stream, message: m.Message) -> None:
        if endpoint.consumes(stream, message):
            self._publish_all(endpoint.deliver(stream, message))

    def _answer(self, endpoint: RoleEndpoint, stream: Stream, message: m.Message) -> m.Message:
        answered = endpoint.answer(stream, message)
        self._publish_all(answered.outbox)
        return answered.reply

    def _observe(self, stream: Stream, kind: type[m.Message], observer: Route) -> None:
        def deliver(message: m.Message) -> None:
            if isinstance(message, kind):
                self._publish_all(observer(message))

        self.bus.subscribe(subject(self.run_id, stream), deliver)

    def _publish_all(self, outbox: Outbox) -> None:
        for stream, message in outbox:
            self.bus.publish(subject(self.run_id, stream), message)

    def _request(self, stream: Stream, message: m.Message) -> m.Message:
        return self.bus.request(subject(self.run_id, stream), message)

    # -- run ----------------------------------------------------------------------------------
    def run(self, on_progress: Callable[[ProgressReport], None] | None = None) -> BacktestResult:
        """Run the backtest to its end (or until stopped) and return its result."""
        self._on_progress = on_progress
        self._publish_all(self.algorithm.start())
        final = self._final
        if final is None:
            raise RuntimeError(
                f"run {self.run_id} ended without results; see the log for the failing handler"
            )
        return BacktestResult(
            run_id=self.run_id,
            status=final.status,
            statistics=dict(final.statistics),
            runtime_statistics=dict(final.runtime_statistics),
            output_folder=self.results.output_folder,
            data_points=self.results.data_points,
            error=final.error,
            files=list(final.files),
            logs=self.results.log_lines,
        )

    def stop(self) -> None:
        """Stop the run after the current time step; results so far are still written."""
        self.algorithm.stop()

    def _on_initialized(self, message: m.AlgorithmInitialized) -> Outbox:
        self._span = (message.start_ns, message.end_ns)
        return []

    def _on_results(self, message: m.ResultsWritten) -> Outbox:
        self._final = message
        return []

    def _report_progress(self, message: m.AlgorithmProgress) -> Outbox:
        last = last_step_ns(message)
        if self._on_progress is None or last is None:
            return []
        fraction = run_fraction(*self._span, last)
        self._on_progress(
            ProgressReport(
                1.0 if fraction is None else fraction,
                ns_to_local(last, TimeZones.UTC).date(),
                message.data_points,
            )
        )
        return []
