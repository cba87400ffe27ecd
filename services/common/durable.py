"""The JetStream stream that keeps every run's results: what must survive a restart or a late reader.

Core NATS delivers to whoever listens at that instant; a submitter that reconnects after the
result service wrote a run's statistics, or `leanbus watch` attached after the run ended, would
never see them. So the `results` stream of every run (progress, the final order book, the
statistics) is also stored in a JetStream stream, each message under an id made of its sender
and sequence number: a message published twice (a retry after a lost acknowledgement) is stored
once.
"""

from __future__ import annotations

import logging

import nats.errors
import nats.js.errors
from nats.aio.client import Client
from nats.js.api import DiscardPolicy, StorageType, StreamConfig

from lean_core.bus import codec
from lean_core.bus import messages as m
from lean_core.bus.subjects import Stream, all_runs, subject
from lean_core.errors import LeanError

__all__ = ["RESULTS_STREAM", "DurableStreamError", "ensure_results_stream", "last_results", "message_id"]

logger = logging.getLogger(__name__)

RESULTS_STREAM = "LEAN_RESULTS"
#: Kept a week, within 256 MB (the local stack's JetStream has 1 GB of file store).
_MAX_AGE_SECONDS = 7 * 24 * 3600
_MAX_BYTES = 256 * 1024 * 1024
#: JetStream drops a second message with the same id within this window.
_DUPLICATE_WINDOW_SECONDS = 120


class DurableStreamError(LeanError):
    """JetStream is not there to keep results."""


def message_id(sender: str, to: str, sequence: int, chunk: int = 0) -> str:
    """Return the de-duplication id of one published message (or chunk)."""
    return f"{sender}:{to}:{sequence}:{chunk}"


async def ensure_results_stream(client: Client) -> None:
    """Create the results stream if it is missing; raise `DurableStreamError` if JetStream is off."""
    manager = client.jetstream()
    config = StreamConfig(
        name=RESULTS_STREAM,
        subjects=[all_runs(Stream.RESULTS)],
        storage=StorageType.FILE,
        max_age=_MAX_AGE_SECONDS,
        max_bytes=_MAX_BYTES,
        discard=DiscardPolicy.OLD,
        duplicate_window=_DUPLICATE_WINDOW_SECONDS,
    )
    try:
        await manager.stream_info(RESULTS_STREAM)
        return
    except nats.js.errors.NotFoundError:
        pass
    except (nats.errors.NoRespondersError, nats.js.errors.ServiceUnavailableError) as error:
        raise DurableStreamError(
            "JetStream is not enabled on the NATS server (add `jetstream {}` to its configuration): "
            "run results must be kept"
        ) from error
    try:
        await manager.add_stream(config)
    except nats.js.errors.BadRequestError:
        logger.debug("the results stream was created by another service in the meantime")


async def last_results(client: Client, run_id: str) -> m.ResultsWritten | None:
    """Return the run's stored `ResultsWritten` (the last message of its results), if it was written."""
    try:
        stored = await client.jetstream().get_last_msg(RESULTS_STREAM, subject(run_id, Stream.RESULTS))
    except (nats.js.errors.NotFoundError, nats.errors.Error, TimeoutError):
        return None
    if stored.data is None:
        return None
    try:
        message = codec.decode(stored.data)
    except Exception:
        return None  # a chunk of a large message, or not ours: the run's results were not its last
    return message if isinstance(message, m.ResultsWritten) else None
