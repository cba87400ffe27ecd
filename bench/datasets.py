"""Synthetic minute data for the benchmarks: generated once per settings by `leanbus data generate`.

Each dataset lives in a folder named after its settings and holds a stamp written after a successful
generation, so a `--data-folder` given again is reused instead of regenerated. The leanbus commands
run with this tree first on PYTHONPATH, so a benchmark measures the code it sits beside.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import numpy as np

from bench.peer_io import SymbolBars
from lean_core.data.readers import ReadRequest, available_dates, read_frame
from lean_core.enums import Market, Resolution, SecurityType, TickType
from lean_core.symbols import Symbol
from lean_core.time.market_hours_database import MarketHoursDatabase
from lean_core.time.open_mask import bars_open_mask
from lean_core.time.time_zones import utc_ns_to_local_ns

__all__ = [
    "REPO_ROOT",
    "dataset_folder",
    "generate",
    "leanbus_command",
    "load_trade_bars",
    "parse_day",
    "tree_env",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED = 7
_STAMP = ".bench-dataset.json"


def tree_env() -> dict[str, str]:
    """Return the environment with this tree's packages first on PYTHONPATH."""
    env = dict(os.environ)
    # An installed leanbus has its bytecode compiled; without this, every timed process would
    # compile the whole package again (about 0.5 s) where PYTHONDONTWRITEBYTECODE is set.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    paths = [str(REPO_ROOT / "libs" / "lean_core"), str(REPO_ROOT)]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


def leanbus_command(*args: str) -> list[str]:
    """Return the command line of `leanbus ARGS` run from this tree with the current interpreter."""
    return [sys.executable, "-m", "services.launcher.cli", *args]


def parse_day(text: str) -> date:
    """Return the date of a yyyyMMdd string."""
    return datetime.strptime(text, "%Y%m%d").date()


def dataset_folder(root: Path, count: int, start: str, end: str, corporate_actions: bool = True) -> Path:
    """Return where the dataset of these settings lives under `root`."""
    suffix = "" if corporate_actions else "-no-actions"
    return root / f"minute-{count}-{start}-{end}-seed{SEED}{suffix}"


def _tickers(folder: Path, count: int) -> list[str]:
    """Return `count` tickers of the folder: SPY first (the generator always writes it), then by name."""
    names = sorted(path.name.upper() for path in (folder / "equity" / "usa" / "minute").iterdir())
    return sorted(names, key=lambda name: name != "SPY")[:count]


def generate(folder: Path, count: int, start: str, end: str, corporate_actions: bool = True) -> list[str]:
    """Write `count` symbols of minute data into `folder` (unless done before) and return their tickers.

    Without corporate actions the generator draws no splits or dividends, so LEAN's adjusted prices equal
    the raw prices in the files and an engine reading the files sees the bars a leanbus algorithm sees.
    """
    command = leanbus_command(
        "data", "generate", "--symbol-count", str(count), "--resolution", "minute",
        "--seed", str(SEED), "--start", start, "--end", end, "--data-folder", str(folder),
    )  # fmt: skip
    if not corporate_actions:
        command += ["--splits-percentage", "0", "--dividends-percentage", "0"]
        command += ["--dividend-every-quarter-percentage", "0"]
    stamp = folder / _STAMP
    wanted = {"arguments": command[3:]}
    if not (stamp.is_file() and json.loads(stamp.read_text()) == wanted):
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=tree_env())
        stamp.write_text(json.dumps(wanted))
    return _tickers(folder, count)


def load_trade_bars(folder: Path, tickers: list[str], start: date, end: date) -> list[SymbolBars]:
    """Read the tickers' minute trade bars from `start` to `end`, keeping the regular session only.

    Those are the bars `add_equity(ticker, Resolution.MINUTE)` delivers (no extended hours): the files
    also hold pre- and post-market bars.
    """
    database = MarketHoursDatabase.from_data_folder(folder)
    bars = []
    for ticker in tickers:
        hours = database.get_exchange_hours(Market.USA, ticker, SecurityType.EQUITY)
        data_zone = database.get_data_time_zone(Market.USA, ticker, SecurityType.EQUITY)
        symbol = Symbol.create(ticker, SecurityType.EQUITY, Market.USA)
        days = available_dates(folder, symbol, Resolution.MINUTE, TickType.TRADE)
        frames = [
            read_frame(ReadRequest(folder, symbol, Resolution.MINUTE, TickType.TRADE, day, data_zone))
            for day in days
            if start <= day <= end
        ]
        columns = {
            name: np.concatenate([getattr(frame, name) for frame in frames])
            for name in ("time", "end_time", "open", "high", "low", "close", "volume")
        }
        zone = hours.time_zone
        regular = bars_open_mask(
            hours,
            utc_ns_to_local_ns(columns["time"], zone),
            utc_ns_to_local_ns(columns["end_time"], zone),
            False,
        )
        bars.append(SymbolBars(ticker, **{name: values[regular] for name, values in columns.items()}))
    return bars
