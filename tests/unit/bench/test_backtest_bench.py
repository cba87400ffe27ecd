"""The backtest bench's smoke run: a month of one symbol, leanbus only, in well under a minute."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np

from bench.algorithm_floor import algorithm_seconds
from bench.backtest_bench import crossover_orders
from bench.peer_io import SymbolBars

REPO_ROOT = Path(__file__).resolve().parents[3]
# label, bars, data points, seconds, bars/s, orders (as print_table lays a leanbus row out)
_ROW = (
    r"^{label}\s+(?P<bars>[\d,]+)\s+(?:(?P<points>[\d,]+)\s+)?"
    r"(?P<seconds>[\d.]+)\s+(?P<rate>[\d,]+)\s+(?P<orders>[\d,]+)"
)


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def test_crossover_orders_enters_above_and_leaves_below() -> None:
    rising, falling = list(range(100, 140)), list(range(140, 100, -1))

    assert crossover_orders(rising, [0] * 40, 1) == 1
    assert crossover_orders(rising + falling, [0] * 80, 1) == 2
    assert crossover_orders([500] * 60, [0] * 60, 1) == 0


def test_crossover_orders_interleaves_symbols_and_stops_at_the_limit() -> None:
    up_then_down = list(range(100, 140)) + list(range(140, 100, -1))
    flat = [500] * 80
    prices = [price for pair in zip(up_then_down, flat, strict=True) for price in pair]
    owners = [0, 1] * 80

    assert crossover_orders(prices, owners, 2) == 2
    assert crossover_orders(prices, owners, 2, max_orders=1) == 1


def _bars(ticker: str, dollars: list[float], minute_ns: int = 60_000_000_000) -> SymbolBars:
    ends = np.arange(1, len(dollars) + 1, dtype=np.int64) * minute_ns
    close = np.array(dollars)
    volume = np.full(len(dollars), 100.0)
    return SymbolBars(ticker, ends - minute_ns, ends, close, close, close, close, volume)


def test_the_algorithms_own_on_data_on_stand_ins_sends_the_plain_loops_orders() -> None:
    wave = [100 + (step % 50 if step % 100 < 50 else 50 - step % 50) * 0.37 for step in range(400)]
    bars = [_bars("A", wave), _bars("B", [200.0] * 100 + wave[:300])]
    prices = np.rint(np.concatenate([item.close for item in bars]) * 10_000).astype(np.int64)
    owners = np.repeat([0, 1], 400)
    order = np.lexsort((owners, np.concatenate([item.end_time for item in bars])))

    seconds, steps, orders = algorithm_seconds(bars, max_orders=None)

    assert steps == 400 and seconds > 0
    assert orders == crossover_orders(prices[order].tolist(), owners[order].tolist(), 2) > 4


def test_quick_bench_lists_leanbus_with_positive_bars_per_second(tmp_path: Path) -> None:
    paths = [str(REPO_ROOT / "libs" / "lean_core"), str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, paths)))
    command = [
        sys.executable, "-m", "bench.backtest_bench", "--quick", "--symbols", "1",
        "--near-empty-symbols", "0", "--peers", "none", "--data-folder", str(tmp_path),
    ]  # fmt: skip

    done = subprocess.run(
        command, capture_output=True, text=True, cwd=REPO_ROOT, env=env, timeout=120, check=False
    )

    assert done.returncode == 0, done.stdout + done.stderr
    leanbus = re.search(_ROW.format(label=r"leanbus sma_cross \(process\)"), done.stdout, re.MULTILINE)
    loop = re.search(_ROW.format(label=r"plain python loop \(sma cross\)"), done.stdout, re.MULTILINE)
    assert leanbus is not None and loop is not None, done.stdout
    assert _number(leanbus["bars"]) == _number(loop["bars"]) > 0
    assert _number(leanbus["rate"]) > 0 and float(leanbus["seconds"]) > 0
    assert _number(leanbus["points"]) >= _number(leanbus["bars"])
    # The engine sends the orders the crossover calls for on these bars, no more, no fewer.
    assert _number(leanbus["orders"]) == _number(loop["orders"]) > 0
