"""What any engine running the crossover algorithm unmodified in CPython spends before its own work.

Two floors, printed beside the crossover's table (`backtest_bench`):
- start-up: a fresh interpreter importing what `leanbus backtest` imports before the first bar;
- the algorithm: `bench/algorithms/sma_cross.py`'s own `on_data`, called once per time step with
  plain Python stand-ins for the slice, the portfolio, the transactions and the two averages (a
  running sum each), so nothing of an engine is timed but the calls the algorithm makes.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.datasets import REPO_ROOT, tree_env
from bench.peer_io import SymbolBars

ALGORITHM = Path(__file__).parent / "algorithms" / "sma_cross.py"
_STARTUP_IMPORTS = "import services.launcher.backtest_command, lean_core.algorithm.qc_algorithm"


@dataclass
class Floors:
    """Seconds a whole crossover process cannot go below, whatever the engine does."""

    startup: float
    algorithm: float
    steps: int
    orders: int


class _Value:
    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0.0


class _Average:
    """A simple moving average with the attributes the algorithm reads (`is_ready`, `current.value`)."""

    def __init__(self, period: int) -> None:
        self.period, self.window, self.total = period, deque[int](), 0
        self.current, self.is_ready = _Value(), False

    def update(self, value: int) -> None:
        self.window.append(value)
        self.total += value
        if len(self.window) > self.period:
            self.total -= self.window.popleft()
        self.is_ready = len(self.window) == self.period
        self.current.value = self.total / len(self.window)


class _Holding:
    __slots__ = ("invested",)

    def __init__(self) -> None:
        self.invested = False


class _Transactions:
    __slots__ = ("orders_count",)

    def __init__(self) -> None:
        self.orders_count = 0


class _Slice(dict[int, int]):
    def contains_key(self, symbol: int) -> bool:
        return symbol in self


class _Algorithm:
    """What `on_data` reads and calls on `self`, as plain attributes and methods."""

    def __init__(self, symbols: int, max_orders: int | None) -> None:
        self.quantity = 10
        self.max_orders = max_orders or 0
        self.averages = {symbol: (_Average(10), _Average(30)) for symbol in range(symbols)}
        self.portfolio = {symbol: _Holding() for symbol in range(symbols)}
        self.transactions = _Transactions()

    def market_order(self, symbol: int, quantity: int) -> None:
        self.transactions.orders_count += 1
        self.portfolio[symbol].invested = True

    def liquidate(self, symbol: int) -> None:
        self.transactions.orders_count += 1
        self.portfolio[symbol].invested = False


def _on_data() -> Callable[[Any, Any], None]:
    """Return the algorithm class's own `on_data` (loading the file as `leanbus backtest` would)."""
    spec = importlib.util.spec_from_file_location("bench_sma_cross_floor", ALGORITHM)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    on_data: Callable[[Any, Any], None] = module.BenchSmaCross.on_data
    return on_data


def algorithm_seconds(bars: Sequence[SymbolBars], max_orders: int | None) -> tuple[float, int, int]:
    """Time the unmodified `on_data` over the bars' time steps; return seconds, steps and orders."""
    on_data = _on_data()
    owners = np.concatenate([np.full(len(item), index) for index, item in enumerate(bars)])
    times = np.concatenate([item.end_time for item in bars])
    order = np.lexsort((owners, times))
    # Deci-cents, as LEAN stores them: integer sums make exact averages, whose ties compare equal
    # as the engine's decimal ones do (float sums would flip signals on flat stretches).
    closes = np.rint(np.concatenate([item.close for item in bars])[order] * 10_000).astype(np.int64).tolist()
    owners_sorted, times_sorted = owners[order].tolist(), times[order].tolist()
    algorithm = _Algorithm(len(bars), max_orders)
    began = time.perf_counter()
    steps, at = 0, 0
    while at < len(closes):
        step_time, data = times_sorted[at], _Slice()
        while at < len(closes) and times_sorted[at] == step_time:
            symbol, close = owners_sorted[at], closes[at]
            fast, slow = algorithm.averages[symbol]
            fast.update(close)
            slow.update(close)
            data[symbol] = close
            at += 1
        on_data(algorithm, data)
        steps += 1
    return time.perf_counter() - began, steps, algorithm.transactions.orders_count


def startup_seconds(python: str = sys.executable) -> float:
    """Time a fresh interpreter importing what `leanbus backtest` imports before its first bar."""
    began = time.perf_counter()
    subprocess.run([python, "-c", _STARTUP_IMPORTS], check=True, env=tree_env(), cwd=REPO_ROOT)
    return time.perf_counter() - began


def floors(bars: Sequence[SymbolBars], max_orders: int | None) -> Floors:
    """Measure both floors (the start-up's best of three: the first may load files from disk)."""
    startup = min(startup_seconds() for _ in range(3))
    algorithm, steps, orders = algorithm_seconds(bars, max_orders)
    return Floors(startup, algorithm, steps, orders)
