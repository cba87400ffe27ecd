"""UTC offsets of time zones at UTC-nanosecond instants.

Converting every bar time through `datetime.astimezone` dominated the engine's per-step
cost. A single instant's offset is looked up once per hour: it is constant within an hour
unless a transition falls inside it, which the lookup detects by comparing the hour's two
ends; such hours are resolved per instant. An array's offsets come from the zone's
transitions over its span (`time_zones`), with one search for all instants.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from lean_core.time.time_zones import utc_ns_to_local_ns

_SECOND_NS = 1_000_000_000
_HOUR_NS = 3600 * _SECOND_NS


def _exact_offset_ns(ns: int, zone: ZoneInfo) -> int:
    offset = datetime.fromtimestamp(ns // _SECOND_NS, UTC).astimezone(zone).utcoffset()
    return int(offset.total_seconds()) * _SECOND_NS if offset is not None else 0


@lru_cache(maxsize=1 << 16)
def _hour_offset_ns(zone: ZoneInfo, hour: int) -> int | None:
    """Return the offset of a whole UTC hour, or None when it changes within that hour."""
    first = _exact_offset_ns(hour * _HOUR_NS, zone)
    last = _exact_offset_ns((hour + 1) * _HOUR_NS - _SECOND_NS, zone)
    return first if first == last else None


def utc_offset_ns(ns: int, zone: ZoneInfo) -> int:
    """Return `zone`'s UTC offset at an instant, in nanoseconds (local = UTC + offset)."""
    offset = _hour_offset_ns(zone, ns // _HOUR_NS)
    return offset if offset is not None else _exact_offset_ns(ns, zone)


def utc_offsets_ns(times_ns: npt.NDArray[np.int64], zone: ZoneInfo) -> npt.NDArray[np.int64]:
    """Return the UTC offset at each instant of an array: the zone's transitions over the span, as
    `utc_ns_to_local_ns` finds them (once per span of days), then one search for all instants."""
    times = np.asarray(times_ns, dtype=np.int64)
    offsets: npt.NDArray[np.int64] = utc_ns_to_local_ns(times, zone) - times
    return offsets


@lru_cache(maxsize=256)
def _offset_change_hours(zone: ZoneInfo, year: int) -> npt.NDArray[np.int64]:
    """Return the UTC hours (numbers since the epoch) of `year` during which `zone`'s offset changes.

    The offset is sampled at every hour boundary of the year, both ends included; an hour whose two
    boundaries differ holds a transition. Two transitions that cancel within one hour do not occur.
    """
    first = int(datetime(year, 1, 1, tzinfo=UTC).timestamp()) // 3600
    last = int(datetime(year + 1, 1, 1, tzinfo=UTC).timestamp()) // 3600
    samples = np.array([_exact_offset_ns(hour * _HOUR_NS, zone) for hour in range(first, last + 1)])
    return (first + np.flatnonzero(samples[1:] != samples[:-1])).astype(np.int64)


def stable_offset_mask(
    zone: ZoneInfo, low_ns: npt.NDArray[np.int64], high_ns: npt.NDArray[np.int64]
) -> npt.NDArray[np.bool_]:
    """Tell, per span [low, high] of UTC instants, whether `zone`'s offset is the same all through it.

    Conservative by up to an hour: a span touching an hour that holds a transition counts as unstable.
    """
    if low_ns.size == 0:
        return np.ones(0, dtype=np.bool_)
    first_year = datetime.fromtimestamp(int(low_ns.min()) // _SECOND_NS - 3600, UTC).year
    last_year = datetime.fromtimestamp(int(high_ns.max()) // _SECOND_NS + 3600, UTC).year
    changes = np.concatenate([_offset_change_hours(zone, year) for year in range(first_year, last_year + 1)])
    before = np.searchsorted(changes, low_ns // _HOUR_NS - 1, side="left")
    after = np.searchsorted(changes, high_ns // _HOUR_NS + 1, side="right")
    stable: npt.NDArray[np.bool_] = before == after
    return stable
