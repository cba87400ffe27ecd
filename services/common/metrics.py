"""The Prometheus metrics every service exports, each service in a registry of its own.

Names follow `leanbus_<area>_<what>_<unit>`. Labels come from small fixed sets (service, stream,
message type, error kind, run status), never a run id or a symbol, so the series count stays
bounded however many runs a service handles.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

__all__ = ["BATCH_SECONDS_BUCKETS", "ErrorKind", "RunStatus", "ServiceMetrics"]

# From a tenth of a millisecond (a few bars) to ten seconds (a stuck handler).
BATCH_SECONDS_BUCKETS = (1e-4, 5e-4, 1e-3, 5e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class ErrorKind(StrEnum):
    """Why a service failed to handle something; the `kind` label of `leanbus_errors_total`."""

    DECODE = "decode"
    HANDLER = "handler"
    UNKNOWN_MESSAGE = "unknown_message"
    SEQUENCE_GAP = "sequence_gap"
    PUBLISH = "publish"
    BUS = "bus"


class RunStatus(StrEnum):
    """How a run ended; the `status` label of `leanbus_runs_finished_total`."""

    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class ServiceMetrics:
    """Own one service's registry and its metrics; the methods are the ways a service counts."""

    def __init__(self, service: str):
        self.service = service
        self.registry = CollectorRegistry(auto_describe=True)
        self.runs_started = self._counter("leanbus_runs_started", "Runs this service began.")
        self.runs_finished = self._counter("leanbus_runs_finished", "Runs this service ended.", "status")
        self.runs_active = Gauge(
            "leanbus_runs_active", "Runs in progress in this service.", ["service"], registry=self.registry
        )
        self.messages_received = self._counter(
            "leanbus_messages_received", "Messages decoded from the bus.", "stream", "type"
        )
        self.messages_published = self._counter(
            "leanbus_messages_published", "Messages published to the bus.", "stream", "type"
        )
        self.data_points = self._counter("leanbus_data_points", "Bars, ticks and quotes processed.")
        self.batch_duration = Histogram(
            "leanbus_batch_duration_seconds",
            "Time to handle one batch of time slices.",
            ["service"],
            buckets=BATCH_SECONDS_BUCKETS,
            registry=self.registry,
        )
        self.errors = self._counter("leanbus_errors", "Failures while handling messages.", "kind")
        self.malformed_messages = self._counter(
            "leanbus_malformed_messages", "Messages that would not decode.", "stream"
        )
        self._export_zeros()

    def run_started(self) -> None:
        """Count a run that began and is now active."""
        self.runs_started.labels(self.service).inc()
        self.runs_active.labels(self.service).inc()

    def run_finished(self, status: RunStatus) -> None:
        """Count a run that ended and is no longer active."""
        self.runs_finished.labels(self.service, status.value).inc()
        self.runs_active.labels(self.service).dec()

    def message_received(self, stream: str, message_type: str) -> None:
        """Count one decoded inbound message."""
        self.messages_received.labels(self.service, stream, message_type).inc()

    def message_published(self, stream: str, message_type: str) -> None:
        """Count one outbound message."""
        self.messages_published.labels(self.service, stream, message_type).inc()

    def data_points_processed(self, count: int) -> None:
        """Add `count` data points to the running total."""
        self.data_points.labels(self.service).inc(count)

    def error(self, kind: ErrorKind) -> None:
        """Count one failure of the given kind."""
        self.errors.labels(self.service, kind.value).inc()

    def malformed_message(self, stream: str) -> None:
        """Count a message that would not decode; it is also an error of kind DECODE."""
        self.malformed_messages.labels(self.service, stream).inc()
        self.error(ErrorKind.DECODE)

    @contextmanager
    def time_batch(self) -> Iterator[None]:
        """Observe how long the body takes in the batch duration histogram, even when it raises."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.batch_duration.labels(self.service).observe(time.perf_counter() - started)

    def _counter(self, name: str, documentation: str, *labels: str) -> Counter:
        # prometheus_client appends `_total` to a counter's name in the exposition.
        return Counter(name, documentation, ["service", *labels], registry=self.registry)

    def _export_zeros(self) -> None:
        # A series that has never been touched is absent, and `rate()` over an absent series is
        # silence rather than zero: create the fixed-label series up front so alerts can fire.
        for metric in (self.runs_started, self.runs_active, self.data_points, self.batch_duration):
            metric.labels(self.service)
        for status in RunStatus:
            self.runs_finished.labels(self.service, status.value)
        for kind in ErrorKind:
            self.errors.labels(self.service, kind.value)
