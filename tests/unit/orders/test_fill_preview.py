"""The preview of a resting order says what its fill model would do at a time, and leaves it alone."""

from __future__ import annotations

from decimal import Decimal

from lean_core.enums import OrderType
from lean_core.orders.fill_preview import preview_resting_order
from tests.unit.orders.test_fill_models import feed, ny, spy, utc
from tests.unit.securities.builders import SPY, order

D = Decimal


def test_a_limit_buy_above_the_bars_low_needs_a_scan_and_one_below_needs_nothing() -> None:
    security = spy()
    feed(security, ny(10, 1), trade=(100, 100.5, 99.5, 100), bid=99.9, ask=100.1)

    fills = preview_resting_order(
        security, order(SPY, 10, OrderType.LIMIT, utc(10), limit_price=D("99.6")), utc(10, 1)
    )
    rests = preview_resting_order(
        security, order(SPY, 10, OrderType.LIMIT, utc(10), limit_price=D("99")), utc(10, 1)
    )

    assert fills.needs_scan and fills.updated is None
    assert not rests.needs_scan and rests.updated is None


def test_a_triggered_stop_limit_comes_back_triggered_and_the_order_keeps_its_state() -> None:
    security = spy()
    feed(security, ny(10, 1), trade=(100, 101, 99.5, 100.5), bid=100.7, ask=100.9)
    stop_limit = order(SPY, 10, OrderType.STOP_LIMIT, utc(10), stop_price=D("100.8"), limit_price=D("100"))

    preview = preview_resting_order(security, stop_limit, utc(10, 1))  # the stop is crossed: no fill

    assert not preview.needs_scan
    assert preview.updated is not None and preview.updated.stop_triggered
    assert not stop_limit.stop_triggered  # the preview ran on a copy


def test_a_trailing_stop_that_would_trail_comes_back_with_its_new_stop() -> None:
    security = spy()
    feed(security, ny(10, 1), trade=(100, 102, 99.5, 101.5), bid=101.4, ask=101.6)
    trailing = order(SPY, -10, OrderType.TRAILING_STOP, utc(10), stop_price=D("98"), trailing_amount=D("1"))

    preview = preview_resting_order(security, trailing, utc(10, 1))

    assert not preview.needs_scan
    assert preview.updated is not None and preview.updated.stop_price == D("100.4")  # the bid less 1
    assert trailing.stop_price == D("98")
