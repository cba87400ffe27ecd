"""Batch size changes nothing a user sees, and the transaction handler lets finished batches go."""

from __future__ import annotations

from pathlib import Path

import pytest

from lean_core.engine.embedded import BacktestResult, BacktestRun
from lean_core.engine.ports import INITIAL_BATCH_CREDIT
from tests.conformance.expected_statistics import BASIC_TEMPLATE
from tests.conformance.regression import load_algorithm, statistics_differences

pytestmark = pytest.mark.lean_data


def _run(
    file_name: str, data_folder: Path, output: Path, batch_steps: int | None
) -> tuple[BacktestRun, BacktestResult]:
    run = BacktestRun(
        load_algorithm(file_name), data_folder=data_folder, output_folder=output, batch_steps=batch_steps
    )
    return run, run.run()


def test_small_batches_reproduce_lean_and_keep_no_more_batches_than_the_credit(
    lean_data_folder: Path, tmp_path: Path
) -> None:
    run, result = _run("basic_template_algorithm.py", lean_data_folder, tmp_path, batch_steps=61)

    assert result.status == "Completed", result.error
    assert statistics_differences(result.statistics, BASIC_TEMPLATE) == {}
    assert len(run.transactions._batches) <= INITIAL_BATCH_CREDIT


def test_resting_orders_fill_alike_whatever_the_batch_size(lean_data_folder: Path, tmp_path: Path) -> None:
    name = "trailing_stop_order_regression_algorithm.py"
    _, small = _run(name, lean_data_folder, tmp_path / "small", batch_steps=37)
    _, default = _run(name, lean_data_folder, tmp_path / "default", batch_steps=None)

    assert small.status == default.status == "Completed"
    assert small.statistics == default.statistics
