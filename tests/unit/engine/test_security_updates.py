"""A handler catching up on a window of steps leaves each security on its last real bar."""

from __future__ import annotations

import numpy as np

from lean_core.data.bars import TradeBarFrame, local_to_ns
from lean_core.engine.step_data import BatchSteps, FrameRows
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
