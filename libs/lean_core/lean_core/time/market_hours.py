"""Market hours: segments, exchange schedules, LEAN's market-hours database and vectorised open masks.

This module names the public pieces; each lives in its own module beside it.
"""

from lean_core.time.exchange_hours import MarketHoursSegment, SecurityExchangeHours
from lean_core.time.market_hours_database import MarketHoursDatabase, MarketHoursEntry
from lean_core.time.open_mask import bars_open_mask, open_intervals, open_mask

__all__ = [
    "MarketHoursDatabase",
    "MarketHoursEntry",
    "MarketHoursSegment",
    "SecurityExchangeHours",
    "bars_open_mask",
    "open_intervals",
    "open_mask",
]
