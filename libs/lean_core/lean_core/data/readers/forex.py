"""Forex and CFD files: quotes only, plain decimal prices.

Bars hold both sides of a quote with sizes (zero in the sample data); ticks are ``time,bid,ask``.
"""

from __future__ import annotations

from lean_core.data.readers.csv_parse import ColumnKind
from lean_core.data.readers.frames import FileFormat, bar_format, tick_format
from lean_core.enums import Resolution, TickType
from lean_core.symbols import Symbol

__all__ = ["file_format"]

_QUOTE_TICK = tick_format((("bid_price", ColumnKind.NUMBER, 0), ("ask_price", ColumnKind.NUMBER, 0)), (3,))


def file_format(symbol: Symbol, resolution: Resolution, tick_type: TickType) -> FileFormat:
    """Return the format of a currency pair's or a CFD's files; only quote data exists."""
    if tick_type != TickType.QUOTE:
        kind = symbol.security_type.lean_name
        raise ValueError(f"{kind} data holds quotes only, not {tick_type.file_name} data")
    if resolution == Resolution.TICK:
        return _QUOTE_TICK
    return bar_format(resolution, tick_type, scaled=False)
