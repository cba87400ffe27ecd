"""Which pairs convert a cash currency to the account currency (LEAN's currency data feeds)."""

from __future__ import annotations

from pathlib import Path

from lean_core.enums import Market, SecurityType
from lean_core.securities.cash_book import CashBook
from lean_core.securities.currency_conversion import (
    CurrencyPair,
    PairMatch,
    compare_pair,
    find_conversion,
    is_stable_coin_without_pair,
    potential_pairs,
    security_pair,
)
from lean_core.symbols import Symbol
from lean_core.symbols.symbol_properties import SymbolPropertiesDatabase
from tests.unit.securities.builders import cash_book, crypto, forex


def pair(
    ticker: str, base: str, quote: str, security_type: SecurityType = SecurityType.CRYPTO
) -> CurrencyPair:
    market = Market.OANDA if security_type == SecurityType.FOREX else Market.COINBASE
    return CurrencyPair(Symbol.create(ticker, security_type, market), base, quote)


BTCUSD = pair("BTCUSD", "BTC", "USD")
BTCEUR = pair("BTCEUR", "BTC", "EUR")
EURUSD = pair("EURUSD", "EUR", "USD", SecurityType.FOREX)
USDJPY = pair("USDJPY", "USD", "JPY", SecurityType.FOREX)


class TestComparePair:
    def test_exact_and_inverse_matches(self) -> None:
        assert compare_pair(EURUSD, "EUR", "USD") == PairMatch.EXACT
        assert compare_pair(EURUSD, "USD", "EUR") == PairMatch.INVERSE
        assert compare_pair(EURUSD, "GBP", "USD") == PairMatch.NONE

    def test_a_stable_coin_stands_in_for_its_dollar(self) -> None:
        # Bybit lists USDC without a pair to USD: BTCUSDC prices BTC in dollars.
        btc_usdc = CurrencyPair(Symbol.create("BTCUSDC", SecurityType.CRYPTO, Market.BYBIT), "BTC", "USDC")

        assert compare_pair(btc_usdc, "BTC", "USD") == PairMatch.EXACT
        assert compare_pair(btc_usdc, "USD", "BTC") == PairMatch.INVERSE


class TestFindConversion:
    def test_one_pair_wins_over_a_two_pair_path(self) -> None:
        steps = find_conversion("EUR", "USD", [BTCEUR, BTCUSD, EURUSD])

        assert steps is not None and [(step.pair, step.inverted) for step in steps] == [(EURUSD, False)]

    def test_an_inverted_pair_divides(self) -> None:
        steps = find_conversion("JPY", "USD", [USDJPY])

        assert steps is not None and [(step.pair, step.inverted) for step in steps] == [(USDJPY, True)]

    def test_two_pairs_through_a_middle_currency(self) -> None:
        steps = find_conversion("EUR", "USD", [BTCEUR, BTCUSD])

        # EUR -> BTC divides by BTCEUR (EUR is its quote), BTC -> USD multiplies by BTCUSD.
        assert steps is not None
        assert [(step.pair, step.inverted) for step in steps] == [(BTCEUR, True), (BTCUSD, False)]

    def test_pairs_are_searched_in_order(self) -> None:
        other = pair("EURUSD", "EUR", "USD")  # the crypto namesake, listed first

        steps = find_conversion("EUR", "USD", [other, EURUSD])

        assert steps is not None and steps[0].pair is other

    def test_no_path(self) -> None:
        assert find_conversion("GBP", "USD", [BTCUSD, EURUSD]) is None


def test_stable_coins_without_a_pair_convert_at_one() -> None:
    assert is_stable_coin_without_pair("USDT", "USDC", Market.BYBIT)
    assert is_stable_coin_without_pair("USD", "USDC", Market.COINBASE)
    assert not is_stable_coin_without_pair("USD", "USDT", Market.COINBASE)
    assert not is_stable_coin_without_pair("USD", "EUR", Market.BYBIT)


def test_held_securities_split_into_their_currencies() -> None:
    book: CashBook = cash_book()

    btc = security_pair(crypto(book))
    eur = security_pair(forex(book))

    assert btc is not None and (btc.base, btc.quote, btc.security is not None) == ("BTC", "USD", True)
    assert eur is not None and (eur.base, eur.quote) == ("EUR", "USD")


def test_database_pairs_come_forex_first_from_the_brokerage_s_markets(tmp_path: Path) -> None:
    path = tmp_path / "symbol-properties-database.csv"
    path.write_text(
        "market,symbol,type,description,quote_currency,contract_multiplier,minimum_price_variation,lot_size\n"
        "coinbase,[*],crypto,,USD,1,0.01,0.01\n"
        "coinbase,BTCEUR,crypto,,EUR,1,0.01,0.00000001\n"
        "coinbase,USDCUSD,crypto,,USD,1,0.0001,0.01\n"
        "oanda,EURUSD,forex,,USD,1,0.00001,1\n"
        "oanda,DE30EUR,cfd,,EUR,1,0.1,1\n"
        "fxcm,EURGBP,forex,,GBP,1,0.00001,1\n"
    )
    database = SymbolPropertiesDatabase.from_file(path)
    markets = {
        SecurityType.FOREX: Market.OANDA,
        SecurityType.CFD: Market.OANDA,
        SecurityType.CRYPTO: Market.COINBASE,
    }

    pairs = potential_pairs(database, markets, [])

    assert [(p.symbol.value, p.symbol.security_type, p.base, p.quote) for p in pairs] == [
        ("EURUSD", SecurityType.FOREX, "EUR", "USD"),
        ("DE30EUR", SecurityType.CFD, "DE30", "EUR"),
        ("BTCEUR", SecurityType.CRYPTO, "BTC", "EUR"),
        ("USDCUSD", SecurityType.CRYPTO, "USDC", "USD"),
    ]
    assert all(p.security is None for p in pairs)
