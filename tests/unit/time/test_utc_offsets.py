"""The hour-cached UTC offsets agree with `datetime.astimezone` at every instant, transitions included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lean_core.data.bars import local_datetimes, ns_to_local
from lean_core.time.utc_offsets import utc_offset_ns, utc_offsets_ns

ZONES = [
    ZoneInfo(name)
    for name in (
        "America/New_York",
        "Europe/London",
        "Australia/Lord_Howe",
        "Asia/Kolkata",
        "America/Chicago",
    )
]
_EPOCH = datetime(1970, 1, 1)


def _reference_local(ns: int, zone: ZoneInfo) -> datetime:
    utc = _EPOCH + timedelta(microseconds=ns // 1000)
    return utc.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)


def _transitions(zone: ZoneInfo, year: int) -> list[int]:
    """Return the UTC instants (ns) where the zone's offset changes within a year."""
    instants, previous = [], None
    moment = datetime(year, 1, 1, tzinfo=UTC)
    while moment.year == year:
        offset = moment.astimezone(zone).utcoffset()
        if previous is not None and offset != previous:
            instants.append(int(moment.timestamp()) * 1_000_000_000)
        previous, moment = offset, moment + timedelta(minutes=30)
    return instants


instants = st.integers(min_value=0, max_value=2_000_000_000 * 1_000_000_000)


@settings(max_examples=500, deadline=None)
@given(ns=instants, zone=st.sampled_from(ZONES))
def test_ns_to_local_matches_astimezone(ns: int, zone: ZoneInfo) -> None:
    assert ns_to_local(ns, zone) == _reference_local(ns, zone)


def test_instants_around_every_transition_match_astimezone() -> None:
    for zone in ZONES:
        for transition in _transitions(zone, 2021):
            for delta_minutes in range(-90, 91, 1):
                ns = transition + delta_minutes * 60_000_000_000
                assert ns_to_local(ns, zone) == _reference_local(ns, zone), (zone, ns)


def test_array_offsets_match_single_lookups_across_a_transition() -> None:
    zone = ZoneInfo("Australia/Lord_Howe")  # half-hour daylight saving
    transition = _transitions(zone, 2021)[0]
    times = np.arange(transition - 7200 * 10**9, transition + 7200 * 10**9, 60 * 10**9, dtype=np.int64)
    expected = [utc_offset_ns(int(t), zone) for t in times]
    assert utc_offsets_ns(times, zone).tolist() == expected
    assert len(set(expected)) == 2


@settings(max_examples=200, deadline=None)
@given(times=st.lists(instants, min_size=1, max_size=50), zone=st.sampled_from([*ZONES, ZoneInfo("UTC")]))
def test_whole_columns_convert_as_single_instants_do(times: list[int], zone: ZoneInfo) -> None:
    column = np.array(times, dtype=np.int64)
    assert local_datetimes(column, zone) == [ns_to_local(ns, zone) for ns in times]


def test_whole_columns_around_every_transition_convert_as_single_instants_do() -> None:
    for zone in ZONES:
        for transition in _transitions(zone, 2021):
            column = transition + np.arange(-90, 91, dtype=np.int64) * 60_000_000_000 + 1_500
            assert local_datetimes(column, zone) == [ns_to_local(int(ns), zone) for ns in column], zone
