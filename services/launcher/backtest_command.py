"""`leanbus backtest ALGO.py`: run a backtest in-process and write LEAN's result files.

With `--nats URL` (or `nats-url` in config.json, `LEANBUS_NATS_URL`) the run goes to the services
on that server instead (`remote_backtest`).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import FrameType

from lean_core.algorithm.factory import AlgorithmLoadError, load_algorithm_class
from lean_core.algorithm.qc_algorithm import QCAlgorithm
from lean_core.config import LauncherConfig, LauncherConfigError, load_config
from lean_core.data.readers import FrameCache, read_ahead
from lean_core.engine.embedded import BacktestResult, BacktestRun, ProgressReport
from lean_core.engine.run_setup import RunOverrides
from lean_core.errors import LeanError
from services.common.garbage_collection import tune_for_engine
from services.launcher.report import print_statistics, show_progress

_STATUS_OK = 0
_STATUS_FAILED = 1
_STATUS_BAD_INPUT = 2


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `backtest` verb."""
    parser = commands.add_parser(
        "backtest", help="run a backtest of a LEAN Python algorithm in-process, or on services over NATS"
    )
    parser.add_argument("algorithm", type=Path, help="the algorithm's .py file")
    parser.add_argument("--config", type=Path, help="a LEAN-style config.json (CLI flags win over it)")
    parser.add_argument("--data-folder", type=Path, help="the LEAN data folder")
    parser.add_argument("--start", help="start date, yyyyMMdd (overrides set_start_date)")
    parser.add_argument("--end", help="end date, yyyyMMdd (overrides set_end_date)")
    parser.add_argument("--cash", help="starting cash (overrides set_cash)")
    parser.add_argument("--output", type=Path, help="the results folder (default backtests/<timestamp>)")
    parser.add_argument("--algorithm-type-name", help="the class to run when the file has several")
    parser.add_argument(
        "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"), help="an algorithm parameter"
    )
    parser.add_argument("--no-progress", action="store_true", help="do not draw the progress bar")
    parser.add_argument(
        "--read-ahead-workers",
        type=int,
        metavar="N",
        help="processes reading day files ahead of the run (0: none; default: one on 2+ cores)",
    )
    parser.add_argument(
        "--data-cache",
        type=Path,
        metavar="DIR",
        help="keep parsed day files in DIR, so later runs on the same data skip parsing them",
    )
    parser.add_argument(
        "--nats",
        "--nats-url",
        dest="nats_url",
        metavar="URL",
        help="submit the run to the services on this NATS server instead of running it in-process",
    )
    parser.add_argument(
        "--run-id", help="with --nats: the run's id (default: a random one), e.g. to `leanbus watch` it first"
    )
    parser.set_defaults(handler=run_backtest_command)


def _config(args: argparse.Namespace) -> LauncherConfig:
    cli: dict[str, object] = {
        "algorithm-location": args.algorithm,
        "algorithm-type-name": args.algorithm_type_name,
        "data-folder": args.data_folder,
        "start-date": args.start,
        "end-date": args.end,
        "cash": args.cash,
        "results-destination-folder": args.output,
        "parameters": dict(args.parameter) if args.parameter else None,
        "nats-url": args.nats_url,
        "read-ahead-workers": args.read_ahead_workers,
        "data-cache-folder": args.data_cache,
    }
    return load_config(args.config, os.environ, cli)


def run_backtest_command(args: argparse.Namespace) -> int:
    """Load the algorithm, run it and print the statistics; return the exit status."""
    try:
        config = _config(args)
    except LauncherConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return _STATUS_BAD_INPUT
    show = not args.no_progress and sys.stderr.isatty()
    if config.nats_url is not None:
        # Imported here: an embedded run never loads the NATS client (a tenth of a second).
        from services.launcher.remote_backtest import run_remote_backtest

        return run_remote_backtest(
            config, run_id=args.run_id, data_folder_given=args.data_folder is not None, progress=show
        )
    try:
        algorithm_class = load_algorithm_class(
            path=config.algorithm_location, type_name=config.algorithm_type_name, base=QCAlgorithm
        )
    except AlgorithmLoadError as error:
        print(f"error: {error}", file=sys.stderr)
        return _STATUS_BAD_INPUT
    output = config.results_destination_folder or Path("backtests") / datetime.now().strftime(
        "%Y-%m-%d_%H-%M-%S"
    )
    overrides = RunOverrides(config.start_date, config.end_date, config.cash, dict(config.parameters))
    try:
        cache = FrameCache(directory=config.data_cache_folder)
    except OSError as error:
        reason = f"cannot create {error.filename} ({error.strerror})"
        print(f"error: key 'data-cache-folder': {reason}", file=sys.stderr)
        return _STATUS_BAD_INPUT
    tune_for_engine()
    with _read_ahead_pool(config.read_ahead_workers) as pool, cache:
        try:
            run = BacktestRun(
                algorithm_class(),
                data_folder=config.data_folder,
                output_folder=output,
                overrides=overrides,
                algorithm_id=config.algorithm_id,
                name=config.backtest_name,
                cache=cache,
                read_ahead=pool,
            )
        except LeanError as error:
            print(f"error: {error}", file=sys.stderr)
            return _STATUS_BAD_INPUT
        started = time.perf_counter()
        with _stop_on_signals(run):
            result = run.run(on_progress=_show_progress if show else None)
    if show:
        print(file=sys.stderr)
    _print_result(result, time.perf_counter() - started)
    if config.data_cache_folder is not None:
        loaded, parsed = cache.stats.disk_hits, cache.stats.parsed
        print(f"data cache {config.data_cache_folder}: {loaded:,} files loaded, {parsed:,} parsed")
    return _STATUS_OK if result.status == "Completed" else _STATUS_FAILED


@contextmanager
def _read_ahead_pool(workers: int | None) -> Iterator[ProcessPoolExecutor | None]:
    """Give the pool of processes that read day files ahead of the run; none on one core by default."""
    count = read_ahead.worker_count(workers)
    if count == 0:
        yield None
        return
    pool = read_ahead.process_pool(count)
    try:
        yield pool
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


@contextmanager
def _stop_on_signals(run: BacktestRun) -> Iterator[None]:
    """Make Ctrl-C and SIGTERM stop the run after its current step (results are still written)."""

    def stop(signum: int, frame: FrameType | None) -> None:
        run.stop()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _show_progress(report: ProgressReport) -> None:
    show_progress(report.fraction, report.current_date, report.data_points)


def _print_result(result: BacktestResult, elapsed: float) -> None:
    for entry in result.logs:
        print(entry)
    if result.error:
        print(f"Runtime Error: {result.error}", file=sys.stderr)
    print_statistics(result.status, result.statistics)
    rate = result.data_points / elapsed if elapsed > 0 else 0.0
    print(
        f"{result.data_points:,} data points in {elapsed:.2f}s ({rate:,.0f}/s); "
        f"results in {result.output_folder}"
    )
