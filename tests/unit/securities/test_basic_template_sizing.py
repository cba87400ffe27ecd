"""LEAN's BasicTemplateAlgorithm on 2013-10-07: set_holdings(SPY, 1) buys 688 shares for $3.44 in fees."""

from decimal import Decimal

import pytest

from lean_core.enums import OrderType
from lean_core.orders.fee_models import OrderFee
from lean_core.securities.buying_power import (
    PortfolioSizingSettings,
    calculate_order_quantity,
    calculate_order_quantity_result,
    insufficient_buying_power_message,
)
from lean_core.securities.portfolio import SecurityPortfolioManager
from lean_core.securities.security import Security
from tests.unit.securities.builders import (
    SPY,
    SPY_FACTOR,
    cash_book,
    deci_cents,
    equity,
    fill_event,
    new_york,
    order,
    portfolio,
    quote_bar,
    trade_bar,
    utc_of_new_york,
)

BAR_END = new_york(2013, 10, 7, 9, 31)
ORDER_TIME = utc_of_new_york(BAR_END)


def basic_template(cash: int = 100_000) -> tuple[SecurityPortfolioManager, Security]:
    book = cash_book(cash)
    security = equity(book)
    security.price_factor = SPY_FACTOR
    trade = deci_cents(1674400, SPY_FACTOR)
    bid, ask = deci_cents(1674400, SPY_FACTOR), deci_cents(1674500, SPY_FACTOR)
    security.update_trade_bar(trade_bar(SPY, BAR_END, trade, trade, trade, trade))
    security.update_quote_bar(quote_bar(SPY, BAR_END, bid, ask))
    security.set_utc_time(ORDER_TIME)
    return portfolio(security, book=book), security


class TestSetHoldingsSizing:
    def test_set_holdings_one_buys_688_shares(self) -> None:
        book_portfolio, security = basic_template()

        assert calculate_order_quantity(book_portfolio, security, Decimal(1)) == Decimal(688)

    def test_the_order_fee_is_344(self) -> None:
        _, security = basic_template()
        market = order(SPY, 688, OrderType.MARKET, ORDER_TIME)

        assert security.fee_model.get_order_fee(security, market) == OrderFee(Decimal("3.44"), "USD")

    def test_fill_and_portfolio_match_leans_figures(self) -> None:
        book_portfolio, security = basic_template()
        market = order(SPY, 688, OrderType.MARKET, ORDER_TIME)
        fill = security.fill_model.fill(security, market, ORDER_TIME)
        assert fill is not None
        fee = security.fee_model.get_order_fee(security, market)
        book_portfolio.process_fill(fill_event(SPY, 688, fill.fill_price, ORDER_TIME, fee=fee.amount))

        assert str(fill.fill_price) == "144.78172417000"
        assert book_portfolio.exact_cash == Decimal("386.73377104000")
        # Valued at the trade close, closed at the bid less the $3.44 closing fee.
        assert book_portfolio.exact_total_portfolio_value == Decimal("99990.61136899200")
        assert book_portfolio["SPY"].exact_unrealized_profit == Decimal("-9.38863100800")

    def test_sizing_without_the_free_buffer_targets_the_full_value(self) -> None:
        book_portfolio, security = basic_template()
        settings = PortfolioSizingSettings(free_portfolio_value_percentage=Decimal(0))

        # 50000 margin / 72.386538952 per share = 690.7 -> 690, whose fee keeps it under the target.
        assert calculate_order_quantity(book_portfolio, security, Decimal(1), settings) == Decimal(690)

    def test_settings_may_be_any_object_with_leans_names(self) -> None:
        book_portfolio, security = basic_template()

        class Settings:
            free_portfolio_value = 50_000.0

        assert calculate_order_quantity(book_portfolio, security, 1.0, Settings()) == Decimal(345)

    @pytest.mark.parametrize(
        ("target", "expected"), [(Decimal("-0.5"), Decimal(-344)), (Decimal(0), Decimal(0))]
    )
    def test_short_targets_round_up_to_stay_inside_the_target(
        self, target: Decimal, expected: Decimal
    ) -> None:
        book_portfolio, security = basic_template()

        assert calculate_order_quantity(book_portfolio, security, target) == expected

    def test_a_change_under_the_minimum_margin_is_skipped_with_a_reason(self) -> None:
        book_portfolio, security = basic_template()
        book_portfolio.process_fill(fill_event(SPY, 688, "144.78172417000", ORDER_TIME, fee="3.44"))

        # The target margin moves by 68.88, under 0.1% of the 99990.61 portfolio.
        result = calculate_order_quantity_result(book_portfolio, security, Decimal(1))

        assert result.quantity == 0
        assert not result.is_error
        assert result.reason.startswith("The target order margin ")

    def test_a_security_without_price_is_an_error(self) -> None:
        book = cash_book()
        security = equity(book)
        result = calculate_order_quantity_result(portfolio(security, book=book), security, Decimal(1))

        assert result.is_error
        assert "does not have an accurate price" in result.reason

    def test_an_absurd_target_is_refused(self) -> None:
        book_portfolio, security = basic_template()
        result = calculate_order_quantity_result(book_portfolio, security, Decimal(2_000_000_000))

        assert result.is_error
        assert result.reason.startswith("The portfolio target percent: 2000000000, does not comply")


class TestBuyingPowerCheck:
    def test_refusal_states_initial_and_free_margin(self) -> None:
        book_portfolio, security = basic_template(cash=1000)
        market = order(SPY, 688, OrderType.MARKET, ORDER_TIME)

        result = security.buying_power_model.has_sufficient_buying_power_for_order(
            book_portfolio, security, market
        )

        assert not result.is_sufficient
        assert result.reason == "Id: 1, Initial Margin: 49805.378798976, Free Margin: 1000"
        assert insufficient_buying_power_message([(market, security)], result) == (
            "Order Error: ids: [1], Insufficient buying power to complete orders (Value:[99603.8776]), "
            "Reason: Id: 1, Initial Margin: 49805.378798976, Free Margin: 1000."
        )

    def test_enough_cash_passes(self) -> None:
        book_portfolio, security = basic_template()
        market = order(SPY, 688, OrderType.MARKET, ORDER_TIME)

        assert security.buying_power_model.has_sufficient_buying_power_for_order(
            book_portfolio, security, market
        )

    def test_reducing_a_position_always_passes(self) -> None:
        book_portfolio, security = basic_template(cash=0)
        security.holdings.set_holdings(Decimal(100), Decimal(688))
        sell = order(SPY, -688, OrderType.MARKET, ORDER_TIME)

        result = security.buying_power_model.has_sufficient_buying_power_for_order(
            book_portfolio, security, sell
        )

        assert result.is_sufficient

    def test_reversal_can_use_the_margin_of_the_closed_position(self) -> None:
        book_portfolio, security = basic_template(cash=0)
        book_portfolio.process_fill(fill_event(SPY, 100, "144.77307790400", ORDER_TIME))
        book_portfolio.set_cash(Decimal(14_477))
        # TPV = 14477 - 14477.3... + 14477.3...; a 200-share sale needs 14477 margin and gets 14477 back.
        reverse = order(SPY, -200, OrderType.MARKET, ORDER_TIME)

        result = security.buying_power_model.has_sufficient_buying_power_for_order(
            book_portfolio, security, reverse
        )

        assert result.is_sufficient
