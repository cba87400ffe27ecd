"""Order fees (LEAN's fee models); amounts are exact decimals.

The brokerage computes the fee once an order fills, from the order and the security's current
price (not the fill price): IB's US equity fee is $0.005 a share, at least $1 and at most 0.5% of
the order value, so 688 SPY shares cost $3.44.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from lean_core.enums import Market, OrderDirection, OrderType, SecurityType
from lean_core.orders.orders import Order
from lean_core.securities.cash_book import CashAmount, decompose_currency_pair
from lean_core.securities.decimals import ZERO, as_utc, strip_trailing_zeros, to_decimal
from lean_core.securities.order_value import order_value

if TYPE_CHECKING:
    from lean_core.securities.security import Security

__all__ = [
    "BinanceFeeModel",
    "CoinbaseFeeModel",
    "ConstantFeeModel",
    "FeeModel",
    "InteractiveBrokersFeeModel",
    "OrderFee",
]

#: LEAN's currency code for "no currency" (`Currencies.NullCurrency`).
NULL_CURRENCY: Final = "QCC"


@dataclass(frozen=True, slots=True)
class OrderFee:
    """A fee in one currency; the amount loses its trailing zeros as in LEAN (3.440 -> 3.44)."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", strip_trailing_zeros(self.amount))

    @property
    def value(self) -> CashAmount:
        """Return the fee as a cash amount (LEAN's `OrderFee.Value`)."""
        return CashAmount(self.amount, self.currency)

    @classmethod
    def zero(cls) -> OrderFee:
        """Return LEAN's `OrderFee.Zero`."""
        return cls(ZERO, NULL_CURRENCY)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


class FeeModel:
    """The fee of a filled order; the base charges nothing."""

    def get_order_fee(self, security: Security, order: Order) -> OrderFee:
        """Return the fee of `order` on `security`."""
        return OrderFee(ZERO, "USD")


class ConstantFeeModel(FeeModel):
    """The same fee for every order."""

    def __init__(self, fee: Decimal | float, currency: str = "USD") -> None:
        self.fee = abs(to_decimal(fee))
        self.currency = currency

    def get_order_fee(self, security: Security, order: Order) -> OrderFee:
        """Return the constant fee."""
        return OrderFee(self.fee, self.currency)


# -- Interactive Brokers -----------------------------------------------------------------------------------
_BP = Decimal("0.0001")
_FOREX_SCHEDULE: Final = (  # (monthly USD volume up to, rate, minimum)
    (Decimal(1_000_000_000), Decimal("0.20") * _BP, Decimal("2.00")),
    (Decimal(2_000_000_000), Decimal("0.15") * _BP, Decimal("1.50")),
    (Decimal(5_000_000_000), Decimal("0.10") * _BP, Decimal("1.25")),
)
_FOREX_TOP_TIER: Final = (Decimal("0.08") * _BP, Decimal("1.00"))
_USA_FUTURE_MARKETS: Final = {
    Market.GLOBEX, Market.NYMEX, Market.CBOT, Market.ICE, Market.CFE, Market.COMEX, Market.CME,
    Market.NYSELIFFE,
}  # fmt: skip
_D = Decimal
_MICRO = ("MYM", "M2K", "MES", "MNQ", "2YY", "5YY", "10Y", "30Y", "MCL", "MGC", "SIL")
_MICRO_FX = ("M6E", "M6A", "M6B", "MCD", "MJY", "MSF", "M6J", "MIR", "M6C", "M6S", "MNH")
_EMINI = ("ES", "NQ", "YM", "RTY", "EMD")
_CRYPTO_FUTURE_FEES = {
    "BTC": _D(5),
    "MBT": _D("2.25"),
    "ETH": _D(3),
    "MET": _D("0.20"),
    "MIB": _D("2.25"),
    "MRB": _D("0.20"),
}
_USA_FUTURE_FEES: Final = {
    **dict.fromkeys(_MICRO, _D("0.25")), **_CRYPTO_FUTURE_FEES, "E7": _D("0.50"), "J7": _D("0.50"),
    **dict.fromkeys(_MICRO_FX, _D("0.15")),
}  # fmt: skip
_USA_FUTURE_EXCHANGE_FEES: Final = {
    **dict.fromkeys(_EMINI, _D("1.28")), **dict.fromkeys(_MICRO, _D("0.30")),
    "BTC": _D(6), "MBT": _D("2.5"), "ETH": _D(4), "MET": _D("0.20"), "MIB": _D("2.5"), "MRB": _D("0.20"),
    "E7": _D("0.85"), "J7": _D("0.85"), **dict.fromkeys(_MICRO_FX, _D("0.24")),
}  # fmt: skip
_USA_FUTURE_OPTION_FEES: Final = {
    **dict.fromkeys(_MICRO, _D("0.25")),
    "BTC": _D(5), "MBT": _D("1.25"), "ETH": _D(3), "MET": _D("0.10"), "MIB": _D("1.25"), "MRB": _D("0.10"),
}  # fmt: skip
_USA_FUTURE_OPTION_EXCHANGE_FEES: Final = {
    **dict.fromkeys(_EMINI, _D("0.55")), **dict.fromkeys(_MICRO, _D("0.20")),
    "BTC": _D(5), "MBT": _D("2.5"), "ETH": _D(4), "MET": _D("0.20"), "MIB": _D("2.5"), "MRB": _D("0.20"),
}  # fmt: skip
_REGULATORY_FEE = _D("0.02")
_HONG_KONG_FEES: Final = {"CNH": _D(13), "HKD": _D(20), "USD": _D("2.40")}
_CFD_MINIMUMS: Final = {"JPY": _D("40.0"), "HKD": _D("10.0")}


def _option_commission(contracts: Decimal, premium: Decimal, monthly_contracts: Decimal) -> Decimal:
    """Return IB's US option commission for the monthly volume tier (at least $1)."""
    if monthly_contracts <= 10_000:
        rate = _D("0.65") if premium >= _D("0.1") else (_D("0.5") if premium >= _D("0.05") else _D("0.25"))
    elif monthly_contracts <= 50_000:
        rate = _D("0.5") if premium >= _D("0.05") else _D("0.25")
    elif monthly_contracts <= 100_000:
        rate = _D("0.25")
    else:
        rate = _D("0.15")
    return max(contracts * rate, _D("1.0"))


def _potential_order_price(order: Order, security: Security) -> Decimal:
    """Return the price IB's option fee looks at (LEAN's `GetPotentialOrderPrice`)."""
    if order.type in (OrderType.STOP_MARKET, OrderType.TRAILING_STOP):
        return order.stop_price or ZERO
    if order.type in (
        OrderType.LIMIT,
        OrderType.STOP_LIMIT,
        OrderType.LIMIT_IF_TOUCHED,
        OrderType.COMBO_LEG_LIMIT,
    ):
        return order.limit_price or ZERO
    if order.type in (
        OrderType.MARKET,
        OrderType.MARKET_ON_OPEN,
        OrderType.MARKET_ON_CLOSE,
        OrderType.COMBO_MARKET,
    ):
        # LEAN prices a market buy at the bid and a sell at the ask here.
        return security.exact_bid_price if order.direction == OrderDirection.BUY else security.exact_ask_price
    return ZERO


def _usa_future_fee(security: Security) -> CashAmount:
    if security.type == SecurityType.FUTURE:
        root, fees, exchange = security.symbol.id.symbol, _USA_FUTURE_FEES, _USA_FUTURE_EXCHANGE_FEES
    else:
        underlying = security.symbol.underlying
        root = underlying.id.symbol if underlying is not None else security.symbol.id.symbol
        fees, exchange = _USA_FUTURE_OPTION_FEES, _USA_FUTURE_OPTION_EXCHANGE_FEES
    per_contract = fees.get(root, _D("0.85")) + exchange.get(root, _D("1.60")) + _REGULATORY_FEE
    return CashAmount(per_contract, "USD")


def _hong_kong_future_fee(security: Security) -> CashAmount:
    if security.symbol.id.symbol.upper() == "HSI":
        return CashAmount(_D(30 + 10), "HKD")
    quote = security.quote_currency.symbol
    if quote not in _HONG_KONG_FEES:
        raise ValueError(f"Unexpected quote currency {quote} for Hong Kong futures exchange")
    return CashAmount(_HONG_KONG_FEES[quote] * _D("1.5"), quote)


def _eurex_future_fee(security: Security) -> CashAmount:
    if security.type != SecurityType.FUTURE:
        raise ValueError(f"Unsupported security type for EUREX futures fees: {security.type.lean_name}")
    # IB charges 1.00 a contract (FESX included) and no exchange fee in LEAN's table.
    return CashAmount(_D("1.00") + _REGULATORY_FEE, "EUR")


def _korea_future_fee(security: Security) -> CashAmount:
    value = security.exact_price * security.symbol_properties.contract_multiplier
    return CashAmount(_D("0.00004") * value, security.quote_currency.symbol)


_FUTURE_FEES: Final[dict[str, Callable[[Security], CashAmount]]] = {
    Market.USA: _usa_future_fee,
    Market.HKFE: _hong_kong_future_fee,
    Market.EUREX: _eurex_future_fee,
    Market.KRX: _korea_future_fee,
}


class InteractiveBrokersFeeModel(FeeModel):
    """Interactive Brokers' commissions: equities, options, futures, forex and CFDs."""

    def __init__(
        self,
        monthly_forex_trade_amount_in_us_dollars: Decimal | int = 0,
        monthly_options_trade_amount_in_contracts: Decimal | int = 0,
    ) -> None:
        self._forex_rate, self._forex_minimum = _forex_tier(Decimal(monthly_forex_trade_amount_in_us_dollars))
        self._monthly_option_contracts = Decimal(monthly_options_trade_amount_in_contracts)

    def get_order_fee(self, security: Security, order: Order) -> OrderFee:
        """Return IB's commission for the order."""
        if order.type == OrderType.OPTION_EXERCISE and order.symbol.security_type == SecurityType.OPTION:
            return OrderFee.zero()
        match security.type:
            case SecurityType.EQUITY:
                return self._equity_fee(security, order)
            case SecurityType.FOREX:
                fee = abs(self._forex_rate * order_value(order, security))
                return OrderFee(max(self._forex_minimum, fee), "USD")
            case SecurityType.OPTION | SecurityType.INDEX_OPTION:
                return self._option_fee(security, order)
            case SecurityType.FUTURE | SecurityType.FUTURE_OPTION:
                return self._future_fee(security, order)
            case SecurityType.CFD:
                fee = _D("0.00002") * abs(order_value(order, security))
                quote = security.quote_currency.symbol
                return OrderFee(max(fee, _CFD_MINIMUMS.get(quote, _D("1.0"))), quote)
        raise ValueError(f"Unsupported security type: {security.type.lean_name}")

    @staticmethod
    def _equity_fee(security: Security, order: Order) -> OrderFee:
        market = security.symbol.id.market
        if market == Market.USA:
            currency, per_share, minimum, maximum_rate = "USD", _D("0.005"), _D(1), _D("0.005")
        elif market == Market.INDIA:
            currency, per_share, minimum, maximum_rate = "INR", _D("0.01"), _D(6), _D(20)
        else:
            raise ValueError(f"InteractiveBrokersFeeModel(): unexpected equity Market {market}")
        fee = per_share * order.absolute_quantity
        maximum = maximum_rate * abs(order_value(order, security))
        if fee < minimum:
            fee = minimum
        elif fee > maximum:
            fee = maximum
        return OrderFee(abs(fee), currency)

    def _option_fee(self, security: Security, order: Order) -> OrderFee:
        market = security.symbol.id.market
        if market != Market.USA:
            raise ValueError(f"InteractiveBrokersFeeModel(): unexpected option Market {market}")
        premium = _potential_order_price(order, security)
        fee = _option_commission(order.absolute_quantity, premium, self._monthly_option_contracts)
        return OrderFee(fee, "USD")

    @staticmethod
    def _future_fee(security: Security, order: Order) -> OrderFee:
        market = security.symbol.id.market
        if market in _USA_FUTURE_MARKETS:
            market = Market.USA
        per_contract = _FUTURE_FEES.get(market)
        if per_contract is None:
            raise ValueError(f"InteractiveBrokersFeeModel(): unexpected future Market {market}")
        fee = per_contract(security)
        return OrderFee(order.absolute_quantity * fee.amount, fee.currency)


def _forex_tier(monthly_volume: Decimal) -> tuple[Decimal, Decimal]:
    for limit, rate, minimum in _FOREX_SCHEDULE:
        if monthly_volume <= limit:
            return rate, minimum
    return _FOREX_TOP_TIER


# -- crypto exchanges --------------------------------------------------------------------------------------
_COINBASE_STABLE_PAIRS: Final = frozenset({
    "DAIUSDC", "DAIUSD", "GYENUSD", "PAXUSD", "PAXUSDT", "MUSDUSD", "USDCEUR", "USDCGBP", "USDTEUR",
    "USDTGBP",
    "USDTUSD", "USDTUSDC", "USTEUR", "USTUSD", "USTUSDT", "WBTCBTC",
})  # fmt: skip
_COINBASE_MAKER = _D("0.006")
_COINBASE_TAKER = _D("0.008")
_BINANCE_TIER1 = _D("0.001")
_COINBASE_STABLE_CHANGE = datetime(2022, 6, 1, tzinfo=UTC)
_COINBASE_TIERS: Final = (  # (until, maker, taker) before the current Advanced 1 tier
    (datetime(2019, 3, 23, 1, 30, tzinfo=UTC), _D(0), _D("0.003")),
    (datetime(2019, 10, 8, 0, 30, tzinfo=UTC), _D("0.0015"), _D("0.0025")),
)


def _is_maker(order: Order) -> bool:
    # A resting limit order adds liquidity; marketable orders take it.
    return order.type == OrderType.LIMIT and not order.is_marketable


class CoinbaseFeeModel(FeeModel):
    """Coinbase's maker/taker fee on the order value at the ask (buy) or bid (sell), in the quote currency."""

    def __init__(self, maker_fee: Decimal = _COINBASE_MAKER, taker_fee: Decimal = _COINBASE_TAKER) -> None:
        self.maker_fee = maker_fee
        self.taker_fee = taker_fee

    def fee_percentage(self, utc_time: datetime, is_maker: bool, is_stable_coin: bool) -> Decimal:
        """Return the fee rate in force at `utc_time`."""
        utc_time = as_utc(utc_time)
        if is_stable_coin:
            if utc_time < _COINBASE_STABLE_CHANGE:
                return _D(0) if is_maker else _D("0.001")
            return _D(0) if is_maker else _D("0.00001")
        for until, maker, taker in _COINBASE_TIERS:
            if utc_time < until:
                return maker if is_maker else taker
        return self.maker_fee if is_maker else self.taker_fee

    def get_order_fee(self, security: Security, order: Order) -> OrderFee:
        """Return the fee of the order in the quote currency."""
        is_stable = security.symbol.value in _COINBASE_STABLE_PAIRS
        rate = self.fee_percentage(order.time, _is_maker(order), is_stable)
        price = (
            security.exact_ask_price if order.direction == OrderDirection.BUY else security.exact_bid_price
        )
        price *= security.symbol_properties.contract_multiplier
        return OrderFee(price * order.absolute_quantity * rate, security.quote_currency.symbol)


class BinanceFeeModel(FeeModel):
    """Binance's fee: buys pay in the base currency received, sells in the quote currency."""

    def __init__(self, maker_fee: Decimal = _BINANCE_TIER1, taker_fee: Decimal = _BINANCE_TIER1) -> None:
        self.maker_fee = maker_fee
        self.taker_fee = taker_fee

    def get_order_fee(self, security: Security, order: Order) -> OrderFee:
        """Return the fee of the order."""
        rate = self.maker_fee if _is_maker(order) else self.taker_fee
        if security.type == SecurityType.CRYPTO_FUTURE:
            value = security.holdings.get_quantity_value(order.absolute_quantity, security.exact_price)
            return OrderFee(value.amount * rate, value.currency)
        if order.direction == OrderDirection.BUY:
            pair = decompose_currency_pair(security)
            base = pair[0] if pair is not None else security.symbol.value
            return OrderFee(order.absolute_quantity * rate, base)
        price = (
            order.limit_price
            if order.type == OrderType.LIMIT and order.limit_price
            else security.exact_bid_price
        )
        price *= security.symbol_properties.contract_multiplier
        return OrderFee(price * order.absolute_quantity * rate, security.quote_currency.symbol)
