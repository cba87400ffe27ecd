"""Vectorised open masks agree with the scalar LEAN rules and stay fast on a year of minute bars."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from lean_core.enums import MarketHoursState
from lean_core.time.market_hours import MarketHoursSegment, SecurityExchangeHours, bars_open_mask, open_mask
from lean_core.time.open_mask import open_intervals
from lean_core.time.time_zones import TimeZones

NS_PER_MINUTE = 60 * 1_000_000_000
PRE, MARKET, POST = MarketHoursState.PRE_MARKET, MarketHoursState.MARKET, MarketHoursState.POST_MARKET


def ns(moment: datetime) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp()) * 1_000_000_000


def to_datetime(value: int) -> datetime:
    return datetime(1970, 1, 1) + timedelta(microseconds=value // 1000)


def seg(start_hours: float, end_hours: float, state: MarketHoursState = MARKET) -> MarketHoursSegment:
    return MarketHoursSegment(timedelta(hours=start_hours), timedelta(hours=end_hours), state)


def busy_schedule() -> SecurityExchangeHours:
    """Return a future-like schedule with a holiday, early closes and late opens in late 2013."""
    weekday = (seg(0, 9.5, PRE), seg(9.5, 17), seg(18, 24, POST))
    weekly: dict[int, tuple[MarketHoursSegment, ...]] = {day: weekday for day in range(4)}
    weekly[4] = weekday[:2]
    weekly[6] = (seg(18, 24, PRE),)
    return SecurityExchangeHours(
        TimeZones.NEW_YORK,
        weekly,
        holidays=[date(2013, 12, 25)],
        early_closes={date(2013, 11, 28): timedelta(hours=11.5), date(2013, 11, 29): timedelta(hours=13.25)},
        late_opens={date(2013, 11, 28): timedelta(hours=18), date(2013, 12, 2): timedelta(hours=10)},
    )


def random_bars(seed: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Return bar starts on minute marks over two months and ends from 0 minutes to 3 days later."""
    rng = np.random.default_rng(seed)
    first = ns(datetime(2013, 11, 20))
    starts = first + rng.integers(0, 60 * 24 * 45, count) * NS_PER_MINUTE
    lengths = rng.choice([0, 1, 5, 60, 60 * 24, 60 * 24 * 3, 37], count) * NS_PER_MINUTE
    return starts.astype(np.int64), (starts + lengths).astype(np.int64)


@pytest.mark.parametrize("extended", [False, True])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bars_open_mask_matches_is_open_between_row_by_row(seed: int, extended: bool) -> None:
    hours = busy_schedule()
    starts, ends = random_bars(seed, 3_000)

    mask = bars_open_mask(hours, starts, ends, extended)

    expected = [
        hours.is_open_between(to_datetime(int(s)), to_datetime(int(e)), extended)
        for s, e in zip(starts, ends, strict=True)
    ]
    assert mask.tolist() == expected


@pytest.mark.parametrize("extended", [False, True])
def test_open_mask_matches_is_open_for_moments(extended: bool) -> None:
    hours = busy_schedule()
    moments, _ = random_bars(7, 3_000)

    mask = open_mask(hours, moments, extended)

    assert mask.tolist() == [hours.is_open(to_datetime(int(m)), extended) for m in moments]


def test_minute_bar_ending_at_the_open_is_closed_and_the_next_is_open() -> None:
    hours = busy_schedule()
    starts = np.array([ns(datetime(2013, 11, 25, 9, 29)), ns(datetime(2013, 11, 25, 9, 30))])

    mask = bars_open_mask(hours, starts, starts + NS_PER_MINUTE, False)

    assert mask.tolist() == [False, True]


def test_always_open_hours_keep_every_bar() -> None:
    starts = np.arange(10, dtype=np.int64) * NS_PER_MINUTE

    mask = bars_open_mask(SecurityExchangeHours.always_open(TimeZones.UTC), starts, starts, False)

    assert mask.all()


def test_never_open_hours_drop_every_bar() -> None:
    starts = np.arange(10, dtype=np.int64) * NS_PER_MINUTE

    assert not bars_open_mask(SecurityExchangeHours(TimeZones.UTC, {}), starts, starts, True).any()


def test_empty_input_gives_an_empty_mask() -> None:
    empty = np.zeros(0, dtype=np.int64)

    assert bars_open_mask(busy_schedule(), empty, empty, False).shape == (0,)


def test_mismatched_shapes_are_refused() -> None:
    with pytest.raises(ValueError, match="shape"):
        bars_open_mask(busy_schedule(), np.zeros(2, dtype=np.int64), np.zeros(3, dtype=np.int64), False)


def test_a_year_of_minute_bars_is_masked_fast() -> None:
    hours = busy_schedule()
    minutes = np.arange(4 * 60, 20 * 60, dtype=np.int64) * NS_PER_MINUTE
    midnights = ns(datetime(2013, 1, 1)) + np.arange(365, dtype=np.int64) * 86_400 * 1_000_000_000
    starts = (midnights[:, None] + minutes[None, :]).ravel()
    bars_open_mask(hours, starts, starts + NS_PER_MINUTE, False)

    started = time.perf_counter()
    bars_open_mask(hours, starts, starts + NS_PER_MINUTE, False)
    elapsed = time.perf_counter() - started

    # ~350k rows; a per-row Python loop would take seconds.
    assert elapsed < 0.1


def test_open_intervals_are_shared_between_calls_and_read_only() -> None:
    hours = busy_schedule()
    first_day = (date(2013, 12, 20) - date(1970, 1, 1)).days

    starts, ends = open_intervals(hours, first_day, first_day + 10, False)

    assert open_intervals(hours, first_day, first_day + 10, False)[0] is starts
    with pytest.raises(ValueError, match="read-only"):
        starts[0] = 0
    with pytest.raises(ValueError, match="read-only"):
        ends[0] = 0
