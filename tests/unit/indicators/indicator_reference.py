"""One LEAN reference comparison as data, and the loop that runs it (for test_reference_data.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from lean_core.indicators import IndicatorBase

Row = dict[str, str]
FeedRow = Callable[[IndicatorBase[Any], Row], datetime]


def current_value(indicator: Any) -> float:
    """Return the indicator's own value."""
    return float(indicator.current.value)


def _unchanged(expected: float) -> float:
    return expected


def part(name: str) -> Callable[[Any], float]:
    """Return a reader of the sub-indicator `name`'s value (`part("signal")`)."""

    def read(indicator: Any) -> float:
        return float(getattr(indicator, name).current.value)

    return read


@dataclass(frozen=True)
class ReferenceCase:
    """What to build, which file and column to compare with, and how close LEAN's test asks for."""

    create: Callable[[], IndicatorBase[Any]]
    file_name: str
    column: str
    tolerance: float = 1e-3
    actual: Callable[[Any], float] = current_value
    expected: Callable[[float], float] = _unchanged
    #: compare only once this says the value is meaningful (LEAN's test skips some rows so)
    ready: Callable[[Any], bool] = lambda indicator: bool(indicator.is_ready)
    #: compare this many significant digits instead (LEAN's OBV test compares "0.##E-00" texts)
    significant_digits: int | None = None

    def check(self, actual: float, expected: float, where: str) -> None:
        """Assert that `actual` matches `expected` as closely as the case asks."""
        if self.significant_digits is None:
            # a plain comparison: these run for every row of every file
            if not abs(actual - expected) <= self.tolerance:
                assert actual == pytest.approx(expected, abs=self.tolerance), where
            return
        digits = self.significant_digits - 1
        assert f"{actual:.{digits}E}" == f"{expected:.{digits}E}", where


def case(case_id: str, *args: Any, **kwargs: Any) -> Any:
    """Return a `ReferenceCase` as a pytest parameter named `case_id`."""
    return pytest.param(ReferenceCase(*args, **kwargs), id=case_id)


def stream(indicator: IndicatorBase[Any], rows: list[Row], case: ReferenceCase, feed_row: FeedRow) -> int:
    """Feed every row and compare each ready value with the expected column; return how many compared."""
    column = case.column.lower()
    compared = 0
    for row in rows:
        time = feed_row(indicator, row)
        text = row[column]
        if not case.ready(indicator) or not text:
            continue
        case.check(case.actual(indicator), case.expected(float(text)), f"at {time}")
        compared += 1
    return compared
