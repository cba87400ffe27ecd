"""Benchmark: bars per second reading LEAN minute files, against pandas.read_csv of the same files.

Generates a year of synthetic minute data (`leanbus data generate`) for 1 and for N symbols,
then reads every trade file three ways in the same run: `pandas.read_csv` (the peer), our
reader cold (no cache; the numba kernel compiled beforehand), and our reader again from a
warm in-memory cache.

    python -m bench.read_bench [--symbols 1,100] [--start 20230103 --end 20231229] [--data-folder DIR]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pandas as pd

from bench.datasets import dataset_folder, generate
from lean_core.data.readers import FrameCache, ReadRequest, available_dates, read_frame
from lean_core.enums import Market, Resolution, SecurityType, TickType
from lean_core.symbols import Symbol
from lean_core.time.time_zones import TimeZones


def _requests(folder: Path, tickers: list[str]) -> list[ReadRequest]:
    requests = []
    for ticker in tickers:
        symbol = Symbol.create(ticker, SecurityType.EQUITY, Market.USA)
        for day in available_dates(folder, symbol, Resolution.MINUTE, TickType.TRADE):
            requests.append(
                ReadRequest(folder, symbol, Resolution.MINUTE, TickType.TRADE, day, TimeZones.NEW_YORK)
            )
    return requests


def _timed(read_all: Callable[[], int]) -> tuple[int, float]:
    began = time.perf_counter()
    rows = read_all()
    return rows, time.perf_counter() - began


def _pandas(folder: Path, requests: list[ReadRequest]) -> int:
    rows = 0
    for request in requests:
        path = (
            folder
            / "equity"
            / "usa"
            / "minute"
            / request.symbol.value.lower()
            / f"{request.day:%Y%m%d}_trade.zip"
        )
        rows += len(pd.read_csv(path, header=None, compression="zip"))
    return rows


def _ours(requests: list[ReadRequest], cache: FrameCache | None) -> int:
    return sum(len(read_frame(request, cache)) for request in requests)


def run(folder: Path, counts: list[int], start: str, end: str) -> None:
    """Generate, read and print one line per symbol count."""
    print(f"{'symbols':>7} {'files':>6} {'bars':>10} {'pandas bars/s':>14} {'ours bars/s':>12} "
          f"{'cached bars/s':>14} {'ours/pandas':>11} {'cached/pandas':>13}")  # fmt: skip
    for count in counts:
        target = dataset_folder(folder, count, start, end)
        tickers = generate(target, count, start, end)
        requests = _requests(target, tickers)
        read_frame(requests[0])  # compile the parsing kernel once, outside the timings
        peer_rows, peer_seconds = _timed(partial(_pandas, target, requests))
        rows, cold_seconds = _timed(partial(_ours, requests, None))
        cache = FrameCache(max_items=len(requests) + 1)
        _ours(requests, cache)
        cached_rows, warm_seconds = _timed(partial(_ours, requests, cache))
        assert rows == peer_rows == cached_rows, (rows, peer_rows, cached_rows)
        peer, cold, warm = rows / peer_seconds, rows / cold_seconds, rows / warm_seconds
        print(f"{count:>7} {len(requests):>6} {rows:>10} {peer:>14,.0f} {cold:>12,.0f} {warm:>14,.0f} "
              f"{cold / peer:>10.2f}x {warm / peer:>12.2f}x")  # fmt: skip


def main() -> None:
    """Parse arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--symbols", default="1,100", help="comma-separated symbol counts")
    parser.add_argument("--start", default="20230103")
    parser.add_argument("--end", default="20231229")
    parser.add_argument(
        "--data-folder", type=Path, help="where to generate or reuse (default: a temp folder)"
    )
    args = parser.parse_args()
    counts = [int(part) for part in args.symbols.split(",")]
    if args.data_folder:
        run(args.data_folder, counts, args.start, args.end)
        return
    with tempfile.TemporaryDirectory(prefix="leanbus-bench-") as folder:
        run(Path(folder), counts, args.start, args.end)


if __name__ == "__main__":
    main()
