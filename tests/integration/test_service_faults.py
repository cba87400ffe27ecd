"""A run over NATS never hangs and never ends silently wrong when a service or the server goes away."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from lean_core.engine.topology import Role
from services.common.run_client import RemoteRunError, RemoteRunResult
from services.common.stack import ServiceStack
from tests.integration.conftest import RunningNatsServer
from tests.integration.service_runs import in_process, submitted

pytestmark = pytest.mark.timeout(300)

#: Long enough over NATS (tens of seconds) to be cut in the middle.
LONG_RUN = "limit_fill_regression_algorithm.py"


@pytest.fixture
def stack_restored(service_stack: ServiceStack) -> Iterator[ServiceStack]:
    """The session's stack; whatever a test killed is started again afterwards."""
    yield service_stack
    for role, service in service_stack.processes.items():
        if service.process.poll() is not None:
            service_stack.restart(role)


def _run_and_cut(
    stack: ServiceStack, cut: Callable[[], object]
) -> tuple[RemoteRunResult | RemoteRunError, float]:
    """Submit the long run and `cut()` at its first progress; return how it ended, and when after the cut."""
    cut_at: list[float] = []

    def on_progress(fraction: float, data_points: int) -> None:
        if not cut_at:
            cut_at.append(time.monotonic())
            cut()

    async def run() -> RemoteRunResult | RemoteRunError:
        try:
            return (await submitted(stack.nats_url, LONG_RUN, stack.results_folder, on_progress=on_progress))[
                0
            ]
        except RemoteRunError as error:
            return error

    outcome = asyncio.run(run())
    assert cut_at, "the run ended before its first progress report"
    return outcome, time.monotonic() - cut_at[0]


@pytest.mark.parametrize("role", [Role.DATA_FEED, Role.TRANSACTION, Role.REALTIME])
def test_killing_a_service_fails_the_run_naming_it_within_ten_seconds(
    role: Role, stack_restored: ServiceStack
) -> None:
    outcome, seconds = _run_and_cut(stack_restored, lambda: stack_restored.kill(role))

    assert isinstance(outcome, RemoteRunResult), outcome
    written = outcome.written
    assert written.status == "RuntimeError"
    assert f"the {role} service" in written.error
    assert seconds < 10


@pytest.mark.parametrize("role", [Role.ALGORITHM, Role.RESULT])
def test_when_the_algorithm_or_result_service_dies_the_submitter_learns_it_within_ten_seconds(
    role: Role, stack_restored: ServiceStack
) -> None:
    outcome, seconds = _run_and_cut(stack_restored, lambda: stack_restored.kill(role))

    assert isinstance(outcome, RemoteRunError)
    assert f"the {role} service" in str(outcome)
    assert seconds < 10


def test_a_nats_restart_mid_run_either_changes_nothing_or_fails_the_run_clearly(
    nats_server: RunningNatsServer, stack_restored: ServiceStack, lean_data_folder: Path, tmp_path: Path
) -> None:
    alone = in_process(LONG_RUN, lean_data_folder, tmp_path)

    outcome, _ = _run_and_cut(stack_restored, nats_server.restart)

    if isinstance(outcome, RemoteRunError):
        assert str(outcome)  # the submitter was told why
        return
    written = outcome.written
    if written.status == "Completed":
        assert dict(written.statistics) == alone.statistics
    else:
        assert written.error
