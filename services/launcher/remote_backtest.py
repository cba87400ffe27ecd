"""`leanbus backtest ALGO.py --nats URL`: submit the run to services over NATS and follow it.

The algorithm's source travels in the run's settings, so the services need no access to the
user's files. Folders are another matter: a data or output folder given here is a path on the
services' machines, and the result files stay there; this command prints where.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from datetime import date

import nats.errors

from lean_core.bus import messages as m
from lean_core.bus.subjects import check_run_id
from lean_core.config import LauncherConfig
from lean_core.engine.embedded import new_run_id
from services.common.run_client import RemoteRunError, RemoteRunResult, submit_run
from services.launcher.report import format_failure, print_statistics, show_progress

__all__ = ["run_remote_backtest", "run_settings"]

_STATUS_OK = 0
_STATUS_FAILED = 1
_STATUS_BAD_INPUT = 2
_STATUS_INTERRUPTED = 130


def run_settings(config: LauncherConfig, *, data_folder_given: bool) -> m.RunSettings:
    """Return what the services need to run the configured backtest; raise OSError if the file is unreadable.

    The data folder goes only when the user named one: otherwise each service reads its own.
    """
    location = config.algorithm_location
    return m.RunSettings(
        algorithm_source=location.read_text(encoding="utf-8"),
        algorithm_file=location.name,
        algorithm_type_name=config.algorithm_type_name or "",
        data_folder=str(config.data_folder) if data_folder_given else "",
        output_folder=str(config.results_destination_folder or ""),
        start_date=_day(config.start_date),
        end_date=_day(config.end_date),
        cash="" if config.cash is None else str(config.cash),
        parameters=dict(config.parameters),
        algorithm_id=config.algorithm_id or "",
        name=config.backtest_name or "",
    )


def run_remote_backtest(
    config: LauncherConfig, *, run_id: str | None, data_folder_given: bool, progress: bool
) -> int:
    """Submit, follow and report one run; return the exit status the embedded path would."""
    assert config.nats_url is not None
    run_id = run_id or new_run_id()
    try:
        check_run_id(run_id)
        settings = run_settings(config, data_folder_given=data_folder_given)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return _STATUS_BAD_INPUT
    except OSError as error:
        print(f"error: cannot read {config.algorithm_location}: {error.strerror}", file=sys.stderr)
        return _STATUS_BAD_INPUT
    # The client retries and logs a traceback per failed connection attempt; the outcome is enough.
    logging.getLogger("nats").setLevel(logging.CRITICAL)
    print(f"submitting run {run_id} to {config.nats_url}", file=sys.stderr, flush=True)
    started = time.perf_counter()
    try:
        result = asyncio.run(
            submit_run(config.nats_url, settings, run_id=run_id, on_progress=_show if progress else None)
        )
    except KeyboardInterrupt:
        # There is no message to stop a run: it goes on, and can still be followed.
        print(f"\ndetached: run {run_id} goes on; follow it with `leanbus watch {run_id}`", file=sys.stderr)
        return _STATUS_INTERRUPTED
    except (RemoteRunError, OSError, nats.errors.Error) as error:
        if progress:
            print(file=sys.stderr)
        print(f"error: {_describe(error, config.nats_url)}", file=sys.stderr)
        return _STATUS_FAILED
    if progress:
        print(file=sys.stderr)
    _print_result(result, time.perf_counter() - started)
    return _STATUS_OK if result.written.status == "Completed" else _STATUS_FAILED


def _show(fraction: float, data_points: int) -> None:
    show_progress(fraction, None, data_points)


def _describe(error: Exception, nats_url: str) -> str:
    if isinstance(error, RemoteRunError):
        return str(error)
    return f"cannot reach NATS at {nats_url}: {error or type(error).__name__}"


def _print_result(result: RemoteRunResult, elapsed: float) -> None:
    finished, written = result.finished, result.written
    if finished is not None and finished.error:
        print(f"Runtime Error: {finished.error}", file=sys.stderr)
    for failure in result.failures:
        print(f"error: {format_failure(failure)}", file=sys.stderr)
    if written.error:
        print(f"error: the result service: {written.error}", file=sys.stderr)
    print_statistics(written.status, written.statistics)
    rate = result.data_points / elapsed if elapsed > 0 else 0.0
    print(f"run {result.run_id}: {result.data_points:,} data points in {elapsed:.2f}s ({rate:,.0f}/s)")
    where = ", ".join(written.files) if written.files else "none written"
    print(f"result files (on the result service's machine): {where}")


def _day(value: date | None) -> str:
    return "" if value is None else value.strftime("%Y%m%d")
