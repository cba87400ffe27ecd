"""Every conformance algorithm gives the same results over NATS, five processes, as in one process.

Same statistics, same runtime statistics, the same order-events file byte for byte and the same
orders in the result JSON. The in-process side is the engine the conformance tests hold to
LEAN's figures.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from services.common.nats_server import NatsServer
from services.common.run_client import RemoteRunResult
from services.common.stack import ServiceStack
from tests.conformance.regression import ALGORITHMS
from tests.integration.service_runs import RunOutcome, in_process, over_nats, submitted

pytestmark = pytest.mark.timeout(900)

CONFORMANCE_ALGORITHMS = sorted(path.name for path in ALGORITHMS.glob("*.py") if path.name != "__init__.py")


@pytest.mark.parametrize("file_name", CONFORMANCE_ALGORITHMS)
def test_a_run_over_nats_writes_what_the_embedded_run_writes(
    file_name: str, service_stack: ServiceStack, lean_data_folder: Path, tmp_path: Path
) -> None:
    local = in_process(file_name, lean_data_folder, tmp_path)
    remote, outcome = over_nats(service_stack.nats_url, file_name, service_stack.results_folder)

    assert remote.failures == []
    assert outcome == local


def test_two_runs_submitted_at_once_both_finish_as_they_do_alone(
    service_stack: ServiceStack, lean_data_folder: Path, tmp_path: Path
) -> None:
    names = ("basic_template_algorithm.py", "macd_trend_algorithm.py")
    alone = [in_process(name, lean_data_folder, tmp_path / name) for name in names]

    async def both() -> list[tuple[RemoteRunResult, RunOutcome]]:
        return await asyncio.gather(
            *(submitted(service_stack.nats_url, name, service_stack.results_folder) for name in names)
        )

    together = asyncio.run(both())

    assert together[0][0].run_id != together[1][0].run_id
    assert [outcome for _, outcome in together] == alone


def test_batches_over_the_servers_max_payload_travel_in_chunks(
    lean_data_folder: Path, tmp_path: Path
) -> None:
    # A week of SPY minutes is ~2,000 steps per batch, about 130 KB: four times this server's limit.
    with (
        NatsServer(max_payload=32 * 1024) as server,
        ServiceStack(
            server.url,
            data_folder=lean_data_folder,
            results_folder=tmp_path / "results",
            log_folder=tmp_path / "logs",
        ) as stack,
    ):
        stack.start()
        remote, outcome = over_nats(server.url, "basic_template_algorithm.py", stack.results_folder)

    assert remote.failures == []
    assert outcome == in_process("basic_template_algorithm.py", lean_data_folder, tmp_path / "local")
