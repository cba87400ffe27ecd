"""Benchmark: indicator updates per second, streaming and batch path, against TA-Lib on the same series.

The series is a year of generated minute trade bars (regular session, `leanbus data generate`, as
bench/backtest_bench.py makes them). For each indicator with a batch kernel, in the same run:

* streaming: one `indicator.update(bar)` per bar, as a consolidator feeds it;
* batch kernel: the kernel over the whole year in one call, as `compute_batch` and `update_batch`
  run it for a caller holding a series (the values are checked equal to streaming's);
* kernel in data batches: the same in batches of the data feed's size (2,048 steps), state
  carried from batch to batch, as the engine computes a data batch: each batch adds one kernel
  dispatch, about a microsecond;
* batch path: the kernel in data batches plus publishing every value (`update_batch`): what a
  backtest pays;
* TA-Lib: its functions over the whole year at once, where `ta-lib` is installed (`make bench`),
  computing the values the LEAN indicator publishes: BBANDS plus LEAN's band width and %B, MAX with
  MAXINDEX for the periods since the maximum, ATR with TRANGE for its true range. The column
  `TA-Lib alone` is the bare function (BBANDS, MAX, ATR), for comparison.

Each time is the best of `--rounds` rounds, a round repeating its call until it has run 20 ms,
so calls of tens of microseconds are timed as reliably as long ones. The ratio columns are kernel
time over TA-Lib time (the issue's target: at most 2x), for the one call and for data batches.

    python -m bench.batch_indicator_bench [--data-folder DIR] [--rounds 5] [--bars N]
"""

from __future__ import annotations

import argparse
import importlib
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bench.datasets import dataset_folder, generate, load_trade_bars
from bench.peer_io import SymbolBars
from lean_core.data.bars import TradeBar
from lean_core.engine.data_feed import DEFAULT_BATCH_STEPS
from lean_core.enums import Market, SecurityType
from lean_core.indicators import IndicatorBase
from lean_core.indicators.batch import adapter_for, update_batch
from lean_core.symbols import Symbol

FloatArray = npt.NDArray[np.float64]
BATCH_STEPS = DEFAULT_BATCH_STEPS
#: a round repeats a call until it has run this long: one call of tens of µs is below the timer's noise
ROUND_SECONDS = 0.02
START, END = "20230103", "20231229"


@dataclass(frozen=True, slots=True)
class Case:
    """An indicator to time, and the TA-Lib calls computing the values it publishes.

    `talib_alone` is the bare TA-Lib function where LEAN's indicator publishes more than it
    returns (the bands' width and %B, the periods since a maximum, an ATR's true range).
    """

    name: str
    create: Callable[[], IndicatorBase[Any]]
    talib: Callable[[Any, dict[str, FloatArray]], object]
    talib_alone: Callable[[Any, dict[str, FloatArray]], object] | None = None


def _bollinger(ta: Any, columns: dict[str, FloatArray]) -> object:
    """BBANDS, then LEAN's band width (in percent of the middle band) and %B from its bands."""
    close = columns["close"]
    upper, middle, lower = ta.BBANDS(close, 20, 2, 2)
    width = upper - lower
    return upper, middle, lower, width / middle * 100.0, (close - lower) / width


def _extreme(ta: Any, columns: dict[str, FloatArray], largest: bool) -> object:
    """MAX (MIN) of the closes, and the periods since it from MAXINDEX (MININDEX): what `Maximum`
    (`Minimum`) publishes, updated with bars."""
    values = columns["close"]
    extreme = ta.MAX(values, 20) if largest else ta.MIN(values, 20)
    index = ta.MAXINDEX(values, 20) if largest else ta.MININDEX(values, 20)
    return extreme, np.arange(len(values)) - index


def _average_true_range(ta: Any, columns: dict[str, FloatArray]) -> object:
    """ATR, and TRANGE for the true range `AverageTrueRange` publishes along."""
    high, low, close = columns["high"], columns["low"], columns["close"]
    return ta.ATR(high, low, close, 14), ta.TRANGE(high, low, close)


def _cases() -> list[Case]:
    from lean_core import indicators as ind

    return [
        Case("SMA(10)", lambda: ind.SimpleMovingAverage(10), lambda ta, c: ta.SMA(c["close"], 10)),
        Case("SMA(30)", lambda: ind.SimpleMovingAverage(30), lambda ta, c: ta.SMA(c["close"], 30)),
        Case("SUM(7)", lambda: ind.Sum(7), lambda ta, c: ta.SUM(c["close"], 7)),
        Case("EMA(10)", lambda: ind.ExponentialMovingAverage(10), lambda ta, c: ta.EMA(c["close"], 10)),
        Case("RSI(14)", lambda: ind.RelativeStrengthIndex(14), lambda ta, c: ta.RSI(c["close"], 14)),
        Case(
            "MACD(12,26,9)",
            lambda: ind.MovingAverageConvergenceDivergence(12, 26, 9),
            lambda ta, c: ta.MACD(c["close"], 12, 26, 9),
        ),
        Case("MOM(10)", lambda: ind.Momentum(10), lambda ta, c: ta.MOM(c["close"], 10)),
        Case("ROC(10)", lambda: ind.RateOfChange(10), lambda ta, c: ta.ROC(c["close"], 10)),
        Case("LWMA(10)", lambda: ind.LinearWeightedMovingAverage(10), lambda ta, c: ta.WMA(c["close"], 10)),
        Case("STD(20)", lambda: ind.StandardDeviation(20), lambda ta, c: ta.STDDEV(c["close"], 20)),
        Case(
            "BB(20,2)",
            lambda: ind.BollingerBands(20, 2),
            _bollinger,
            lambda ta, c: ta.BBANDS(c["close"], 20, 2, 2),
        ),
        Case(
            "ATR(14)",
            lambda: ind.AverageTrueRange(14),
            _average_true_range,
            lambda ta, c: ta.ATR(c["high"], c["low"], c["close"], 14),
        ),
        Case(
            "MAX(20)",
            lambda: ind.Maximum(20),
            partial(_extreme, largest=True),
            lambda ta, c: ta.MAX(c["close"], 20),
        ),
        Case(
            "MIN(20)",
            lambda: ind.Minimum(20),
            partial(_extreme, largest=False),
            lambda ta, c: ta.MIN(c["close"], 20),
        ),
    ]


def _bars(series: SymbolBars, count: int) -> list[TradeBar]:
    symbol = Symbol.create(series.ticker, SecurityType.EQUITY, Market.USA)
    times = series.time[:count].astype("datetime64[us]").tolist()
    ends = series.end_time[:count].astype("datetime64[us]").tolist()
    columns = [getattr(series, name)[:count].tolist() for name in ("open", "high", "low", "close", "volume")]
    return [TradeBar(symbol, *row) for row in zip(times, ends, *columns, strict=True)]


def _best(rounds: int, run: Callable[[], object]) -> float:
    """Return the seconds of one call: the best round's mean, a round repeating it for `ROUND_SECONDS`."""
    best = float("inf")
    for _ in range(rounds):
        calls, began = 0, time.perf_counter()
        while True:
            run()
            calls += 1
            elapsed = time.perf_counter() - began
            if elapsed >= ROUND_SECONDS:
                break
        best = min(best, elapsed / calls)
    return best


def _streaming(case: Case, bars: list[TradeBar]) -> list[float]:
    indicator = case.create()
    values: list[float] = []
    indicator.updated += lambda sender, point: values.append(point.value)
    for bar in bars:
        indicator.update(bar)
    return values


def _kernel(case: Case, inputs: FloatArray, batch: int = BATCH_STEPS) -> FloatArray:
    """Run the kernel over the inputs in batches of `batch`, its state carried; return its value column."""
    indicator = case.create()
    adapter = adapter_for(indicator)
    assert adapter is not None
    state = adapter.export_state(indicator)
    out = np.empty((len(inputs), adapter.outputs), dtype=np.float64)
    for start in range(0, len(inputs), batch):
        adapter.run(state, inputs[start : start + batch], out[start : start + batch])
    return out[:, 0]


def _published(values: FloatArray) -> list[float]:
    """Return the values a kernel published (NaN: the streaming path's "no value")."""
    return values[~np.isnan(values)].tolist()  # type: ignore[no-any-return]


def _batch_path(case: Case, inputs: FloatArray, bars: list[TradeBar]) -> None:
    indicator = case.create()
    times = [bar.end_time for bar in bars]
    for start in range(0, len(inputs), BATCH_STEPS):
        update_batch(indicator, times[start : start + BATCH_STEPS], inputs[start : start + BATCH_STEPS])


def _inputs(case: Case, columns: dict[str, FloatArray]) -> FloatArray | None:
    adapter = adapter_for(case.create())
    if adapter is None:
        return None
    if len(adapter.input_fields) == 1:
        return np.ascontiguousarray(columns[adapter.input_fields[0]])
    return np.ascontiguousarray(np.column_stack([columns[name] for name in adapter.input_fields]))


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:>15,.0f}" if seconds > 0 else f"{'-':>15}"


def _ratio(seconds: float, peer: float) -> str:
    return f"{seconds / peer:>14.2f}x" if peer > 0 else f"{'-':>15}"


_HEADER = (
    "indicator",
    "streaming",
    "batch kernel",
    "kernel batches",
    "batch path",
    "TA-Lib",
    "TA-Lib alone",
    "kernel/TA-Lib",
    "batches/TA-Lib",
)


def run(series: SymbolBars, rounds: int, count: int) -> None:
    """Print one row per case with a kernel: updates per second of each path and the TA-Lib ratio."""
    talib = _import_talib()
    bars = _bars(series, count)
    columns = {name: np.ascontiguousarray(getattr(series, name)[:count]) for name in ("high", "low", "close")}
    print(
        f"== {len(bars):,} minute bars of {series.ticker}, {START}-{END}: updates/s, best of {rounds}; "
        f"kernel batches and the batch path in data batches of {BATCH_STEPS:,} steps"
    )
    print(f"{_HEADER[0]:16}" + "".join(f"{name:>15}" for name in _HEADER[1:]))
    for case in _cases():
        inputs = _inputs(case, columns)
        if inputs is None:
            print(f"{case.name:16}{'(no kernel)':>15}")
            continue
        if _published(_kernel(case, inputs)) != _streaming(case, bars):
            raise SystemExit(f"{case.name}: the batch kernel's values differ from streaming's")
        streaming = _best(rounds, partial(_streaming, case, bars))
        kernel = _best(rounds, partial(_kernel, case, inputs, len(inputs)))
        batches = _best(rounds, partial(_kernel, case, inputs))
        path = _best(rounds, partial(_batch_path, case, inputs, bars))
        peer = alone = 0.0
        if talib is not None:
            peer = _best(rounds, partial(case.talib, talib, columns))
            alone = _best(rounds, partial(case.talib_alone, talib, columns)) if case.talib_alone else 0.0
        count = len(bars)
        rates = (streaming, kernel, batches, path, peer, alone)
        print(
            f"{case.name:16}{''.join(_rate(count, seconds) for seconds in rates)}"
            f"{_ratio(kernel, peer)}{_ratio(batches, peer)}"
        )
    if talib is None:
        print("TA-Lib is not installed (pip install '.[bench]'): its columns are empty")


def _import_talib() -> Any:
    try:
        return importlib.import_module("talib")
    except ImportError:
        return None


def main(argv: list[str] | None = None) -> None:
    """Generate (or reuse) a year of minute data and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-folder", type=Path, help="where to generate or reuse the data (default: temp)"
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--bars", type=int, default=0, help="use only the first N bars (0: all)")
    args = parser.parse_args(argv)

    def measure(root: Path) -> None:
        folder = dataset_folder(root, 1, START, END, corporate_actions=False)
        tickers = generate(folder, 1, START, END, corporate_actions=False)
        series = load_trade_bars(folder, tickers, _day(START), _day(END))[0]
        run(series, args.rounds, args.bars or len(series.close))

    if args.data_folder:
        measure(args.data_folder)
        return
    with tempfile.TemporaryDirectory(prefix="leanbus-indicators-") as root:
        measure(Path(root))


def _day(text: str) -> date:
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))


if __name__ == "__main__":
    main()
