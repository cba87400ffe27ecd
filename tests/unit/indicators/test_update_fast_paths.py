"""The fast paths of the streaming update (bar -> consolidator -> indicator) behave as the general ones.

Each test pins something a fast path could get wrong: values bit for bit, the event order and
arguments, the input rules (floats, finiteness, repeats, order), and when scans happen.
"""

from __future__ import annotations

import math
import pickle
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from lean_core.algorithm.indicator_helpers import IndicatorHelpersMixin
from lean_core.algorithm.subscriptions import Registration, fixed_time_based
from lean_core.data.bars import TradeBar, local_to_ns
from lean_core.data.consolidators import (
    ConsolidatorBase,
    IdentityDataConsolidator,
    TradeBarConsolidator,
)
from lean_core.data.slice import Slice, TradeBars
from lean_core.enums import SecurityType, TickType
from lean_core.indicators import (
    ExponentialMovingAverage,
    Indicator,
    IndicatorDataPoint,
    IndicatorInputError,
    RelativeStrengthIndex,
    SimpleMovingAverage,
    Sum,
)
from lean_core.indicators.data_point import new_point
from lean_core.indicators.rolling_window import RollingWindow
from lean_core.symbols import Symbol

SPY = Symbol.create("SPY", SecurityType.EQUITY, "usa")
START = datetime(2023, 1, 3, 9, 30)
NEW_YORK = ZoneInfo("America/New_York")


def _bar(minute: int, close: float) -> TradeBar:
    start = START + timedelta(minutes=minute)
    return TradeBar(SPY, start, start + timedelta(minutes=1), close, close, close, close, 100.0)


def _prices(count: int) -> list[float]:
    # irregular decimals, so rounding differences between two summations would show
    return [100.0 + ((index * 7919) % 97) / 7.0 - 0.013 * index for index in range(count)]


def _reference_sums(values: list[float], period: int) -> list[float]:
    """The running sum as it was computed over a RollingWindow of points: exact once a period."""
    window: RollingWindow[float] = RollingWindow(period)
    total, sums = 0.0, []
    for value in values:
        window.add(value)
        if window.samples % period == 0:
            total = math.fsum(window)
        else:
            total += value
            if window.samples > period:
                total -= window.most_recently_removed
        sums.append(total)
    return sums


@pytest.mark.parametrize("period", [1, 3, 10, 30])
def test_sma_and_sum_match_the_window_computation_bit_for_bit(period: int) -> None:
    values = _prices(200)
    sma, total = SimpleMovingAverage(period), Sum(period)
    seen_sma, seen_sum, ready = [], [], []
    for minute, value in enumerate(values):
        ready.append(sma.update(_bar(minute, value)))
        total.update(_bar(minute, value))
        seen_sma.append(sma.current.value)
        seen_sum.append(total.current.value)

    sums = _reference_sums(values, period)
    assert seen_sum == sums
    assert seen_sma == [s / min(i + 1, period) for i, s in enumerate(sums)]
    assert ready == [i + 1 >= period for i in range(len(values))]
    assert sma.period == period and sma.samples == len(values)


def test_sma_after_reset_starts_over() -> None:
    sma = SimpleMovingAverage(3)
    for minute, value in enumerate([1.0, 2.0, 3.0, 4.0]):
        sma.update(_bar(minute, value))
    sma.reset()
    sma.update(_bar(10, 5.0))

    assert (sma.current.value, sma.samples, sma.is_ready) == (5.0, 1, False)


def test_updated_fires_after_current_and_window_move_with_the_indicator_and_new_point() -> None:
    sma = SimpleMovingAverage(2)
    calls: list[tuple[Any, IndicatorDataPoint, bool, bool]] = []

    def first(sender: Any, point: IndicatorDataPoint) -> None:
        calls.append((sender, point, sender.current is point, sender.window[0] is point))

    sma.updated += first
    sma.updated += lambda sender, point: calls.append((sender, point, False, False))
    sma.update(_bar(0, 10.0))
    sma.update(_bar(1, 20.0))

    assert [call[0] for call in calls] == [sma] * 4
    assert [call[2:] for call in calls[::2]] == [(True, True), (True, True)]
    point = calls[2][1]
    assert (point.symbol, point.time, point.value) == (SPY, _bar(1, 0).end_time, 15.0)
    assert point.end_time is point.time
    assert calls[3][1] is point
    assert sma.window[1] is calls[0][1]


def test_a_bar_s_close_is_taken_as_a_float_and_a_non_finite_one_is_refused() -> None:
    ema = ExponentialMovingAverage(2)
    integral = TradeBar(SPY, START, START + timedelta(minutes=1), 1, 1, 1, 7, 1)  # type: ignore[arg-type]
    ema.update(integral)
    ema.update(_bar(1, 9.0))

    assert type(ema.current.value) is float and ema.current.value == 8.0
    with pytest.raises(IndicatorInputError):
        ema.update(_bar(2, math.nan))
    with pytest.raises(IndicatorInputError):
        ema.update(START + timedelta(minutes=3), math.inf)
    assert ema.samples == 2


def test_the_same_bar_twice_counts_twice_but_the_same_point_once_and_older_inputs_none() -> None:
    bar = _bar(5, 3.0)
    by_bar = SimpleMovingAverage(5)
    by_bar.update(bar)
    by_bar.update(bar)
    point = IndicatorDataPoint(SPY, bar.end_time, 3.0)
    by_point = SimpleMovingAverage(5)
    by_point.update(point)
    by_point.update(point)
    by_point.update(_bar(1, 100.0))  # ends before the previous input: ignored

    assert (by_bar.samples, by_point.samples, by_point.current.value) == (2, 1, 3.0)


def test_a_value_result_that_is_not_a_float_is_published_as_one() -> None:
    class Halves(Indicator):
        def _compute_next_value(self, input: IndicatorDataPoint) -> float:
            return int(input.value) // 2  # an int, as a user's indicator might return

    halves = Halves("halves")
    halves.update(START, 9)

    assert type(halves.current.value) is float and halves.current.value == 4.0


def test_update_returns_an_overridden_is_ready() -> None:
    class ReadyAtOnce(Indicator):
        @property
        def is_ready(self) -> bool:
            return True

        def _compute_next_value(self, input: IndicatorDataPoint) -> float:
            return input.value

    indicator = ReadyAtOnce("ready")
    indicator.warm_up_period = 10

    assert indicator.update(START, 1.0) is True
    assert SimpleMovingAverage(10).update(START, 1.0) is False


def test_a_data_point_s_end_time_is_its_time_and_new_point_builds_the_same_point() -> None:
    point = IndicatorDataPoint(SPY, START, 2)
    point.end_time = START + timedelta(days=1)

    assert point.time == point.end_time == START + timedelta(days=1)
    assert new_point(SPY, START, 2.0) == IndicatorDataPoint(SPY, START, 2)
    assert repr(new_point(SPY, START, 2.0)) == repr(IndicatorDataPoint(SPY, START, 2))


@pytest.mark.parametrize("steps", range(-3, 4))
def test_rsi_reads_a_loss_as_zero_exactly_when_it_rounds_to_zero_at_ten_places(steps: int) -> None:
    loss = 5e-11
    for _ in range(abs(steps)):
        loss = math.nextafter(loss, 0.0 if steps < 0 else 1.0)
    rsi = RelativeStrengthIndex(1)
    rsi.update(START, 0.0)
    rsi.update(START + timedelta(minutes=1), -loss)  # a change of exactly -loss

    expected = 100.0 if round(loss, 10) == 0 else 0.0
    assert rsi.current.value == expected


def test_identity_consolidator_fires_handlers_in_order_after_its_window_moves() -> None:
    consolidator: IdentityDataConsolidator[TradeBar] = IdentityDataConsolidator()
    calls: list[tuple[str, Any, TradeBar, bool]] = []

    def first(sender: Any, bar: TradeBar) -> None:
        calls.append(("first", sender, bar, sender.consolidated is bar and sender.current is bar))
        consolidator.data_consolidated -= first  # unsubscribing while firing spares the others

    consolidator.data_consolidated += first
    consolidator.data_consolidated += lambda sender, bar: calls.append(("second", sender, bar, True))
    bars = [_bar(0, 1.0), _bar(0, 2.0), _bar(1, 3.0)]  # the second repeats the first's end time
    for bar in bars:
        consolidator.update(bar)

    assert [(name, bar) for name, _, bar, _ in calls] == [
        ("first", bars[0]),
        ("second", bars[0]),
        ("second", bars[2]),
    ]
    assert all(sender is consolidator and ok for _, sender, _, ok in calls)
    assert (consolidator.window.samples, consolidator.previous) == (2, bars[0])


class _CountingConsolidator(ConsolidatorBase[TradeBar]):
    """A user's consolidator whose time basis changes as it goes."""

    def __init__(self) -> None:
        super().__init__()
        self.is_time_based = False
        self.updates: list[TradeBar] = []
        self.scans: list[datetime] = []

    def update(self, data: TradeBar) -> None:
        self.updates.append(data)

    def scan(self, current_local_time: datetime) -> None:
        self.scans.append(current_local_time)


def test_registrations_fix_the_time_basis_of_built_in_consolidators_only() -> None:
    assert fixed_time_based(IdentityDataConsolidator()) is False
    assert fixed_time_based(TradeBarConsolidator(timedelta(minutes=5))) is True
    assert fixed_time_based(TradeBarConsolidator(3)) is False
    assert fixed_time_based(_CountingConsolidator()) is None
    registration = Registration(SPY, TickType.QUOTE, IdentityDataConsolidator(), NEW_YORK)
    assert (registration.reads_trades, registration.time_based) == (False, False)


def test_update_consolidators_feeds_bars_then_scans_in_registration_order() -> None:
    user = _CountingConsolidator()
    period: TradeBarConsolidator = TradeBarConsolidator(timedelta(minutes=2))
    emitted: list[TradeBar] = []
    period.data_consolidated += lambda sender, bar: emitted.append(bar)
    host = SimpleNamespace(
        _registrations=[Registration(SPY, TickType.TRADE, c, NEW_YORK) for c in (user, period)],
        _utc_ns=0,
    )
    for minute in range(3):
        bar = _bar(minute, 1.0 + minute)
        host._utc_ns = local_to_ns(bar.end_time, NEW_YORK)
        user.is_time_based = minute == 2  # asked again every step
        step = Slice(bar.end_time, bar.end_time, TradeBars({SPY: bar}))
        IndicatorHelpersMixin._update_consolidators(host, step)  # type: ignore[arg-type]
    host._utc_ns = local_to_ns(START + timedelta(minutes=4), NEW_YORK)
    IndicatorHelpersMixin._update_consolidators(host, Slice(START, START, TradeBars()))  # type: ignore[arg-type]

    assert [bar.close for bar in user.updates] == [1.0, 2.0, 3.0]
    assert user.scans == [START + timedelta(minutes=3), START + timedelta(minutes=4)]
    assert [(bar.time, bar.close) for bar in emitted] == [(START, 2.0), (START + timedelta(minutes=2), 3.0)]


def test_a_symbol_keeps_its_hash_through_copies_and_equals_an_equal_symbol() -> None:
    again = Symbol.create("SPY", SecurityType.EQUITY, "usa")
    restored = pickle.loads(pickle.dumps(SPY))

    assert again is not SPY and again == SPY and hash(again) == hash(SPY) == hash(SPY.id)
    assert restored == SPY and hash(restored) == hash(SPY)
    assert {SPY: 1}[again] == 1
