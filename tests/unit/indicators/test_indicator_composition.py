"""Chaining and combining indicators: IndicatorExtensions, composite, constant and functional indicators."""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta
from typing import Any

import pytest

from lean_core.indicators import (
    CompositeIndicator,
    ConstantIndicator,
    Delay,
    ExponentialMovingAverage,
    FunctionalIndicator,
    Identity,
    IndicatorDataPoint,
    IndicatorExtensions,
    Maximum,
    Minimum,
    PythonIndicator,
    ResetCompositeIndicator,
    SimpleMovingAverage,
)

START = datetime(2024, 1, 2)


def _at(second: int) -> datetime:
    return START + timedelta(seconds=second)


def _feed(indicator: Any, values: list[float], first: int = 0) -> None:
    for offset, value in enumerate(values, start=first):
        indicator.update(_at(offset), value)


class TestOf:
    def test_second_takes_each_value_of_first_once_first_is_ready(self) -> None:
        sma = SimpleMovingAverage(2)
        delay = IndicatorExtensions.of(Delay(1), sma)

        _feed(sma, [1.0, 3.0, 5.0, 7.0])

        # the SMA is ready from its second value (2.0), then 4.0, 6.0; the delay lags one
        assert delay.samples == 3
        assert delay.current.value == 4.0

    def test_second_takes_every_value_when_not_waiting(self) -> None:
        sma = SimpleMovingAverage(2)
        identity = IndicatorExtensions.of(Identity("x"), sma, wait_for_first_to_ready=False)

        _feed(sma, [1.0, 3.0])

        assert identity.samples == 2

    def test_method_form_returns_the_second_indicator(self) -> None:
        sma = SimpleMovingAverage(2)
        delay = Delay(2)

        assert delay.of(sma) is delay
        assert IndicatorExtensions.Of is IndicatorExtensions.of

    def test_delay_repeats_its_first_input_until_it_is_period_inputs_behind(self) -> None:
        delay = Delay(2)

        seen = []
        for second, value in enumerate([1.0, 2.0, 3.0, 4.0, 5.0]):
            delay.update(_at(second), value)
            seen.append(delay.current.value)

        assert seen == [1.0, 1.0, 1.0, 2.0, 3.0]
        assert delay.warm_up_period == 3

    def test_delay_needs_a_period_of_at_least_one(self) -> None:
        with pytest.raises(ValueError, match="at least 1"):
            Delay(0)


class TestArithmetic:
    @pytest.mark.parametrize(
        ("combine", "expected"),
        [
            (IndicatorExtensions.plus, 12.0),
            (IndicatorExtensions.minus, 8.0),
            (IndicatorExtensions.times, 20.0),
            (IndicatorExtensions.over, 5.0),
        ],
    )
    def test_two_indicators_combine_once_both_have_a_new_value(self, combine: Any, expected: float) -> None:
        left, right = Identity("left"), Identity("right")
        composite = combine(left, right)

        left.update(_at(0), 10.0)
        assert composite.samples == 0
        right.update(_at(1), 2.0)

        assert composite.current.value == expected
        assert composite.current.time == _at(1)
        assert composite.name == "COMPOSE(left,right)"

    def test_a_number_combines_as_a_constant_at_each_new_value(self) -> None:
        identity = Identity("x")
        half = identity.over(2)

        _feed(identity, [3.0, 5.0])

        assert half.samples == 2
        assert half.current.value == 2.5
        assert half.right.name == "2"
        assert IndicatorExtensions.times(identity, 0.5).right.name == "0.5"

    def test_dividing_by_zero_keeps_the_quotient(self) -> None:
        numerator, denominator = Identity("n"), Identity("d")
        quotient = numerator.over(denominator)
        updates: list[IndicatorDataPoint] = []
        quotient.updated += lambda sender, point: updates.append(point)

        numerator.update(_at(0), 6.0)
        denominator.update(_at(0), 3.0)
        numerator.update(_at(1), 8.0)
        denominator.update(_at(1), 0.0)

        assert quotient.current.value == 2.0
        assert (quotient.samples, len(updates)) == (2, 1)

    def test_a_composite_can_be_named(self) -> None:
        composite = IndicatorExtensions.plus(Identity("a"), Identity("b"), "sum of both")

        assert composite.name == "sum of both"

    def test_reset_of_a_composite_resets_both_sides(self) -> None:
        left, right = Identity("left"), Identity("right")
        composite = left.minus(right)
        left.update(_at(0), 1.0)
        right.update(_at(0), 1.0)

        composite.reset()

        assert (left.samples, right.samples, composite.samples) == (0, 0, 0)

    def test_weighted_by_averages_values_weighted_by_the_other_indicator(self) -> None:
        price, volume = Identity("price"), Identity("volume")
        vwap = price.weighted_by(volume, 2)

        for second, (p, v) in enumerate([(10.0, 1.0), (20.0, 3.0), (30.0, 1.0)]):
            price.update(_at(second), p)
            volume.update(_at(second), v)

        assert vwap.is_ready
        assert vwap.current.value == pytest.approx((20 * 3 + 30 * 1) / 4)


class TestAveragesOfIndicators:
    @pytest.mark.parametrize(
        ("make", "kind", "name"),
        [
            (lambda x: IndicatorExtensions.sma(x, 3), SimpleMovingAverage, "SMA3_Of_x"),
            (lambda x: IndicatorExtensions.SMA(x, 3), SimpleMovingAverage, "SMA3_Of_x"),
            (lambda x: IndicatorExtensions.ema(x, 3), ExponentialMovingAverage, "EMA3_Of_x"),
            (lambda x: IndicatorExtensions.max(x, 3), Maximum, "MAX3_Of_x"),
            (lambda x: IndicatorExtensions.min(x, 3), Minimum, "MIN3_Of_x"),
        ],
    )
    def test_helpers_name_the_average_after_its_source(self, make: Any, kind: type, name: str) -> None:
        indicator = make(Identity("x"))

        assert isinstance(indicator, kind)
        assert indicator.name == name

    def test_sma_of_an_indicator_averages_its_values(self) -> None:
        source = Identity("x")
        average = IndicatorExtensions.sma(source, 3)

        _feed(source, [1.0, 2.0, 3.0, 10.0])

        assert average.current.value == pytest.approx(5.0)

    def test_ema_of_an_indicator_takes_a_smoothing_factor(self) -> None:
        source = Identity("x")
        average = IndicatorExtensions.ema(source, 2, 0.5)

        _feed(source, [2.0, 4.0, 8.0])

        assert average.smoothing_factor == 0.5
        assert average.current.value == pytest.approx(5.5)


class TestBuildingBlocks:
    def test_constant_holds_its_value_before_any_input_and_after_reset(self) -> None:
        constant = ConstantIndicator("two", 2)
        assert constant.is_ready and constant.current.value == 2.0

        constant.update(_at(0), 99.0)
        constant.reset()

        assert constant.current.value == 2.0 and constant.samples == 0

    def test_functional_indicator_computes_and_resets_with_its_functions(self) -> None:
        resets: list[bool] = []
        doubled = FunctionalIndicator(
            "double",
            lambda point: 2 * point.value,
            lambda indicator: indicator.samples > 1,
            lambda: resets.append(True),
        )

        doubled.update(_at(0), 3.0)
        assert not doubled.is_ready
        doubled.update(_at(1), 4.0)

        assert doubled.is_ready and doubled.current.value == 8.0
        doubled.reset()
        assert resets == [True] and doubled.samples == 0

    def test_reset_composite_runs_its_extra_reset(self) -> None:
        resets: list[bool] = []
        composite = ResetCompositeIndicator(
            Identity("a"), Identity("b"), lambda a, b: 0.0, lambda: resets.append(True)
        )

        composite.reset()

        assert resets == [True]
        assert composite.name == "RESET_COMPOSE(a,b)"

    def test_composite_takes_a_composer_returning_none_as_no_value(self) -> None:
        composite = CompositeIndicator("none", Identity("a"), Identity("b"), lambda a, b: None)

        composite.left.update(_at(0), 1.0)
        composite.right.update(_at(0), 1.0)

        assert composite.samples == 1 and composite.current.value == 0.0


class RecentMean(PythonIndicator):
    """LEAN's CustomSimpleMovingAverage example: a mean of the last `period` values, written in Python."""

    def __init__(self, name: str, period: int) -> None:
        super().__init__()
        self.name = name
        self.value = 0
        self._queue: deque[float] = deque(maxlen=period)

    def update(self, input: Any) -> bool:
        self._queue.appendleft(input.value)
        self.value = sum(self._queue) / len(self._queue)
        return len(self._queue) == self._queue.maxlen


class TestPythonIndicator:
    def test_a_python_indicator_runs_leans_update_cycle_around_its_own_update(self) -> None:
        custom, sma = RecentMean("custom", 3), SimpleMovingAverage(3)
        seen: list[IndicatorDataPoint] = []
        custom.updated += lambda sender, point: seen.append(point)

        for second, value in enumerate([1.0, 2.0, 3.0, 4.0]):
            custom.update(IndicatorDataPoint(_at(second), value))
            sma.update(_at(second), value)
            assert custom.current.value == sma.current.value
            assert custom.is_ready == sma.is_ready

        assert custom.samples == 4 and len(seen) == 4 and custom.name == "custom"

    def test_a_python_indicator_ignores_inputs_older_than_the_last(self) -> None:
        custom = RecentMean("custom", 2)
        custom.update(IndicatorDataPoint(_at(5), 1.0))

        custom.update(IndicatorDataPoint(_at(1), 9.0))

        assert (custom.samples, custom.current.value) == (1, 1.0)

    def test_a_python_indicator_can_be_chained(self) -> None:
        custom = RecentMean("custom", 1)
        doubled = custom.times(2)

        custom.update(_at(0), 4.0)

        assert doubled.current.value == 8.0
