"""How a handler reaches the bus without knowing the transport: streams, not subjects."""

from __future__ import annotations

from typing import Protocol

from lean_core.bus.messages import Message
from lean_core.bus.subjects import Stream

Outbox = list[tuple[Stream, Message]]

INITIAL_BATCH_CREDIT = 2
"""Batches the algorithm asks for at the start; then one more each time it finishes one.

So a handler that sees batch k + INITIAL_BATCH_CREDIT knows the algorithm is done with batch k.
"""


class Requester(Protocol):
    """Send a request on one of the run's streams and wait for the reply."""

    def __call__(self, stream: Stream, message: Message) -> Message: ...


class Notifier(Protocol):
    """Send a request whose reply the sender does not wait for.

    The responder takes it in order with the sender's other requests on the stream; it answers
    nobody, so it must fail the run itself when the request cannot be carried out as sent.
    """

    def __call__(self, stream: Stream, message: Message) -> None: ...
