"""LEAN's brokerage names, and the trading days per year each one's statistics annualise with."""

from __future__ import annotations

from enum import IntEnum
from typing import Final

from lean_core.enums import pascal_name

__all__ = ["BrokerageName", "trading_days_per_year"]


class BrokerageName(IntEnum):
    """LEAN's brokerage names with LEAN's values."""

    DEFAULT = 0
    INTERACTIVE_BROKERS_BROKERAGE = 1
    TRADIER_BROKERAGE = 2
    OANDA_BROKERAGE = 3
    FXCM_BROKERAGE = 4
    BITFINEX = 5
    BINANCE = 6
    GDAX = 12
    ALPACA = 13
    ALPHA_STREAMS = 14
    ZERODHA = 15
    SAMCO = 16
    ATREYU = 17
    TRADING_TECHNOLOGIES = 18
    KRAKEN = 19
    FTX = 20
    FTXUS = 21
    EXANTE = 22
    BINANCE_US = 23
    WOLVERINE = 24
    TD_AMERITRADE = 25
    BINANCE_FUTURES = 26
    BINANCE_COIN_FUTURES = 27
    RBI = 28
    BYBIT = 29
    EZE = 30
    AXOS = 31
    COINBASE = 32
    TRADE_STATION = 33
    TERMINAL_LINK = 34
    CHARLES_SCHWAB = 35
    TASTYTRADE = 36
    INTERACTIVE_BROKERS_FIX = 37
    DYDX = 38
    WEBULL = 39
    PUBLIC = 40
    BLOOMBERG_FIX = 41

    QUANT_CONNECT_BROKERAGE = 0  # LEAN's alias of DEFAULT

    @property
    def lean_name(self) -> str:
        """Return LEAN's name ("Default", "InteractiveBrokersBrokerage", "BinanceUS")."""
        irregular = _IRREGULAR_NAMES.get(self)
        if irregular is not None:
            return irregular
        return pascal_name(self)

    @classmethod
    def parse(cls, text: str) -> BrokerageName:
        """Parse LEAN's name or the member name, ignoring case and underscores ("Coinbase", "BINANCE_US")."""
        key = text.strip().replace("_", "").lower()
        for name, member in cls.__members__.items():
            if key in (name.replace("_", "").lower(), member.lean_name.lower()):
                return member
        allowed = ", ".join(member.lean_name for member in cls)
        raise ValueError(f"unknown brokerage {text!r}; expected one of {allowed}")


_IRREGULAR_NAMES: Final = {
    BrokerageName.GDAX: "GDAX",
    BrokerageName.FTX: "FTX",
    BrokerageName.FTXUS: "FTXUS",
    BrokerageName.BINANCE_US: "BinanceUS",
    BrokerageName.TD_AMERITRADE: "TDAmeritrade",
    BrokerageName.RBI: "RBI",
    BrokerageName.DYDX: "DYDX",
}


# LEAN annualises statistics over 365 days for these crypto brokerages (`BaseSetupHandler`), else 252.
_CRYPTO_CALENDAR_BROKERAGES: Final = frozenset({
    BrokerageName.COINBASE, BrokerageName.GDAX, BrokerageName.BINANCE, BrokerageName.BINANCE_US,
    BrokerageName.BINANCE_FUTURES, BrokerageName.BINANCE_COIN_FUTURES, BrokerageName.BITFINEX,
    BrokerageName.BYBIT,
    BrokerageName.FTX, BrokerageName.FTXUS, BrokerageName.KRAKEN,
})  # fmt: skip


def trading_days_per_year(name: BrokerageName) -> int:
    """Return the trading days per year LEAN's statistics use for a brokerage (365 for crypto, else 252)."""
    return 365 if name in _CRYPTO_CALENDAR_BROKERAGES else 252
