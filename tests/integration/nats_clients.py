"""Connecting nats-py clients the way the integration tests need: fast failure, fast reconnects."""

from __future__ import annotations

import logging

import nats
from nats.aio.client import Client

logger = logging.getLogger(__name__)


async def connect_client(url: str, **options: object) -> Client:
    """Connect to `url`, giving up within seconds and reconnecting every 50 ms; `options` override."""
    # nats-py's defaults retry a dead server for about two minutes; a test wants to know at once.
    settings: dict[str, object] = {
        "name": "leanbus-test",
        "connect_timeout": 2,
        "reconnect_time_wait": 0.05,
        "max_reconnect_attempts": 100,
        "error_cb": log_client_error,
    }
    settings.update(options)
    return await nats.connect(url, **settings)


async def log_client_error(error: Exception) -> None:
    """Log a client error at debug: reconnect attempts while a test has the server down are expected."""
    # Without an error_cb nats-py prints a traceback for every failed reconnect attempt.
    logger.debug("nats_client_error: %r", error)
