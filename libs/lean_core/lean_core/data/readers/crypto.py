"""Crypto and crypto-future files: plain decimal prices, trade and quote data.

Ticks are ``time,price,quantity[,suspicious]`` (trade) and ``time,bid,bid size,ask,ask size[,suspicious]``
(quote); their exchange is the market, as in LEAN.
"""

from __future__ import annotations

from lean_core.data.readers.csv_parse import ColumnKind
from lean_core.data.readers.frames import FileFormat, TickField, bar_format, tick_format
from lean_core.enums import Resolution, SecurityType, TickType
from lean_core.symbols import Symbol

__all__ = ["file_format"]

_NUMBER = ColumnKind.NUMBER
_OPTIONAL = ColumnKind.OPTIONAL


def file_format(symbol: Symbol, resolution: Resolution, tick_type: TickType) -> FileFormat:
    """Return the format of a crypto pair's (or crypto future's) files."""
    if tick_type == TickType.OPEN_INTEREST and symbol.security_type != SecurityType.CRYPTO_FUTURE:
        raise ValueError("crypto spot data has no open interest files")
    if resolution != Resolution.TICK or tick_type == TickType.OPEN_INTEREST:
        return bar_format(resolution, tick_type, scaled=False)
    market = symbol.id.market
    if tick_type == TickType.TRADE:
        fields: tuple[TickField, ...] = (
            ("value", _NUMBER, 0),
            ("quantity", _NUMBER, 0),
            ("suspicious", _OPTIONAL, 0),
        )
        return tick_format(fields, (3, 4), exchange=market)
    fields = (
        ("bid_price", _NUMBER, 0),
        ("bid_size", _NUMBER, 0),
        ("ask_price", _NUMBER, 0),
        ("ask_size", _NUMBER, 0),
        ("suspicious", _OPTIONAL, 0),
    )
    return tick_format(fields, (5, 6), exchange=market)
