"""Time zones by LEAN's names, and fast vectorised conversions between naive local and UTC times.

Conversions work on int64 nanoseconds since the epoch. A naive local time is stored as if it were UTC
(its wall clock read as an instant), which is how LEAN's data files and readers carry exchange times.

Ambiguity follows LEAN (`Extensions.ConvertToUtc`, a NodaTime resolver built from `ReturnLater` and
`ReturnStartOfIntervalAfter`):

- a wall time that occurs twice when clocks fall back maps to the *later* instant (standard time);
- a wall time skipped when clocks spring forward maps to the first instant after the gap, the transition
  itself (02:30 on 2014-03-09 in New York becomes 03:00 EDT = 07:00 UTC).

The zone's transitions are found over the span of days the input covers, once per span (a backtest converts
the same days for every subscription): its UTC offset is sampled at each midnight of the span and every change
is narrowed to the second by bisection. The rows are then mapped with one `np.searchsorted`. The method
assumes at most one transition a day, which holds for every zone in use by an exchange.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt

__all__ = ["TimeZones", "get_time_zone", "local_ns_to_utc_ns", "local_to_utc_ns", "utc_ns_to_local_ns"]

Int64Array = npt.NDArray[np.int64]

_NS_PER_SECOND: Final = 1_000_000_000
_SECONDS_PER_DAY: Final = 86_400
_NS_PER_DAY: Final = _SECONDS_PER_DAY * _NS_PER_SECOND
_EPOCH: Final = datetime(1970, 1, 1)
_ONE_MICROSECOND: Final = timedelta(microseconds=1)
# NodaTime reads "UTC-05" as a fixed offset; the tz database spells it Etc/GMT+5 (the sign is inverted).
_FIXED_OFFSET_NAME = re.compile(r"^UTC([+-])(\d{1,2})(?::?00)?$")
_FIXED_ZONE_KEYS: Final = frozenset({"UTC", "Etc/UTC", "Etc/GMT", "GMT", "Etc/Universal", "Etc/Zulu"})


def get_time_zone(name: str) -> ZoneInfo:
    """Return the zone with this tz database name, also accepting LEAN's fixed-offset names ("UTC-05")."""
    match = _FIXED_OFFSET_NAME.match(name)
    key = name
    if match is not None:
        hours = int(match.group(2))
        # Etc/GMT zones exist for -14..+12 hours and carry the opposite sign of the offset they stand for.
        key = "Etc/GMT" if hours == 0 else f"Etc/GMT{'-' if match.group(1) == '+' else '+'}{hours}"
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r}: not a tz database name such as 'America/New_York'"
        ) from None


class TimeZones:
    """The time zones LEAN names in `QuantConnect.TimeZones`, as `ZoneInfo` constants."""

    UTC: Final = ZoneInfo("UTC")
    NEW_YORK: Final = ZoneInfo("America/New_York")
    EASTERN_STANDARD: Final = get_time_zone("UTC-05")
    LONDON: Final = ZoneInfo("Europe/London")
    HONG_KONG: Final = ZoneInfo("Asia/Hong_Kong")
    TOKYO: Final = ZoneInfo("Asia/Tokyo")
    ROME: Final = ZoneInfo("Europe/Rome")
    SYDNEY: Final = ZoneInfo("Australia/Sydney")
    VANCOUVER: Final = ZoneInfo("America/Vancouver")
    TORONTO: Final = ZoneInfo("America/Toronto")
    CHICAGO: Final = ZoneInfo("America/Chicago")
    LOS_ANGELES: Final = ZoneInfo("America/Los_Angeles")
    PHOENIX: Final = ZoneInfo("America/Phoenix")
    AUCKLAND: Final = ZoneInfo("Pacific/Auckland")
    MOSCOW: Final = ZoneInfo("Europe/Moscow")
    MADRID: Final = ZoneInfo("Europe/Madrid")
    BUENOS_AIRES: Final = ZoneInfo("America/Argentina/Buenos_Aires")
    BRISBANE: Final = ZoneInfo("Australia/Brisbane")
    SAO_PAULO: Final = ZoneInfo("America/Sao_Paulo")
    CAIRO: Final = ZoneInfo("Africa/Cairo")
    JOHANNESBURG: Final = ZoneInfo("Africa/Johannesburg")
    ANCHORAGE: Final = ZoneInfo("America/Anchorage")
    DENVER: Final = ZoneInfo("America/Denver")
    DETROIT: Final = ZoneInfo("America/Detroit")
    MEXICO_CITY: Final = ZoneInfo("America/Mexico_City")
    JERUSALEM: Final = ZoneInfo("Asia/Jerusalem")
    SHANGHAI: Final = ZoneInfo("Asia/Shanghai")
    MELBOURNE: Final = ZoneInfo("Australia/Melbourne")
    AMSTERDAM: Final = ZoneInfo("Europe/Amsterdam")
    ATHENS: Final = ZoneInfo("Europe/Athens")
    BERLIN: Final = ZoneInfo("Europe/Berlin")
    BUCHAREST: Final = ZoneInfo("Europe/Bucharest")
    DUBLIN: Final = ZoneInfo("Europe/Dublin")
    HELSINKI: Final = ZoneInfo("Europe/Helsinki")
    ISTANBUL: Final = ZoneInfo("Europe/Istanbul")
    MINSK: Final = ZoneInfo("Europe/Minsk")
    PARIS: Final = ZoneInfo("Europe/Paris")
    ZURICH: Final = ZoneInfo("Europe/Zurich")
    HONOLULU: Final = ZoneInfo("Pacific/Honolulu")
    KOLKATA: Final = ZoneInfo("Asia/Kolkata")
    SINGAPORE: Final = ZoneInfo("Asia/Singapore")
    SEOUL: Final = ZoneInfo("Asia/Seoul")


def _offset_seconds(tz: ZoneInfo, utc_seconds: int) -> int:
    """Return the zone's UTC offset in seconds at an instant given in seconds since the epoch."""
    offset = datetime.fromtimestamp(utc_seconds, UTC).astimezone(tz).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def _transition_second(tz: ZoneInfo, low: int, high: int, low_offset: int) -> int:
    """Return the first second in (low, high] whose offset differs from the offset at low."""
    while high - low > 1:
        middle = (low + high) // 2
        if _offset_seconds(tz, middle) == low_offset:
            low = middle
        else:
            high = middle
    return high


class _Transitions:
    """The offsets of a zone over a span: `offsets[i]` holds from `instants[i - 1]` until `instants[i]`.

    Made once per zone and span of days (`_transitions`) and shared: the arrays are never written.
    """

    def __init__(self, tz: ZoneInfo, first_day: int, last_day: int) -> None:
        offset = _offset_seconds(tz, first_day * _SECONDS_PER_DAY)
        instants: list[int] = []
        offsets = [offset]
        for day in range(first_day + 1, last_day + 1):
            next_offset = _offset_seconds(tz, day * _SECONDS_PER_DAY)
            if next_offset != offset:
                second = _transition_second(tz, (day - 1) * _SECONDS_PER_DAY, day * _SECONDS_PER_DAY, offset)
                instants.append(second * _NS_PER_SECOND)
                offsets.append(next_offset)
                offset = next_offset
        self.instants_ns: Int64Array = np.asarray(instants, dtype=np.int64)
        self.offsets_ns: Int64Array = np.asarray(offsets, dtype=np.int64) * _NS_PER_SECOND
        self.instants_ns.setflags(write=False)
        self.offsets_ns.setflags(write=False)


def _transitions(tz: ZoneInfo, first_ns: int, last_ns: int) -> _Transitions:
    """Return the transitions around the instants [first, last] (UTC or naive local ns): a day's margin
    before, two after."""
    return _span_transitions(tz, first_ns // _NS_PER_DAY - 1, last_ns // _NS_PER_DAY + 2)


@lru_cache(maxsize=4096)
def _span_transitions(tz: ZoneInfo, first_day: int, last_day: int) -> _Transitions:
    # A backtest converts the same few days for every subscription: each span is found once.
    return _Transitions(tz, first_day, last_day)


def _is_fixed(tz: ZoneInfo) -> bool:
    """Tell whether the zone never changes offset, so a conversion is a single addition."""
    return tz.key in _FIXED_ZONE_KEYS or tz.key.startswith("Etc/GMT")


def _fixed_offset_ns(tz: ZoneInfo) -> int:
    """Return the constant offset of a fixed zone in nanoseconds."""
    return _offset_seconds(tz, 0) * _NS_PER_SECOND


def utc_ns_to_local_ns(utc_ns: npt.ArrayLike, tz: ZoneInfo) -> Int64Array:
    """Convert UTC instants (int64 ns since the epoch) to naive wall times in `tz` (int64 ns)."""
    utc = np.asarray(utc_ns, dtype=np.int64)
    if utc.size == 0:
        return utc.copy()
    if _is_fixed(tz):
        return utc + _fixed_offset_ns(tz)
    transitions = _transitions(tz, int(utc.min()), int(utc.max()))
    if transitions.instants_ns.size == 0:
        return utc + int(transitions.offsets_ns[0])
    index = np.searchsorted(transitions.instants_ns, utc, side="right")
    return utc + transitions.offsets_ns[index]


def local_ns_to_utc_ns(local_ns: npt.ArrayLike, tz: ZoneInfo) -> Int64Array:
    """Convert naive wall times in `tz` (int64 ns) to UTC instants the way LEAN resolves DST (see module)."""
    local = np.asarray(local_ns, dtype=np.int64)
    if local.size == 0:
        return local.copy()
    if _is_fixed(tz):
        return local - _fixed_offset_ns(tz)
    transitions = _transitions(tz, int(local.min()), int(local.max()))
    instants = transitions.instants_ns
    offsets = transitions.offsets_ns
    if instants.size == 0:
        return local - int(offsets[0])
    # Wall times at or after instant + min(offset before, offset after) take the new offset: in a fall-back
    # overlap that picks the later instant; in a spring-forward gap the clamp below moves them to the instant.
    switch_local = instants + np.minimum(offsets[:-1], offsets[1:])
    index = np.searchsorted(switch_local, local, side="right")
    utc = local - offsets[index]
    after_a_transition = index > 0
    floor = instants[np.maximum(index - 1, 0)]
    return np.where(after_a_transition & (utc < floor), floor, utc)


def local_to_utc_ns(local: datetime, tz: ZoneInfo) -> int:
    """Convert one naive wall time in `tz` to UTC nanoseconds, resolving DST as `local_ns_to_utc_ns` does."""
    wall_ns = (local - _EPOCH) // _ONE_MICROSECOND * 1000
    offset = local.replace(tzinfo=tz).utcoffset()
    if offset is not None and offset == local.replace(tzinfo=tz, fold=1).utcoffset():
        # Not near a clock change: the wall time happens exactly once.
        return wall_ns - offset // _ONE_MICROSECOND * 1000
    return int(local_ns_to_utc_ns(np.array([wall_ns], dtype=np.int64), tz)[0])
