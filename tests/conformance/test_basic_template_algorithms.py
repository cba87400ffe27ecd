"""LEAN's BasicTemplateAlgorithm and BasicTemplateDailyAlgorithm, re-created, on LEAN's sample data."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance.expected_statistics import BASIC_TEMPLATE, BASIC_TEMPLATE_DAILY
from tests.conformance.regression import assert_matches_lean, run_regression

pytestmark = pytest.mark.lean_data


@pytest.mark.parametrize(
    ("file_name", "expected"),
    [
        ("basic_template_algorithm.py", BASIC_TEMPLATE),
        ("basic_template_daily_algorithm.py", BASIC_TEMPLATE_DAILY),
    ],
)
def test_every_statistic_and_the_order_hash_match_lean(
    file_name: str, expected: dict[str, str], lean_data_folder: Path, tmp_path: Path
) -> None:
    assert_matches_lean(file_name, expected, lean_data_folder, tmp_path)


def test_result_files_are_written_like_lean(lean_data_folder: Path, tmp_path: Path) -> None:
    result = run_regression("basic_template_algorithm.py", lean_data_folder, tmp_path)

    names = sorted(Path(path).name for path in result.files)
    run_id = result.run_id
    assert names == sorted(
        [f"{run_id}.json", f"{run_id}-summary.json", f"{run_id}-order-events.json", f"{run_id}-log.txt"]
    )
    events = (tmp_path / f"{run_id}-order-events.json").read_text()
    assert '"status":"submitted"' in events and '"status":"filled"' in events
    assert '"orderFeeAmount":3.44' in events
    assert "Purchased Stock" in (tmp_path / f"{run_id}-log.txt").read_text()
