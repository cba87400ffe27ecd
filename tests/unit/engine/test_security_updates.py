"""A handler catching up on a window of steps leaves each security on its last real bar."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from lean_core.data.bars import TradeBarFrame, local_to_ns
from lean_core.engine.frame_rows import FrameRows
from lean_core.engine.security_updates import factor_at, factor_run
from lean_core.engine.step_data import BatchSteps
from lean_core.securities.security import Security
from tests.unit.securities.builders import NEW_YORK, SPY, cash_book, equity, new_york


def _frame(closes: list[float], fill_forward: list[bool]) -> TradeBarFrame:
    start = local_to_ns(new_york(2013, 10, 7, 10, 59).replace(tzinfo=None), NEW_YORK)
    times = start + np.arange(len(closes), dtype=np.int64) * 10**9
    prices = np.array(closes)
    return TradeBarFrame(
        SPY,
        times,
        times + 10**9,
        prices,
        prices,
        prices,
        prices,
        np.full(len(closes), 100.0),
        np.array(fill_forward),
    )


def _catch_up(security: Security, frame: TradeBarFrame, last_step: int) -> None:
    """Attach a batch of one row per step, move to `last_step` at once, then read."""
    steps = BatchSteps(
        [FrameRows(security, frame, np.arange(len(frame), dtype=np.int64), [], False)], len(frame)
    )
    steps.attach()
    steps.advance(last_step)
    steps.detach()


def test_window_ending_in_fill_forward_bars_applies_the_last_real_bar() -> None:
    spy = equity(cash_book())
    _catch_up(spy, _frame([167.62, 168.18, 168.18], [False, False, True]), 2)

    assert spy.close == 168.18


def test_window_of_only_fill_forward_bars_changes_nothing() -> None:
    spy = equity(cash_book())
    _catch_up(spy, _frame([167.62], [False]), 0)

    _catch_up(spy, _frame([168.18, 168.18], [True, True]), 1)

    assert spy.close == 167.62


_RUNS = [(3, Decimal("0.5")), (5, Decimal("0.8")), (9, Decimal(1))]


@pytest.mark.parametrize("row", range(12))
def test_factor_run_holds_the_row_and_gives_its_factor(row: int) -> None:
    first, stop, factor = factor_run(_RUNS, row)

    assert first <= row < stop
    assert factor is factor_at(_RUNS, row)
    assert all(factor_at(_RUNS, other) is factor for other in range(first, min(stop, 20)))
    assert stop >= 20 or factor_at(_RUNS, stop) is not factor


def test_rows_before_the_first_run_take_its_factor_and_no_runs_give_none() -> None:
    assert factor_run(_RUNS, 0)[2] is _RUNS[0][1]
    assert factor_run([], 7)[2] is None
