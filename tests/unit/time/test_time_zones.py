"""Time zones: LEAN's names and the vectorised local/UTC conversions around DST changes."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from lean_core.time.time_zones import TimeZones, get_time_zone, local_ns_to_utc_ns, utc_ns_to_local_ns


def ns(moment: datetime) -> int:
    """Return a naive datetime read as if UTC, in ns since the epoch."""
    return int(moment.replace(tzinfo=UTC).timestamp()) * 1_000_000_000


class TestGetTimeZone:
    @pytest.mark.parametrize("name", ["America/New_York", "UTC", "Asia/Kolkata", "Europe/London"])
    def test_tz_database_names_resolve(self, name: str) -> None:
        assert get_time_zone(name) == ZoneInfo(name)

    @pytest.mark.parametrize(("name", "offset_hours"), [("UTC-05", -5), ("UTC+03", 3), ("UTC+00", 0)])
    def test_lean_fixed_offset_names_resolve_to_fixed_zones(self, name: str, offset_hours: int) -> None:
        zone = get_time_zone(name)

        for month in (1, 7):
            assert datetime(2014, month, 1, tzinfo=zone).utcoffset() == timedelta(hours=offset_hours)

    @pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "", "UTC-99"])
    def test_unknown_names_raise_a_clear_error(self, name: str) -> None:
        with pytest.raises(ValueError, match="unknown time zone"):
            get_time_zone(name)

    def test_constants_name_the_usual_zones(self) -> None:
        assert TimeZones.NEW_YORK.key == "America/New_York"
        assert TimeZones.CHICAGO.key == "America/Chicago"
        assert TimeZones.LONDON.key == "Europe/London"
        assert TimeZones.UTC.key == "UTC"


class TestLocalToUtc:
    @pytest.mark.parametrize(
        ("local", "expected_utc"),
        [
            (datetime(2013, 11, 2, 12, 0), datetime(2013, 11, 2, 16, 0)),
            (datetime(2013, 11, 3, 0, 59), datetime(2013, 11, 3, 4, 59)),
            # 01:00-02:00 happens twice on 2013-11-03; LEAN takes the later (standard time) instant.
            (datetime(2013, 11, 3, 1, 0), datetime(2013, 11, 3, 6, 0)),
            (datetime(2013, 11, 3, 1, 30), datetime(2013, 11, 3, 6, 30)),
            (datetime(2013, 11, 3, 2, 0), datetime(2013, 11, 3, 7, 0)),
            (datetime(2013, 11, 4, 9, 30), datetime(2013, 11, 4, 14, 30)),
            (datetime(2014, 3, 9, 1, 59), datetime(2014, 3, 9, 6, 59)),
            # 02:00-03:00 does not exist on 2014-03-09; LEAN moves it to the first instant after the gap.
            (datetime(2014, 3, 9, 2, 0), datetime(2014, 3, 9, 7, 0)),
            (datetime(2014, 3, 9, 2, 30), datetime(2014, 3, 9, 7, 0)),
            (datetime(2014, 3, 9, 3, 0), datetime(2014, 3, 9, 7, 0)),
            (datetime(2014, 3, 10, 9, 30), datetime(2014, 3, 10, 13, 30)),
        ],
    )
    def test_new_york_wall_times_convert_as_lean_resolves_dst(
        self, local: datetime, expected_utc: datetime
    ) -> None:
        result = local_ns_to_utc_ns(np.array([ns(local)]), TimeZones.NEW_YORK)

        assert result.tolist() == [ns(expected_utc)]

    def test_many_rows_match_row_by_row_conversion(self) -> None:
        step = 37 * 60 * 1_000_000_000
        local = np.arange(ns(datetime(2013, 1, 1)), ns(datetime(2015, 1, 1)), step, dtype=np.int64)

        result = local_ns_to_utc_ns(local, TimeZones.NEW_YORK)

        expected = [
            ns(
                datetime.fromtimestamp(int(value) // 1_000_000_000, UTC)
                .replace(tzinfo=TimeZones.NEW_YORK, fold=1)
                .astimezone(UTC)
                .replace(tzinfo=None)
            )
            for value in local
        ]
        gap = (result != np.array(expected)).nonzero()[0]
        # Only the wall times inside the spring-forward gaps differ from the fold=1 rule (they are clamped).
        assert all(datetime.fromtimestamp(int(local[i]) // 1_000_000_000, UTC).hour == 2 for i in gap), (
            "only skipped wall times may differ"
        )

    def test_fixed_zone_subtracts_its_offset(self) -> None:
        local = np.array([ns(datetime(2014, 3, 9, 2, 30))])

        assert local_ns_to_utc_ns(local, get_time_zone("UTC-05")).tolist() == [
            ns(datetime(2014, 3, 9, 7, 30))
        ]

    def test_empty_input_gives_empty_output(self) -> None:
        assert local_ns_to_utc_ns(np.array([], dtype=np.int64), TimeZones.NEW_YORK).size == 0


class TestUtcToLocal:
    @pytest.mark.parametrize(
        ("utc", "expected_local"),
        [
            (datetime(2013, 11, 3, 5, 59), datetime(2013, 11, 3, 1, 59)),
            (datetime(2013, 11, 3, 6, 0), datetime(2013, 11, 3, 1, 0)),
            (datetime(2014, 3, 9, 6, 59), datetime(2014, 3, 9, 1, 59)),
            (datetime(2014, 3, 9, 7, 0), datetime(2014, 3, 9, 3, 0)),
            (datetime(2014, 6, 1, 12, 0), datetime(2014, 6, 1, 8, 0)),
        ],
    )
    def test_new_york_instants_show_the_wall_clock(self, utc: datetime, expected_local: datetime) -> None:
        result = utc_ns_to_local_ns(np.array([ns(utc)]), TimeZones.NEW_YORK)

        assert result.tolist() == [ns(expected_local)]

    @pytest.mark.parametrize("zone", [TimeZones.NEW_YORK, TimeZones.LONDON, TimeZones.SYDNEY, TimeZones.UTC])
    def test_round_trip_returns_the_instant(self, zone: ZoneInfo) -> None:
        utc = np.arange(
            ns(datetime(2013, 1, 1)), ns(datetime(2015, 1, 1)), 7_919 * 1_000_000_000, dtype=np.int64
        )

        local = utc_ns_to_local_ns(utc, zone)
        back = local_ns_to_utc_ns(local, zone)

        # Wall times of a fall-back overlap come back as the later instant, an hour off; all others exactly.
        assert np.all((back == utc) | (back - utc == 3_600_000_000_000))

    def test_a_year_of_minute_bars_converts_fast(self) -> None:
        day = np.arange(570, 960, dtype=np.int64) * 60 * 1_000_000_000
        midnights = (ns(datetime(2013, 10, 1)) + np.arange(365, dtype=np.int64) * 86_400 * 1_000_000_000)[
            :, None
        ]
        local = (midnights + day[None, :]).ravel()
        local_ns_to_utc_ns(local, TimeZones.NEW_YORK)

        started = time.perf_counter()
        local_ns_to_utc_ns(local, TimeZones.NEW_YORK)
        elapsed = time.perf_counter() - started

        # A generous bound that still catches a per-row Python loop (which takes ~100 ms here).
        assert elapsed < 0.05
