from datetime import date
from decimal import Decimal

import pytest

from lean_core.enums import Market, OptionRight, OptionStyle, SecurityType
from lean_core.errors import SymbolError
from lean_core.symbols import SecurityIdentifier, Symbol


@pytest.mark.parametrize(
    ("text", "security_type", "market"),
    [
        ("SPY R735QTJ8XC9X", SecurityType.EQUITY, Market.USA),
        ("AAPL R735QTJ8XC9X", SecurityType.EQUITY, Market.USA),
        ("EURUSD 8G", SecurityType.FOREX, Market.OANDA),
        ("BTCUSD 2XR", SecurityType.CRYPTO, Market.COINBASE),
    ],
)
def test_lean_printed_identifiers_round_trip(text: str, security_type: SecurityType, market: str) -> None:
    sid = SecurityIdentifier.parse(text)

    assert str(sid) == text
    assert sid.security_type == security_type
    assert sid.market == market


@pytest.mark.parametrize(
    ("ticker", "security_type", "market", "expected"),
    [
        ("SPY", SecurityType.EQUITY, Market.USA, "SPY R735QTJ8XC9X"),
        ("EURUSD", SecurityType.FOREX, Market.OANDA, "EURUSD 8G"),
        ("BTCUSD", SecurityType.CRYPTO, Market.COINBASE, "BTCUSD 2XR"),
    ],
)
def test_symbol_create_generates_lean_identifier(
    ticker: str, security_type: SecurityType, market: str, expected: str
) -> None:
    assert str(Symbol.create(ticker, security_type, market).id) == expected


def test_equity_identifier_date_is_first_map_file_date() -> None:
    sid = SecurityIdentifier.parse("SPY R735QTJ8XC9X")

    assert sid.date == date(1998, 1, 2)


@pytest.mark.parametrize("strike", [Decimal("650"), Decimal("0.5"), Decimal("192.5"), Decimal("-12.25")])
def test_option_identifier_keeps_strike_right_style_and_expiry(strike: Decimal) -> None:
    underlying = Symbol.create("AAPL", SecurityType.EQUITY, Market.USA)
    option = Symbol.create_option(
        underlying, Market.USA, OptionStyle.AMERICAN, OptionRight.PUT, strike, date(2014, 6, 21)
    )

    parsed = SecurityIdentifier.parse(str(option.id))

    assert parsed == option.id
    assert parsed.strike_price == strike
    assert parsed.option_right == OptionRight.PUT
    assert parsed.option_style == OptionStyle.AMERICAN
    assert parsed.date == date(2014, 6, 21)
    assert parsed.underlying == underlying.id
    assert parsed.security_type == SecurityType.OPTION


def test_option_symbol_value_is_osi_ticker() -> None:
    underlying = Symbol.create("AAPL", SecurityType.EQUITY, Market.USA)
    option = Symbol.create_option(
        underlying, Market.USA, OptionStyle.AMERICAN, OptionRight.CALL, 650, date(2014, 6, 21)
    )

    assert option.value == "AAPL  140621C00650000"


def test_future_identifier_keeps_expiry_and_market() -> None:
    future = Symbol.create_future("ES", Market.CME, date(2013, 12, 20))

    parsed = SecurityIdentifier.parse(str(future.id))

    assert parsed.date == date(2013, 12, 20)
    assert parsed.market == Market.CME
    assert parsed.security_type == SecurityType.FUTURE


@pytest.mark.parametrize("text", ["SPY", "SPY !!!", " R735QTJ8XC9X", "SPY 3E5"])
def test_malformed_identifier_names_the_text(text: str) -> None:
    with pytest.raises(SymbolError, match="symbol"):
        SecurityIdentifier.parse(text)


def test_unknown_market_is_rejected_with_its_name() -> None:
    with pytest.raises(SymbolError, match="nasdaqq"):
        Symbol.create("SPY", SecurityType.EQUITY, "nasdaqq")


def test_symbols_compare_by_identifier_not_ticker() -> None:
    old = Symbol.create("GOOG", SecurityType.EQUITY, Market.USA)

    assert old.with_value("GOOGL") == old
    assert hash(old.with_value("GOOGL")) == hash(old)
