"""Custom data securities: their symbols, exchanges and properties, and how they go on the wire.

LEAN names a custom data security `TICKER.TypeName` in its identifier (market usa unless it wraps
another security's symbol), opens its exchange around the clock in the data type's time zone
(New York by default) and takes its properties from the symbol-properties database, or from the
algorithm (`add_data(MyData, "BTC", properties, exchange_hours)`). The algorithm decides all of
this in `add_data`; the other handlers learn it from the run's set-up message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol
from zoneinfo import ZoneInfo

import msgspec

from lean_core.bus import messages as m
from lean_core.data.custom_data import CustomDataError, PythonData
from lean_core.enums import SecurityType
from lean_core.symbols import Symbol
from lean_core.symbols.security_identifier import SecurityIdentifier
from lean_core.symbols.symbol_properties import SymbolProperties
from lean_core.time.exchange_hours import SecurityExchangeHours
from lean_core.time.market_hours_database import MarketHoursEntry
from lean_core.time.time_zones import get_time_zone

__all__ = [
    "CustomSecurityInfo",
    "custom_symbol",
    "describe_custom_security",
    "describe_custom_subscription",
    "register_custom_securities",
]

# The SID date is kept only for underlyings of these types (LEAN's Symbol.CreateBase).
_DATED_UNDERLYINGS = (
    SecurityType.EQUITY,
    SecurityType.OPTION,
    SecurityType.FUTURE,
    SecurityType.FUTURE_OPTION,
    SecurityType.INDEX_OPTION,
    SecurityType.BASE,
)


@dataclass(frozen=True, slots=True)
class CustomSecurityInfo:
    """What `add_data` decided for a custom data security."""

    data_class: type[PythonData]
    symbol: Symbol
    entry: MarketHoursEntry
    properties: SymbolProperties | None = None

    @property
    def type_name(self) -> str:
        """Return the name LEAN keys the type by."""
        return self.data_class.__name__


def custom_symbol(data_class: type[PythonData], ticker_or_underlying: str | Symbol, market: str) -> Symbol:
    """Return LEAN's symbol for custom data of `data_class` on a ticker or on another security.

    The identifier's symbol is `TICKER.TypeName` (the type name keeps its case); on an underlying,
    the ticker and market are the underlying's and the symbol's `underlying` is that symbol.
    """
    if isinstance(ticker_or_underlying, Symbol):
        underlying = ticker_or_underlying
        first_date = underlying.id.date if underlying.security_type in _DATED_UNDERLYINGS else None
        sid = _base_sid(underlying.id.symbol, data_class, underlying.id.market, first_date)
        return Symbol(sid, underlying.value, underlying)
    ticker = ticker_or_underlying.upper()
    return Symbol(_base_sid(ticker, data_class, market, None), ticker)


def _base_sid(
    ticker: str, data_class: type[PythonData], market: str, first_date: date | None
) -> SecurityIdentifier:
    # Generation upper-cases the whole symbol; LEAN keeps the type name as written.
    sid = SecurityIdentifier.generate_base(ticker, market, first_date)
    return replace(sid, symbol=f"{ticker.upper()}.{data_class.__name__}")


def always_open_entry(
    hours: SecurityExchangeHours | None, time_zone: ZoneInfo | None, data_class: type[PythonData]
) -> MarketHoursEntry:
    """Return the exchange of a custom data security: given hours, a given zone, or the type's zone."""
    if hours is not None:
        if not hours.is_always_open:
            raise CustomDataError(
                "custom data exchange hours must be always open (SecurityExchangeHours.always_open(zone)); "
                "other schedules are not supported yet"
            )
        return MarketHoursEntry(hours.time_zone, hours)
    zone = time_zone if time_zone is not None else data_class().data_time_zone()
    return MarketHoursEntry.always_open(zone)


def describe_custom_subscription(
    spec: m.SubscriptionSpec, custom: dict[Symbol, CustomSecurityInfo]
) -> m.SubscriptionSpec:
    """Add the custom type and its zones to a subscription spec of a custom data security."""
    info = custom.get(Symbol.parse(spec.symbol_id, spec.symbol_value))
    if info is None:
        return spec
    return msgspec.structs.replace(
        spec,
        custom_type=info.type_name,
        data_time_zone=info.entry.data_time_zone.key,
        exchange_time_zone=info.entry.exchange_hours.time_zone.key,
    )


def describe_custom_security(
    spec: m.SecuritySpec, custom: dict[Symbol, CustomSecurityInfo]
) -> m.SecuritySpec:
    """Add a custom data security's exchange and properties to its security spec."""
    info = custom.get(Symbol.parse(spec.symbol_id, spec.symbol_value))
    if info is None:
        return spec
    props = info.properties
    wire_props = (
        None
        if props is None
        else m.CustomSymbolProperties(
            description=props.description,
            quote_currency=props.quote_currency,
            contract_multiplier=props.contract_multiplier,
            minimum_price_variation=props.minimum_price_variation,
            lot_size=props.lot_size,
            market_ticker=props.market_ticker,
            minimum_order_size=props.minimum_order_size,
        )
    )
    underlying = info.symbol.underlying
    described = m.CustomSecurity(
        type_name=info.type_name,
        time_zone=info.entry.exchange_hours.time_zone.key,
        data_time_zone=info.entry.data_time_zone.key,
        symbol_properties=wire_props,
        underlying_id=str(underlying.id) if underlying is not None else "",
        underlying_value=underlying.value if underlying is not None else "",
    )
    return msgspec.structs.replace(spec, custom=described)


class _Factory(Protocol):
    """What registration needs of a `SecurityFactory`."""

    def add_custom_security(
        self, symbol: Symbol, entry: MarketHoursEntry, properties: SymbolProperties | None = None
    ) -> None: ...


def register_custom_securities(factory: _Factory, specs: Iterable[m.SecuritySpec]) -> None:
    """Let a handler's factory build the custom data securities of a run as the algorithm did."""
    for spec in specs:
        custom = spec.custom
        if custom is None:
            continue
        zone = get_time_zone(custom.time_zone)
        entry = MarketHoursEntry(
            get_time_zone(custom.data_time_zone), SecurityExchangeHours.always_open(zone)
        )
        props = custom.symbol_properties
        properties = (
            None
            if props is None
            else SymbolProperties(
                props.description,
                props.quote_currency,
                props.contract_multiplier,
                props.minimum_price_variation,
                props.lot_size,
                props.market_ticker,
                props.minimum_order_size,
            )
        )
        underlying = (
            Symbol.parse(custom.underlying_id, custom.underlying_value) if custom.underlying_id else None
        )
        symbol = Symbol(SecurityIdentifier.parse(spec.symbol_id), spec.symbol_value, underlying)
        factory.add_custom_security(symbol, entry, properties)
