"""What every launcher verb shows of a run: the progress bar and LEAN's statistics table."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from datetime import date
from typing import TextIO

from lean_core.bus import messages as m

__all__ = ["format_failure", "print_statistics", "show_progress", "statistics_lines"]

_BAR_WIDTH = 30


def show_progress(fraction: float, current_date: date | None, data_points: int) -> None:
    """Redraw the progress bar in place on stderr (stdout stays the statistics, for scripts)."""
    filled = int(_BAR_WIDTH * fraction)
    bar = "#" * filled + "-" * (_BAR_WIDTH - filled)
    day = f" {current_date}" if current_date is not None else ""
    print(f"\r[{bar}] {fraction:6.1%}{day} {data_points:,} data points", end="", file=sys.stderr, flush=True)


def statistics_lines(status: str, statistics: Mapping[str, str]) -> list[str]:
    """Return LEAN's `STATISTICS::` block: the status, then one aligned line per statistic."""
    width = max((len(key) for key in statistics), default=0)
    return [
        f"STATISTICS:: status {status}",
        *(f"{key:<{width}}  {value}" for key, value in statistics.items()),
    ]


def format_failure(message: m.ServiceFailed) -> str:
    """A service that could not go on with the run."""
    return f"the {message.role} service ({message.service_id}) failed: {message.error}"


def print_statistics(status: str, statistics: Mapping[str, str], out: TextIO | None = None) -> None:
    """Print the statistics block (`statistics_lines`) to `out`, stdout by default."""
    for line in statistics_lines(status, statistics):
        print(line, file=out or sys.stdout)
