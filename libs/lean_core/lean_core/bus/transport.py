"""The bus interface every transport implements: publish, subscribe, request/reply."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from lean_core.bus.messages import Message

Handler = Callable[[Message], None]
Responder = Callable[[Message], Message]


class Bus(Protocol):
    """What a handler needs from a transport; in-process and NATS both provide it."""

    def publish(self, subject: str, message: Message) -> None:
        """Send a message to every subscriber of `subject`."""

    def subscribe(self, subject: str, handler: Handler) -> None:
        """Call `handler` for every message published on `subject`."""

    def serve(self, subject: str, responder: Responder) -> None:
        """Answer requests on `subject` with `responder`."""

    def request(self, subject: str, message: Message) -> Message:
        """Send a request and return the reply."""
