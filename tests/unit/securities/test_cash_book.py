from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import pytest

from lean_core.enums import Market, SecurityType
from lean_core.securities.cash_book import Cash, CashBook
from lean_core.symbols import Symbol
from tests.unit.securities.builders import EURUSD, cash_book, crypto, forex, quote_bar, trade_bar


class TestCashBook:
    def test_starts_with_the_account_currency_at_rate_one(self) -> None:
        book = CashBook()

        assert book.account_currency == "USD"
        assert book["usd"].exact_conversion_rate == 1
        assert book.total_value_in_account_currency == 0.0

    def test_adding_an_existing_currency_keeps_the_instance(self) -> None:
        book = CashBook()
        first = book.add("EUR", Decimal(10), Decimal("1.1"))
        second = book.add(Cash("EUR", Decimal(20), Decimal("1.2")))

        assert second is first
        assert (first.exact_amount, first.exact_conversion_rate) == (Decimal(20), Decimal("1.2"))

    def test_total_value_converts_every_currency(self) -> None:
        book = cash_book(1000)
        book.add("EUR", Decimal(100), Decimal("1.1"))

        assert book.exact_total_value_in_account_currency == Decimal("1110.0")

    def test_changing_the_account_currency_moves_the_amount(self) -> None:
        book = cash_book(500)
        book.account_currency = "eur"

        assert "USD" not in book
        assert book["EUR"].exact_amount == 500

    def test_convert_uses_both_rates(self) -> None:
        book = cash_book()
        book.add("EUR", Decimal(0), Decimal("1.25"))
        book.add("GBP", Decimal(0), Decimal("1.5"))

        assert book.convert(Decimal(30), "GBP", "EUR") == Decimal(36)
        assert book.convert_to_account_currency(Decimal(10), "EUR") == Decimal("12.50")

    def test_convert_without_a_rate_raises(self) -> None:
        book = cash_book()
        book.add("JPY", Decimal(0), Decimal(0))

        with pytest.raises(ValueError, match="conversion rate for JPY is not available"):
            book.convert_to_account_currency(Decimal(1), "JPY")

    def test_missing_currency_names_it(self) -> None:
        with pytest.raises(KeyError, match=r"\(CHF\) was not found"):
            CashBook()["CHF"]


@dataclass
class _Pair:
    """A stand-in for a conversion security: what the cash book reads from it."""

    value: str
    quote: str
    price: Decimal | None
    symbol: Symbol = field(init=False)
    quote_currency: Cash = field(init=False)
    type: SecurityType = SecurityType.FOREX

    def __post_init__(self) -> None:
        self.symbol = Symbol.create(self.value, SecurityType.FOREX, Market.OANDA)
        self.quote_currency = Cash(self.quote, Decimal(0), Decimal(1))

    @property
    def exact_last_data_price(self) -> Decimal | None:
        return self.price


class TestConversionRates:
    def test_a_direct_pair_gives_its_price(self) -> None:
        book = cash_book()
        security = forex(book)
        security.update_quote_bar(quote_bar(EURUSD, datetime(2020, 1, 1), 1.1, 1.1002))
        book.update_conversion_rates([security])

        assert book["EUR"].exact_conversion_rate == Decimal("1.1001")

    @pytest.mark.parametrize(
        ("pairs", "currency", "expected"),
        [
            ([("USDJPY", "JPY", Decimal(100))], "JPY", Decimal("0.01")),
            ([("EURGBP", "GBP", Decimal(2)), ("GBPUSD", "USD", Decimal("1.5"))], "EUR", Decimal("3.0")),
            ([("GBPUSD", "USD", None)], "GBP", Decimal(0)),
        ],
    )
    def test_inverted_two_leg_and_missing_data(
        self, pairs: list[tuple[str, str, Decimal | None]], currency: str, expected: Decimal
    ) -> None:
        book = cash_book()
        book.add(currency, Decimal(1), Decimal(7))
        securities = [_Pair(value, quote, price) for value, quote, price in pairs]
        book.update_conversion_rates(securities)  # type: ignore[arg-type]

        assert book[currency].exact_conversion_rate == expected

    def test_a_currency_without_pair_keeps_its_constant_rate(self) -> None:
        book = cash_book()
        book.add("CHF", Decimal(1), Decimal("1.07"))
        book.update_conversion_rates([])

        assert book["CHF"].exact_conversion_rate == Decimal("1.07")

    def test_crypto_base_currency_follows_the_last_trade(self) -> None:
        book = cash_book()
        security = crypto(book)
        security.update_trade_bar(
            trade_bar(security.symbol, datetime(2020, 1, 1, 0, 1), 7000.0, 7000.0, 7000.0, 7000.5)
        )
        book.update_conversion_rates([security])

        assert book["BTC"].exact_conversion_rate == Decimal("7000.5")


class TestConversionLegs:
    def test_set_legs_are_recomputed_on_every_update(self) -> None:
        book = cash_book()
        security = forex(book)
        book["EUR"].set_conversion([(security, False)])
        security.update_quote_bar(quote_bar(EURUSD, datetime(2020, 1, 1, 0, 1), 1.1, 1.1002))

        book.update_rates()
        first = book["EUR"].exact_conversion_rate
        security.update_quote_bar(quote_bar(EURUSD, datetime(2020, 1, 1, 0, 2), 1.2, 1.2002))
        book.update_rates()

        assert (first, book["EUR"].exact_conversion_rate) == (Decimal("1.1001"), Decimal("1.2001"))
        assert book["EUR"].conversion_securities == (security,)

    def test_no_legs_keep_the_constant_rate(self) -> None:
        book = cash_book()
        book.add("CHF", Decimal(1), Decimal("1.07"))
        book["CHF"].set_conversion(())

        book.update_rates()

        assert book["CHF"].exact_conversion_rate == Decimal("1.07")
        assert book["CHF"].conversion_securities == ()

    def test_a_leg_without_data_gives_zero(self) -> None:
        book = cash_book()
        security = forex(book)
        book["EUR"].set_conversion_rate(Decimal("1.1"))
        book["EUR"].set_conversion([(security, False)])

        book.update_rates()

        assert book["EUR"].exact_conversion_rate == 0

    def test_the_rates_the_transaction_handler_is_sent_leave_out_the_account_currency(self) -> None:
        book = cash_book()
        book.add("EUR", Decimal(5), Decimal("1.1"))

        assert book.exact_conversion_rates() == {"EUR": Decimal("1.1")}
