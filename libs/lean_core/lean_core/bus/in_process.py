"""The in-process transport: the embedded default, no server, deterministic delivery.

Published messages go through one FIFO queue, delivered to subscribers in the order they
subscribed; a message published while another is being delivered waits its turn, so
handlers never re-enter each other. Requests call the one responder of the subject
directly and return its reply, as a NATS request/reply would.
"""

from __future__ import annotations

import logging
from collections import deque

from lean_core.bus.messages import Message
from lean_core.bus.transport import Handler, Responder
from lean_core.errors import LeanError

logger = logging.getLogger(__name__)


class NoResponderError(LeanError):
    """A request went to a subject nobody serves."""

    def __init__(self, subject: str) -> None:
        self.subject = subject
        super().__init__(f"no responder on {subject!r}")


class InProcessBus:
    """Publish/subscribe and request/reply between handlers living in one process."""

    def __init__(self) -> None:
        self._subscribers: dict[str, list[Handler]] = {}
        self._responders: dict[str, Responder] = {}
        self._queue: deque[tuple[str, Message]] = deque()
        self._delivering = False

    def publish(self, subject: str, message: Message) -> None:
        """Queue a message and deliver the queue unless a delivery is already under way."""
        self._queue.append((subject, message))
        if not self._delivering:
            self._drain()

    def subscribe(self, subject: str, handler: Handler) -> None:
        """Deliver every later message on `subject` to `handler`."""
        self._subscribers.setdefault(subject, []).append(handler)

    def serve(self, subject: str, responder: Responder) -> None:
        """Make `responder` answer requests on `subject` (one responder per subject)."""
        if subject in self._responders:
            raise ValueError(f"{subject!r} already has a responder")
        self._responders[subject] = responder

    def request(self, subject: str, message: Message) -> Message:
        """Return the responder's reply to `message`."""
        responder = self._responders.get(subject)
        if responder is None:
            raise NoResponderError(subject)
        return responder(message)

    def _drain(self) -> None:
        self._delivering = True
        try:
            while self._queue:
                subject, message = self._queue.popleft()
                for handler in self._subscribers.get(subject, ()):
                    handler(message)
        finally:
            self._delivering = False
