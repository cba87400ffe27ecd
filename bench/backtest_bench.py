"""Benchmark: bars per second of whole `leanbus backtest` runs, against backtrader and NautilusTrader.

Generates a year of synthetic minute data (`leanbus data generate`, no splits or dividends) for each
symbol count, then in the same run:

* times `leanbus backtest` as a whole process (interpreter start to exit) on LEAN-style algorithms in
  bench/algorithms: `basic` (BasicTemplate-style set_holdings) and `sma_cross` (SMA(10)/SMA(30) per
  symbol, 10 whole shares by market_order, liquidate below), and parses the engine's own figure;
* runs the same crossover over the same regular-session trade bars on backtrader and NautilusTrader,
  each in a process of its own, timed from the bars in memory to the end of its run;
* runs a plain Python loop computing both averages and the crossover over the same closes in time order;
* optionally times a near-empty algorithm on many symbols against LEAN's best published 650,000 data
  points per second.

leanbus refuses orders past 10,000 (LEAN's QCAlgorithm default), which ten symbols' crossovers pass
within the year, so every crossover stops sending orders there unless `--no-order-limit` is given.

    python -m bench.backtest_bench [--symbols 1,10] [--near-empty-symbols 100] [--peers backtrader,nautilus]
                                   [--data-folder DIR] [--quick] [--nautilus-python PATH] [--no-order-limit]

A peer that is not importable is skipped with a note. nautilus_trader 1.221.0 (its last release with
CPython 3.11 wheels) needs pandas < 3, which leanbus does not allow, so `make bench` installs it in
bench/.venv-nautilus; that interpreter is used when the current one cannot import it.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.algorithm_floor import floors
from bench.datasets import (
    REPO_ROOT,
    dataset_folder,
    generate,
    leanbus_command,
    load_trade_bars,
    parse_day,
    tree_env,
)
from bench.peer_io import PeerResult, SymbolBars, parse_result, save_bars
from lean_core.algorithm.pre_order_checks import MAXIMUM_ORDERS

ALGORITHMS = Path(__file__).resolve().parent / "algorithms"
PEERS = ("backtrader", "nautilus")
PEER_MODULES = {"backtrader": "backtrader", "nautilus": "nautilus_trader"}
NAUTILUS_VENV_PYTHON = REPO_ROOT / "bench" / ".venv-nautilus" / "bin" / "python"
LEAN_BEST_DATA_POINTS_PER_SECOND = 650_000
TARGET_VS_NAUTILUS = 10.0
QUANTITY = 10
FAST, SLOW = 10, 30
QUICK_END = "20230131"
# leanbus, as LEAN's QCAlgorithm by default, refuses orders once MAXIMUM_ORDERS exist (and logs an error
# per refusal): every engine's crossover stops sending orders there.
ORDER_LIMIT = MAXIMUM_ORDERS

_SUMMARY = re.compile(r"^([\d,]+) data points in ([\d.]+)s \(([\d,]+)/s\); results in ", re.MULTILINE)
_TOTAL_ORDERS = re.compile(r"^Total Orders\s+(\d+)\s*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class LeanbusRun:
    """One `leanbus backtest` process: wall seconds, and the data points and seconds it printed."""

    algorithm: str
    wall_seconds: float
    data_points: int
    engine_seconds: float
    orders: int


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a table."""

    label: str
    bars: int
    seconds: float
    orders: int | None = None
    data_points: int | None = None

    @property
    def bars_per_second(self) -> float:
        return self.bars / self.seconds if self.seconds > 0 else 0.0


# -- leanbus ----------------------------------------------------------------------------------------


def run_leanbus(
    algorithm: str,
    data: Path,
    tickers: Sequence[str],
    start: str,
    end: str,
    max_orders: int | None = None,
    flags: Sequence[str] = (),
) -> LeanbusRun:
    """Run `leanbus backtest` on a bench algorithm (with extra `flags`) and time the whole process."""
    with tempfile.TemporaryDirectory(prefix="leanbus-bench-out-") as output:
        command = leanbus_command(
            "backtest", str(ALGORITHMS / f"{algorithm}.py"), "--data-folder", str(data),
            "--output", output, "--start", start, "--end", end,
            "--parameter", "tickers", ",".join(tickers), "--parameter", "quantity", str(QUANTITY),
            "--parameter", "max-orders", str(max_orders or 0), "--no-progress", *flags,
        )  # fmt: skip
        began = time.perf_counter()
        done = subprocess.run(
            command, capture_output=True, text=True, env=tree_env(), cwd=REPO_ROOT, check=False
        )
        wall = time.perf_counter() - began
    summary = _SUMMARY.search(done.stdout)
    if done.returncode != 0 or summary is None or "STATISTICS:: status Completed" not in done.stdout:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-20:])
        raise RuntimeError(f"leanbus backtest {algorithm} failed (exit {done.returncode}):\n{tail}")
    orders = _TOTAL_ORDERS.search(done.stdout)
    return LeanbusRun(
        algorithm,
        wall,
        int(summary.group(1).replace(",", "")),
        float(summary.group(2)),
        int(orders.group(1)) if orders else -1,
    )


def _leanbus_rows(run: LeanbusRun, bars: int) -> list[Row]:
    return [
        Row(f"leanbus {run.algorithm} (process)", bars, run.wall_seconds, run.orders, run.data_points),
        Row(f"leanbus {run.algorithm} (engine timer)", bars, run.engine_seconds, run.orders, run.data_points),
    ]


# -- peers and the plain loop -----------------------------------------------------------------------


def _imports(python: str, module: str) -> bool:
    check = [python, "-c", f"import {module}"]
    return subprocess.run(check, capture_output=True, check=False).returncode == 0


def peer_python(peer: str, explicit: str | None) -> tuple[str | None, str]:
    """Return the interpreter that can run the peer (or None) and a note saying which or why not."""
    module = PEER_MODULES[peer]
    candidates = [explicit] if explicit else [sys.executable]
    if peer == "nautilus" and not explicit and NAUTILUS_VENV_PYTHON.exists():
        candidates.append(str(NAUTILUS_VENV_PYTHON))
    for python in candidates:
        if python and _imports(python, module):
            return python, f"{peer}: {python}"
    hint = "pip install '.[bench]'" if peer == "backtrader" else "make bench (it fills bench/.venv-nautilus)"
    return None, f"{peer}: skipped, {module} is not importable by {', '.join(map(str, candidates))}; {hint}"


def run_peer(peer: str, python: str, bars_file: Path, max_orders: int | None) -> PeerResult:
    """Run a peer's crossover in its own process and return what it printed."""
    command = [python, "-m", f"bench.peer_{peer}", str(bars_file), "--quantity", str(QUANTITY)]
    if max_orders is not None:
        command += ["--max-orders", str(max_orders)]
    done = subprocess.run(command, capture_output=True, text=True, env=tree_env(), cwd=REPO_ROOT, check=False)
    if done.returncode != 0:
        tail = "\n".join(done.stderr.splitlines()[-15:])
        raise RuntimeError(f"{peer} failed (exit {done.returncode}):\n{tail}")
    return parse_result(done.stdout)


def crossover_orders(
    prices: Sequence[int], owners: Sequence[int], symbols: int, max_orders: int | None = None
) -> int:
    """Return the orders the crossover sends over a time-ordered stream of closes.

    `prices[i]` is a close in deci-cents (LEAN's integer prices) of symbol `owners[i]`. The sums are
    integers, so each average is the exact sum divided once: ties compare equal, as in leanbus. Past
    `max_orders` orders the signals still run but no order is sent, as an engine refusing orders does.
    """
    windows: list[deque[int]] = [deque() for _ in range(symbols)]
    fast_sums, slow_sums, invested = [0] * symbols, [0] * symbols, [False] * symbols
    orders = 0
    budget = max_orders if max_orders is not None else len(prices) + 1
    for price, owner in zip(prices, owners, strict=True):
        window = windows[owner]
        window.append(price)
        fast_sums[owner] += price
        slow_sums[owner] += price
        count = len(window)
        if count > FAST:
            fast_sums[owner] -= window[-FAST - 1]
        if count > SLOW:
            slow_sums[owner] -= window.popleft()
        elif count < SLOW:
            continue
        fast_value, slow_value = fast_sums[owner] / FAST, slow_sums[owner] / SLOW
        if orders >= budget:
            continue
        if fast_value > slow_value and not invested[owner]:
            invested[owner] = True
            orders += 1
        elif fast_value < slow_value and invested[owner]:
            invested[owner] = False
            orders += 1
    return orders


def plain_loop(bars: Sequence[SymbolBars], max_orders: int | None) -> Row:
    """Time the plain Python crossover over all symbols' bars in time order (the merge is timed too)."""
    began = time.perf_counter()
    owners = np.concatenate([np.full(len(item), index) for index, item in enumerate(bars)])
    order = np.lexsort((owners, np.concatenate([item.end_time for item in bars])))
    prices = np.rint(np.concatenate([item.close for item in bars]) * 10_000).astype(np.int64)
    orders = crossover_orders(prices[order].tolist(), owners[order].tolist(), len(bars), max_orders)
    return Row("plain python loop (sma cross)", len(prices), time.perf_counter() - began, orders)


# -- output ------------------------------------------------------------------------------------------

_HEADER = " ".join(
    (
        f"{'engine':<34}",
        f"{'bars':>11}",
        f"{'data points':>12}",
        f"{'seconds':>9}",
        f"{'bars/s':>12}",
        f"{'orders':>7}",
        f"{'leanbus/this':>13}",
    )
)


def _cell(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


def print_table(rows: Sequence[Row], reference: Row | None) -> None:
    """Print the rows; the last column is the reference's bars/s over the row's (peer rows only)."""
    print(_HEADER)
    print("-" * len(_HEADER))
    for row in rows:
        ratio = ""
        if reference is not None and not row.label.startswith("leanbus") and row.bars_per_second > 0:
            ratio = f"{reference.bars_per_second / row.bars_per_second:.3g}x"
        print(
            f"{row.label:<34} {row.bars:>11,} {_cell(row.data_points):>12} {row.seconds:>9.2f} "
            f"{row.bars_per_second:>12,.0f} {_cell(row.orders):>7} {ratio:>13}"
        )


def _verdict(ratio: float, target: float) -> str:
    return f"{ratio:.3f}x (target {target:g}x: {'met' if ratio >= target else 'not met'})"


# -- the runs ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Settings:
    """What to run, from the command line."""

    root: Path
    counts: list[int]
    near_empty: int
    peers: dict[str, str]  # peer -> interpreter
    start: str
    end: str
    max_orders: int | None  # orders every peer and the loop stop at (None: no limit)


def _dataset(settings: Settings, count: int) -> tuple[Path, list[str], list[SymbolBars], float]:
    folder = dataset_folder(settings.root, count, settings.start, settings.end, corporate_actions=False)
    began = time.perf_counter()
    tickers = generate(folder, count, settings.start, settings.end, corporate_actions=False)
    generated = time.perf_counter() - began
    bars = load_trade_bars(folder, tickers, parse_day(settings.start), parse_day(settings.end))
    return folder, tickers, bars, generated


def _describe(tickers: Sequence[str]) -> str:
    return ", ".join(tickers) if len(tickers) <= 10 else f"{', '.join(tickers[:5])}, ... ({len(tickers)})"


def bench_strategies(settings: Settings, count: int, work: Path) -> None:
    """Print the table of one symbol count: leanbus basic and sma_cross, the peers, the plain loop."""
    folder, tickers, bars, generated = _dataset(settings, count)
    total = sum(len(item) for item in bars)
    print(
        f"\n== {count} symbol(s) [{_describe(tickers)}], {settings.start}-{settings.end}: "
        f"{total:,} regular-session minute trade bars (data ready in {generated:.1f}s)"
    )
    sma = run_leanbus("sma_cross", folder, tickers, settings.start, settings.end, settings.max_orders)
    basic = run_leanbus("basic", folder, tickers, settings.start, settings.end)
    rows = [*_leanbus_rows(sma, total), *_leanbus_rows(basic, total)]
    notes = []
    bars_file = work / f"bars-{count}.npz"
    save_bars(bars_file, bars)
    ratios: dict[str, float] = {}
    for peer, python in settings.peers.items():
        try:
            result = run_peer(peer, python, bars_file, settings.max_orders)
        except RuntimeError as error:
            notes.append(f"{peer}: skipped, {error}")
            continue
        row = Row(f"{peer} {result.version}", result.bars, result.seconds, result.orders)
        rows.append(row)
        ratios[peer] = rows[0].bars_per_second / row.bars_per_second
    loop = plain_loop(bars, settings.max_orders)
    rows.append(loop)
    print_table(rows, rows[0])
    for note in notes:
        print(note)
    if "nautilus" in ratios:
        print(f"leanbus sma_cross process / nautilus: {_verdict(ratios['nautilus'], TARGET_VS_NAUTILUS)}")
        _print_floors(rows[0].seconds * ratios["nautilus"] / TARGET_VS_NAUTILUS, bars, settings.max_orders)
    if "backtrader" in ratios:
        print(f"leanbus sma_cross process / backtrader: {ratios['backtrader']:.3f}x")
    print(f"leanbus sma_cross process / plain loop: {rows[0].bars_per_second / loop.bars_per_second:.4f}x")


def _print_floors(budget: float, bars: Sequence[SymbolBars], max_orders: int | None) -> None:
    """Print what the target leaves an engine, against what CPython spends before any engine work."""
    floor = floors(bars, max_orders)
    print(
        f"the {TARGET_VS_NAUTILUS:g}x target leaves the whole process {budget:.2f} s; before any engine "
        f"work, starting (interpreter and imports) takes {floor.startup:.2f} s and the algorithm's own "
        f"on_data over {floor.steps:,} steps, on plain stand-ins, {floor.algorithm:.2f} s "
        f"({floor.orders:,} orders)"
    )


def bench_near_empty(settings: Settings, count: int) -> None:
    """Print the near-empty algorithm's data points per second against LEAN's 650k and the plain loop."""
    folder, tickers, bars, generated = _dataset(settings, count)
    total = sum(len(item) for item in bars)
    print(
        f"\n== near-empty algorithm, {count} symbols, {settings.start}-{settings.end}: "
        f"{total:,} regular-session minute trade bars (data ready in {generated:.1f}s)"
    )
    run = run_leanbus("near_empty", folder, tickers, settings.start, settings.end)
    loop = plain_loop(bars, settings.max_orders)
    rows = [*_leanbus_rows(run, total), loop]
    print_table(rows, None)
    _print_rate("process", run.data_points, run.wall_seconds)
    _print_rate("engine timer", run.data_points, run.engine_seconds)
    versus_loop = rows[0].bars_per_second / loop.bars_per_second
    print(f"leanbus near_empty process trade bars/s / plain loop bars/s: {versus_loop:.4f}x")
    # A rerun on the same data with --data-cache: the first run parses and keeps the files, the
    # second loads them (the cold figure above stays the one to compare with LEAN's).
    with tempfile.TemporaryDirectory(prefix="leanbus-bench-cache-") as cache:
        for label in ("process, filling --data-cache", "process, from --data-cache"):
            cached = run_leanbus(
                "near_empty", folder, tickers, settings.start, settings.end, flags=("--data-cache", cache)
            )
            _print_rate(label, cached.data_points, cached.wall_seconds)


def _print_rate(label: str, data_points: int, seconds: float) -> None:
    rate = data_points / seconds
    versus = _verdict(rate / LEAN_BEST_DATA_POINTS_PER_SECOND, 1.0)
    print(f"leanbus near_empty ({label}): {rate:,.0f} data points/s; / 650,000 (LEAN's best): {versus}")


def _warm_up(settings: Settings) -> None:
    """Run one small backtest untimed, so numba's cache and the bytecode are on disk before timing."""
    count = min(settings.counts or [1])
    folder = dataset_folder(settings.root, count, settings.start, settings.end, corporate_actions=False)
    tickers = generate(folder, count, settings.start, settings.end, corporate_actions=False)
    run_leanbus("sma_cross", folder, tickers[:1], settings.start, settings.start)


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def run(settings: Settings) -> None:
    """Run every table the settings ask for."""
    print(f"leanbus backtest bench: python {sys.version.split()[0]}, data under {settings.root}")
    print(f"{os.cpu_count()} CPUs, load average {_load()} at the start (runs take turns, one at a time)")
    if settings.max_orders is None:
        print(f"order limit: none in the crossovers; leanbus refuses orders past {MAXIMUM_ORDERS:,} anyway")
    else:
        print(
            f"order limit: every crossover (leanbus algorithm, peers, loop) stops sending orders at "
            f"{settings.max_orders:,},\nthe most leanbus accepts (LEAN's QCAlgorithm default)"
        )
    _warm_up(settings)
    with tempfile.TemporaryDirectory(prefix="leanbus-bench-bars-") as work:
        for count in settings.counts:
            bench_strategies(settings, count, Path(work))
    if settings.near_empty:
        bench_near_empty(settings, settings.near_empty)
    print(
        "\nleanbus rows: the whole `leanbus backtest` process (interpreter start, algorithm load,"
        "\nreading the zips, result files); bars/s counts the regular-session trade bars, while leanbus"
        "\nalso reads as many quote bars, counted in its data points. Engine-timer rows divide by the"
        "\nseconds leanbus prints itself. Peers and the plain loop: timed from the bars in memory to the"
        "\nend of the run; reading the zips is excluded for them. Orders: leanbus and the loop compare"
        "\nexact averages; the peers' float averages break some exact ties (SMA10 == SMA30) differently."
    )
    print(f"load average {_load()} at the end")


def _peers(text: str, nautilus_python: str | None) -> dict[str, str]:
    names = [] if text.strip().lower() in ("", "none") else [part.strip() for part in text.split(",")]
    unknown = sorted(set(names) - set(PEERS))
    if unknown:
        raise SystemExit(f"unknown peers {unknown}; choose from {', '.join(PEERS)} or none")
    found = {}
    for name in names:
        python, note = peer_python(name, nautilus_python if name == "nautilus" else None)
        print(note)
        if python:
            found[name] = python
    return found


def main(argv: Sequence[str] | None = None) -> None:
    """Parse arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--symbols", default="1,10", help="comma-separated symbol counts")
    parser.add_argument(
        "--near-empty-symbols", type=int, default=100, help="near-empty run's symbols (0: skip)"
    )
    parser.add_argument("--peers", default="backtrader,nautilus", help="comma-separated peers, or none")
    parser.add_argument(
        "--data-folder", type=Path, help="where to generate or reuse (default: a temp folder)"
    )
    parser.add_argument("--quick", action="store_true", help=f"a month of data (to {QUICK_END}): a smoke run")
    parser.add_argument("--start", default="20230103", help="first day, yyyyMMdd")
    parser.add_argument("--end", default="20231229", help="last day, yyyyMMdd (--quick: 20230131)")
    parser.add_argument("--nautilus-python", help="an interpreter that imports nautilus_trader")
    parser.add_argument(
        "--no-order-limit",
        action="store_true",
        help=f"no order limit in any crossover (leanbus refuses orders past {ORDER_LIMIT:,} all the same)",
    )
    args = parser.parse_args(argv)
    end = QUICK_END if args.quick else args.end
    if parse_day(end) < parse_day(args.start):
        raise SystemExit(f"no days between {args.start} and {end}")
    counts = [int(part) for part in args.symbols.split(",") if part.strip()]
    peers = _peers(args.peers, args.nautilus_python)
    budget = None if args.no_order_limit else ORDER_LIMIT
    if args.data_folder:
        run(Settings(args.data_folder, counts, args.near_empty_symbols, peers, args.start, end, budget))
        return
    with tempfile.TemporaryDirectory(prefix="leanbus-bench-") as folder:
        run(Settings(Path(folder), counts, args.near_empty_symbols, peers, args.start, end, budget))


if __name__ == "__main__":
    main()
