from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from lean_core.enums import Market, OrderDirection, SecurityType
from lean_core.orders.fee_models import ConstantFeeModel
from lean_core.securities.portfolio import SecurityPortfolioManager, TransactionRecord
from lean_core.securities.security import Security, SecurityManager
from lean_core.symbols import Symbol
from lean_core.symbols.symbol_properties import SymbolProperties
from tests.unit.securities.builders import (
    BTCUSD,
    EURUSD,
    always_open_hours,
    cash_book,
    crypto,
    equity,
    fill_event,
    forex,
    new_york,
    portfolio,
    quote_bar,
    trade_bar,
)

XYZ = Symbol.create("XYZ", SecurityType.EQUITY, Market.USA)
T0 = datetime(2020, 1, 6, 15, 0, tzinfo=UTC)


def xyz_portfolio(cash: int = 10_000) -> tuple[SecurityPortfolioManager, Security]:
    book = cash_book(cash)
    security = equity(book, XYZ)
    security.set_fee_model(ConstantFeeModel(1))
    return portfolio(security, book=book), security


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


# (quantity, price, cash, quantity held, average price, sale volume, profit) after each fill, with a $1 fee:
# open, add, partial close, reverse through zero, close. Figures computed by hand.
STEPS = (
    (10, "100", "8999", "10", "100", "1000", "0"),
    (10, "110", "7898", "20", "105", "2100", "0"),
    (-5, "120", "8497", "15", "105", "2700", "75"),
    (-25, "90", "10746", "-10", "90", "4950", "-150"),
    (10, "80", "9945", "0", "0", "5750", "-50"),
)


class TestProcessFillSequence:
    def test_each_fill_updates_cash_position_and_profit(self) -> None:
        book_portfolio, security = xyz_portfolio()
        for minute, (quantity, price, cash, held, average, volume, profit) in enumerate(STEPS):
            book_portfolio.process_fill(fill_event(XYZ, quantity, price, at(minute), fee="1"))
            holding = book_portfolio["XYZ"]

            assert book_portfolio.exact_cash == Decimal(cash)
            assert holding.exact_quantity == Decimal(held)
            assert holding.exact_average_price == Decimal(average)
            assert holding.exact_total_sale_volume == Decimal(volume)
            assert holding.exact_profit == Decimal(profit)
        assert book_portfolio.exact_total_fees == 5
        assert book_portfolio.exact_total_net_profit == Decimal(-55)
        assert book_portfolio.total_portfolio_value == 9945.0
        assert not security.invested

    def test_closing_fills_leave_profit_less_twice_the_fee(self) -> None:
        book_portfolio, _ = xyz_portfolio()
        for minute, (quantity, price, *_rest) in enumerate(STEPS):
            book_portfolio.process_fill(fill_event(XYZ, quantity, price, at(minute), fee="1"))

        assert book_portfolio.transaction_records == [
            TransactionRecord(at(2), Decimal(73), True),
            TransactionRecord(at(3), Decimal(-227), False),
            TransactionRecord(at(4), Decimal(98), True),
        ]
        assert book_portfolio["XYZ"].exact_last_trade_profit == 100

    def test_records_at_the_same_time_move_on_by_a_millisecond(self) -> None:
        book_portfolio, _ = xyz_portfolio()
        book_portfolio.process_fill(fill_event(XYZ, 10, "100", at(0)))
        book_portfolio.process_fill(fill_event(XYZ, -5, "101", at(1)))
        book_portfolio.process_fill(fill_event(XYZ, -5, "102", at(1)))

        times = [record.utc_time for record in book_portfolio.transaction_records]
        assert times == [at(1), at(1) + timedelta(milliseconds=1)]


class TestTotals:
    def test_total_portfolio_value_marks_holdings_to_the_price(self) -> None:
        book_portfolio, security = xyz_portfolio()
        book_portfolio.process_fill(fill_event(XYZ, 10, "100", at(0), fee="1"))
        security.update_trade_bar(trade_bar(XYZ, new_york(2020, 1, 6, 10, 1), 103, 103, 103, 103))

        assert book_portfolio.exact_total_portfolio_value == Decimal(8999 + 1030)
        assert book_portfolio.exact_total_holdings_value == 1030
        # Closing at the bid (the price, without quotes) less the $1 closing fee.
        assert book_portfolio.exact_total_unrealized_profit == Decimal(29)
        assert book_portfolio.invested

    def test_margin_used_is_the_maintenance_margin(self) -> None:
        book_portfolio, security = xyz_portfolio()
        book_portfolio.process_fill(fill_event(XYZ, -10, "100", at(0)))
        security.update_trade_bar(trade_bar(XYZ, new_york(2020, 1, 6, 10, 1), 100, 100, 100, 100))

        assert book_portfolio.exact_total_margin_used == Decimal(500)
        assert book_portfolio.exact_margin_remaining == Decimal(10_000 - 500)
        # Buying back frees the short's margin and its initial margin.
        assert book_portfolio.get_buying_power("XYZ", OrderDirection.BUY) == 10_500.0
        assert book_portfolio.get_buying_power("XYZ", OrderDirection.SELL) == 9_500.0

    def test_set_cash_sets_the_account_or_another_currency(self) -> None:
        book_portfolio, _ = xyz_portfolio()
        book_portfolio.set_cash(Decimal(5000))
        book_portfolio.set_cash(Decimal(100), "eur", Decimal("1.2"))

        assert book_portfolio.cash_book["USD"].exact_amount == 5000
        assert book_portfolio.exact_cash == Decimal("5120.0")

    def test_lookups_take_symbols_and_tickers(self) -> None:
        book_portfolio, security = xyz_portfolio()

        assert book_portfolio[XYZ] is book_portfolio["xyz"] is security.holdings
        assert "XYZ" in book_portfolio
        assert book_portfolio.contains_key(XYZ)

    def test_default_portfolio_starts_with_100000_usd(self) -> None:
        assert SecurityPortfolioManager(SecurityManager()).cash == 100_000.0


class TestCurrencyPairs:
    def test_forex_fill_swaps_currencies(self) -> None:
        book = cash_book(100_000)
        security = forex(book)
        book_portfolio = portfolio(security, book=book)
        security.update_quote_bar(quote_bar(EURUSD, datetime(2020, 1, 1, 0, 1), 1.1, 1.1))
        book.update_conversion_rates([security])
        book_portfolio.process_fill(fill_event(EURUSD, 10_000, "1.1", at(0)))

        assert book["USD"].exact_amount == Decimal("89000.0")
        assert book["EUR"].exact_amount == 10_000
        assert book_portfolio.exact_total_portfolio_value == Decimal("100000.0")

    def test_crypto_fee_is_paid_in_its_currency(self) -> None:
        book = cash_book(10_000)
        security = crypto(book)
        book_portfolio = portfolio(security, book=book)
        security.update_trade_bar(trade_bar(BTCUSD, datetime(2020, 1, 1, 0, 1), 5000, 5000, 5000, 5000))
        book.update_conversion_rates([security])
        book_portfolio.process_fill(
            fill_event(BTCUSD, "1.5", "5000", at(0), fee="0.0015", fee_currency="BTC")
        )

        assert book["USD"].exact_amount == Decimal("2500.0")
        assert book["BTC"].exact_amount == Decimal("1.4985")
        assert book_portfolio["BTCUSD"].exact_total_fees == Decimal("7.5000")

    @pytest.mark.parametrize("quantity", [Decimal("0.000000005"), Decimal(0)])
    def test_less_than_a_lot_is_not_invested(self, quantity: Decimal) -> None:
        book = cash_book()
        security = crypto(book)
        security.holdings.set_holdings(Decimal(1), quantity)

        assert not security.holdings.invested

    def test_a_plain_security_of_a_pair_gets_its_base_currency(self) -> None:
        book = cash_book()
        properties = SymbolProperties("", "USD", Decimal(1), Decimal("0.00001"), Decimal(1))
        security = Security(EURUSD, always_open_hours(), properties, book["USD"])
        book_portfolio = portfolio(security, book=book)
        book_portfolio.process_fill(fill_event(EURUSD, 1000, "1.1", at(0)))

        assert security.base_currency is book["EUR"]
        assert book["EUR"].exact_amount == 1000
