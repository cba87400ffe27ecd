"""Run a re-created LEAN regression algorithm on LEAN's sample data and compare its statistics."""

from __future__ import annotations

from pathlib import Path

from lean_core.algorithm.factory import load_algorithm_class
from lean_core.algorithm.qc_algorithm import QCAlgorithm
from lean_core.engine.embedded import BacktestResult, BacktestRun

ALGORITHMS = Path(__file__).parent / "algorithms"


def run_regression(file_name: str, data_folder: Path, output: Path) -> BacktestResult:
    """Load `algorithms/<file_name>` and backtest it in-process."""
    algorithm_class = load_algorithm_class(path=ALGORITHMS / file_name, base=QCAlgorithm)
    return BacktestRun(algorithm_class(), data_folder=data_folder, output_folder=output).run()


def statistics_differences(actual: dict[str, str], expected: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Return key -> (expected, actual) for every statistic that differs."""
    return {
        key: (value, actual.get(key, "<missing>"))
        for key, value in expected.items()
        if actual.get(key) != value
    }
