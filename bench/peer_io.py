"""What the backtest bench hands its peers and what they hand back; numpy only, so any venv can import it.

The bench writes each symbol's regular-session minute trade bars (the bars a LEAN-style minute equity
subscription delivers) to one `.npz`; a peer process loads it, starts its clock with the bars in memory,
runs its engine and prints one JSON line with its bar count, seconds and order count. Given
`--max-orders`, a peer sends no order once it has sent that many (the signals keep running), as
leanbus refuses orders past its limit.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

__all__ = ["PeerResult", "SymbolBars", "load_bars", "parse_result", "peer_main", "save_bars"]

_FIELDS = ("time", "end_time", "open", "high", "low", "close", "volume")
_RESULT_PREFIX = "PEER-RESULT "


@dataclass(frozen=True, slots=True)
class SymbolBars:
    """One symbol's minute trade bars: times are UTC nanoseconds (bar start and end), prices in dollars."""

    ticker: str
    time: npt.NDArray[np.int64]
    end_time: npt.NDArray[np.int64]
    open: npt.NDArray[np.float64]
    high: npt.NDArray[np.float64]
    low: npt.NDArray[np.float64]
    close: npt.NDArray[np.float64]
    volume: npt.NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.time)


@dataclass(frozen=True, slots=True)
class PeerResult:
    """One engine's run of the SMA crossover: bars it processed, seconds from bars in memory, orders sent."""

    engine: str
    bars: int
    seconds: float
    orders: int
    version: str = ""


def save_bars(path: Path, bars: Sequence[SymbolBars]) -> None:
    """Write the symbols' bars to one uncompressed `.npz` (keys `TICKER.field`)."""
    arrays = {f"{item.ticker}.{name}": getattr(item, name) for item in bars for name in _FIELDS}
    with path.open("wb") as handle:
        np.savez(handle, **arrays)


def load_bars(path: Path) -> list[SymbolBars]:
    """Read what `save_bars` wrote, in the order it was given."""
    with np.load(path) as archive:
        tickers = list(dict.fromkeys(key.rsplit(".", 1)[0] for key in archive.files))
        return [
            SymbolBars(ticker, *(np.asarray(archive[f"{ticker}.{name}"]) for name in _FIELDS))
            for ticker in tickers
        ]


def parse_result(stdout: str) -> PeerResult:
    """Return the result a peer printed; raise ValueError when there is none."""
    for line in reversed(stdout.splitlines()):
        if line.startswith(_RESULT_PREFIX):
            return PeerResult(**json.loads(line[len(_RESULT_PREFIX) :]))
    raise ValueError("the peer printed no result line")


def peer_main(engine: str, version: str, run: Callable[[list[SymbolBars], int, int | None], int]) -> None:
    """Load the bars named on the command line, time `run(bars, quantity, max_orders)` and print."""
    parser = argparse.ArgumentParser(description=f"the SMA(10)/SMA(30) crossover on {engine}")
    parser.add_argument("bars", type=Path, help="the .npz the backtest bench wrote")
    parser.add_argument("--quantity", type=int, default=10, help="shares per entry")
    parser.add_argument("--max-orders", type=int, help="send no order past this many (default: no limit)")
    args = parser.parse_args()
    bars = load_bars(args.bars)
    began = time.perf_counter()
    orders = run(bars, args.quantity, args.max_orders)
    seconds = time.perf_counter() - began
    result = PeerResult(engine, sum(len(item) for item in bars), seconds, orders, version)
    print(_RESULT_PREFIX + json.dumps(asdict(result)), flush=True)
