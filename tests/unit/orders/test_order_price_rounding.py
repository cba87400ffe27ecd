"""Order prices rounded to the security's tick at submission, as LEAN's transaction handler does."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from lean_core.enums import DataNormalizationMode, OrderType
from lean_core.orders.order_rules import round_order_prices
from tests.unit.securities.builders import SPY, cash_book, equity, forex, order

_WHEN = datetime(2013, 10, 7, 13, 31, tzinfo=UTC)
_CENT = Decimal("0.01")


def _cents(price: Decimal) -> Decimal:
    return _CENT


def test_limit_price_rounds_half_to_even_on_the_tick() -> None:
    limit = order(SPY, 10, OrderType.LIMIT, _WHEN, limit_price=Decimal("14.475"))

    warnings = round_order_prices(limit, _cents)

    assert limit.limit_price == Decimal("14.48")
    assert warnings == [
        "Warning: To meet brokerage precision requirements, order LimitPrice was rounded to 14.48 from 14.475"
    ]


def test_stop_limit_rounds_both_prices_and_reports_each_change() -> None:
    stop_limit = order(
        SPY, 10, OrderType.STOP_LIMIT, _WHEN, limit_price=Decimal("10.005"), stop_price=Decimal("10.01")
    )

    warnings = round_order_prices(stop_limit, _cents)

    assert (stop_limit.limit_price, stop_limit.stop_price) == (Decimal("10.00"), Decimal("10.01"))
    assert len(warnings) == 1 and "LimitPrice" in warnings[0]


def test_percentage_trailing_amount_is_not_a_price_and_stays() -> None:
    trailing = order(
        SPY,
        -10,
        OrderType.TRAILING_STOP,
        _WHEN,
        stop_price=Decimal("99.999"),
        trailing_amount=Decimal("0.0125"),
        trailing_as_percentage=True,
    )

    round_order_prices(trailing, _cents)

    assert (trailing.stop_price, trailing.trailing_amount) == (Decimal("100.00"), Decimal("0.0125"))


def test_zero_increment_leaves_prices_alone() -> None:
    limit = order(SPY, 10, OrderType.LIMIT, _WHEN, limit_price=Decimal("144.773077904"))

    assert round_order_prices(limit, lambda price: Decimal(0)) == []
    assert limit.limit_price == Decimal("144.773077904")


def test_adjusted_equity_has_no_tick_but_raw_equity_trades_in_cents_or_hundredths() -> None:
    spy = equity(cash_book())
    assert spy.minimum_price_variation(Decimal(145)) == 0

    spy.set_data_normalization_mode(DataNormalizationMode.RAW)
    assert spy.minimum_price_variation(Decimal(145)) == Decimal("0.01")
    assert spy.minimum_price_variation(Decimal("0.5")) == Decimal("0.0001")


@pytest.mark.parametrize("price", [Decimal("0.5"), Decimal("1.1")])
def test_forex_tick_comes_from_symbol_properties(price: Decimal) -> None:
    assert forex(cash_book()).minimum_price_variation(price) == Decimal("0.00001")
