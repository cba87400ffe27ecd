"""Users see orders as LEAN's Python API shows them: floats for money and quantities."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from lean_core.algorithm.transactions import OrderView
from lean_core.enums import OrderType
from lean_core.scheduling.rule_support import default_symbol_lookup, resolve_symbol
from tests.unit.securities.builders import SPY, cash_book, equity, order

_WHEN = datetime(2013, 10, 7, 13, 31, tzinfo=UTC)


def test_order_view_turns_decimals_into_floats_and_keeps_the_rest() -> None:
    limit = order(SPY, 10, OrderType.LIMIT, _WHEN, limit_price=Decimal("144.77"))

    view = OrderView(limit)

    assert view.quantity * 0.5 == 5.0
    assert isinstance(view.limit_price, float) and view.limit_price == 144.77
    assert view.type is OrderType.LIMIT and view.symbol == SPY


def test_order_views_of_the_same_order_are_equal() -> None:
    limit = order(SPY, 10, OrderType.LIMIT, _WHEN, limit_price=Decimal(1))

    assert OrderView(limit) == OrderView(limit)
    assert len({OrderView(limit), OrderView(limit)}) == 1


def test_rules_accept_a_security_where_lean_converts_it_to_its_symbol() -> None:
    spy = equity(cash_book())

    assert resolve_symbol(spy, default_symbol_lookup) == SPY
    assert resolve_symbol("spy", default_symbol_lookup) == SPY
    with pytest.raises(TypeError, match="ticker, Symbol or Security"):
        resolve_symbol(3.5, default_symbol_lookup)
