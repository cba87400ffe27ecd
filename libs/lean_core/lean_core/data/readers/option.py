"""Option files (equity, index and future options), one zip entry per contract.

Equity and index option bars are in deci-cents; LEAN scales ticks of equity options only, and nothing of
future options. Rows look like futures rows. Entries are named
``[{yyyyMMdd}_]{ticker}_[{resolution}_]{tick type}_{style}_{right}_{strike·10000}_{expiry}.csv``.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from lean_core.data.readers.frames import FileFormat, bar_format
from lean_core.data.readers.future import derivative_tick_format
from lean_core.enums import OptionRight, OptionStyle, Resolution, SecurityType, TickType
from lean_core.symbols import Symbol

__all__ = ["contract_from_entry", "file_format"]

_ENTRY_TERMS = re.compile(r"_(american|european)_(call|put)_(-?[0-9.]+)_(\d{8})\.csv$", re.IGNORECASE)


def file_format(symbol: Symbol, resolution: Resolution, tick_type: TickType) -> FileFormat:
    """Return the format of an option contract's files."""
    security_type = symbol.security_type
    if resolution == Resolution.TICK:
        return derivative_tick_format(tick_type, 4 if security_type == SecurityType.OPTION else 0)
    scaled = security_type in (SecurityType.OPTION, SecurityType.INDEX_OPTION)
    return bar_format(resolution, tick_type, scaled=scaled)


def contract_from_entry(chain: Symbol, entry: str) -> Symbol | None:
    """Return the contract an entry name describes, on the chain's underlying; None if it names none."""
    match = _ENTRY_TERMS.search(entry)
    if match is None:
        return None
    style_text, right_text, strike_text, expiry_text = match.groups()
    try:
        strike = Decimal(strike_text).scaleb(-4)
        expiry = date(int(expiry_text[:4]), int(expiry_text[4:6]), int(expiry_text[6:]))
    except (InvalidOperation, ValueError):
        return None
    underlying = chain.underlying
    if underlying is None:
        raise ValueError(f"option chain {chain.value} needs its underlying symbol to name contracts")
    style = OptionStyle.AMERICAN if style_text.lower() == "american" else OptionStyle.EUROPEAN
    right = OptionRight.CALL if right_text.lower() == "call" else OptionRight.PUT
    target = chain.id.symbol if chain.id.symbol != underlying.id.symbol else None
    market = chain.id.market
    return Symbol.create_option(underlying, market, style, right, strike, expiry, target_ticker=target)
