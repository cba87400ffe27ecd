"""The preview of a resting order says whether its fill model would act at a time, and leaves it alone."""

from __future__ import annotations

from decimal import Decimal

from lean_core.enums import OrderType
from lean_core.orders.fill_preview import may_change_at
from tests.unit.orders.test_fill_models import feed, ny, spy, utc
from tests.unit.securities.builders import SPY, order

D = Decimal


def test_a_limit_buy_above_the_bars_low_would_fill_and_one_below_would_not() -> None:
    security = spy()
    feed(security, ny(10, 1), trade=(100, 100.5, 99.5, 100), bid=99.9, ask=100.1)

    assert may_change_at(
        security, order(SPY, 10, OrderType.LIMIT, utc(10), limit_price=D("99.6")), utc(10, 1)
    )
    assert not may_change_at(
        security, order(SPY, 10, OrderType.LIMIT, utc(10), limit_price=D("99")), utc(10, 1)
    )


def test_a_triggered_stop_limit_counts_as_a_change_and_the_order_keeps_its_state() -> None:
    security = spy()
    feed(security, ny(10, 1), trade=(100, 101, 99.5, 100.5), bid=100.7, ask=100.9)
    stop_limit = order(SPY, 10, OrderType.STOP_LIMIT, utc(10), stop_price=D("100.8"), limit_price=D("100"))

    assert may_change_at(security, stop_limit, utc(10, 1))  # the stop is crossed: it triggers, no fill
    assert not stop_limit.stop_triggered  # the preview ran on a copy


def test_a_trailing_stop_that_would_trail_counts_as_a_change() -> None:
    security = spy()
    feed(security, ny(10, 1), trade=(100, 102, 99.5, 101.5), bid=101.4, ask=101.6)
    trailing = order(SPY, -10, OrderType.TRAILING_STOP, utc(10), stop_price=D("98"), trailing_amount=D("1"))

    assert may_change_at(security, trailing, utc(10, 1))
    assert trailing.stop_price == D("98")
