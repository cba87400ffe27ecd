"""Turn SIGTERM and SIGINT into an `asyncio.Event`, so a service drains its work before it exits.

The first signal only sets the event; the handlers are then removed, so a second Ctrl-C or SIGTERM
gets the default behaviour and ends a drain that hangs.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Iterable

__all__ = ["SHUTDOWN_SIGNALS", "install_shutdown_handlers"]

logger = logging.getLogger(__name__)

SHUTDOWN_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def install_shutdown_handlers(
    loop: asyncio.AbstractEventLoop | None = None, signals: Iterable[signal.Signals] = SHUTDOWN_SIGNALS
) -> asyncio.Event:
    """Return an event set by the first of `signals`; call from the main thread, inside the loop."""
    loop = loop or asyncio.get_running_loop()
    stop = asyncio.Event()
    chosen = tuple(signals)
    for sig in chosen:
        loop.add_signal_handler(sig, _on_signal, loop, stop, sig, chosen)
    return stop


def _on_signal(
    loop: asyncio.AbstractEventLoop,
    stop: asyncio.Event,
    received: signal.Signals,
    signals: tuple[signal.Signals, ...],
) -> None:
    logger.info("shutdown_requested", extra={"signal": received.name})
    for sig in signals:
        loop.remove_signal_handler(sig)
    stop.set()
