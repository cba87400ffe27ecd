"""Benchmark: µs per bar feeding helper-style indicators, against a plain-Python loop in the same run.

Each bar goes the way a backtest sends it to `self.sma(symbol, 10)`: `_update_consolidators`
finds it in a slice, the registration's identity consolidator fires `data_consolidated`, and the
handler `register_indicator` installs updates the indicator. The peer computes the same values
with a deque and local floats, the least a Python program can do per bar. Times are the best of
several rounds of CPU time of this thread, so other processes on the machine matter less.

    python -m bench.indicator_bench [--bars 100000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import time
from collections import deque
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from lean_core.algorithm.indicator_helpers import IndicatorHelpersMixin, _updater
from lean_core.algorithm.subscriptions import Registration
from lean_core.data.bars import TradeBar
from lean_core.data.consolidators import IdentityDataConsolidator
from lean_core.data.slice import Slice, TradeBars
from lean_core.enums import SecurityType, TickType
from lean_core.indicators import (
    ExponentialMovingAverage,
    IndicatorBase,
    RelativeStrengthIndex,
    SimpleMovingAverage,
)
from lean_core.symbols import Symbol

SPY = Symbol.create("SPY", SecurityType.EQUITY, "usa")
NEW_YORK = ZoneInfo("America/New_York")
START = datetime(2023, 1, 3, 9, 30)

CASES: dict[str, Callable[[], list[IndicatorBase[Any]]]] = {
    "SMA(10)+SMA(30)": lambda: [SimpleMovingAverage(10), SimpleMovingAverage(30)],
    "EMA(10)": lambda: [ExponentialMovingAverage(10)],
    "RSI(14)": lambda: [RelativeStrengthIndex(14)],
}


def _closes(count: int) -> list[float]:
    return [100.0 + ((index * 7919) % 13 - 6) * 0.01 + index * 1e-4 for index in range(count)]


def _slices(closes: list[float]) -> list[Slice]:
    slices = []
    for index, close in enumerate(closes):
        start = START + timedelta(minutes=index)
        end = start + timedelta(minutes=1)
        bar = TradeBar(SPY, start, end, close, close + 0.05, close - 0.05, close, 1000.0)
        slices.append(Slice(end, end, TradeBars({SPY: bar})))
    return slices


def _host(indicators: list[IndicatorBase[Any]]) -> SimpleNamespace:
    """Return what `_update_consolidators` reads of an algorithm, registered as `self.sma` does."""
    registrations = []
    for indicator in indicators:
        consolidator: IdentityDataConsolidator[TradeBar] = IdentityDataConsolidator()
        consolidator.data_consolidated += _updater(indicator, None)
        registrations.append(Registration(SPY, TickType.TRADE, consolidator, NEW_YORK))
    return SimpleNamespace(_registrations=registrations, _utc_ns=0)


def leanbus_run(case: str, slices: list[Slice]) -> tuple[float, list[float]]:
    """Feed every slice through the update path; return the CPU seconds and the final values."""
    indicators = CASES[case]()
    host = _host(indicators)
    update = IndicatorHelpersMixin._update_consolidators
    began = time.thread_time()
    for data in slices:
        update(host, data)  # type: ignore[arg-type]
    return time.thread_time() - began, [indicator.current.value for indicator in indicators]


def _rolling_means(closes: list[float], period: int) -> Iterator[float]:
    window: deque[float] = deque()
    total = 0.0
    for close in closes:
        window.append(close)
        total += close
        if len(window) > period:
            total -= window.popleft()
        yield total / len(window)


def _ema(closes: list[float], period: int) -> Iterator[float]:
    k, value, seed = 2.0 / (period + 1), 0.0, 0.0
    for count, close in enumerate(closes, 1):
        if count <= period:
            seed += close
            value = seed / period if count == period else 0.0
        else:
            value = close * k + value * (1 - k)
        yield value


def _rsi(closes: list[float], period: int) -> Iterator[float]:
    gain = loss = 0.0
    previous = closes[0]
    for count, close in enumerate(closes[1:], 1):
        change, previous = close - previous, close
        weight = 1.0 / min(count, period)
        gain += (max(change, 0.0) - gain) * weight
        loss += (max(-change, 0.0) - loss) * weight
        yield 100.0 if loss < 5e-11 else 100.0 - 100.0 / (1 + gain / loss)


def peer_run(case: str, closes: list[float]) -> float:
    """Return the CPU seconds of the plain loop computing the case's values."""
    streams = {
        "SMA(10)+SMA(30)": lambda: zip(_rolling_means(closes, 10), _rolling_means(closes, 30), strict=True),
        "EMA(10)": lambda: _ema(closes, 10),
        "RSI(14)": lambda: _rsi(closes, 14),
    }[case]
    began = time.thread_time()
    for _ in streams():
        pass
    return time.thread_time() - began


def main(argv: list[str] | None = None) -> None:
    """Print µs per bar of each case for leanbus and the peer, and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bars", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    closes = _closes(args.bars)
    slices = _slices(closes)
    print(f"{'case':18} {'leanbus us/bar':>15} {'plain us/bar':>13} {'ratio':>7}  values")
    for case in CASES:
        ours = min(leanbus_run(case, slices)[0] for _ in range(args.rounds))
        theirs = min(peer_run(case, closes) for _ in range(args.rounds))
        values = leanbus_run(case, slices)[1]
        per_bar, peer_per_bar = ours / args.bars * 1e6, theirs / args.bars * 1e6
        print(
            f"{case:18} {per_bar:15.2f} {peer_per_bar:13.2f} {per_bar / peer_per_bar:6.1f}x  "
            + ", ".join(f"{value:.6f}" for value in values)
        )


if __name__ == "__main__":
    main()
