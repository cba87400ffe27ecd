"""The batch path's composites and windows of input points, as streaming leaves them.

test_batch_path.py compares every case with streaming, its parts included; these tests add, for
the composites of CASE_PARTS (RSI's and MACD's averages, the Bollinger bands), events and last
inputs under a symbol and parts updated or reset from elsewhere; and the points a window of
inputs holds, and prices of any sign.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pytest
from batch_cases import BATCH_CASES, CASE_PARTS
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lean_core.enums import Market, SecurityType
from lean_core.indicators import (
    IndicatorBase,
    IndicatorDataPoint,
    LinearWeightedMovingAverage,
    Momentum,
    MovingAverageConvergenceDivergence,
    MovingAverageType,
    RateOfChange,
    RelativeStrengthIndex,
)
from lean_core.indicators.batch import IndicatorBatch, adapter_for, update_batch
from lean_core.symbols import Symbol

START = datetime(2023, 1, 3, 9, 31)
COMPOSITES = sorted(CASE_PARTS)
SPY = Symbol.create("SPY", SecurityType.EQUITY, Market.USA)

prices = st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False)
#: zeros, repeats and both signs: the rates' zero references, RSI's flat runs, a PPO's zero average
rough = st.one_of(
    st.sampled_from([0.0, -0.0, 1.0, -1.0, 2.5]),
    st.floats(min_value=-1e4, max_value=1e4, allow_nan=False, allow_infinity=False),
)


def _times(count: int, offset: int = 0) -> list[datetime]:
    return [START + timedelta(minutes=offset + index) for index in range(count)]


def _last_input(indicator: IndicatorBase[Any]) -> tuple[Any, ...] | None:
    last = indicator._last_input
    return None if last is None else (indicator._last_symbol, last.end_time, last.value)


def _state(indicator: IndicatorBase[Any]) -> tuple[Any, ...]:
    window = [(point.symbol, point.time, point.value) for point in indicator.window]
    return indicator.samples, indicator.is_ready, indicator.current.value, window, _last_input(indicator)


def _parts_state(indicator: IndicatorBase[Any], parts: tuple[str, ...]) -> list[tuple[Any, ...]]:
    return [_state(indicator), *(_state(getattr(indicator, part)) for part in parts)]


def _event_log(indicator: IndicatorBase[Any], parts: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """Record every event of the indicator and its parts in order, with the indicator's sample count."""
    log: list[tuple[Any, ...]] = []
    for name, each in [("self", indicator), *((part, getattr(indicator, part)) for part in parts)]:
        each.updated += lambda sender, point, name=name: log.append(
            (name, point.symbol, point.time, point.value, indicator.samples)
        )
    return log


def _stream(
    indicator: IndicatorBase[Any], times: list[datetime], values: list[float], symbol: Symbol | None = None
) -> None:
    for time, value in zip(times, values, strict=True):
        indicator.update(IndicatorDataPoint(symbol, time, value))


def _in_batches(
    indicator: IndicatorBase[Any],
    times: list[datetime],
    values: list[float],
    sizes: list[int],
    symbol: Symbol | None = None,
) -> None:
    start = 0
    for size in [*sizes, len(values)]:
        stop = min(start + size, len(values))
        update_batch(indicator, times[start:stop], np.array(values[start:stop]), symbol)
        start = stop
        if start == len(values):
            return


@pytest.mark.parametrize("name", COMPOSITES)
@settings(max_examples=30, deadline=None)
@given(
    values=st.lists(prices, min_size=1, max_size=120),
    sizes=st.lists(st.integers(min_value=1, max_value=50), max_size=5),
)
def test_parts_publish_the_streaming_events_in_order_and_keep_its_state(
    name: str, values: list[float], sizes: list[int]
) -> None:
    build, parts = BATCH_CASES[name], CASE_PARTS[name]
    streamed, batched = build(), build()
    streamed_log, batched_log = _event_log(streamed, parts), _event_log(batched, parts)
    times = _times(len(values))

    _stream(streamed, times, values, SPY)
    _in_batches(batched, times, values, sizes, SPY)

    assert batched_log == streamed_log
    assert _parts_state(batched, parts) == _parts_state(streamed, parts)
    later, continued = _times(30, offset=len(values)), (values * 30)[:30]
    _stream(streamed, later, continued, SPY)
    _stream(batched, later, continued, SPY)
    assert batched_log == streamed_log
    assert _parts_state(batched, parts) == _parts_state(streamed, parts)


@pytest.mark.parametrize("name", sorted(BATCH_CASES))
@settings(max_examples=20, deadline=None)
@given(values=st.lists(rough, min_size=1, max_size=80), sizes=st.lists(st.integers(1, 30), max_size=4))
@example(values=[1.0, -1.0, 2.2250738585072014e-308], sizes=[])  # PPO's division past the float range
def test_prices_of_any_sign_zeros_and_repeats_give_the_streaming_values(
    name: str, values: list[float], sizes: list[int]
) -> None:
    streamed, batched = BATCH_CASES[name](), BATCH_CASES[name]()
    parts = CASE_PARTS.get(name, ())
    streamed_log, batched_log = _event_log(streamed, parts), _event_log(batched, parts)
    times = _times(len(values))

    _stream(streamed, times, values)
    _in_batches(batched, times, values, sizes)

    assert batched_log == streamed_log
    assert _parts_state(batched, parts) == _parts_state(streamed, parts)


@pytest.mark.parametrize("name", sorted(BATCH_CASES))
def test_a_long_random_walk_gives_the_streaming_bits(name: str) -> None:
    # hypothesis favours short series of round numbers, whose sums are often exact in any order:
    # a long walk of unround prices makes any change of the order of float operations show
    generator = np.random.default_rng(20230103)
    values = (100.0 * np.exp(np.cumsum(generator.normal(0.0, 0.01, 600)))).tolist()
    sizes = generator.integers(1, 90, 12).tolist()
    streamed, batched = BATCH_CASES[name](), BATCH_CASES[name]()
    parts = CASE_PARTS.get(name, ())
    streamed_log, batched_log = _event_log(streamed, parts), _event_log(batched, parts)
    times = _times(len(values))

    _stream(streamed, times, values)
    _in_batches(batched, times, values, sizes)

    assert batched_log == streamed_log
    assert _parts_state(batched, parts) == _parts_state(streamed, parts)


@pytest.mark.parametrize("name", COMPOSITES)
@settings(max_examples=20, deadline=None)
@given(
    values=st.lists(prices, min_size=2, max_size=80),
    stop=st.integers(0, 79),
    part=st.integers(0, 3),
    manual=prices,
)
def test_an_update_of_a_part_from_elsewhere_mid_batch_detaches_the_batch(
    name: str, values: list[float], stop: int, part: int, manual: float
) -> None:
    build, parts = BATCH_CASES[name], CASE_PARTS[name]
    stop = min(stop, len(values) - 1)
    part_name = parts[part % len(parts)]
    times = _times(len(values))
    streamed, batched = build(), build()
    _stream(streamed, times[:stop], values[:stop])
    getattr(streamed, part_name).update(times[stop], manual)

    batch = IndicatorBatch.start(batched, None, np.array(values), times)
    assert batch is not None
    for _ in range(stop):
        batch.publish_next()
    getattr(batched, part_name).update(times[stop], manual)

    assert not batch.attached
    assert all(getattr(batched, each)._batch is None for each in parts)
    assert _parts_state(batched, parts) == _parts_state(streamed, parts)
    _stream(streamed, times[stop + 1 :], values[stop + 1 :])
    _stream(batched, times[stop + 1 :], values[stop + 1 :])
    assert _parts_state(batched, parts) == _parts_state(streamed, parts)


@pytest.mark.parametrize("name", COMPOSITES)
def test_a_reset_mid_batch_resets_the_parts_too(name: str) -> None:
    build, parts = BATCH_CASES[name], CASE_PARTS[name]
    values = [100.0 + (index % 7) - (index % 3) for index in range(60)]
    indicator, fresh = build(), build()
    batch = IndicatorBatch.start(indicator, None, np.array(values), _times(60))
    assert batch is not None
    for _ in range(35):
        batch.publish_next()

    indicator.reset()

    assert indicator._batch is None
    assert _parts_state(indicator, parts) == _parts_state(fresh, parts)
    _stream(indicator, _times(60), values)
    _stream(fresh, _times(60), values)
    assert _parts_state(indicator, parts) == _parts_state(fresh, parts)


@pytest.mark.parametrize("name", COMPOSITES)
def test_a_part_reset_from_elsewhere_mid_batch_detaches_the_batch_first(name: str) -> None:
    build, parts = BATCH_CASES[name], CASE_PARTS[name]
    values = [100.0 + (index % 5) * 1.25 for index in range(60)]
    streamed, batched = build(), build()
    _stream(streamed, _times(35), values[:35])
    batch = IndicatorBatch.start(batched, None, np.array(values), _times(60))
    assert batch is not None
    for _ in range(35):
        batch.publish_next()

    getattr(streamed, parts[0]).reset()
    getattr(batched, parts[0]).reset()

    assert not batch.attached
    assert _parts_state(batched, parts) == _parts_state(streamed, parts)
    _stream(streamed, _times(25, 35), values[35:])
    _stream(batched, _times(25, 35), values[35:])
    assert _parts_state(batched, parts) == _parts_state(streamed, parts)


@pytest.mark.parametrize(
    "build", [lambda: Momentum(4), lambda: RateOfChange(1), lambda: LinearWeightedMovingAverage(3)]
)
@pytest.mark.parametrize("count", [0, 2, 4, 5, 6, 13])
def test_a_window_of_input_points_holds_the_streaming_points(build: Any, count: int) -> None:
    values = [10.0 + index * 1.5 for index in range(20)]
    streamed, batched = build(), build()
    _stream(streamed, _times(3), values[:3], SPY)
    _stream(batched, _times(3), values[:3], SPY)

    _stream(streamed, _times(count, 3), values[3 : 3 + count], SPY)
    update_batch(batched, _times(count, 3), np.array(values[3 : 3 + count]), SPY)

    def points(indicator: Any) -> tuple[Any, ...]:
        window = indicator._inputs
        removed = window._most_recently_removed
        removed_point = None if removed is None else (removed.symbol, removed.time, removed.value)
        return [(p.symbol, p.time, p.value) for p in window], window.samples, removed_point

    assert points(batched) == points(streamed)


def test_rsi_of_a_flat_then_falling_series_is_the_streaming_value() -> None:
    values = [5.0, 5.0, 5.0, 5.0, 4.0, 4.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.5]
    streamed, batched = RelativeStrengthIndex(3), RelativeStrengthIndex(3)
    _stream(streamed, _times(len(values)), values)
    update_batch(batched, _times(len(values)), np.array(values))

    assert _parts_state(batched, ("average_gain", "average_loss")) == _parts_state(
        streamed, ("average_gain", "average_loss")
    )


def test_averages_without_a_kernel_leave_rsi_and_macd_to_streaming() -> None:
    assert adapter_for(RelativeStrengthIndex(14)) is not None
    assert adapter_for(RelativeStrengthIndex(14, MovingAverageType.HULL)) is None
    assert adapter_for(MovingAverageConvergenceDivergence(12, 26, 9)) is not None
    assert (
        adapter_for(MovingAverageConvergenceDivergence(3, 6, 2, MovingAverageType.DOUBLE_EXPONENTIAL)) is None
    )


def test_a_part_updated_later_than_the_batch_leaves_it_to_streaming() -> None:
    indicator = RelativeStrengthIndex(3)
    indicator.average_gain.update(START + timedelta(days=1), 1.0)

    assert IndicatorBatch.start(indicator, None, np.array([1.0, 2.0]), _times(2)) is None
