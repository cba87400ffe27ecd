"""Futures files: plain decimal prices (LEAN does not scale futures), one zip entry per contract.

Bars are trade, quote (either side may be empty) or open interest (``time,value``). Ticks are
``time,price,quantity,exchange,sale condition,suspicious`` (trade), ``time,bid,bid size,ask,ask
size,exchange,suspicious`` (quote, a side may be empty) or ``time,value`` (open interest). Entries end
with the contract month, ``..._201312.csv``.
"""

from __future__ import annotations

import re
from datetime import date

from lean_core.data.readers.csv_parse import ColumnKind
from lean_core.data.readers.frames import FileFormat, TickField, bar_format, open_interest_format, tick_format
from lean_core.enums import Resolution, TickType
from lean_core.symbols import Symbol

__all__ = ["contract_month_from_entry", "derivative_tick_format", "file_format"]

_NUMBER = ColumnKind.NUMBER
_OPTIONAL = ColumnKind.OPTIONAL
_TEXT = ColumnKind.TEXT
_CONTRACT_MONTH = re.compile(r"_(\d{4})(\d{2})\.csv$", re.IGNORECASE)


def derivative_tick_format(tick_type: TickType, price_scale: int) -> FileFormat:
    """Return the tick format futures and options share; `price_scale` 4 means deci-cent prices."""
    if tick_type == TickType.OPEN_INTEREST:
        return open_interest_format(Resolution.TICK)
    if tick_type == TickType.TRADE:
        fields: tuple[TickField, ...] = (
            ("value", _NUMBER, price_scale),
            ("quantity", _NUMBER, 0),
            ("exchange", _TEXT, 0),
            ("sale_condition", _TEXT, 0),
            ("suspicious", _OPTIONAL, 0),
        )
        return tick_format(fields, (6,))
    fields = (
        ("bid_price", _OPTIONAL, price_scale),
        ("bid_size", _OPTIONAL, 0),
        ("ask_price", _OPTIONAL, price_scale),
        ("ask_size", _OPTIONAL, 0),
        ("exchange", _TEXT, 0),
        ("suspicious", _OPTIONAL, 0),
    )
    return tick_format(fields, (7,))


def file_format(symbol: Symbol, resolution: Resolution, tick_type: TickType) -> FileFormat:
    """Return the format of a futures contract's files."""
    del symbol  # every future has the same layout
    if resolution == Resolution.TICK:
        return derivative_tick_format(tick_type, 0)
    return bar_format(resolution, tick_type, scaled=False)


def contract_month_from_entry(entry: str) -> date | None:
    """Return the contract month an entry name ends with, or None for another kind of entry."""
    match = _CONTRACT_MONTH.search(entry)
    if match is None or not 1 <= int(match.group(2)) <= 12:
        return None
    return date(int(match.group(1)), int(match.group(2)), 1)
