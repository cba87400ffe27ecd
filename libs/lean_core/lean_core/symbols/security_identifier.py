"""LEAN's `SecurityIdentifier`: a ticker plus one integer packing type, market, dates and option terms.

The string form is `"{SYMBOL} {base36(properties)}"`, with `"|{underlying}"` appended for
derivatives (`SPY R735QTJ8XC9X`, `EURUSD 8G`). The properties integer packs, from the
least significant digit: security type (width 100), market code (1000), strike scale
(100), strike (10^6, bit 19 as the sign), option style (10), days since 1899-12-30
(10^5) and option right (10).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from lean_core.enums import Market, OptionRight, OptionStyle, SecurityType
from lean_core.errors import SymbolError

_SECURITY_TYPE = (1, 100)
# A dict lookup, not the enum's constructor: every price update of a security reads its type.
_SECURITY_TYPES = {member.value: member for member in SecurityType}
_MARKET = (100, 1000)
_STRIKE_SCALE = (100_000, 100)
_STRIKE = (10_000_000, 1_000_000)
_OPTION_STYLE = (10_000_000_000_000, 10)
_DAYS = (100_000_000_000_000, 100_000)
_OPTION_RIGHT = (10_000_000_000_000_000_000, 10)

_STRIKE_DEFAULT_SCALE = 6
_STRIKE_NEGATIVE_BIT = 1 << 19
_STRIKE_MAX_MAGNITUDE = 500_000
_OLE_EPOCH = date(1899, 12, 30)
_BASE36_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

#: The first date of an equity whose map file is unknown. LEAN's own default is OLE day 0,
#: but LEAN resolves map files through a global provider; lean_core has none, and every
#: LEAN data folder's map files start on 1998-01-02, so that is the better guess here.
DEFAULT_DATE = date(1998, 1, 2)


@functools.lru_cache(maxsize=4096)
def encode_base36(value: int) -> str:
    """Return `value` in base 36, most significant digit first ("0" for zero).

    Cached: identifiers are printed at every order and event, and a run has few of them.
    """
    if value == 0:
        return "0"
    digits = []
    while value:
        value, remainder = divmod(value, 36)
        digits.append(_BASE36_DIGITS[remainder])
    return "".join(reversed(digits))


def decode_base36(text: str) -> int:
    """Parse a base-36 string (case-insensitive)."""
    value = 0
    for char in text.upper():
        digit = _BASE36_DIGITS.find(char)
        if digit < 0:
            raise ValueError(f"{text!r} is not base 36")
        value = value * 36 + digit
    return value


def _extract(properties: int, field: tuple[int, int]) -> int:
    offset, width = field
    return (properties // offset) % width


def _pack(value: int, field: tuple[int, int], name: str) -> int:
    offset, width = field
    if not 0 <= value < width:
        raise ValueError(f"{name} {value} does not fit the security identifier (0..{width - 1})")
    return value * offset


def _normalize_strike(strike: Decimal) -> tuple[int, int]:
    """Return (encoded strike, scale) for a strike with at most 6 decimal places."""
    if strike == 0:
        return 0, 0
    scaled = strike * Decimal(10) ** _STRIKE_DEFAULT_SCALE
    if scaled != scaled.to_integral_value():
        raise ValueError(f"strike {strike} has more than {_STRIKE_DEFAULT_SCALE} decimal places")
    unscaled = int(scaled)
    scale = 0
    while unscaled % 10 == 0:
        unscaled //= 10
        scale += 1
    if abs(unscaled) >= _STRIKE_MAX_MAGNITUDE:
        raise ValueError(f"strike {strike} has too many significant digits for the security identifier")
    if unscaled < 0:
        unscaled = -unscaled | _STRIKE_NEGATIVE_BIT
    return unscaled, scale


@dataclass(frozen=True, slots=True)
class SecurityIdentifier:
    """An immutable, hashable LEAN security identifier."""

    symbol: str
    properties: int
    underlying: SecurityIdentifier | None = None

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def generate_equity(cls, ticker: str, market: str, first_date: date | None = None) -> SecurityIdentifier:
        """Identify an equity; `first_date` is its map file's first date (the IPO), if known."""
        return cls._generate(ticker, SecurityType.EQUITY, market, days_date=first_date or DEFAULT_DATE)

    @classmethod
    def generate_forex(cls, ticker: str, market: str) -> SecurityIdentifier:
        """Identify a currency pair."""
        return cls._generate(ticker, SecurityType.FOREX, market)

    @classmethod
    def generate_crypto(cls, ticker: str, market: str) -> SecurityIdentifier:
        """Identify a crypto pair."""
        return cls._generate(ticker, SecurityType.CRYPTO, market)

    @classmethod
    def generate_cfd(cls, ticker: str, market: str) -> SecurityIdentifier:
        """Identify a CFD."""
        return cls._generate(ticker, SecurityType.CFD, market)

    @classmethod
    def generate_index(cls, ticker: str, market: str) -> SecurityIdentifier:
        """Identify an index."""
        return cls._generate(ticker, SecurityType.INDEX, market)

    @classmethod
    def generate_base(cls, ticker: str, market: str, first_date: date | None = None) -> SecurityIdentifier:
        """Identify custom data (LEAN's default date, OLE day 0, unless it wraps a dated security)."""
        return cls._generate(ticker, SecurityType.BASE, market, days_date=first_date)

    @classmethod
    def generate_future(cls, expiry: date, root: str, market: str) -> SecurityIdentifier:
        """Identify a future contract; a canonical (continuous) future uses the sentinel expiry."""
        return cls._generate(root, SecurityType.FUTURE, market, days_date=expiry)

    @classmethod
    def generate_crypto_future(cls, expiry: date, ticker: str, market: str) -> SecurityIdentifier:
        """Identify a crypto future (perpetuals use the sentinel expiry)."""
        return cls._generate(ticker, SecurityType.CRYPTO_FUTURE, market, days_date=expiry)

    @classmethod
    def generate_option(
        cls,
        expiry: date,
        underlying: SecurityIdentifier,
        market: str,
        strike: Decimal | float | int,
        right: OptionRight,
        style: OptionStyle,
        *,
        target_ticker: str | None = None,
        security_type: SecurityType | None = None,
    ) -> SecurityIdentifier:
        """Identify an option contract on `underlying` (equity, index or future options)."""
        option_type = security_type or _option_type_for(underlying.security_type)
        ticker = target_ticker or underlying.symbol
        return cls._generate(
            ticker,
            option_type,
            market,
            days_date=expiry,
            strike=Decimal(str(strike)),
            right=right,
            style=style,
            underlying=underlying,
        )

    @classmethod
    def _generate(
        cls,
        ticker: str,
        security_type: SecurityType,
        market: str,
        *,
        days_date: date | None = None,
        strike: Decimal = Decimal(0),
        right: OptionRight = OptionRight.CALL,
        style: OptionStyle = OptionStyle.AMERICAN,
        underlying: SecurityIdentifier | None = None,
    ) -> SecurityIdentifier:
        if not ticker or ticker != ticker.strip() or "|" in ticker:
            raise SymbolError("a ticker must be non-empty with no surrounding spaces or '|'", symbol=ticker)
        try:
            market_code = Market.encode(market)
            strike_value, strike_scale = _normalize_strike(strike)
            days = (days_date - _OLE_EPOCH).days if days_date else 0
            properties = (
                _pack(int(security_type), _SECURITY_TYPE, "security type")
                + _pack(market_code, _MARKET, "market code")
                + _pack(strike_scale, _STRIKE_SCALE, "strike scale")
                + _pack(strike_value, _STRIKE, "strike")
                + _pack(int(style), _OPTION_STYLE, "option style")
                + _pack(days, _DAYS, "date")
                + _pack(int(right), _OPTION_RIGHT, "option right")
            )
        except ValueError as error:
            raise SymbolError(str(error), symbol=ticker) from None
        return cls(ticker.upper(), properties, underlying)

    # -- parsing and printing -----------------------------------------------------------------
    @classmethod
    def parse(cls, text: str) -> SecurityIdentifier:
        """Parse LEAN's string form, underlyings included (`"AAPL 2ZQ...|AAPL R735QTJ8XC9X"`)."""
        return _parse_cached(text)

    @classmethod
    def _parse_text(cls, text: str) -> SecurityIdentifier:
        parts = text.strip().split("|")
        identifier: SecurityIdentifier | None = None
        for part in reversed(parts):
            identifier = cls._parse_one(part, text, identifier)
        assert identifier is not None  # split always yields at least one part
        return identifier

    @classmethod
    def _parse_one(cls, part: str, whole: str, underlying: SecurityIdentifier | None) -> SecurityIdentifier:
        ticker, _, encoded = part.strip().rpartition(" ")
        if not ticker or not encoded:
            raise SymbolError("expected 'TICKER PROPERTIES' in the security identifier", symbol=whole)
        try:
            properties = decode_base36(encoded)
        except ValueError as error:
            raise SymbolError(str(error), symbol=whole) from None
        identifier = cls(ticker, properties, underlying)
        identifier._validate(whole)
        return identifier

    def _validate(self, whole: str) -> None:
        try:
            SecurityType(_extract(self.properties, _SECURITY_TYPE))
            Market.decode(_extract(self.properties, _MARKET))
        except ValueError as error:
            raise SymbolError(str(error), symbol=whole) from None

    def __str__(self) -> str:
        text = f"{self.symbol} {encode_base36(self.properties)}"
        return f"{text}|{self.underlying}" if self.underlying is not None else text

    def __repr__(self) -> str:
        return f"SecurityIdentifier({str(self)!r})"

    # -- decoded fields -----------------------------------------------------------------------
    @property
    def security_type(self) -> SecurityType:
        """Return the asset class."""
        return _SECURITY_TYPES[_extract(self.properties, _SECURITY_TYPE)]

    @property
    def market(self) -> str:
        """Return the market name ("usa", "oanda", ...)."""
        return Market.decode(_extract(self.properties, _MARKET))

    @property
    def date(self) -> date:
        """Return the first date (equities) or expiry (futures, options)."""
        return _OLE_EPOCH + timedelta(days=_extract(self.properties, _DAYS))

    @property
    def has_date(self) -> bool:
        """Tell whether the identifier carries a date (forex, crypto and CFDs do not)."""
        return _extract(self.properties, _DAYS) != 0

    @property
    def strike_price(self) -> Decimal:
        """Return the option strike (zero for non-options)."""
        encoded = _extract(self.properties, _STRIKE)
        scale = _extract(self.properties, _STRIKE_SCALE)
        magnitude = encoded & ~_STRIKE_NEGATIVE_BIT
        value = Decimal(magnitude).scaleb(scale - _STRIKE_DEFAULT_SCALE)
        return -value if encoded & _STRIKE_NEGATIVE_BIT else value

    @property
    def option_right(self) -> OptionRight:
        """Return call or put."""
        return OptionRight(_extract(self.properties, _OPTION_RIGHT))

    @property
    def option_style(self) -> OptionStyle:
        """Return American or European."""
        return OptionStyle(_extract(self.properties, _OPTION_STYLE))


def _option_type_for(underlying_type: SecurityType) -> SecurityType:
    match underlying_type:
        case SecurityType.FUTURE:
            return SecurityType.FUTURE_OPTION
        case SecurityType.INDEX:
            return SecurityType.INDEX_OPTION
        case _:
            return SecurityType.OPTION


@functools.lru_cache(maxsize=4096)
def _parse_cached(text: str) -> SecurityIdentifier:
    """Parse once per text: identifiers are immutable, and every order message carries one."""
    return SecurityIdentifier._parse_text(text)
