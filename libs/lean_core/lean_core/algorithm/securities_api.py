"""Adding securities: `add_equity`, `add_forex`, `add_crypto`, `add_security`.

Each call creates the security (exchange hours, symbol properties, the brokerage's models)
and records the subscriptions LEAN would make for it: trades and quotes for equities at tick,
second and minute resolution, trades only at hour and daily; quotes for forex and CFDs;
trades and quotes for crypto.
"""

from __future__ import annotations

from lean_core.algorithm.core import AlgorithmCore
from lean_core.algorithm.subscriptions import Subscription
from lean_core.enums import DataNormalizationMode, Market, Resolution, SecurityType, TickType
from lean_core.securities.security import Security

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
            market or Market.USA,
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
        return self.add_security(
            SecurityType.FOREX, ticker, resolution, market or Market.OANDA, fill_forward, leverage
        )

    def add_crypto(
        self,
        ticker: str,
        resolution: Resolution | None = Resolution.MINUTE,
        market: str | None = None,
        fill_forward: bool = True,
        leverage: float = 0.0,
    ) -> Security:
        """Subscribe to a crypto pair."""
        return self.add_security(
            SecurityType.CRYPTO, ticker, resolution, market or Market.COINBASE, fill_forward, leverage
        )

    def add_cfd(
        self,
        ticker: str,
        resolution: Resolution | None = Resolution.MINUTE,
        market: str | None = None,
        fill_forward: bool = True,
        leverage: float = 0.0,
    ) -> Security:
        """Subscribe to a CFD."""
        return self.add_security(
            SecurityType.CFD, ticker, resolution, market or Market.OANDA, fill_forward, leverage
        )

    def add_index(
        self,
        ticker: str,
        resolution: Resolution | None = Resolution.MINUTE,
        market: str | None = None,
    ) -> Security:
        """Subscribe to an index."""
        return self.add_security(SecurityType.INDEX, ticker, resolution, market or Market.USA)

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
            ticker.upper(), security_type, market or _default_market(security_type)
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
