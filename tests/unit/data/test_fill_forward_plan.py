"""The bulk fill-forward plan must give exactly the rows of the per-gap reference search.

Bars are drawn as clusters of consecutive steps with random holes and jumps, around the
dates where the rules bite: both 2023 DST changes, early closes and holidays; on US equity
hours (New York, with pre/post market), Oanda forex (New York exchange, UTC data) and
Coinbase crypto (UTC, always open) and custom data (always open, but in New York time, so
fill bars run through both DST changes). Bars are sometimes shifted off the step grid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lean_core.data.bars import local_to_ns, ns_to_local
from lean_core.data.calendar import daily_calendar
from lean_core.data.fill_forward import FillForwarder, fill_forward_plan, reference_fill_forward_plan
from lean_core.data.fill_forward_fast import plan_gaps, to_ns
from lean_core.enums import Market, SecurityType
from lean_core.time.exchange_hours import SecurityExchangeHours
from lean_core.time.market_hours import MarketHoursDatabase
from lean_core.time.utc_offsets import stable_offset_mask

_SECOND, _MINUTE = timedelta(seconds=1), timedelta(minutes=1)
_HOUR, _DAY = timedelta(hours=1), timedelta(days=1)
_MARKETS = {
    "equity": (Market.USA, SecurityType.EQUITY),
    "forex": (Market.OANDA, SecurityType.FOREX),
    "crypto": (Market.COINBASE, SecurityType.CRYPTO),
}
_CUSTOM = "custom"
# Around: spring DST (Mar 12), autumn DST (Nov 5), Jul 3 early close + Jul 4, Thanksgiving +
# Nov 24 early close, Christmas, and an ordinary week.
_ANCHORS = [
    datetime(2023, 3, 9),
    datetime(2023, 11, 2),
    datetime(2023, 7, 1),
    datetime(2023, 11, 21),
    datetime(2023, 12, 22),
    datetime(2023, 1, 9),
]
_WINDOW_DAYS = 5
_WHOLE_PLAN_EXAMPLES = 120


@pytest.fixture(scope="module")
def database(lean_data_folder: Path) -> MarketHoursDatabase:
    return MarketHoursDatabase.from_data_folder(lean_data_folder)


@dataclass(frozen=True)
class _Case:
    market: str
    data: timedelta
    fill: timedelta
    extended: bool
    strict: bool
    anchor: datetime
    first_offset: int
    runs: list[tuple[int, int]]
    shift: int
    end_steps: int | None


def _steps_per_window(data: timedelta) -> int:
    # Second data covers a shorter stretch so the reference search stays quick.
    return 6 * 3600 if data == _SECOND else (_WINDOW_DAYS * _DAY) // data


@st.composite
def _cases(draw: st.DrawFn, resolutions: tuple[timedelta, ...] = (_SECOND, _MINUTE, _HOUR, _DAY)) -> _Case:
    market = draw(st.sampled_from([*sorted(_MARKETS), _CUSTOM]))
    data = draw(st.sampled_from(resolutions))
    # The fill step equals the data step or is one resolution finer (daily data: minute too).
    finer = {_SECOND: [_SECOND], _MINUTE: [_SECOND], _HOUR: [_MINUTE], _DAY: [_HOUR, _MINUTE]}[data]
    fill = draw(st.sampled_from([data, *finer]))
    window = _steps_per_window(data)
    # The reference search costs ~50 µs a fill bar: bound the bars a run or a long jump makes
    # where the market is open (equity hours close most of the day, so its jumps may be longer).
    ratio = data // fill
    budget = window // 6 if market == "equity" and ratio == 1 else 500 // ratio
    shift = st.integers(1, max(to_ns(data) // 10**9 - 1, 1))
    jump = st.one_of(st.integers(1, 4), st.integers(1, max(budget, 1)))
    # With a finer fill step every bar starts a gap, and daily data filled on minutes makes up
    # to 1,440 bars a day: keep those runs short.
    longest, most = (2, 2) if data == _DAY else (45 if ratio == 1 else 4, 8)
    runs = draw(st.lists(st.tuples(jump, st.integers(1, longest)), min_size=1, max_size=most))
    return _Case(
        market=market,
        data=data,
        fill=fill,
        extended=draw(st.booleans()),
        strict=market == "equity" and data == _DAY and draw(st.booleans()),
        anchor=draw(st.sampled_from(_ANCHORS)),
        first_offset=draw(st.integers(0, 4 * 24 * 3600 if data == _SECOND else window // 2)),
        runs=runs,
        shift=draw(st.one_of(st.just(0), shift)),
        end_steps=draw(st.one_of(st.none(), st.integers(0, 500))),
    )


def _indices(case: _Case) -> list[int]:
    indices: list[int] = []
    position = case.first_offset
    for jump, length in case.runs:
        indices.extend(range(position, position + length))
        position += length + jump
    return indices


def _bars(
    case: _Case, hours: SecurityExchangeHours, data_zone: ZoneInfo
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    step = _SECOND if case.data == _SECOND else case.data
    times: list[int] = []
    ends: list[int] = []
    for index in _indices(case):
        start = case.anchor + index * step + timedelta(seconds=case.shift)
        if case.strict:
            # Strict daily bars span the regular session the data day closes in.
            session = daily_calendar(hours, start + _DAY)
            times.append(local_to_ns(session.start, hours.time_zone))
            ends.append(local_to_ns(session.end, hours.time_zone))
        else:
            times.append(local_to_ns(start, data_zone))
            ends.append(times[-1] + to_ns(case.data))
    time_ns, end_ns = np.array(times, dtype=np.int64), np.array(ends, dtype=np.int64)
    # The reader keeps only strictly increasing end times; a spring-forward hour can repeat one.
    keep = np.ones(len(end_ns), dtype=np.bool_)
    keep[1:] = end_ns[1:] > np.maximum.accumulate(end_ns)[:-1]
    return time_ns[keep], end_ns[keep]


def _forwarder(case: _Case, database: MarketHoursDatabase) -> FillForwarder:
    if case.market == _CUSTOM:
        new_york = ZoneInfo("America/New_York")
        hours, data_zone = SecurityExchangeHours.always_open(new_york), new_york
    else:
        market, security_type = _MARKETS[case.market]
        entry = database.get_entry(market, None, security_type)
        hours, data_zone = entry.exchange_hours, entry.data_time_zone
    return FillForwarder(
        hours,
        data_zone,
        case.data,
        case.fill,
        extended_market_hours=case.extended,
        strict_end_times=case.strict,
    )


def _assert_same_plan(case: _Case, database: MarketHoursDatabase) -> None:
    forwarder = _forwarder(case, database)
    assert isinstance(forwarder.hours, SecurityExchangeHours)
    time_ns, end_ns = _bars(case, forwarder.hours, forwarder.data_time_zone)
    end = None
    if case.end_steps is not None and len(end_ns):
        last_end = datetime.fromtimestamp(int(end_ns[-1]) // 10**9, UTC).astimezone(forwarder.time_zone)
        end = last_end.replace(tzinfo=None) + case.end_steps * case.fill
    fast = fill_forward_plan(forwarder, time_ns, end_ns, end)
    reference = reference_fill_forward_plan(forwarder, time_ns, end_ns, end)
    for name, got, expected in zip(("source", "start", "end", "filled"), fast, reference, strict=True):
        assert np.array_equal(got, expected), name


@settings(
    max_examples=_WHOLE_PLAN_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(case=_cases(resolutions=(_SECOND, _MINUTE, _HOUR)))
def test_intraday_plan_matches_the_per_gap_search(case: _Case, database: MarketHoursDatabase) -> None:
    _assert_same_plan(case, database)


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(case=_cases(resolutions=(_DAY,)))
def test_daily_plan_matches_the_per_gap_search(case: _Case, database: MarketHoursDatabase) -> None:
    _assert_same_plan(case, database)


@pytest.mark.parametrize(
    ("late_open_minutes", "fills"),
    [
        (0, [datetime(2023, 1, 9, 12, 50)]),
        (3, [datetime(2023, 1, 9, 9, 30 + m) for m in range(3)] + [datetime(2023, 1, 9, 12, 53)]),
    ],
)
def test_sparse_extended_rows_are_decided_in_bulk(
    database: MarketHoursDatabase, late_open_minutes: int, fills: list[datetime]
) -> None:
    # The benchmark's shape: sparse pre/post-market minutes and a dense session, not extended.
    # 04:00-09:25 every 5 minutes, the session from 09:30 (or a few minutes late) with a
    # one-minute hole, then 16:04-19:19 every 5 minutes.
    runs = (
        [(4, 1)] * 65 + [(4 + late_open_minutes, 1), (1, 200), (4, 189 - late_open_minutes)] + [(4, 1)] * 40
    )
    case = _Case("equity", _MINUTE, _MINUTE, False, False, datetime(2023, 1, 9), 4 * 60, runs, 0, None)
    forwarder = _forwarder(case, database)
    assert isinstance(forwarder.hours, SecurityExchangeHours)
    time_ns, end_ns = _bars(case, forwarder.hours, forwarder.data_time_zone)
    rows = np.flatnonzero(np.diff(time_ns) > to_ns(_MINUTE)).astype(np.int64)

    decided = plan_gaps(forwarder, time_ns, end_ns, rows)

    assert len(rows) > 100
    # Across the open and the close too: the market reopens at or after the next bar there.
    assert len(decided.slow_rows) == 0
    zone = forwarder.time_zone
    assert [ns_to_local(int(start), zone) for start in decided.starts] == fills
    _assert_same_plan(case, database)


def test_stable_offset_mask_sees_daylight_saving_changes() -> None:
    change = int(datetime(2023, 3, 12, 7, tzinfo=UTC).timestamp()) * 10**9
    low = np.array([change - 10 * 3600 * 10**9, change + 3 * 3600 * 10**9], dtype=np.int64)
    high = np.array([change + 10**9, change + 30 * 3600 * 10**9], dtype=np.int64)

    assert stable_offset_mask(ZoneInfo("America/New_York"), low, high).tolist() == [False, True]
    assert stable_offset_mask(ZoneInfo("UTC"), low, high).tolist() == [True, True]


@pytest.mark.parametrize(
    ("first", "last"),
    [
        # Autumn: the repeated 01:00-02:00 hour; the search reads a wall time as its later instant.
        (datetime(2023, 11, 5, 4, 58, tzinfo=UTC), datetime(2023, 11, 5, 6, 30, tzinfo=UTC)),
        # Spring: the skipped 02:00-03:00 hour.
        (datetime(2023, 3, 12, 6, 40, tzinfo=UTC), datetime(2023, 3, 12, 7, 20, tzinfo=UTC)),
    ],
)
def test_gaps_across_a_dst_change_match_the_search(first: datetime, last: datetime) -> None:
    new_york = ZoneInfo("America/New_York")
    forwarder = FillForwarder(SecurityExchangeHours.always_open(new_york), new_york, _MINUTE, _MINUTE)
    time_ns = np.array([int(t.timestamp()) * 10**9 for t in (first, last)], dtype=np.int64)
    end_ns = time_ns + to_ns(_MINUTE)

    fast = fill_forward_plan(forwarder, time_ns, end_ns, None)
    reference = reference_fill_forward_plan(forwarder, time_ns, end_ns, None)

    assert all(np.array_equal(got, expected) for got, expected in zip(fast, reference, strict=True))
