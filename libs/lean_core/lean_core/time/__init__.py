"""Time: exchange hours, LEAN's market-hours database and time-zone conversions."""

from lean_core.time.market_hours import (
    MarketHoursDatabase,
    MarketHoursEntry,
    MarketHoursSegment,
    SecurityExchangeHours,
    bars_open_mask,
    open_mask,
)
from lean_core.time.time_zones import (
    TimeZones,
    get_time_zone,
    local_ns_to_utc_ns,
    local_to_utc_ns,
    utc_ns_to_local_ns,
)

__all__ = [
    "MarketHoursDatabase",
    "MarketHoursEntry",
    "MarketHoursSegment",
    "SecurityExchangeHours",
    "TimeZones",
    "bars_open_mask",
    "get_time_zone",
    "local_ns_to_utc_ns",
    "local_to_utc_ns",
    "open_mask",
    "utc_ns_to_local_ns",
]
