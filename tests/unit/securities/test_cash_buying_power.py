from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from lean_core.enums import AccountType, OrderDirection, OrderType
from lean_core.orders.orders import Order
from lean_core.securities.buying_power import calculate_order_quantity
from lean_core.securities.portfolio import SecurityPortfolioManager
from lean_core.securities.security import Security
from tests.unit.securities.builders import BTCUSD, cash_book, crypto, order, portfolio, quote_bar

NOW = datetime(2020, 1, 6, 15, tzinfo=UTC)


def btc_account(usd: int = 10_000, btc: str = "0") -> tuple[SecurityPortfolioManager, Security]:
    book = cash_book(usd)
    security = crypto(book, account_type=AccountType.CASH)
    security.update_quote_bar(quote_bar(BTCUSD, datetime(2020, 1, 6, 15), 4990.0, 5000.0))
    book["BTC"].set_amount(Decimal(btc))
    book.update_conversion_rates([security])
    return portfolio(security, book=book, account_type=AccountType.CASH), security


class _OpenOrders:
    def __init__(self, orders: Sequence[Order]) -> None:
        self._orders = orders

    def get_open_orders(self) -> Sequence[Order]:
        return self._orders

    def get_quantity_filled(self, order_id: int) -> Decimal:
        return Decimal(0)


class TestCashBuyingPowerModel:
    def test_selling_more_than_held_is_refused(self) -> None:
        book_portfolio, security = btc_account(btc="1")
        sell = order(BTCUSD, Decimal("-1.5"), OrderType.MARKET, NOW)

        result = security.buying_power_model.has_sufficient_buying_power_for_order(
            book_portfolio, security, sell
        )

        assert result.reason == (
            "Your portfolio holds 1 BTC, 0 BTC of which are reserved for open orders, but your Sell order is "
            "for 1.5 BTC. Cash Modeling trading does not permit short holdings so ensure you only sell what "
            "you have, including any additional open orders."
        )

    @pytest.mark.parametrize(("quantity", "sufficient"), [("2", True), ("2.5", False)])
    def test_limit_buys_spend_the_quote_currency(self, quantity: str, sufficient: bool) -> None:
        book_portfolio, security = btc_account()
        buy = order(BTCUSD, Decimal(quantity), OrderType.LIMIT, NOW, limit_price=Decimal(5000))

        result = security.buying_power_model.has_sufficient_buying_power_for_order(
            book_portfolio, security, buy
        )

        assert result.is_sufficient is sufficient

    def test_limit_refusal_states_what_is_available(self) -> None:
        book_portfolio, security = btc_account()
        buy = order(BTCUSD, 3, OrderType.LIMIT, NOW, limit_price=Decimal(5000))

        result = security.buying_power_model.has_sufficient_buying_power_for_order(
            book_portfolio, security, buy
        )

        assert result.reason == (
            "Your portfolio holds 10000 USD, 0 USD of which are reserved for open orders, but your Buy order "
            "is for 3 BTC. Your order requires a total value of 15000 USD, but only a total value of 10000 "
            "USD is available."
        )

    def test_open_orders_reserve_their_cash(self) -> None:
        book_portfolio, security = btc_account()
        resting = order(BTCUSD, 1, OrderType.LIMIT, NOW, order_id=7, limit_price=Decimal(5000))
        book_portfolio.order_provider = _OpenOrders([resting])
        buy = order(BTCUSD, Decimal("1.5"), OrderType.LIMIT, NOW, limit_price=Decimal(5000))

        result = security.buying_power_model.has_sufficient_buying_power_for_order(
            book_portfolio, security, buy
        )

        assert not result.is_sufficient
        assert "5000 USD of which are reserved" in result.reason

    @pytest.mark.parametrize(("quantity", "sufficient"), [("1.99", True), ("2.5", False)])
    def test_market_buys_are_sized_at_the_ask(self, quantity: str, sufficient: bool) -> None:
        book_portfolio, security = btc_account()
        buy = order(BTCUSD, Decimal(quantity), OrderType.MARKET, NOW)

        result = security.buying_power_model.has_sufficient_buying_power_for_order(
            book_portfolio, security, buy
        )

        assert result.is_sufficient is sufficient

    def test_set_holdings_buys_base_currency_worth_the_target(self) -> None:
        book_portfolio, security = btc_account()

        # 0.5 x (10000 - 0.25%) = 4987.5 USD at the 5000 ask.
        assert calculate_order_quantity(book_portfolio, security, Decimal("0.5")) == Decimal("0.9975")

    def test_buying_power_is_in_base_currency(self) -> None:
        book_portfolio, security = btc_account(btc="0.25")
        model = security.buying_power_model

        assert model.get_buying_power(book_portfolio, security, OrderDirection.SELL) == Decimal("0.25")
        assert model.get_buying_power(book_portfolio, security, OrderDirection.BUY) == Decimal(
            10_000
        ) / Decimal(4995)

    def test_leverage_stays_one(self) -> None:
        _, security = btc_account()

        with pytest.raises(ValueError, match="does not allow setting leverage"):
            security.set_leverage(2)
