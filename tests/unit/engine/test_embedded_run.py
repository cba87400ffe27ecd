"""Running a backtest in-process: what the caller hands the run, and how a run that quits ends."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from lean_core.algorithm.qc_algorithm import QCAlgorithm
from lean_core.data.readers import FrameCache
from lean_core.engine.embedded import BacktestRun
from lean_core.enums import Resolution
from tests.conformance.regression import load_algorithm

pytestmark = pytest.mark.lean_data


def test_an_empty_frame_cache_given_is_the_one_the_run_fills(lean_data_folder: Path, tmp_path: Path) -> None:
    cache = FrameCache()  # empty, so falsy: it must still be the run's cache

    result = BacktestRun(
        load_algorithm("basic_template_algorithm.py"),
        data_folder=lean_data_folder,
        output_folder=tmp_path,
        cache=cache,
    ).run()

    assert result.status == "Completed", result.error
    assert len(cache) > 0


class QuitsOnTheThirdBar(QCAlgorithm):
    """Quits from `on_data` and notes whether `on_end_of_algorithm` ran."""

    def initialize(self) -> None:
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 11)
        self.add_equity("SPY", Resolution.MINUTE)
        self.bars = 0
        self.ended_at: Any = None

    def on_data(self, data: Any) -> None:
        self.bars += 1
        if self.bars == 3:
            self.quit("enough")

    def on_end_of_algorithm(self) -> None:
        self.ended_at = self.time


def test_quit_stops_the_run_after_its_step_and_still_runs_on_end_of_algorithm(
    lean_data_folder: Path, tmp_path: Path
) -> None:
    algorithm = QuitsOnTheThirdBar()

    result = BacktestRun(algorithm, data_folder=lean_data_folder, output_folder=tmp_path).run()

    assert result.status == "Stopped"
    assert algorithm.bars == 3
    assert algorithm.ended_at == datetime(2013, 10, 7, 9, 33)


class FailsInInitialize(QCAlgorithm):
    """Logs a line, then raises before the run starts."""

    def initialize(self) -> None:
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 8)
        self.add_equity("SPY", Resolution.MINUTE)
        self.debug("about to fail")
        raise ValueError("no such universe")


def test_a_run_whose_initialize_fails_still_writes_its_log_saying_why(
    lean_data_folder: Path, tmp_path: Path
) -> None:
    result = BacktestRun(FailsInInitialize(), data_folder=lean_data_folder, output_folder=tmp_path).run()

    assert result.status == "RuntimeError"
    (log_file,) = (Path(name) for name in result.files)
    assert log_file.parent == tmp_path and log_file.name.endswith("-log.txt")
    lines = log_file.read_text().splitlines()
    assert lines[0].endswith(" about to fail")
    assert lines[1].endswith(" ERROR Runtime Error: ValueError: no such universe")
    assert any("in initialize" in line for line in lines)  # the stack trace reaches the user's code
