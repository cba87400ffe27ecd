"""Where a bar-count history request starts: count bars back over open market hours.

LEAN turns `history(symbol, n)` into a time range: from the current time (rounded down to the
bar size in the data time zone) it steps back one bar at a time and counts only the steps
during which the exchange was open, until `n` are counted. Daily bars with strict end times
count today only once its session has closed. All times here are naive exchange-local times,
as LEAN's arithmetic is; the caller converts the result to UTC.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from lean_core.errors import LeanError
from lean_core.time.exchange_hours import SecurityExchangeHours

_ONE_DAY = timedelta(days=1)
_ONE_SECOND = timedelta(seconds=1)
# A request that cannot find its bars within this many calendar days has no open market to count.
_MAX_LOOK_BACK = timedelta(days=366 * 30)


def round_down_in_zone(local: datetime, bar: timedelta, zone: ZoneInfo, data_zone: ZoneInfo) -> datetime:
    """Round an exchange-local time down to a multiple of `bar` as seen in the data time zone."""
    in_data = _convert(local, zone, data_zone)
    # .NET rounds ticks since 0001-01-01, which is where Python's datetime.min sits too.
    rounded = datetime.min + ((in_data - datetime.min) // bar) * bar
    return _convert(rounded, data_zone, zone)


def start_for_bars(
    hours: SecurityExchangeHours,
    data_zone: ZoneInfo,
    now: datetime,
    bar: timedelta,
    count: int,
    *,
    extended_market_hours: bool = False,
    strict_daily_end_times: bool = False,
) -> datetime:
    """Return the exchange-local start of the last `count` bars of size `bar` ending by `now`."""
    if bar <= timedelta(0):
        raise LeanError(f"a history bar size must be positive, got {bar}")
    bar = max(bar, _ONE_SECOND)
    current = _counting_end(hours, data_zone, now, bar, extended_market_hours, strict_daily_end_times)
    limit = current - _MAX_LOOK_BACK
    found = 0
    while found < count:
        previous, current = current, current - bar
        if hours.is_open_between(current, previous, extended_market_hours):
            found += 1
        else:
            current = _skip_closed(hours, current, bar, extended_market_hours)
        if current < limit:
            days = _MAX_LOOK_BACK.days
            raise LeanError(f"found only {found} of {count} open {bar} bars in the {days} days before {now}")
    return current


def _counting_end(
    hours: SecurityExchangeHours,
    data_zone: ZoneInfo,
    now: datetime,
    bar: timedelta,
    extended: bool,
    strict_daily: bool,
) -> datetime:
    """Return the time the count starts from (today's daily bar counts only once it has closed)."""
    if strict_daily and bar == _ONE_DAY:
        today = datetime.combine(now.date(), time())
        closed_today = hours.is_date_open(now.date()) and hours.get_next_market_close(today, extended) <= now
        if closed_today:
            return now
    return round_down_in_zone(now, bar, hours.time_zone, data_zone)


def _skip_closed(hours: SecurityExchangeHours, current: datetime, bar: timedelta, extended: bool) -> datetime:
    """Step back over whole bars of a closed stretch at once (the result is the same, only faster).

    [current, current + bar) was closed; every bar between the last session end before
    `current` and `current` is closed too, so they can be skipped without testing each one.
    """
    last_end = _last_session_end(hours, current, extended)
    if last_end is None or last_end >= current:
        return current
    return current - ((current - last_end) // bar) * bar


def _last_session_end(hours: SecurityExchangeHours, local: datetime, extended: bool) -> datetime | None:
    """Return the latest end of an open segment at or before `local`, looking back a few weeks."""
    day = local.date()
    for _ in range(31):
        midnight = datetime.combine(day, time())
        ends = [midnight + segment.end for segment in hours.segments(day, extended)]
        before = [end for end in ends if end <= local]
        if before:
            return max(before)
        day -= _ONE_DAY
    return None


def _convert(local: datetime, source: ZoneInfo, target: ZoneInfo) -> datetime:
    if source == target:
        return local
    return local.replace(tzinfo=source).astimezone(target).replace(tzinfo=None)
