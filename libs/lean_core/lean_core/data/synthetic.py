"""Seeded synthetic market data: random walks that look like a real tape, as columnar frames.

Each symbol draws from its own generator, seeded by (seed, ticker, security type), so a symbol's data does
not change when other tickers are added. A day is simulated in the data time zone, over the exchange's
open segments (extended hours included): a geometric random walk of the mid price with a volatility regime
that persists from day to day, an overnight gap, a U-shaped activity profile over the regular session
(volume and volatility are higher at the open and the close) and a daily cycle for round-the-clock markets.
Trades bounce inside the spread, so a trade never prints outside the quote; every price is a whole number
of minimum price variations, so it survives LEAN's file format exactly.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import IntEnum

import numpy as np

from lean_core.enums import Resolution, SecurityType
from lean_core.errors import ConfigurationError

__all__ = [
    "BENCHMARK_TICKER",
    "SUPPORTED_SECURITY_TYPES",
    "DataDensity",
    "GeneratorSettings",
    "SymbolModel",
    "build_model",
    "resolve_tickers",
    "symbol_generator",
]

#: LEAN's default benchmark: always generated with equities so a backtest on the folder has one.
BENCHMARK_TICKER = "SPY"
SUPPORTED_SECURITY_TYPES = (SecurityType.EQUITY, SecurityType.FOREX, SecurityType.CRYPTO)

_LETTERS = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
# Rough values in US dollars, to start each pair near a plausible rate.
_CURRENCY_USD = {
    "EUR": 1.08,
    "GBP": 1.27,
    "AUD": 0.66,
    "NZD": 0.61,
    "USD": 1.0,
    "CAD": 0.74,
    "CHF": 1.12,
    "JPY": 0.0068,
}
_CRYPTO_USD = {
    "BTC": 40_000.0,
    "ETH": 2_400.0,
    "SOL": 100.0,
    "LTC": 75.0,
    "LINK": 15.0,
    "AVAX": 35.0,
    "DOT": 7.0,
    "XRP": 0.6,
    "ADA": 0.5,
    "DOGE": 0.08,
}
_CRYPTO_QUOTES = ("USD", "EUR", "USDT")


class DataDensity(IntEnum):
    """How often a step holds data, as lean-cli's `--data-density`."""

    DENSE = 0
    SPARSE = 1
    VERY_SPARSE = 2

    @property
    def presence(self) -> float:
        """Return the factor applied to the chance that a step holds data (1, 1/5, 1/50)."""
        return (1.0, 0.2, 0.02)[self]

    @classmethod
    def parse(cls, text: str) -> DataDensity:
        """Parse "dense", "sparse" or "verysparse" case-insensitively ("very_sparse" too)."""
        key = text.strip().replace("_", "").replace("-", "").lower()
        for member in cls:
            if member.name.replace("_", "").lower() == key:
                return member
        raise ValueError(f"unknown data density {text!r}; expected dense, sparse or verysparse")


@dataclass(frozen=True, slots=True, kw_only=True)
class GeneratorSettings:
    """What `leanbus data generate` was asked for; percentages are chances per symbol, as lean-cli's."""

    start: date
    end: date
    security_type: SecurityType
    market: str
    seed: int
    resolution: Resolution = Resolution.MINUTE
    tickers: tuple[str, ...] = ()
    symbol_count: int = 0
    data_density: DataDensity = DataDensity.DENSE
    quote_trade_ratio: float = 1.0
    splits_percentage: float = 15.0
    dividends_percentage: float = 60.0
    dividend_every_quarter_percentage: float = 30.0

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ConfigurationError(f"{self.end:%Y%m%d} is before the start {self.start:%Y%m%d}", key="end")
        if self.security_type not in SUPPORTED_SECURITY_TYPES:
            names = ", ".join(kind.lean_name.lower() for kind in SUPPORTED_SECURITY_TYPES)
            reason = f"{self.security_type.lean_name.lower()} is not generated; choose {names}"
            raise ConfigurationError(reason, key="security-type")
        if not self.tickers and self.symbol_count <= 0 and self.security_type != SecurityType.EQUITY:
            raise ConfigurationError("give --tickers or a positive --symbol-count", key="tickers")
        if self.quote_trade_ratio <= 0:
            raise ConfigurationError("must be positive", key="quote-trade-ratio")
        for key in ("splits_percentage", "dividends_percentage", "dividend_every_quarter_percentage"):
            if not 0 <= getattr(self, key) <= 100:
                raise ConfigurationError("must lie between 0 and 100", key=key.replace("_", "-"))


@dataclass(frozen=True, slots=True)
class SymbolModel:
    """The fixed traits of one synthetic security, drawn once from its generator."""

    ticker: str
    security_type: SecurityType
    initial_price: float
    annual_volatility: float
    annual_drift: float
    price_decimals: int  # prices lie on a grid of 10**-price_decimals
    size_decimals: int  # sizes lie on a grid of 10**-size_decimals (0: whole units)
    daily_volume: float  # units traded over a regular session
    spread_bps: float  # typical bid-ask spread in basis points of the price
    primary_exchange: str  # map-file exchange letter (equities)
    dividend_yield: float  # yearly, 0 when the stock pays none
    quarterly_dividends: bool
    split_day: date | None
    split_ratio: float  # new shares per old share

    @property
    def minimum_price_variation(self) -> Decimal:
        """Return the price grid step (0.01 for equities)."""
        return Decimal(1).scaleb(-self.price_decimals)

    @property
    def lot_size(self) -> Decimal:
        """Return the size grid step."""
        return Decimal(1).scaleb(-self.size_decimals)

    @property
    def quote_currency(self) -> str:
        """Return the currency prices are quoted in."""
        if self.security_type == SecurityType.EQUITY:
            return "USD"
        return _split_pair(self.ticker)[1]


def symbol_generator(seed: int, ticker: str, security_type: SecurityType) -> np.random.Generator:
    """Return the generator of one symbol: the same for the same seed, whatever else is generated."""
    return np.random.default_rng([seed, zlib.crc32(ticker.upper().encode()), int(security_type)])


def resolve_tickers(settings: GeneratorSettings) -> tuple[str, ...]:
    """Return the tickers to generate: the given ones or seeded random ones, plus SPY for equities."""
    tickers = [ticker.strip().upper() for ticker in settings.tickers if ticker.strip()]
    if not tickers:
        rng = np.random.default_rng([settings.seed, int(settings.security_type)])
        tickers = _random_tickers(rng, settings.security_type, settings.symbol_count)
    if settings.security_type == SecurityType.EQUITY and BENCHMARK_TICKER not in tickers:
        tickers.insert(0, BENCHMARK_TICKER)
    for ticker in tickers:
        if not ticker.isalnum():
            raise ConfigurationError(f"{ticker!r} is not a ticker (letters and digits only)", key="tickers")
    return tuple(dict.fromkeys(tickers))


def _random_tickers(rng: np.random.Generator, security_type: SecurityType, count: int) -> list[str]:
    if security_type == SecurityType.FOREX:
        names = list(_CURRENCY_USD)
        pool = [base + quote for i, base in enumerate(names) for quote in names[i + 1 :]]
    elif security_type == SecurityType.CRYPTO:
        pool = [base + quote for quote in _CRYPTO_QUOTES for base in _CRYPTO_USD]
    else:
        return _random_equity_tickers(rng, count)
    if count > len(pool):
        raise ConfigurationError(f"at most {len(pool)} {security_type.lean_name} symbols", key="symbol-count")
    # Dollar pairs are the liquid ones: draw them first, in random order, then the crosses.
    tier = np.array([0 if pair.endswith("USD") or pair.startswith("USD") else 1 for pair in pool])
    order = np.lexsort((rng.random(len(pool)), tier))
    return [pool[index] for index in sorted(order[:count])]


def _random_equity_tickers(rng: np.random.Generator, count: int) -> list[str]:
    tickers: list[str] = []
    while len(tickers) < count:
        length = int(rng.choice([2, 3, 4], p=[0.15, 0.45, 0.4]))
        ticker = "".join(rng.choice(_LETTERS, size=length))
        if ticker not in tickers and ticker != BENCHMARK_TICKER:
            tickers.append(ticker)
    return tickers


def _split_pair(ticker: str) -> tuple[str, str]:
    """Split a forex or crypto pair into base and quote currencies."""
    for quote in sorted((*_CRYPTO_QUOTES, *_CURRENCY_USD, "USDC", "BTC", "ETH"), key=len, reverse=True):
        if ticker.endswith(quote) and len(ticker) > len(quote):
            return ticker[: -len(quote)], quote
    return ticker[:-3], ticker[-3:]


def build_model(settings: GeneratorSettings, ticker: str, rng: np.random.Generator) -> SymbolModel:
    """Draw the traits of one symbol from its generator."""
    match settings.security_type:
        case SecurityType.FOREX:
            model = _forex_model(ticker, rng)
        case SecurityType.CRYPTO:
            model = _crypto_model(ticker, rng)
        case _:
            model = _equity_model(settings, ticker, rng)
    return model


def _equity_model(settings: GeneratorSettings, ticker: str, rng: np.random.Generator) -> SymbolModel:
    is_benchmark = ticker == BENCHMARK_TICKER
    price = float(np.clip(rng.lognormal(np.log(60.0), 0.8), 8.0, 900.0))
    pays = rng.random() * 100 < settings.dividends_percentage or (
        is_benchmark and settings.dividends_percentage > 0
    )
    # The benchmark behaves like SPY: it pays every quarter and never splits.
    splits = rng.random() * 100 < settings.splits_percentage and not is_benchmark
    quarterly = rng.random() * 100 < settings.dividend_every_quarter_percentage or is_benchmark
    # A split only makes sense for a stock that has grown expensive; start such stocks high.
    ratio = float(rng.choice([2.0, 3.0, 4.0, 1.5], p=[0.6, 0.2, 0.1, 0.1])) if splits else 1.0
    if splits:
        price = max(price, 150.0 * ratio)
    span = (settings.end - settings.start).days
    split_day = (
        settings.start + timedelta(days=int(rng.integers(1, span + 1))) if splits and span > 0 else None
    )
    return SymbolModel(
        ticker=ticker,
        security_type=SecurityType.EQUITY,
        initial_price=price if not is_benchmark else float(rng.uniform(380.0, 480.0)),
        annual_volatility=float(rng.uniform(0.22, 0.5)) if not is_benchmark else 0.16,
        annual_drift=float(rng.normal(0.06, 0.08)),
        price_decimals=2,
        size_decimals=0,
        daily_volume=float(rng.lognormal(np.log(3e6), 0.8)) if not is_benchmark else 7e7,
        spread_bps=float(rng.lognormal(np.log(4.0), 0.5)) if not is_benchmark else 0.2,
        primary_exchange="P" if is_benchmark else str(rng.choice(["N", "Q"])),
        dividend_yield=(float(rng.uniform(0.005, 0.04)) if not is_benchmark else 0.013) if pays else 0.0,
        quarterly_dividends=quarterly,
        split_day=split_day,
        split_ratio=ratio if split_day is not None else 1.0,
    )


def _forex_model(ticker: str, rng: np.random.Generator) -> SymbolModel:
    base, quote = _split_pair(ticker)
    rate = _CURRENCY_USD.get(base, 1.0) / _CURRENCY_USD.get(quote, 1.0) * float(rng.uniform(0.95, 1.05))
    decimals = 3 if quote == "JPY" or rate > 20 else 5
    return _round_the_clock_model(ticker, SecurityType.FOREX, rate, decimals, rng, volatility=(0.05, 0.11))


def _crypto_model(ticker: str, rng: np.random.Generator) -> SymbolModel:
    base, quote = _split_pair(ticker)
    usd = _CRYPTO_USD.get(base, float(rng.lognormal(0.0, 1.5)))
    price = usd / (1.0 if quote.startswith("USD") else _CURRENCY_USD.get(quote, 1.0))
    price *= float(rng.uniform(0.9, 1.1))
    decimals = 2 if price >= 10 else (4 if price >= 0.5 else 5)
    return _round_the_clock_model(ticker, SecurityType.CRYPTO, price, decimals, rng, volatility=(0.45, 0.9))


def _round_the_clock_model(
    ticker: str,
    security_type: SecurityType,
    price: float,
    decimals: int,
    rng: np.random.Generator,
    *,
    volatility: tuple[float, float],
) -> SymbolModel:
    is_crypto = security_type == SecurityType.CRYPTO
    return SymbolModel(
        ticker=ticker,
        security_type=security_type,
        initial_price=price,
        annual_volatility=float(rng.uniform(*volatility)),
        annual_drift=float(rng.normal(0.0, 0.05)),
        price_decimals=decimals,
        size_decimals=8 if is_crypto else 0,
        # Crypto volume in coins: a few tens of millions of dollars a day.
        daily_volume=float(rng.lognormal(np.log(2e7), 0.7)) / price if is_crypto else 0.0,
        spread_bps=float(rng.lognormal(np.log(3.0 if is_crypto else 0.8), 0.4)),
        primary_exchange="",
        dividend_yield=0.0,
        quarterly_dividends=False,
        split_day=None,
        split_ratio=1.0,
    )
