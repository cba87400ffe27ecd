"""The official open and close prints among an equity's trade ticks (for market-on-open/close fills).

A trade tick carries its sale conditions as hex flags (LEAN's `TradeConditionFlags`); the official
open is the first flagged trade on the primary exchange, the official close the last. Without one,
LEAN waits up to a minute past the open (or close) and then takes the last tick.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from lean_core.enums import TickType
from lean_core.securities.decimals import ZERO
from lean_core.securities.exact_data import ExactTick
from lean_core.securities.market_prices import extended_market_hours, to_local

if TYPE_CHECKING:
    from lean_core.securities.security import Security

__all__ = ["official_close", "official_open"]

OFFICIAL_OPEN_FLAGS: Final = (1 << 26) | (1 << 6)  # OfficialOpen | OpeningPrints
OFFICIAL_CLOSE_FLAGS: Final = (1 << 24) | (1 << 7)  # OfficialClose | ClosingPrints
_ONE_MINUTE = timedelta(minutes=1)
_NO_OPEN = "No trade with the OfficialOpen or OpeningPrints flag within the 1-minute timeout."
_NO_CLOSE_EXTENDED = "No trade with the OfficialClose or ClosingPrints flag within the 1-minute timeout."
_NO_CLOSE_REGULAR = (
    "No trade with the OfficialClose or ClosingPrints flag for data that does not include extended "
    "market hours."
)


def _flags(condition: str) -> int:
    return int(condition, 16) if condition.strip() else 0


def _flagged(security: Security, ticks: list[ExactTick], flags: int) -> list[ExactTick]:
    primary = getattr(security, "primary_exchange", "")
    return [t for t in ticks if t.exchange == primary and _flags(t.sale_condition) & flags]


def _last_tick_text(tick: ExactTick | None) -> str:
    name = tick.tick_type.name.capitalize() if tick is not None else ""
    return f" Fill with last {name} data."


def _price(tick: ExactTick | None) -> Decimal:
    return tick.price if tick is not None and tick.tick_type == TickType.TRADE else ZERO


def official_open(security: Security) -> tuple[datetime, Decimal, str] | None:
    """Return (end time, price, message) of the opening print to fill at, or None to wait."""
    hours = security.exchange_hours
    ticks = security.cache.ticks
    trades = sorted(
        (t for t in ticks if t.tick_type == TickType.TRADE and hours.is_open(t.time, False)),
        key=lambda t: t.end_time,
    )
    flagged = _flagged(security, trades, OFFICIAL_OPEN_FLAGS)
    if flagged:
        return flagged[0].end_time, _price(flagged[0]), ""
    tick = trades[-1] if trades else (ticks[-1] if ticks else None)
    if tick is None:
        return None
    local = security.local_time
    segments = hours.segments(local.date()) if local is not None else []
    if segments:
        since_midnight = tick.end_time - datetime.combine(tick.end_time.date(), time())
        if since_midnight - segments[0].start < _ONE_MINUTE:
            return None
    return tick.end_time, _price(tick), _NO_OPEN + _last_tick_text(tick)


def official_close(security: Security, order_utc: datetime) -> tuple[Decimal, str] | None:
    """Return (price, message) of the closing print to fill at, or None to wait."""
    ticks = security.cache.ticks
    trades = sorted((t for t in ticks if t.tick_type == TickType.TRADE), key=lambda t: t.end_time)
    flagged = _flagged(security, trades, OFFICIAL_CLOSE_FLAGS)
    if flagged:
        return _price(flagged[-1]), ""
    tick = trades[-1] if trades else (ticks[-1] if ticks else None)
    if not extended_market_hours(security):
        return _price(tick), _NO_CLOSE_REGULAR + _last_tick_text(tick)
    next_close = security.exchange_hours.get_next_market_close(to_local(security, order_utc), False)
    if tick is not None and tick.end_time - next_close < _ONE_MINUTE:
        return None
    return _price(tick), _NO_CLOSE_EXTENDED + _last_tick_text(tick)
