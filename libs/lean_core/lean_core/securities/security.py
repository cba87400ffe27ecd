"""A tradable security: its prices, its position and the models that trade it (LEAN's `Security`).

Prices are kept as the decimals LEAN would hold (`exact_*`); the LEAN-named properties return floats.
Equity bar prices are LEAN's deci-cent integers x the day's price factor: the engine sets
`price_factor` from the factor file before it feeds a day's data, and each float price is turned
back into that exact decimal (1674400 x 0.0001 x 0.8646266 = 144.77307790400).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from lean_core.data.bars import QuoteBar, Tick, TradeBar
from lean_core.data.normalization import adjusted_price_decimal
from lean_core.data.subscription import SubscriptionDataConfig
from lean_core.enums import DataNormalizationMode, Resolution, SecurityType, TickType
from lean_core.securities.cache import MarketData, SecurityCache
from lean_core.securities.cash_book import Cash
from lean_core.securities.decimals import ONE, ZERO, as_utc, to_decimal
from lean_core.securities.exchange import SecurityExchange
from lean_core.securities.holdings import SecurityHolding
from lean_core.securities.market_prices import to_local
from lean_core.symbols import Symbol
from lean_core.symbols.symbol_properties import SymbolProperties
from lean_core.time.exchange_hours import SecurityExchangeHours

if TYPE_CHECKING:
    from lean_core.orders.fee_models import FeeModel
    from lean_core.orders.fill_models import FillModel
    from lean_core.orders.slippage_models import SlippageModel
    from lean_core.securities.buying_power import BuyingPowerModel
    from lean_core.securities.settlement import SettlementModel

__all__ = [
    "Crypto",
    "Equity",
    "Forex",
    "Security",
    "SecurityExchange",
    "SecurityManager",
    "base_currency_of",
    "default_tick_types",
]

_EXACT_MEMO_SIZE: Final = 4096
"""Distinct prices a security remembers the decimals of before it starts over."""
_DECI_CENT_BARS: Final = (SecurityType.EQUITY, SecurityType.OPTION, SecurityType.INDEX_OPTION)
_DECI_CENT_TICKS: Final = (SecurityType.EQUITY, SecurityType.OPTION)
_SUB_DOLLAR_INCREMENT: Final = Decimal("0.0001")  # SEC rule 612: quotes under $1
_DEFAULT_TICK_TYPES: Final = {
    SecurityType.BASE: (TickType.TRADE,),
    SecurityType.INDEX: (TickType.TRADE,),
    SecurityType.COMMODITY: (TickType.TRADE,),
    SecurityType.FOREX: (TickType.QUOTE,),
    SecurityType.CFD: (TickType.QUOTE,),
    SecurityType.EQUITY: (TickType.TRADE, TickType.QUOTE),
    SecurityType.CRYPTO: (TickType.TRADE, TickType.QUOTE),
    SecurityType.CRYPTO_FUTURE: (TickType.TRADE, TickType.QUOTE),
    SecurityType.OPTION: (TickType.QUOTE, TickType.TRADE, TickType.OPEN_INTEREST),
    SecurityType.FUTURE_OPTION: (TickType.QUOTE, TickType.TRADE, TickType.OPEN_INTEREST),
    SecurityType.INDEX_OPTION: (TickType.QUOTE, TickType.TRADE, TickType.OPEN_INTEREST),
    SecurityType.FUTURE: (TickType.QUOTE, TickType.TRADE, TickType.OPEN_INTEREST),
}


def default_tick_types(security_type: SecurityType, resolution: Resolution) -> tuple[TickType, ...]:
    """Return the tick types LEAN subscribes by default (equity hour/daily: trades only)."""
    types = _DEFAULT_TICK_TYPES[security_type]
    if security_type == SecurityType.EQUITY and resolution in (Resolution.HOUR, Resolution.DAILY):
        return (TickType.TRADE,)
    return types


class SecurityClock:
    """The current time of the securities sharing it (LEAN's time keeper)."""

    __slots__ = ("utc_time",)

    def __init__(self) -> None:
        self.utc_time: datetime | None = None


class Security:
    """A security: symbol, exchange, prices, holdings and trading models."""

    def __init__(
        self,
        symbol: Symbol,
        exchange_hours: SecurityExchangeHours,
        symbol_properties: SymbolProperties,
        quote_currency: Cash,
        *,
        leverage: float | None = None,
        data_normalization_mode: DataNormalizationMode = DataNormalizationMode.ADJUSTED,
        resolution: Resolution = Resolution.MINUTE,
        is_internal: bool = False,
        extended_market_hours: bool = False,
        fill_forward: bool = True,
        base_currency: Cash | None = None,
    ) -> None:
        """Build a security; the portfolio finds a pair's `base_currency` when it is omitted."""
        self.symbol = symbol
        #: The security type, read once: the identifier decodes it on every access.
        self.type: SecurityType = symbol.security_type
        self.exchange_hours = exchange_hours
        self.exchange = SecurityExchange(self)
        self.symbol_properties = symbol_properties
        self.quote_currency = quote_currency
        self.base_currency = base_currency
        self.data_normalization_mode = data_normalization_mode
        self.resolution = resolution
        self.is_internal = is_internal
        self.is_extended_market_hours = extended_market_hours
        self.fill_forward = fill_forward
        self.price_factor = ONE
        self._exact_memo: dict[tuple[float, bool], Decimal] = {}
        self._exact_memo_factor: Decimal | None = None
        self.is_tradable = True
        self.is_delisted = False
        self._clock = SecurityClock()
        self._subscriptions: list[SubscriptionDataConfig] = []
        self._defaults: tuple[tuple[object, ...], tuple[SubscriptionDataConfig, ...]] | None = None
        self.cache = SecurityCache(is_equity=self.type == SecurityType.EQUITY, converter=self)
        self.holdings = SecurityHolding(self)
        self.fee_model: FeeModel
        self.fill_model: FillModel
        self.slippage_model: SlippageModel
        self.buying_power_model: BuyingPowerModel
        self.settlement_model: SettlementModel
        self._apply_default_models()
        if leverage is not None:
            self.set_leverage(leverage)

    def _apply_default_models(self) -> None:
        from lean_core.securities.default_brokerage_model import DefaultBrokerageModel

        DefaultBrokerageModel().initialize_security(self)

    # -- time -----------------------------------------------------------------------------------------------
    @property
    def utc_time(self) -> datetime | None:
        """Return the current time (aware UTC), or None before any time was set."""
        return self._clock.utc_time

    @utc_time.setter
    def utc_time(self, utc: datetime | None) -> None:
        self._clock.utc_time = utc

    def set_utc_time(self, utc: datetime) -> None:
        """Set the algorithm's current time (LEAN's local time keeper)."""
        self._clock.utc_time = as_utc(utc)

    def share_clock(self, clock: SecurityClock) -> None:
        """Keep time with `clock` (a security manager's), so one update moves every security."""
        self._clock = clock

    @property
    def local_time(self) -> datetime | None:
        """Return the current time in the exchange time zone (naive), or None before any time was set."""
        if self.utc_time is None:
            return None
        return to_local(self, self.utc_time)

    def is_market_open(self, utc: datetime, extended: bool = False) -> bool:
        """Tell whether the exchange is open at a UTC moment."""
        return self.exchange_hours.is_open(to_local(self, utc), extended)

    # -- subscriptions ---------------------------------------------------------------------------------------
    @property
    def subscriptions(self) -> list[SubscriptionDataConfig]:
        """Return the data subscriptions: those added, or LEAN's defaults for the resolution."""
        if self._subscriptions:
            return list(self._subscriptions)
        time_zone = self.exchange_hours.time_zone
        inputs = (
            self.resolution,
            time_zone,
            self.fill_forward,
            self.is_extended_market_hours,
            self.data_normalization_mode,
            self.is_internal,
        )
        # Fill models ask at every order: build the defaults again only when what they follow changed.
        if self._defaults is None or self._defaults[0] != inputs:
            configs = tuple(
                SubscriptionDataConfig(
                    self.symbol,
                    self.resolution,
                    tick_type,
                    time_zone,
                    time_zone,
                    fill_forward=self.fill_forward,
                    extended_market_hours=self.is_extended_market_hours,
                    data_normalization_mode=self.data_normalization_mode,
                    is_internal=self.is_internal,
                )
                for tick_type in default_tick_types(self.type, self.resolution)
            )
            self._defaults = (inputs, configs)
        return list(self._defaults[1])

    def add_subscription(self, config: SubscriptionDataConfig) -> None:
        """Add a data subscription; once one is added, the defaults no longer apply."""
        if config.symbol != self.symbol:
            raise ValueError(f"subscription symbol {config.symbol.value} does not match {self.symbol.value}")
        self._subscriptions.append(config)
        self.resolution = min(c.resolution for c in self._subscriptions)
        self.is_extended_market_hours = any(c.extended_market_hours for c in self._subscriptions)
        self.data_normalization_mode = self._subscriptions[0].data_normalization_mode

    # -- data -----------------------------------------------------------------------------------------------
    def to_exact(self, value: float, is_tick: bool = False) -> Decimal:
        """Return the decimal LEAN holds for a float price of this security under its current factor."""
        return self.to_exact_at(value, is_tick, self.price_factor)

    def to_exact_at(self, value: float, is_tick: bool, factor: Decimal) -> Decimal:
        """Return the decimal LEAN holds for a float price read under `factor` (the cache's converter)."""
        if not value:  # 0.0 and -0.0 are equal keys but not equal decimals
            return self._convert_exact(value, is_tick, factor)
        if factor is not self._exact_memo_factor or len(self._exact_memo) >= _EXACT_MEMO_SIZE:
            self._exact_memo.clear()
            self._exact_memo_factor = factor
        key = (value, is_tick)
        exact = self._exact_memo.get(key)
        if exact is None:
            exact = self._exact_memo[key] = self._convert_exact(value, is_tick, factor)
        return exact

    def _convert_exact(self, value: float, is_tick: bool, factor: Decimal) -> Decimal:
        # Bars repeat the same few prices step after step, hence the memo in `to_exact`.
        scaled = self.type in (_DECI_CENT_TICKS if is_tick else _DECI_CENT_BARS)
        if not scaled:
            return to_decimal(value)
        if self.type != SecurityType.EQUITY:
            factor = ONE
        raw = round(value / float(factor) * 10000)
        return adjusted_price_decimal(raw, factor, tick=is_tick)

    def update_trade_bar(self, bar: TradeBar) -> None:
        """Take a trade bar into the cache (fill-forward bars change nothing)."""
        self.cache.update_trade_bar(bar)

    def update_quote_bar(self, bar: QuoteBar) -> None:
        """Take a quote bar into the cache (fill-forward bars change nothing)."""
        self.cache.update_quote_bar(bar)

    def update_tick(self, tick: Tick) -> None:
        """Take one tick into the cache."""
        self.cache.update_tick(tick)

    def update_ticks(self, ticks: Sequence[Tick]) -> None:
        """Take one time step's ticks of one tick type into the cache."""
        self.cache.update_ticks(ticks)

    def set_market_price(self, data: MarketData | None) -> None:
        """Take any data point into the cache (LEAN's `SetMarketPrice`)."""
        if isinstance(data, TradeBar):
            self.update_trade_bar(data)
        elif isinstance(data, QuoteBar):
            self.update_quote_bar(data)
        elif isinstance(data, Tick):
            self.update_tick(data)

    def get_last_data(self) -> MarketData | None:
        """Return the last data point of the default data type."""
        return self.cache.last_data

    @property
    def has_data(self) -> bool:
        """Tell whether any data of the default type arrived."""
        return self.cache.has_data

    # -- exact prices (engine) -------------------------------------------------------------------------------
    @property
    def exact_price(self) -> Decimal:
        """Return the last price (the trade close for equities)."""
        return self.cache.exact_value("price")

    def _or_price(self, name: str) -> Decimal:
        value = self.cache.exact_value(name)
        return self.exact_price if value == 0 else value

    @property
    def exact_open(self) -> Decimal:
        """Return the last open, or the price when unknown."""
        return self._or_price("open")

    @property
    def exact_high(self) -> Decimal:
        """Return the last high, or the price when unknown."""
        return self._or_price("high")

    @property
    def exact_low(self) -> Decimal:
        """Return the last low, or the price when unknown."""
        return self._or_price("low")

    @property
    def exact_close(self) -> Decimal:
        """Return the last close, or the price when unknown."""
        return self._or_price("close")

    @property
    def exact_bid_price(self) -> Decimal:
        """Return the last bid, or the price when no quote arrived."""
        return self._or_price("bid_price")

    @property
    def exact_ask_price(self) -> Decimal:
        """Return the last ask, or the price when no quote arrived."""
        return self._or_price("ask_price")

    @property
    def exact_volume(self) -> Decimal:
        """Return the last volume."""
        return self.cache.exact_value("volume")

    @property
    def exact_last_data_price(self) -> Decimal | None:
        """Return the price of the last default-type data point (conversion rates use it), or None."""
        return self.cache.exact_last_value  # read every step for each conversion rate

    # -- user view (floats) ----------------------------------------------------------------------------------
    @property
    def price(self) -> float:
        """Return the last price."""
        return float(self.exact_price)

    @property
    def open(self) -> float:
        """Return the last open."""
        return float(self.exact_open)

    @property
    def high(self) -> float:
        """Return the last high."""
        return float(self.exact_high)

    @property
    def low(self) -> float:
        """Return the last low."""
        return float(self.exact_low)

    @property
    def close(self) -> float:
        """Return the last close."""
        return float(self.exact_close)

    @property
    def volume(self) -> float:
        """Return the last volume."""
        return float(self.exact_volume)

    @property
    def bid_price(self) -> float:
        """Return the last bid (the price when no quote arrived)."""
        return float(self.exact_bid_price)

    @property
    def ask_price(self) -> float:
        """Return the last ask (the price when no quote arrived)."""
        return float(self.exact_ask_price)

    @property
    def bid_size(self) -> float:
        """Return the last bid size."""
        return float(self.cache.exact_value("bid_size"))

    @property
    def ask_size(self) -> float:
        """Return the last ask size."""
        return float(self.cache.exact_value("ask_size"))

    @property
    def invested(self) -> bool:
        """Tell whether at least one lot is held."""
        return self.holdings.invested

    @property
    def hold_stock(self) -> bool:
        """Tell whether at least one lot is held."""
        return self.holdings.invested

    # -- models ----------------------------------------------------------------------------------------------
    @property
    def exact_leverage(self) -> Decimal:
        """Return the leverage of the buying power model."""
        return self.buying_power_model.get_leverage(self)

    @property
    def leverage(self) -> float:
        """Return the leverage."""
        return float(self.exact_leverage)

    def set_leverage(self, leverage: float | Decimal) -> None:
        """Set the leverage (futures and options keep their model's margin, as in LEAN)."""
        if self.type == SecurityType.FUTURE or self.type.is_option:
            return
        self.buying_power_model.set_leverage(self, to_decimal(leverage))

    def set_fee_model(self, fee_model: FeeModel) -> None:
        """Replace the fee model."""
        self.fee_model = fee_model

    def set_fill_model(self, fill_model: FillModel) -> None:
        """Replace the fill model."""
        self.fill_model = fill_model

    def set_slippage_model(self, slippage_model: SlippageModel) -> None:
        """Replace the slippage model."""
        self.slippage_model = slippage_model

    def set_buying_power_model(self, buying_power_model: BuyingPowerModel) -> None:
        """Replace the buying power model."""
        self.buying_power_model = buying_power_model

    def set_margin_model(self, buying_power_model: BuyingPowerModel) -> None:
        """Replace the buying power model (LEAN's older name)."""
        self.buying_power_model = buying_power_model

    def set_settlement_model(self, settlement_model: SettlementModel) -> None:
        """Replace the settlement model."""
        self.settlement_model = settlement_model

    def set_data_normalization_mode(self, mode: DataNormalizationMode) -> None:
        """Set how prices are adjusted for corporate actions."""
        self.data_normalization_mode = mode

    def minimum_price_variation(self, reference_price: Decimal) -> Decimal:
        """Return the price increment order prices are rounded to (0: no rounding).

        LEAN leaves adjusted equity prices alone (they are not real quotes); other equities tick
        in cents, or $0.0001 below $1; everything else uses its symbol properties.
        """
        if self.type == SecurityType.EQUITY:
            if self.data_normalization_mode == DataNormalizationMode.ADJUSTED:
                return ZERO
            if reference_price < ONE:
                return _SUB_DOLLAR_INCREMENT
        return self.symbol_properties.minimum_price_variation

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.symbol.value})"

    def __str__(self) -> str:
        return self.symbol.value


class Equity(Security):
    """An equity; `primary_exchange` is the code its trade ticks carry on the listing exchange."""

    def __init__(self, *args: Any, primary_exchange: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.primary_exchange = primary_exchange


class Forex(Security):
    """A currency pair: a fill swaps base for quote currency."""


class Crypto(Security):
    """A crypto pair: a fill swaps base for quote currency.

    Its price is the last trade bar's close, even when a quote bar of the same time set the
    cache's close to the mid (LEAN's `Crypto.Price`); without trade bars, the cache's price.
    """

    @property
    def exact_price(self) -> Decimal:
        """Return the last trade bar's close, else the last price."""
        close = self.cache.exact_trade_close  # read every step for the portfolio value
        return close if close is not None else self.cache.exact_value("price")


_PAIR_TYPES: Final = (SecurityType.FOREX, SecurityType.CRYPTO)


def base_currency_of(security: Security) -> Cash | None:
    """Return the base currency of a forex or crypto pair, None for other securities."""
    return security.base_currency if security.type in _PAIR_TYPES else None


# Kept here so that `from lean_core.securities.security import SecurityManager` works.
from lean_core.securities.security_manager import SecurityManager  # noqa: E402
