"""Build `Security` objects the way LEAN does: market hours, symbol properties, brokerage models.

Both the algorithm (for `add_equity` and friends) and the transaction handler (for its own
replica of the securities) build securities here, so the two always agree.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from lean_core.data.map_files import MapFileProvider
from lean_core.enums import DataNormalizationMode, Resolution, SecurityType
from lean_core.errors import MarketHoursError
from lean_core.securities.brokerage_model import BrokerageModel
from lean_core.securities.cash_book import Cash, CashBook
from lean_core.securities.security import Crypto, Security
from lean_core.symbols import Symbol
from lean_core.symbols.symbol_properties import SymbolProperties, SymbolPropertiesDatabase, database_ticker
from lean_core.time.market_hours_database import MarketHoursDatabase, MarketHoursEntry
from lean_core.time.time_zones import TimeZones

# Securities whose behaviour differs from the base class (LEAN's security subclasses).
_SECURITY_CLASSES: dict[SecurityType, type[Security]] = {SecurityType.CRYPTO: Crypto}


class SecurityFactory:
    """Create securities and symbols from a data folder's databases."""

    def __init__(
        self,
        data_folder: Path,
        *,
        market_hours: MarketHoursDatabase | None = None,
        symbol_properties: SymbolPropertiesDatabase | None = None,
    ) -> None:
        self.data_folder = Path(data_folder)
        self.market_hours = market_hours or MarketHoursDatabase.from_data_folder(self.data_folder)
        self.symbol_properties = symbol_properties or SymbolPropertiesDatabase.from_data_folder(
            self.data_folder
        )
        self.map_files = MapFileProvider(self.data_folder)
        # Custom data securities' own hours and properties (LEAN writes them into its databases).
        self._custom: dict[Symbol, tuple[Symbol, MarketHoursEntry, SymbolProperties | None]] = {}

    def add_custom_security(
        self, symbol: Symbol, entry: MarketHoursEntry, properties: SymbolProperties | None = None
    ) -> None:
        """Give a custom data security its exchange hours and, optionally, its own properties.

        The symbol is kept as given: securities built later for its identifier get its underlying.
        """
        self._custom[symbol] = (symbol, entry, properties)

    def create_symbol(self, ticker: str, security_type: SecurityType, market: str) -> Symbol:
        """Return the symbol of a ticker; equities get the identifier their map file gives."""
        if security_type == SecurityType.EQUITY:
            # LEAN resolves the ticker at the wall-clock date, as `AddEquity` does.
            return self.map_files.create_equity_symbol(ticker, market, date.today())
        return Symbol.create(ticker, security_type, market)

    def create_security(
        self,
        symbol: Symbol,
        cash_book: CashBook,
        brokerage: BrokerageModel,
        *,
        resolution: Resolution,
        leverage: float | None = None,
        data_normalization_mode: DataNormalizationMode = DataNormalizationMode.ADJUSTED,
        is_internal: bool = False,
    ) -> Security:
        """Return a security with its exchange hours, properties and the brokerage's models."""
        symbol, entry, properties = self._custom.get(symbol) or (symbol, self._entry(symbol), None)
        properties = properties or self.symbol_properties.get(
            symbol.id.market, database_ticker(symbol), symbol.security_type, cash_book.account_currency
        )
        quote = properties.quote_currency
        if quote not in cash_book:
            cash_book.add(Cash(quote, Decimal(0), Decimal(0)))
        security = _SECURITY_CLASSES.get(symbol.security_type, Security)(
            symbol,
            entry.exchange_hours,
            properties,
            cash_book[quote],
            data_normalization_mode=data_normalization_mode,
            resolution=resolution,
            is_internal=is_internal,
        )
        brokerage.apply_models(security)
        security.set_leverage(leverage if leverage is not None else brokerage.get_leverage(security))
        return security

    def _entry(self, symbol: Symbol) -> MarketHoursEntry:
        try:
            return self.market_hours.get_entry(symbol.id.market, symbol.id.symbol, symbol.security_type)
        except MarketHoursError:
            if symbol.security_type != SecurityType.BASE:
                raise
            # LEAN opens custom data without an entry around the clock in New York.
            return MarketHoursEntry.always_open(TimeZones.NEW_YORK)
