"""Adding securities: `add_equity`, `add_forex`, `add_crypto`, `add_security`.

Each call creates the security (exchange hours, symbol properties, the brokerage's models)
and records the subscriptions LEAN would make for it: trades and quotes for equities at tick,
second and minute resolution, trades only at hour and daily; quotes for forex and CFDs;
trades and quotes for crypto.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from lean_core.algorithm.core import AlgorithmCore, AlgorithmSetupError
from lean_core.algorithm.custom_securities import CustomSecurityInfo, always_open_entry, custom_symbol
from lean_core.algorithm.subscriptions import Subscription
from lean_core.data.custom_data import PythonData
from lean_core.enums import DataNormalizationMode, Market, Resolution, SecurityType, TickType
from lean_core.securities.security import Security
from lean_core.symbols import Symbol
from lean_core.symbols.symbol_properties import SymbolProperties
from lean_core.time.time_zones import get_time_zone

_INTRADAY = (Resolution.TICK, Resolution.SECOND, Resolution.MINUTE)


def default_tick_types(security_type: SecurityType, resolution: Resolution) -> tuple[TickType, ...]:
    """Return the data types LEAN subscribes for a security type and resolution."""
    if security_type in (SecurityType.FOREX, SecurityType.CFD):
        return (TickType.QUOTE,)
    if security_type == SecurityType.EQUITY:
        return (TickType.TRADE, TickType.QUOTE) if resolution in _INTRADAY else (TickType.TRADE,)
    if security_type in (SecurityType.CRYPTO, SecurityType.CRYPTO_FUTURE):
        return (TickType.TRADE, TickType.QUOTE)
    return (TickType.TRADE,)


class SecuritiesMixin(AlgorithmCore):
    """The part of `QCAlgorithm` that adds securities."""

    def add_equity(
        self,
        ticker: str,
        resolution: Resolution | None = Resolution.MINUTE,
        market: str | None = None,
        fill_forward: bool = True,
        leverage: float = 0.0,
        extended_market_hours: bool = False,
        data_normalization_mode: DataNormalizationMode | None = None,
    ) -> Security:
        """Subscribe to an equity and return its security."""
        return self.add_security(
            SecurityType.EQUITY,
            ticker,
            resolution,
            market,
            fill_forward,
            leverage,
            extended_market_hours,
            data_normalization_mode,
        )

    def add_forex(
        self,
        ticker: str,
        resolution: Resolution | None = Resolution.MINUTE,
        market: str | None = None,
        fill_forward: bool = True,
        leverage: float = 0.0,
    ) -> Security:
        """Subscribe to a currency pair."""
        return self.add_security(SecurityType.FOREX, ticker, resolution, market, fill_forward, leverage)

    def add_crypto(
        self,
        ticker: str,
        resolution: Resolution | None = Resolution.MINUTE,
        market: str | None = None,
        fill_forward: bool = True,
        leverage: float = 0.0,
    ) -> Security:
        """Subscribe to a crypto pair."""
        return self.add_security(SecurityType.CRYPTO, ticker, resolution, market, fill_forward, leverage)

    def add_cfd(
        self,
        ticker: str,
        resolution: Resolution | None = Resolution.MINUTE,
        market: str | None = None,
        fill_forward: bool = True,
        leverage: float = 0.0,
    ) -> Security:
        """Subscribe to a CFD."""
        return self.add_security(SecurityType.CFD, ticker, resolution, market, fill_forward, leverage)

    def add_index(
        self,
        ticker: str,
        resolution: Resolution | None = Resolution.MINUTE,
        market: str | None = None,
    ) -> Security:
        """Subscribe to an index."""
        return self.add_security(SecurityType.INDEX, ticker, resolution, market)

    def add_security(
        self,
        security_type: SecurityType,
        ticker: str,
        resolution: Resolution | None = Resolution.MINUTE,
        market: str | None = None,
        fill_forward: bool = True,
        leverage: float = 0.0,
        extended_market_hours: bool = False,
        data_normalization_mode: DataNormalizationMode | None = None,
    ) -> Security:
        """Subscribe to any supported security type."""
        self._check_unlocked_for_data()
        factory = self._require_runtime().security_factory
        resolution = resolution if resolution is not None else Resolution.MINUTE
        symbol = factory.create_symbol(
            ticker.upper(), security_type, market or self._default_market(security_type)
        )
        if symbol in self.securities:
            return self.securities[symbol]
        mode = (
            data_normalization_mode if data_normalization_mode is not None else DataNormalizationMode.ADJUSTED
        )
        security = factory.create_security(
            symbol,
            self.cash_book,
            self.brokerage_model,
            resolution=resolution,
            leverage=leverage if leverage and leverage > 0 else None,
            data_normalization_mode=mode,
        )
        self.securities.add(security)
        self._added_securities.append(security)
        for tick_type in default_tick_types(security_type, resolution):
            self._subscriptions.append(
                Subscription(security, resolution, tick_type, fill_forward, extended_market_hours)
            )
        return security

    def add_data(
        self,
        data_type: type[PythonData],
        ticker: str | Symbol,
        *args: Any,
        resolution: Resolution | None = None,
        time_zone: ZoneInfo | str | None = None,
        fill_forward: bool = False,
        leverage: float = 1.0,
    ) -> Security:
        """Subscribe to a custom data type on a ticker or on another security's symbol.

        LEAN's overloads: `add_data(T, ticker, resolution=None)`, `add_data(T, ticker, resolution,
        time_zone, fill_forward=False, leverage=1.0)`, and `add_data(T, ticker, properties,
        exchange_hours, resolution=None, fill_forward=False, leverage=1.0)`; a Symbol in place of the
        ticker makes the data belong to that security.
        """
        self._check_unlocked_for_data()
        if not (isinstance(data_type, type) and issubclass(data_type, PythonData)):
            raise AlgorithmSetupError(
                f"add_data() takes a PythonData subclass first, not {data_type!r}: "
                "class MyData(PythonData) with get_source() and reader()"
            )
        properties, hours = None, None
        if args and isinstance(args[0], SymbolProperties):
            properties, hours, *rest = args
            resolution, fill_forward, leverage = _overload(rest, (resolution, fill_forward, leverage))
        else:
            resolution, time_zone, fill_forward, leverage = _overload(
                list(args), (resolution, time_zone, fill_forward, leverage)
            )
        zone = get_time_zone(time_zone) if isinstance(time_zone, str) else time_zone
        symbol = self._custom_symbol(data_type, ticker)
        entry = always_open_entry(hours, zone, data_type)
        info = CustomSecurityInfo(data_type, symbol, entry, properties)
        return self._add_custom_security(info, resolution, fill_forward, leverage)

    def _custom_symbol(self, data_type: type[PythonData], ticker: str | Symbol) -> Symbol:
        if isinstance(ticker, Symbol):
            return custom_symbol(data_type, ticker, ticker.id.market)
        if data_type().requires_mapping():
            # LEAN follows the renames of an equity already added under that ticker.
            underlying = self.securities.get(ticker)
            if underlying is None:
                raise AlgorithmSetupError(
                    f"the custom data type {data_type.__name__} requires mapping: add {ticker} first "
                    "(add_equity) or pass its Symbol"
                )
            return custom_symbol(data_type, underlying.symbol, underlying.symbol.id.market)
        return custom_symbol(data_type, ticker, Market.USA)

    def _add_custom_security(
        self,
        info: CustomSecurityInfo,
        resolution: Resolution | None,
        fill_forward: bool,
        leverage: float,
    ) -> Security:
        symbol = info.symbol
        if symbol in self.securities:
            return self.securities[symbol]
        instance = info.data_class()
        resolution = resolution if resolution is not None else instance.default_resolution()
        if resolution not in instance.supported_resolutions():
            raise AlgorithmSetupError(
                f"{resolution.name} is not a supported resolution for {info.type_name}; "
                f"use one of {', '.join(r.name for r in instance.supported_resolutions())}"
            )
        factory = self._require_runtime().security_factory
        factory.add_custom_security(symbol, info.entry, info.properties)
        security = factory.create_security(
            symbol, self.cash_book, self.brokerage_model, resolution=resolution, leverage=leverage
        )
        self.securities.add(security)
        self._added_securities.append(security)
        self._custom_data_info[symbol] = info
        # LEAN subscribes custom data with extended market hours (it is always open anyway).
        self._subscriptions.append(Subscription(security, resolution, TickType.TRADE, fill_forward, True))
        return security

    @property
    def _custom_data_info(self) -> dict[Symbol, CustomSecurityInfo]:
        """Return the custom data securities added, with their types, exchanges and properties."""
        registry: dict[Symbol, CustomSecurityInfo] | None = self.__dict__.get("_custom_securities")
        if registry is None:
            registry = self.__dict__["_custom_securities"] = {}
        return registry

    def _default_market(self, security_type: SecurityType) -> str:
        """Return the brokerage model's market for a security type (LEAN's `DefaultMarkets`)."""
        return self.brokerage_model.default_markets.get(security_type) or _default_market(security_type)

    def _check_unlocked_for_data(self) -> None:
        if self._locked:
            raise NotImplementedError(
                "adding securities after initialize() is not supported yet: add them in initialize()"
            )

    def _subscription_list(self) -> list[Subscription]:
        return list(self._subscriptions)


def _default_market(security_type: SecurityType) -> str:
    from lean_core.symbols.symbol import default_market

    return default_market(security_type)


def _overload(values: list[Any], defaults: tuple[Any, ...]) -> tuple[Any, ...]:
    """Fill an overload's positional values over its keyword defaults."""
    if len(values) > len(defaults):
        raise AlgorithmSetupError(
            f"add_data() takes at most {len(defaults)} more arguments, got {len(values)}"
        )
    return (*values, *defaults[len(values) :])
