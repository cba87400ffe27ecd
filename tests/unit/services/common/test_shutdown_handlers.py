"""The first SIGTERM or SIGINT sets the shutdown event; the handlers then step aside for a second one."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from services.common.shutdown import install_shutdown_handlers

pytestmark = pytest.mark.timeout(10)


@pytest.mark.parametrize("received", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_sets_the_event_and_removes_the_handlers(received: signal.Signals) -> None:
    async def scenario() -> tuple[bool, bool]:
        stop = install_shutdown_handlers()
        unset_before = not stop.is_set()
        os.kill(os.getpid(), received)
        await asyncio.wait_for(stop.wait(), 2)
        # remove_signal_handler answers False when no handler is left to remove.
        still_handled = asyncio.get_running_loop().remove_signal_handler(received)
        return unset_before, still_handled

    unset_before, still_handled = asyncio.run(scenario())

    assert unset_before
    assert not still_handled


def test_installing_outside_a_running_loop_is_an_error() -> None:
    with pytest.raises(RuntimeError):
        install_shutdown_handlers()
