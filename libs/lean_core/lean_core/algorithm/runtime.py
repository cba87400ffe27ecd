"""What a `QCAlgorithm` needs from the engine that runs it, as one protocol.

The algorithm handler implements it; the algorithm never sees the bus.
"""

from __future__ import annotations

from typing import Protocol

from lean_core.algorithm.security_factory import SecurityFactory
from lean_core.bus import messages as m
from lean_core.scheduling.schedule import ScheduledEvent


class AlgorithmRuntime(Protocol):
    """The engine's services to an algorithm: order routing, the clock, history."""

    @property
    def run_id(self) -> str: ...

    @property
    def security_factory(self) -> SecurityFactory: ...

    def submit(self, request: m.SubmitOrderRequest) -> m.OrderReply: ...

    def update(self, request: m.UpdateOrderRequest) -> m.OrderReply: ...

    def cancel(self, request: m.CancelOrderRequest) -> m.OrderReply: ...

    def schedule(self, event: ScheduledEvent) -> None: ...

    def unschedule(self, event_id: int) -> None: ...

    def history(self, request: m.HistoryRequest) -> m.HistoryReply: ...
