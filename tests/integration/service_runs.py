"""Run the conformance algorithms in-process and over NATS, and compare what each run wrote."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lean_core.bus import messages as m
from lean_core.engine.embedded import BacktestRun
from services.common.run_client import RemoteRunResult, submit_run
from tests.conformance.regression import ALGORITHMS, load_algorithm

#: Both sides name their files and events with this id, so the files compare byte for byte.
ALGORITHM_ID = "parity"


@dataclass(frozen=True, slots=True)
class RunOutcome:
    """What a run reported and wrote, in a form two runs can be compared by."""

    status: str
    statistics: dict[str, str]
    runtime_statistics: dict[str, str]
    order_events: str
    orders: Any


def settings_for(file_name: str, **overrides: Any) -> m.RunSettings:
    """Return the settings that submit `tests/conformance/algorithms/<file_name>`."""
    source = (ALGORITHMS / file_name).read_text()
    return m.RunSettings(
        algorithm_source=source, algorithm_file=file_name, algorithm_id=ALGORITHM_ID, **overrides
    )


def in_process(file_name: str, data_folder: Path, output: Path) -> RunOutcome:
    """Backtest the algorithm with the embedded engine."""
    result = BacktestRun(
        load_algorithm(file_name), data_folder=data_folder, output_folder=output, algorithm_id=ALGORITHM_ID
    ).run()
    return _outcome(result.status, result.statistics, result.runtime_statistics, output)


async def submitted(
    nats_url: str,
    file_name: str,
    results_folder: Path,
    *,
    timeout: float = 300.0,
    run_id: str | None = None,
    on_progress: Callable[[float, int], None] | None = None,
) -> tuple[RemoteRunResult, RunOutcome]:
    """Submit the algorithm to the services on `nats_url`; return the run and what it wrote."""
    remote = await submit_run(
        nats_url, settings_for(file_name), run_id=run_id, timeout=timeout, on_progress=on_progress
    )
    written = remote.written
    folder = results_folder / remote.run_id
    return remote, _outcome(written.status, written.statistics, written.runtime_statistics, folder)


def over_nats(
    nats_url: str, file_name: str, results_folder: Path, **options: Any
) -> tuple[RemoteRunResult, RunOutcome]:
    """`submitted`, from synchronous code."""
    return asyncio.run(submitted(nats_url, file_name, results_folder, **options))


def _outcome(status: str, statistics: dict[str, str], runtime: dict[str, str], folder: Path) -> RunOutcome:
    # A run that failed in initialize() writes no files: then both sides have none.
    events = folder / f"{ALGORITHM_ID}-order-events.json"
    result = folder / f"{ALGORITHM_ID}.json"
    return RunOutcome(
        status,
        dict(statistics),
        dict(runtime),
        events.read_text() if events.exists() else "",
        json.loads(result.read_text()).get("orders") if result.exists() else None,
    )
