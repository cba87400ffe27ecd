"""Symbol properties: LEAN's sample database, fallbacks and malformed rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from lean_core.enums import OptionRight, OptionStyle, SecurityType
from lean_core.errors import MissingDataError, SymbolPropertiesError
from lean_core.symbols.symbol import Symbol
from lean_core.symbols.symbol_properties import (
    SymbolProperties,
    SymbolPropertiesDatabase,
    database_ticker,
    option_underlying_ticker,
)

HEADER = (
    "market,symbol,type,description,quote_currency,contract_multiplier,minimum_price_variation,lot_size,"
    "market_ticker,minimum_order_size,price_magnifier,strike_multiplier"
)


@pytest.fixture(scope="module")
def database(lean_data_folder: Path) -> SymbolPropertiesDatabase:
    return SymbolPropertiesDatabase.from_data_folder(lean_data_folder)


def write_csv(folder: Path, *rows: str) -> Path:
    path = folder / "symbol-properties-database.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    return path


class TestSampleDatabase:
    def test_spy_takes_the_usa_equity_defaults(self, database: SymbolPropertiesDatabase) -> None:
        properties = database.get("usa", "SPY", SecurityType.EQUITY)

        assert properties.quote_currency == "USD"
        assert properties.contract_multiplier == 1
        assert properties.minimum_price_variation == Decimal("0.01")
        assert properties.lot_size == 1
        assert properties.minimum_order_size is None

    def test_oanda_eurusd_quotes_in_usd_with_a_tenth_of_a_pip(
        self, database: SymbolPropertiesDatabase
    ) -> None:
        properties = database.get("oanda", "EURUSD", SecurityType.FOREX)

        assert properties.description == "EUR/USD"
        assert properties.quote_currency == "USD"
        assert properties.minimum_price_variation == Decimal("0.00001")
        assert properties.lot_size == 1

    def test_coinbase_btcusd_trades_in_satoshis(self, database: SymbolPropertiesDatabase) -> None:
        properties = database.get("coinbase", "BTCUSD", SecurityType.CRYPTO)

        assert properties.quote_currency == "USD"
        assert properties.minimum_price_variation == Decimal("0.01")
        assert properties.lot_size == Decimal("0.00000001")
        assert properties.market_ticker == "BTC-USD"
        assert properties.minimum_order_size == Decimal("0.00000001")

    def test_es_future_has_a_multiplier_of_fifty(self, database: SymbolPropertiesDatabase) -> None:
        properties = database.get("cme", "ES", SecurityType.FUTURE)

        assert properties.contract_multiplier == 50
        assert properties.minimum_price_variation == Decimal("0.25")

    def test_exponent_tick_sizes_are_read(self, database: SymbolPropertiesDatabase) -> None:
        assert database.get("cme", "6E", SecurityType.FUTURE).minimum_price_variation == Decimal("0.00005")

    def test_equity_option_uses_the_usa_option_defaults(self, database: SymbolPropertiesDatabase) -> None:
        properties = database.get("usa", "SPY", SecurityType.OPTION)

        assert properties.contract_multiplier == 100

    def test_future_option_without_a_row_falls_back_on_its_future(
        self, database: SymbolPropertiesDatabase
    ) -> None:
        assert not database.contains_key("cme", "EUU", SecurityType.FUTURE_OPTION)

        properties = database.get("cme", "EUU", SecurityType.FUTURE_OPTION)

        assert properties == database.get("cme", "6E", SecurityType.FUTURE)

    def test_future_option_with_a_row_uses_it(self, database: SymbolPropertiesDatabase) -> None:
        assert database.get("cbot", "OZC", SecurityType.FUTURE_OPTION).price_magnifier == 100

    def test_unknown_security_gets_lean_defaults_in_the_given_currency(
        self, database: SymbolPropertiesDatabase
    ) -> None:
        properties = database.get("nowhere", "XYZ", SecurityType.EQUITY, default_quote_currency="eur")

        assert properties == SymbolProperties("", "EUR", Decimal(1), Decimal("0.01"), Decimal(1))

    def test_lookup_ignores_case(self, database: SymbolPropertiesDatabase) -> None:
        assert database.get("CME", "es", SecurityType.FUTURE).contract_multiplier == 50

    def test_properties_list_holds_a_markets_rows_of_one_type(
        self, database: SymbolPropertiesDatabase
    ) -> None:
        rows = database.get_symbol_properties_list("oanda", SecurityType.FOREX)

        tickers = [ticker for ticker, _ in rows]
        assert "EURUSD" in tickers
        assert len(tickers) == len(set(tickers)) > 50

    def test_market_of_a_ticker_is_the_first_listed(self, database: SymbolPropertiesDatabase) -> None:
        assert database.try_get_market("ES", SecurityType.FUTURE) == "cme"
        assert database.try_get_market("NOPE", SecurityType.FUTURE) is None


class TestDatabaseTicker:
    def test_equity_option_is_keyed_by_its_underlying(self) -> None:
        underlying = Symbol.create("SPY", SecurityType.EQUITY, "usa")
        option = Symbol.create_option(
            underlying, "usa", OptionStyle.AMERICAN, OptionRight.CALL, Decimal(200), date(2014, 6, 21)
        )

        assert database_ticker(option) == "SPY"

    def test_future_is_keyed_by_its_root(self) -> None:
        future = Symbol.create_future("ES", "cme", date(2013, 12, 20))

        assert database_ticker(future) == "ES"

    @pytest.mark.parametrize(
        ("ticker", "security_type", "expected"),
        [
            ("SPXW", SecurityType.INDEX_OPTION, "SPX"),
            ("SPX", SecurityType.INDEX_OPTION, "SPX"),
            ("OG", SecurityType.FUTURE_OPTION, "GC"),
            ("ES", SecurityType.FUTURE_OPTION, "ES"),
            ("SPY", SecurityType.OPTION, "SPY"),
        ],
    )
    def test_option_tickers_map_to_their_underlying(
        self, ticker: str, security_type: SecurityType, expected: str
    ) -> None:
        assert option_underlying_ticker(ticker, security_type) == expected


class TestFileFormat:
    def test_comments_and_blank_lines_are_skipped(self, tmp_path: Path) -> None:
        path = tmp_path / "symbol-properties-database.csv"
        path.write_text(f"# leading comment\n\n{HEADER}\n\n# note\nusa,[*],equity,,USD,1,0.01,1\n")

        database = SymbolPropertiesDatabase.from_file(path)

        assert database.contains_key("usa", None, SecurityType.EQUITY)

    def test_rows_of_unknown_security_types_are_skipped(self, tmp_path: Path) -> None:
        database = SymbolPropertiesDatabase.from_file(write_csv(tmp_path, "usa,XYZ,bond,,USD,1,0.01,1"))

        assert database.get_symbol_properties_list("usa") == []

    def test_optional_columns_default_as_in_lean(self, tmp_path: Path) -> None:
        database = SymbolPropertiesDatabase.from_file(
            write_csv(tmp_path, "cme,ES,future,E-mini,USD,50,0.25,1")
        )

        properties = database.get("cme", "ES", SecurityType.FUTURE)

        assert (properties.market_ticker, properties.minimum_order_size) == ("", None)
        assert (properties.price_magnifier, properties.strike_multiplier) == (Decimal(1), Decimal(1))

    @pytest.mark.parametrize(
        ("row", "message"),
        [
            ("cme,ES,future,E-mini,USD,fifty,0.25,1", "contract_multiplier"),
            ("cme,ES,future,E-mini,USD,50,0.25", "at least 8 columns"),
            ("cme,ES,future,E-mini,USD,50,0.25,0", "lot_size must be positive"),
            ("cme,ES,future,E-mini,USD,50,0.25,1,,x", "minimum_order_size"),
            ("cme,ES,future,E-mini,USD,50,0.25,1,,,0", "price_magnifier must be positive"),
            ("cme,ES,future,E-mini,USD,50,NaN,1", "minimum_price_variation"),
        ],
    )
    def test_malformed_row_raises_naming_the_line(self, tmp_path: Path, row: str, message: str) -> None:
        path = write_csv(tmp_path, "usa,[*],equity,,USD,1,0.01,1", row)

        with pytest.raises(SymbolPropertiesError, match=message) as raised:
            SymbolPropertiesDatabase.from_file(path)

        assert (raised.value.path, raised.value.line) == (path, 3)

    def test_duplicate_row_raises_naming_the_line(self, tmp_path: Path) -> None:
        path = write_csv(tmp_path, "cme,ES,future,a,USD,50,0.25,1", "CME,es,future,b,USD,50,0.25,1")

        with pytest.raises(SymbolPropertiesError, match="duplicate") as raised:
            SymbolPropertiesDatabase.from_file(path)

        assert raised.value.line == 3

    def test_missing_file_raises_missing_data(self, tmp_path: Path) -> None:
        with pytest.raises(MissingDataError):
            SymbolPropertiesDatabase.from_data_folder(tmp_path)
