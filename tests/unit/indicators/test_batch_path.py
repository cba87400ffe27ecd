"""The batch path gives the streaming path's values, events and state, to the bit."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pytest
from batch_cases import BATCH_CASES, observed, state_of
from hypothesis import given, settings
from hypothesis import strategies as st

from lean_core.indicators import (
    BollingerBands,
    IndicatorBase,
    IndicatorDataPoint,
    MovingAverageType,
    SimpleMovingAverage,
)
from lean_core.indicators.batch import IndicatorBatch, adapter_for, compute_batch, update_batch

START = datetime(2023, 1, 3, 9, 31)
CASE_NAMES = sorted(BATCH_CASES)

# repeated values too: windows of equal values (a zero deviation) and ties for the extremes
prices = st.one_of(
    st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False),
    st.sampled_from([1.0, 100.0, 100.25]),
)


def _times(count: int, offset: int = 0) -> list[datetime]:
    return [START + timedelta(minutes=offset + index) for index in range(count)]


def _stream(indicator: IndicatorBase[Any], times: list[datetime], values: list[float]) -> None:
    for time, value in zip(times, values, strict=True):
        indicator.update(IndicatorDataPoint(time, value))


def _in_batches(
    indicator: IndicatorBase[Any], times: list[datetime], values: list[float], sizes: list[int]
) -> None:
    start = 0
    for size in [*sizes, len(values)]:
        stop = min(start + size, len(values))
        update_batch(indicator, times[start:stop], np.array(values[start:stop]))
        start = stop
        if start == len(values):
            return


def _assert_batches_stream_alike(
    name: str, values: list[float], sizes: list[int]
) -> tuple[IndicatorBase[Any], IndicatorBase[Any]]:
    """Feed one case by streaming and one in batches of `sizes`; assert their events and states agree."""
    streamed, batched = BATCH_CASES[name](), BATCH_CASES[name]()
    streamed_events, batched_events = observed(streamed), observed(batched)
    times = _times(len(values))

    _stream(streamed, times, values)
    _in_batches(batched, times, values, sizes)

    assert batched_events == streamed_events
    assert state_of(batched) == state_of(streamed)
    return streamed, batched


@pytest.mark.parametrize("name", CASE_NAMES)
@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(prices, min_size=1, max_size=200),
    sizes=st.lists(st.integers(min_value=1, max_value=70), max_size=6),
)
def test_batches_of_any_size_give_the_streaming_values_events_and_state(
    name: str, values: list[float], sizes: list[int]
) -> None:
    streamed, batched = _assert_batches_stream_alike(name, values, sizes)
    later = _times(40, offset=len(values))  # the state carried out of the batches streams on identically
    continued = (values * 40)[:40]
    _stream(streamed, later, continued)
    _stream(batched, later, continued)
    assert state_of(batched) == state_of(streamed)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_runs_of_equal_values_after_distinct_ones_give_the_streaming_values(name: str) -> None:
    # a window that fills with equal values while its sums still carry others' rounding: the
    # deviation must come out exactly 0 (and Bollinger bands stop updating) as streaming has it
    rng = np.random.default_rng(7)
    values = [
        *rng.uniform(1.0, 1e4, 40).tolist(),
        *[100.25] * 30,
        *rng.uniform(1.0, 1e4, 25).tolist(),
        *[1.0] * 25,
        *rng.uniform(1.0, 1e4, 10).tolist(),
    ]
    streamed, batched = BATCH_CASES[name](), BATCH_CASES[name]()
    streamed_events, batched_events = observed(streamed), observed(batched)
    times = _times(len(values))

    _stream(streamed, times, values)
    update_batch(batched, times, np.array(values))

    assert batched_events == streamed_events
    assert state_of(batched) == state_of(streamed)


@pytest.mark.parametrize("name", CASE_NAMES)
@settings(max_examples=25, deadline=None)
@given(
    values=st.lists(prices, min_size=2, max_size=120),
    stop=st.integers(min_value=0, max_value=119),
    manual=prices,
)
def test_an_update_from_elsewhere_mid_batch_takes_the_state_of_the_values_published(
    name: str, values: list[float], stop: int, manual: float
) -> None:
    stop = min(stop, len(values) - 1)
    times = _times(len(values))
    streamed, batched = BATCH_CASES[name](), BATCH_CASES[name]()
    _stream(streamed, times[:stop], values[:stop])
    streamed.update(IndicatorDataPoint(times[stop], manual))

    batch = IndicatorBatch.start(batched, None, np.array(values), times)
    assert batch is not None
    for _ in range(stop):
        batch.publish_next()
    batched.update(IndicatorDataPoint(times[stop], manual))

    assert not batch.attached
    assert batched._batch is None
    assert state_of(batched) == state_of(streamed)
    _stream(streamed, times[stop + 1 :], values[stop + 1 :])
    _stream(batched, times[stop + 1 :], values[stop + 1 :])
    assert state_of(batched) == state_of(streamed)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_reset_mid_batch_returns_the_indicator_to_no_input(name: str) -> None:
    values = [100.0 + index for index in range(50)]
    indicator, fresh = BATCH_CASES[name](), BATCH_CASES[name]()
    batch = IndicatorBatch.start(indicator, None, np.array(values), _times(50))
    assert batch is not None
    for _ in range(20):
        batch.publish_next()

    indicator.reset()

    assert indicator._batch is None
    assert state_of(indicator) == state_of(fresh)
    _stream(indicator, _times(50), values)
    _stream(fresh, _times(50), values)
    assert state_of(indicator) == state_of(fresh)


def test_compute_batch_leaves_the_indicator_as_it_was() -> None:
    indicator = SimpleMovingAverage(3)
    _stream(indicator, _times(2), [1.0, 2.0])

    values = compute_batch(indicator, np.array([3.0, 4.0, 5.0]))

    assert values.tolist() == [2.0, 3.0, 4.0]
    assert indicator.samples == 2
    assert indicator.current.value == 1.5


def test_inputs_the_streaming_path_refuses_take_the_streaming_path() -> None:
    indicator = SimpleMovingAverage(3)
    indicator.update(IndicatorDataPoint(START + timedelta(days=1), 5.0))

    older = IndicatorBatch.start(indicator, None, np.array([1.0, 2.0]), _times(2))
    not_finite = IndicatorBatch.start(SimpleMovingAverage(3), None, np.array([1.0, math.nan]), _times(2))

    assert older is None  # streaming ignores inputs older than the last
    assert not_finite is None  # streaming raises at the NaN's step


def test_out_of_order_series_stream_and_keep_the_streaming_rules() -> None:
    times = _times(4)
    shuffled = [times[0], times[2], times[1], times[3]]
    streamed, batched = SimpleMovingAverage(2), SimpleMovingAverage(2)

    _stream(streamed, shuffled, [1.0, 2.0, 3.0, 4.0])
    update_batch(batched, shuffled, np.array([1.0, 2.0, 3.0, 4.0]))

    assert state_of(batched) == state_of(streamed)
    assert batched.samples == 3


def test_classes_without_a_kernel_have_no_adapter() -> None:
    class Custom(SimpleMovingAverage):
        pass

    assert adapter_for(Custom(3)) is None  # a subclass may compute its own way
    with pytest.raises(TypeError, match="no batch path"):
        compute_batch(Custom(3), np.array([1.0]))


def test_options_without_a_kernel_have_no_adapter() -> None:
    hull = MovingAverageType.HULL  # no kernel for its middle band

    assert adapter_for(BollingerBands(10, 2, hull)) is None
    assert adapter_for(BollingerBands(10, 2)) is not None


# values of every magnitude, signs and zeros: the kernels' exact sums then often cannot split them
# (`exact_sums`) and take fsum's own algorithm, and the extremes compare negatives and zeros of
# both signs; still no overflow (the streaming fsum would raise)
wide_values = st.one_of(
    st.floats(min_value=-1e150, max_value=1e150, allow_nan=False),
    st.sampled_from([0.0, -0.0, 1e-300, -5e-324, 1e150]),
)


@pytest.mark.parametrize(
    "name", ["SMA(1)", "SMA(10)", "SUM(7)", "VAR(5)", "STD(20)", "BB(5,1.5)", "BB(20,2)", "MAX(5)", "MIN(4)"]
)
@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(wide_values, min_size=1, max_size=120),
    sizes=st.lists(st.integers(min_value=1, max_value=50), max_size=4),
)
def test_values_of_every_magnitude_give_the_streaming_values_and_state(
    name: str, values: list[float], sizes: list[int]
) -> None:
    _assert_batches_stream_alike(name, values, sizes)


# prices in cents within a narrow band, as minute bars are: the variance then sums its offsets
# plainly (exactly, see variance_kernels._offset_splitters) rather than by splitting them
narrow_prices = st.integers(min_value=40_000, max_value=41_000).map(lambda cents: cents / 100)


@pytest.mark.parametrize("name", ["VAR(5)", "STD(20)", "BB(20,2)", "SMA(10)"])
@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(narrow_prices, min_size=1, max_size=200),
    sizes=st.lists(st.integers(min_value=1, max_value=70), max_size=6),
)
def test_prices_in_a_narrow_band_give_the_streaming_values_and_state(
    name: str, values: list[float], sizes: list[int]
) -> None:
    _assert_batches_stream_alike(name, values, sizes)
