"""LEAN's `Symbol`: the ticker a user sees plus the security identifier that never changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from lean_core.enums import Market, OptionRight, OptionStyle, SecurityType
from lean_core.errors import SymbolError
from lean_core.symbols.security_identifier import SecurityIdentifier

#: The expiry LEAN gives canonical (continuous) futures and option chains: its default date,
#: OLE day 0, which encodes as no date at all.
CANONICAL_EXPIRY = date(1899, 12, 30)

_DEFAULT_MARKETS = {
    SecurityType.EQUITY: Market.USA,
    SecurityType.OPTION: Market.USA,
    SecurityType.INDEX: Market.USA,
    SecurityType.INDEX_OPTION: Market.USA,
    SecurityType.FOREX: Market.OANDA,
    SecurityType.CFD: Market.OANDA,
    SecurityType.CRYPTO: Market.COINBASE,
    SecurityType.FUTURE: Market.CME,
    SecurityType.BASE: Market.USA,
}


def default_market(security_type: SecurityType) -> str:
    """Return the market LEAN assumes when none is given."""
    try:
        return _DEFAULT_MARKETS[security_type]
    except KeyError:
        raise SymbolError(
            "no default market for this security type", symbol=security_type.lean_name
        ) from None


@dataclass(frozen=True, slots=True)
class Symbol:
    """A security as the algorithm names it: equal and hashed by identifier, printed by value."""

    id: SecurityIdentifier
    value: str
    underlying: Symbol | None = field(default=None, compare=False)
    # hash(id), computed once: symbols key the dictionaries every time step reads (the slice's
    # bars, the securities), and hashing the identifier's fields costs ~0.5 us a lookup
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash(self.id))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Symbol):
            # Identifiers parsed from one string are one object: skip the field-by-field compare.
            return self.id is other.id or self.id == other.id
        return NotImplemented

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self) -> tuple[type[Symbol], tuple[SecurityIdentifier, str, Symbol | None]]:
        # rebuilt from its fields, so the cached hash is recomputed (string hashes differ between
        # processes)
        return Symbol, (self.id, self.value, self.underlying)

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        ticker: str,
        security_type: SecurityType,
        market: str | None = None,
        *,
        first_date: date | None = None,
        permtick: str | None = None,
    ) -> Symbol:
        """Create a symbol for a non-derivative security.

        For equities `first_date` and `permtick` come from the map file (the first date and
        first ticker the security traded under); without them LEAN's defaults apply.
        """
        market = market or default_market(security_type)
        ticker = ticker.upper()
        match security_type:
            case SecurityType.EQUITY:
                sid = SecurityIdentifier.generate_equity(permtick or ticker, market, first_date)
            case SecurityType.FOREX:
                sid = SecurityIdentifier.generate_forex(ticker, market)
            case SecurityType.CRYPTO:
                sid = SecurityIdentifier.generate_crypto(ticker, market)
            case SecurityType.CFD:
                sid = SecurityIdentifier.generate_cfd(ticker, market)
            case SecurityType.INDEX:
                sid = SecurityIdentifier.generate_index(ticker, market)
            case SecurityType.BASE:
                sid = SecurityIdentifier.generate_base(ticker, market)
            case SecurityType.FUTURE:
                sid = SecurityIdentifier.generate_future(CANONICAL_EXPIRY, ticker, market)
            case SecurityType.CRYPTO_FUTURE:
                sid = SecurityIdentifier.generate_crypto_future(CANONICAL_EXPIRY, ticker, market)
            case _:
                raise SymbolError(f"use create_option for {security_type.lean_name}", symbol=ticker)
        return cls(sid, ticker)

    @classmethod
    def create_future(cls, root: str, market: str, expiry: date, value: str | None = None) -> Symbol:
        """Create a future contract symbol."""
        sid = SecurityIdentifier.generate_future(expiry, root.upper(), market)
        return cls(sid, value or root.upper())

    @classmethod
    def create_option(
        cls,
        underlying: Symbol,
        market: str,
        style: OptionStyle,
        right: OptionRight,
        strike: Decimal | float | int,
        expiry: date,
        *,
        target_ticker: str | None = None,
    ) -> Symbol:
        """Create an option contract symbol on `underlying`; the value is the OSI ticker."""
        sid = SecurityIdentifier.generate_option(
            expiry, underlying.id, market, strike, right, style, target_ticker=target_ticker
        )
        value = osi_ticker(target_ticker or underlying.value, expiry, right, Decimal(str(strike)))
        return cls(sid, value, underlying)

    @classmethod
    def parse(cls, sid_text: str, value: str | None = None) -> Symbol:
        """Build a symbol from LEAN's identifier string; the value defaults to its ticker."""
        sid = SecurityIdentifier.parse(sid_text)
        return cls._from_sid(sid, value)

    @classmethod
    def _from_sid(cls, sid: SecurityIdentifier, value: str | None = None) -> Symbol:
        underlying = cls._from_sid(sid.underlying) if sid.underlying is not None else None
        if value is None and sid.security_type.is_option and underlying is not None:
            value = osi_ticker(sid.symbol, sid.date, sid.option_right, sid.strike_price)
        return cls(sid, value or sid.symbol, underlying)

    def with_value(self, value: str) -> Symbol:
        """Return the same security under a new ticker (after a rename)."""
        return Symbol(self.id, value.upper(), self.underlying)

    # -- views --------------------------------------------------------------------------------
    @property
    def security_type(self) -> SecurityType:
        """Return the asset class."""
        return self.id.security_type

    @property
    def permtick(self) -> str:
        """Return the ticker fixed at listing (the identifier's symbol)."""
        return self.id.symbol

    @property
    def is_canonical(self) -> bool:
        """Tell whether this is a chain or continuous contract rather than one contract."""
        return self.security_type in (SecurityType.FUTURE, SecurityType.OPTION) and (
            self.id.date == CANONICAL_EXPIRY
        )

    def __str__(self) -> str:
        return self.value

    def __repr__(self) -> str:
        return f"Symbol({self.value!r}, {str(self.id)!r})"


def osi_ticker(ticker: str, expiry: date, right: OptionRight, strike: Decimal) -> str:
    """Return the OSI option ticker: root padded to 6, yymmdd, C/P, strike x1000 on 8 digits."""
    right_letter = "C" if right == OptionRight.CALL else "P"
    strike_thousandths = int((strike * 1000).to_integral_value())
    return f"{ticker.upper():<6}{expiry:%y%m%d}{right_letter}{strike_thousandths:08d}"
