from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from lean_core.enums import AccountType
from lean_core.orders.fee_models import ConstantFeeModel
from lean_core.securities.portfolio import SecurityPortfolioManager
from lean_core.securities.settlement import DelayedSettlementModel, ImmediateSettlementModel
from tests.unit.securities.builders import SPY, cash_book, equity, fill_event, new_york, portfolio, trade_bar

FRIDAY_SALE = datetime(2013, 10, 11, 15, 0, tzinfo=UTC)  # 11:00 New York


def cash_account() -> SecurityPortfolioManager:
    book = cash_book(10_000)
    security = equity(book, account_type=AccountType.CASH)
    security.set_fee_model(ConstantFeeModel(0))
    security.update_trade_bar(trade_bar(SPY, new_york(2013, 10, 11, 11, 0), 100, 100, 100, 100))
    return portfolio(security, book=book, account_type=AccountType.CASH)


class TestCashAccountSettlement:
    def test_equities_on_a_cash_account_settle_later(self) -> None:
        assert isinstance(
            equity(cash_book(), account_type=AccountType.CASH).settlement_model, DelayedSettlementModel
        )
        assert isinstance(equity(cash_book()).settlement_model, ImmediateSettlementModel)

    def test_a_purchase_is_paid_at_once(self) -> None:
        book_portfolio = cash_account()
        book_portfolio.process_fill(fill_event(SPY, 10, "100", FRIDAY_SALE))

        assert book_portfolio.exact_cash == Decimal(9000)
        assert book_portfolio.exact_unsettled_cash == 0

    def test_sale_proceeds_wait_for_the_next_trading_day_at_six(self) -> None:
        book_portfolio = cash_account()
        book_portfolio.process_fill(fill_event(SPY, 10, "100", FRIDAY_SALE))
        book_portfolio.process_fill(fill_event(SPY, -10, "100", FRIDAY_SALE))

        assert book_portfolio.exact_cash == Decimal(9000)
        assert book_portfolio.exact_unsettled_cash == Decimal(1000)
        assert book_portfolio.exact_total_portfolio_value == Decimal(10_000)
        assert book_portfolio.exact_margin_remaining == Decimal(9000)

        # Monday 06:00 New York (10:00 UTC): the weekend does not count.
        monday_settlement = datetime(2013, 10, 14, 10, 0, tzinfo=UTC)
        book_portfolio.scan(monday_settlement - timedelta(seconds=1))
        assert book_portfolio.exact_unsettled_cash == Decimal(1000)
        book_portfolio.scan(monday_settlement)
        assert book_portfolio.exact_cash == Decimal(10_000)
        assert book_portfolio.exact_unsettled_cash == 0

    @pytest.mark.parametrize(
        ("days", "filled", "expected"),
        [
            (1, datetime(2013, 10, 7, 15, tzinfo=UTC), datetime(2013, 10, 8, 10, tzinfo=UTC)),
            (1, datetime(2013, 10, 11, 15, tzinfo=UTC), datetime(2013, 10, 14, 10, tzinfo=UTC)),
            (3, datetime(2013, 10, 10, 15, tzinfo=UTC), datetime(2013, 10, 15, 10, tzinfo=UTC)),
        ],
    )
    def test_settlement_time_counts_trading_days(
        self, days: int, filled: datetime, expected: datetime
    ) -> None:
        model = DelayedSettlementModel(days, timedelta(hours=6))

        assert model.settlement_time(equity(cash_book()), filled) == expected

    def test_unsettled_cash_is_reported_in_the_account_currency(self) -> None:
        book_portfolio = cash_account()
        book_portfolio.process_fill(fill_event(SPY, -10, "100", FRIDAY_SALE))
        unsettled = book_portfolio.securities["SPY"].settlement_model.get_unsettled_cash()

        assert unsettled is not None
        assert (unsettled.amount, unsettled.currency) == (Decimal(1000), "USD")
