"""The bus interface the transports implement: publish and request/reply, then subscribe and serve.

`Outbound` is what a handler's side of a run needs: the in-process bus and the NATS transport
(`services.common.nats_bus.NatsOutbound`) both provide it. `Bus` adds subscribing and serving,
which the in-process bus does itself and a NATS service does through its run hosts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from lean_core.bus.messages import Message

Handler = Callable[[Message], None]
Responder = Callable[[Message], Message]


class Outbound(Protocol):
    """Send messages and requests on subjects."""

    def publish(self, subject: str, message: Message) -> None:
        """Send a message to every subscriber of `subject`."""

    def request(self, subject: str, message: Message) -> Message:
        """Send a request and return the reply."""


class Bus(Outbound, Protocol):
    """A whole transport: what `Outbound` sends, delivered to subscribers and responders."""

    def subscribe(self, subject: str, handler: Handler) -> None:
        """Call `handler` for every message published on `subject`."""

    def serve(self, subject: str, responder: Responder) -> None:
        """Answer requests on `subject` with `responder`."""
