"""The momentum family's batch path: windows of input points as streaming leaves them.

test_batch_path.py compares every case's own values and state with streaming; these tests add what
it does not see: the points a window of inputs holds, prices of any sign, long unround series.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pytest
from batch_cases import BATCH_CASES
from hypothesis import given, settings
from hypothesis import strategies as st

from lean_core.enums import Market, SecurityType
from lean_core.indicators import (
    IndicatorBase,
    IndicatorDataPoint,
    LinearWeightedMovingAverage,
    Momentum,
    RateOfChange,
)
from lean_core.indicators.batch import update_batch
from lean_core.symbols import Symbol

START = datetime(2023, 1, 3, 9, 31)
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


@pytest.mark.parametrize("name", sorted(BATCH_CASES))
@settings(max_examples=20, deadline=None)
@given(values=st.lists(rough, min_size=1, max_size=80), sizes=st.lists(st.integers(1, 30), max_size=4))
def test_prices_of_any_sign_zeros_and_repeats_give_the_streaming_values(
    name: str, values: list[float], sizes: list[int]
) -> None:
    streamed, batched = BATCH_CASES[name](), BATCH_CASES[name]()
    parts: tuple[str, ...] = ()
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
    parts: tuple[str, ...] = ()
    streamed_log, batched_log = _event_log(streamed, parts), _event_log(batched, parts)
    times = _times(len(values))

    _stream(streamed, times, values)
    _in_batches(batched, times, values, sizes)

    assert batched_log == streamed_log
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
