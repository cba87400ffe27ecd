"""The batch path of bar indicators gives the streaming path's values, events and state, to the bit.

Streaming takes `TradeBar` objects; the batch path the columns of the adapter's `input_fields`
(high, low and close for the true range).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pytest
from batch_cases import BAR_BATCH_CASES, observed, state_of
from hypothesis import given, settings
from hypothesis import strategies as st

from lean_core.data.bars import TradeBar
from lean_core.indicators import AverageTrueRange, IndicatorBase, MovingAverageType
from lean_core.indicators.batch import IndicatorBatch, adapter_for, update_batch

START = datetime(2023, 1, 3, 9, 31)
CASE_NAMES = sorted(BAR_BATCH_CASES)
Prices = tuple[float, float, float, float]

_price = st.one_of(st.floats(min_value=0.01, max_value=1e6), st.sampled_from([1.0, 100.0, 100.25]))


@st.composite
def _bar_prices(draw: st.DrawFn) -> Prices:
    """Return (open, high, low, close) of a valid bar: low <= open, close <= high, all positive."""
    low, first, second, high = sorted(draw(st.lists(_price, min_size=4, max_size=4)))
    return (first, high, low, second) if draw(st.booleans()) else (second, high, low, first)


bars = st.lists(_bar_prices(), min_size=1, max_size=200)


def _end_times(count: int, offset: int = 0) -> list[datetime]:
    return [START + timedelta(minutes=offset + index + 1) for index in range(count)]


def _bar(end_time: datetime, prices: Prices) -> TradeBar:
    open_, high, low, close = prices
    return TradeBar(None, end_time - timedelta(minutes=1), end_time, open_, high, low, close, 1000.0)  # type: ignore[arg-type]


def _columns(indicator: IndicatorBase[Any], prices: list[Prices]) -> np.ndarray[Any, np.dtype[np.float64]]:
    adapter = adapter_for(indicator)
    assert adapter is not None
    fields = ("open", "high", "low", "close")
    table = np.array(prices, dtype=np.float64).reshape(len(prices), 4)
    return np.ascontiguousarray(table[:, [fields.index(name) for name in adapter.input_fields]])


def _stream(indicator: IndicatorBase[Any], times: list[datetime], prices: list[Prices]) -> None:
    for time, each in zip(times, prices, strict=True):
        indicator.update(_bar(time, each))


def _in_batches(
    indicator: IndicatorBase[Any], times: list[datetime], prices: list[Prices], sizes: list[int]
) -> None:
    start = 0
    for size in [*sizes, len(prices)]:
        stop = min(start + size, len(prices))
        update_batch(indicator, times[start:stop], _columns(indicator, prices[start:stop]))
        start = stop
        if start == len(prices):
            return


@pytest.mark.parametrize("name", CASE_NAMES)
@settings(max_examples=40, deadline=None)
@given(prices=bars, sizes=st.lists(st.integers(min_value=1, max_value=70), max_size=6))
def test_batches_of_any_size_give_the_streaming_values_events_and_state(
    name: str, prices: list[Prices], sizes: list[int]
) -> None:
    streamed, batched = BAR_BATCH_CASES[name](), BAR_BATCH_CASES[name]()
    streamed_events, batched_events = observed(streamed), observed(batched)
    times = _end_times(len(prices))

    _stream(streamed, times, prices)
    _in_batches(batched, times, prices, sizes)

    assert batched_events == streamed_events
    assert state_of(batched) == state_of(streamed)
    later = _end_times(40, offset=len(prices))  # the state carried out of the batches streams on identically
    continued = (prices * 40)[:40]
    _stream(streamed, later, continued)
    _stream(batched, later, continued)
    assert batched_events == streamed_events
    assert state_of(batched) == state_of(streamed)


@pytest.mark.parametrize("name", CASE_NAMES)
@settings(max_examples=25, deadline=None)
@given(prices=bars.filter(lambda drawn: len(drawn) >= 2), stop=st.integers(0, 199), manual=_bar_prices())
def test_an_update_from_elsewhere_mid_batch_takes_the_state_of_the_bars_published(
    name: str, prices: list[Prices], stop: int, manual: Prices
) -> None:
    stop = min(stop, len(prices) - 1)
    times = _end_times(len(prices))
    streamed, batched = BAR_BATCH_CASES[name](), BAR_BATCH_CASES[name]()
    _stream(streamed, times[:stop], prices[:stop])
    streamed.update(_bar(times[stop], manual))

    batch = IndicatorBatch.start(batched, None, _columns(batched, prices), times)
    assert batch is not None
    for _ in range(stop):
        batch.publish_next()
    batched.update(_bar(times[stop], manual))

    assert not batch.attached
    assert batched._batch is None
    assert state_of(batched) == state_of(streamed)
    _stream(streamed, times[stop + 1 :], prices[stop + 1 :])
    _stream(batched, times[stop + 1 :], prices[stop + 1 :])
    assert state_of(batched) == state_of(streamed)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_reset_mid_batch_returns_the_indicator_to_no_input(name: str) -> None:
    prices = [(100.0 + index, 101.0 + index * 1.5, 99.0 + index, 100.5 + index) for index in range(50)]
    indicator, fresh = BAR_BATCH_CASES[name](), BAR_BATCH_CASES[name]()
    batch = IndicatorBatch.start(indicator, None, _columns(indicator, prices), _end_times(50))
    assert batch is not None
    for _ in range(20):
        batch.publish_next()

    indicator.reset()

    assert indicator._batch is None
    assert state_of(indicator) == state_of(fresh)
    _stream(indicator, _end_times(50), prices)
    _stream(fresh, _end_times(50), prices)
    assert state_of(indicator) == state_of(fresh)


def test_an_update_of_a_part_mid_batch_takes_the_batch_state_first() -> None:
    prices = [(100.0, 102.0 + index % 3, 99.0, 101.0) for index in range(30)]
    times = _end_times(30)
    streamed, batched = AverageTrueRange(5), AverageTrueRange(5)
    _stream(streamed, times[:12], prices[:12])
    batch = IndicatorBatch.start(batched, None, _columns(batched, prices), times)
    assert batch is not None
    for _ in range(12):
        batch.publish_next()

    for each in (streamed, batched):
        each.true_range.update(_bar(times[12], prices[12]))

    assert not batch.attached
    assert all(part._batch is None for part in (batched.true_range, batched._smoother))
    assert state_of(batched) == state_of(streamed)


def test_a_bar_indicator_without_a_kernel_for_its_options_streams() -> None:
    # no kernel for a Hull average: the adapter declines, update_batch asks for bars
    indicator = AverageTrueRange(5, MovingAverageType.HULL)
    assert adapter_for(indicator) is None
    with pytest.raises(TypeError, match="bar inputs"):
        update_batch(indicator, _end_times(2), np.ones((2, 3)))
