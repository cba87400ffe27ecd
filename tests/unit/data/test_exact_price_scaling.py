"""Adjusted float prices equal the float of LEAN's exact decimal product, not a twice-rounded one."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from lean_core.data.bars import TradeBarFrame
from lean_core.data.normalization import adjust_trade_bars, adjusted_price_decimal
from tests.unit.securities.builders import SPY


def _frame(deci_cents: np.ndarray) -> TradeBarFrame:
    prices = deci_cents / 10_000
    times = np.arange(len(prices), dtype=np.int64) * 60 * 10**9
    return TradeBarFrame(SPY, times, times + 60 * 10**9, prices, prices, prices, prices, np.ones(len(prices)))


@pytest.mark.parametrize("factor", ["0.8646266", "0.9986893", "0.123456789", "1"])
def test_every_scaled_price_is_the_float_of_the_exact_decimal(factor: str) -> None:
    deci_cents = np.random.default_rng(7).integers(1, 30_000_000, size=5_000).astype(np.float64)

    scaled = adjust_trade_bars(_frame(deci_cents), np.full(len(deci_cents), float(factor))).close

    exact = [float(adjusted_price_decimal(int(raw), Decimal(factor))) for raw in deci_cents]
    assert scaled.tolist() == exact


def test_lean_low_shows_as_its_own_float() -> None:
    # 1658900 deci-cents x 0.8646266 = 143.43290667400 in LEAN; the naive product gives ...399998
    scaled = adjust_trade_bars(_frame(np.array([1658900.0])), np.array([0.8646266])).low

    assert scaled[0] == float(Decimal("143.432906674"))
