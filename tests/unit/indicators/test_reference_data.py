"""Indicators against LEAN's reference files.

Each case uses the file, column, parameters and tolerance of LEAN's own test for the indicator
(Tests/Indicators/<Name>Tests.cs); the default tolerance, 1e-3, is LEAN's default assertion.
The cases live in reference_cases_*.py, one module per family of inputs.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from indicator_reference import FeedRow, ReferenceCase, stream
from reference_cases_bar import BAR_CASES
from reference_cases_price import PRICE_CASES
from reference_cases_volume_trend import VOLUME_TREND_CASES

ReadRows = Callable[[str], list[dict[str, str]]]

CASES = PRICE_CASES + BAR_CASES + VOLUME_TREND_CASES


@pytest.mark.parametrize("case", CASES)
def test_indicator_matches_lean_reference(
    case: ReferenceCase, reference_rows: ReadRows, feed_row: FeedRow
) -> None:
    indicator = case.create()

    compared = stream(indicator, reference_rows(case.file_name), case, feed_row)

    assert compared > 10


@pytest.mark.parametrize("case", CASES)
def test_indicator_matches_lean_reference_again_after_reset(
    case: ReferenceCase, reference_rows: ReadRows, feed_row: FeedRow
) -> None:
    indicator = case.create()
    rows = reference_rows(case.file_name)
    first = stream(indicator, rows, case, feed_row)

    indicator.reset()
    second = stream(indicator, rows, case, feed_row)

    assert second == first
