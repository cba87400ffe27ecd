"""Domain enums with LEAN's names and LEAN's integer values.

The integer values matter: they appear in LEAN's serialised orders (and so in the
OrderListHash) and in the security identifier encoding.
"""

from __future__ import annotations

from datetime import timedelta
from enum import Enum, IntEnum


def pascal_name(member: Enum) -> str:
    """Return a member's name as C# writes it: PARTIALLY_FILLED -> "PartiallyFilled"."""
    return "".join(part.capitalize() for part in member.name.split("_"))


class Resolution(IntEnum):
    """How often data arrives, as in LEAN's `Resolution`."""

    TICK = 0
    SECOND = 1
    MINUTE = 2
    HOUR = 3
    DAILY = 4

    def to_timedelta(self) -> timedelta:
        """Return the bar period of this resolution (zero for ticks)."""
        return _RESOLUTION_PERIODS[self]

    @property
    def folder_name(self) -> str:
        """Return the lower-case folder name LEAN uses for this resolution."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Resolution:
        """Parse a resolution name case-insensitively ("minute", "Minute")."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            allowed = ", ".join(member.name.lower() for member in cls)
            raise ValueError(f"unknown resolution {text!r}; expected one of {allowed}") from None


_RESOLUTION_PERIODS = {
    Resolution.TICK: timedelta(0),
    Resolution.SECOND: timedelta(seconds=1),
    Resolution.MINUTE: timedelta(minutes=1),
    Resolution.HOUR: timedelta(hours=1),
    Resolution.DAILY: timedelta(days=1),
}


class SecurityType(IntEnum):
    """The kind of asset, as in LEAN's `SecurityType`."""

    BASE = 0
    EQUITY = 1
    OPTION = 2
    COMMODITY = 3
    FOREX = 4
    FUTURE = 5
    CFD = 6
    CRYPTO = 7
    FUTURE_OPTION = 8
    INDEX = 9
    INDEX_OPTION = 10
    CRYPTO_FUTURE = 11

    @property
    def lean_name(self) -> str:
        """Return LEAN's PascalCase name, used in market-hours keys ("Equity", "FutureOption")."""
        return _SECURITY_TYPE_LEAN_NAMES[self]

    @property
    def folder_name(self) -> str:
        """Return the data folder LEAN uses for this type ("equity", "futureoption")."""
        return self.lean_name.lower()

    @property
    def is_option(self) -> bool:
        """Tell whether this type is an option on some underlying."""
        return self in (SecurityType.OPTION, SecurityType.FUTURE_OPTION, SecurityType.INDEX_OPTION)

    @classmethod
    def parse(cls, text: str) -> SecurityType:
        """Parse a security type name case-insensitively ("equity", "FutureOption", "future_option")."""
        key = text.strip().replace("_", "").lower()
        for member in cls:
            if member.lean_name.lower() == key:
                return member
        allowed = ", ".join(member.lean_name.lower() for member in cls)
        raise ValueError(f"unknown security type {text!r}; expected one of {allowed}")


_SECURITY_TYPE_LEAN_NAMES = {
    SecurityType.BASE: "Base",
    SecurityType.EQUITY: "Equity",
    SecurityType.OPTION: "Option",
    SecurityType.COMMODITY: "Commodity",
    SecurityType.FOREX: "Forex",
    SecurityType.FUTURE: "Future",
    SecurityType.CFD: "Cfd",
    SecurityType.CRYPTO: "Crypto",
    SecurityType.FUTURE_OPTION: "FutureOption",
    SecurityType.INDEX: "Index",
    SecurityType.INDEX_OPTION: "IndexOption",
    SecurityType.CRYPTO_FUTURE: "CryptoFuture",
}


class TickType(IntEnum):
    """The kind of data in a file, as in LEAN's `TickType`."""

    TRADE = 0
    QUOTE = 1
    OPEN_INTEREST = 2

    @property
    def file_name(self) -> str:
        """Return the word LEAN uses in data file names ("trade", "openinterest")."""
        return self.name.replace("_", "").lower()


class DataNormalizationMode(IntEnum):
    """How prices are adjusted for corporate actions, as in LEAN."""

    RAW = 0
    ADJUSTED = 1
    SPLIT_ADJUSTED = 2
    TOTAL_RETURN = 3
    FORWARD_PANAMA_CANAL = 4
    BACKWARDS_PANAMA_CANAL = 5
    BACKWARDS_RATIO = 6
    SCALED_RAW = 7


class DataMappingMode(IntEnum):
    """When a continuous future rolls to the next contract, as in LEAN."""

    LAST_TRADING_DAY = 0
    FIRST_DAY_MONTH = 1
    OPEN_INTEREST = 2
    OPEN_INTEREST_ANNUAL = 3


class OptionRight(IntEnum):
    """Call or put."""

    CALL = 0
    PUT = 1


class OptionStyle(IntEnum):
    """American or European exercise."""

    AMERICAN = 0
    EUROPEAN = 1


class MarketHoursState(IntEnum):
    """The state of an exchange during a market-hours segment."""

    CLOSED = 0
    PRE_MARKET = 1
    MARKET = 2
    POST_MARKET = 3


class OrderType(IntEnum):
    """Order types with LEAN's integer values (they are hashed into OrderListHash)."""

    MARKET = 0
    LIMIT = 1
    STOP_MARKET = 2
    STOP_LIMIT = 3
    MARKET_ON_OPEN = 4
    MARKET_ON_CLOSE = 5
    OPTION_EXERCISE = 6
    LIMIT_IF_TOUCHED = 7
    COMBO_MARKET = 8
    COMBO_LIMIT = 9
    COMBO_LEG_LIMIT = 10
    TRAILING_STOP = 11


class OrderStatus(IntEnum):
    """Order states with LEAN's integer values (4 is unused in LEAN too)."""

    NEW = 0
    SUBMITTED = 1
    PARTIALLY_FILLED = 2
    FILLED = 3
    CANCELED = 5
    NONE = 6
    INVALID = 7
    CANCEL_PENDING = 8
    UPDATE_SUBMITTED = 9

    @property
    def is_closed(self) -> bool:
        """Tell whether no further event can change an order in this state."""
        return self in _CLOSED_ORDER_STATUSES


# A module constant: looking members up on the enum class costs more than the test itself.
_CLOSED_ORDER_STATUSES = (OrderStatus.FILLED, OrderStatus.CANCELED, OrderStatus.INVALID)


class OrderDirection(IntEnum):
    """Buy, sell or hold."""

    BUY = 0
    SELL = 1
    HOLD = 2


class TimeInForce(IntEnum):
    """How long an order stays open."""

    GOOD_TIL_CANCELED = 0
    DAY = 1
    GOOD_TIL_DATE = 2


class AccountType(IntEnum):
    """Margin or cash brokerage account."""

    MARGIN = 0
    CASH = 1


class Market:
    """LEAN's market names (lower-case strings) and their identifier codes."""

    USA = "usa"
    FXCM = "fxcm"
    OANDA = "oanda"
    DUKASCOPY = "dukascopy"
    BITFINEX = "bitfinex"
    GLOBEX = "globex"
    NYMEX = "nymex"
    CBOT = "cbot"
    ICE = "ice"
    CBOE = "cboe"
    INDIA = "india"
    GDAX = "gdax"
    KRAKEN = "kraken"
    BINANCE = "binance"
    COMEX = "comex"
    CME = "cme"
    SGX = "sgx"
    HKFE = "hkfe"
    NYSELIFFE = "nyseliffe"
    CFE = "cfe"
    FTX = "ftx"
    FTXUS = "ftxus"
    BINANCEUS = "binanceus"
    BYBIT = "bybit"
    COINBASE = "coinbase"
    INTERACTIVE_BROKERS = "interactivebrokers"
    EUREX = "eurex"
    OSE = "ose"
    DYDX = "dydx"
    KRX = "krx"

    _CODES: dict[str, int] = {  # noqa: RUF012 - a constant table, never mutated
        "empty": 0,
        "usa": 1,
        "fxcm": 2,
        "oanda": 3,
        "dukascopy": 4,
        "bitfinex": 5,
        "globex": 6,
        "nymex": 7,
        "cbot": 8,
        "ice": 9,
        "cboe": 10,
        "india": 11,
        "gdax": 12,
        "kraken": 13,
        "bittrex": 14,
        "bithumb": 15,
        "binance": 16,
        "poloniex": 17,
        "coinone": 18,
        "hitbtc": 19,
        "okex": 20,
        "bitstamp": 21,
        "comex": 22,
        "cme": 23,
        "sgx": 24,
        "hkfe": 25,
        "nyseliffe": 26,
        "cfe": 33,
        "ftx": 34,
        "ftxus": 35,
        "binanceus": 36,
        "bybit": 37,
        "coinbase": 38,
        "interactivebrokers": 39,
        "eurex": 40,
        "ose": 41,
        "dydx": 42,
        "krx": 43,
    }

    @classmethod
    def encode(cls, market: str) -> int:
        """Return the identifier code of a market; raise for an unknown one."""
        code = cls._CODES.get(market.lower())
        if code is None:
            raise ValueError(f"unknown market {market!r}; known markets: {', '.join(sorted(cls._CODES))}")
        return code

    @classmethod
    def decode(cls, code: int) -> str:
        """Return the market name of an identifier code; raise for an unknown one."""
        for name, value in cls._CODES.items():
            if value == code:
                return name
        raise ValueError(f"unknown market code {code}")
