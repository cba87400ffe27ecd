"""What a caller hands `BacktestRun` is what the run uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from lean_core.data.readers import FrameCache
from lean_core.engine.embedded import BacktestRun
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
