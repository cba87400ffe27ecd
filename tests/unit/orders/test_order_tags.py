"""Default order tags and the two `trailing_stop_order` overloads."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from lean_core.algorithm.trading import TrailingStopArguments
from lean_core.enums import OrderType
from tests.unit.securities.builders import SPY, order

_WHEN = datetime(2013, 10, 7, 13, 31, tzinfo=UTC)


def test_trailing_stop_default_tag_names_the_amount_in_the_quote_currency() -> None:
    trailing = order(SPY, 100, OrderType.TRAILING_STOP, _WHEN, trailing_amount=Decimal("0.5"))

    assert trailing.default_tag("$") == "Trailing Amount: $0.5"


def test_percentage_trailing_stop_default_tag_shows_percent_with_decimal_scale() -> None:
    trailing = order(
        SPY, 100, OrderType.TRAILING_STOP, _WHEN, trailing_amount=Decimal("0.01"), trailing_as_percentage=True
    )

    assert trailing.default_tag("$") == "Trailing Amount: 1.00%"


def test_other_orders_have_an_empty_default_tag() -> None:
    assert order(SPY, 100, OrderType.LIMIT, _WHEN, limit_price=Decimal(1)).default_tag("$") == ""


def test_trailing_stop_call_without_stop_price_starts_from_the_market() -> None:
    call = TrailingStopArguments.parse((2, False), {})

    assert (call.stop_price, call.trailing_amount, call.as_percentage) == (None, 2, False)


def test_trailing_stop_call_with_initial_stop_price_positionally_or_by_keyword() -> None:
    positional = TrailingStopArguments.parse((146.5, 2, False), {"tag": "mine"})
    keywords = TrailingStopArguments.parse(
        (), {"stop_price": 146.5, "trailing_amount": 2, "trailing_as_percentage": False}
    )

    assert (positional.stop_price, positional.tag) == (146.5, "mine")
    assert keywords.stop_price == 146.5


def test_trailing_stop_call_rejects_unknown_keywords_and_missing_amounts() -> None:
    with pytest.raises(TypeError, match="unexpected keyword"):
        TrailingStopArguments.parse((2, False), {"trail": 1})
    with pytest.raises(TypeError, match="needs trailing_amount"):
        TrailingStopArguments.parse((), {"trailing_amount": 2})
