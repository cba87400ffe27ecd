"""Equity and index files: deci-cent prices for equities, plain ones for indexes.

Equity rows: bars ``time,open,high,low,close,volume`` (trade) or both sides of a quote bar; trade ticks
``time,price,quantity[,exchange,sale condition (hex),suspicious]`` and quote ticks
``time,bid,bid size,ask,ask size[,exchange,condition,suspicious]``. Hour and daily files hold trade bars
only, and index files trade bars only.
"""

from __future__ import annotations

from lean_core.data.readers.csv_parse import ColumnKind
from lean_core.data.readers.frames import FileFormat, bar_format, tick_format
from lean_core.enums import Resolution, SecurityType, TickType
from lean_core.symbols import Symbol

__all__ = ["file_format"]

_NUMBER = ColumnKind.NUMBER
_OPTIONAL = ColumnKind.OPTIONAL
_TEXT = ColumnKind.TEXT

_TRADE_TICK = tick_format(
    (
        ("value", _NUMBER, 4),
        ("quantity", _NUMBER, 0),
        ("exchange", _TEXT, 0),
        ("sale_condition", _TEXT, 0),
        ("suspicious", _OPTIONAL, 0),
    ),
    (3, 6),
)
_QUOTE_TICK = tick_format(
    (
        ("bid_price", _NUMBER, 4),
        ("bid_size", _NUMBER, 0),
        ("ask_price", _NUMBER, 4),
        ("ask_size", _NUMBER, 0),
        ("exchange", _TEXT, 0),
        ("sale_condition", _TEXT, 0),
        ("suspicious", _OPTIONAL, 0),
    ),
    (5, 8),
)


def file_format(symbol: Symbol, resolution: Resolution, tick_type: TickType) -> FileFormat:
    """Return the format of an equity's or an index's files at a resolution and tick type."""
    is_index = symbol.security_type == SecurityType.INDEX
    if tick_type == TickType.OPEN_INTEREST or (is_index and tick_type != TickType.TRADE):
        raise ValueError(f"{symbol.security_type.lean_name} data has no {tick_type.file_name} files")
    if tick_type == TickType.QUOTE and resolution in (Resolution.HOUR, Resolution.DAILY):
        # The one hour/daily zip per equity holds trade bars: LEAN subscribes to quotes only below an hour.
        raise ValueError("LEAN keeps no equity quote files at hour or daily resolution")
    if resolution == Resolution.TICK:
        if is_index:
            raise ValueError("LEAN has no tick files for indexes")
        return _TRADE_TICK if tick_type == TickType.TRADE else _QUOTE_TICK
    return bar_format(resolution, tick_type, scaled=not is_index)
