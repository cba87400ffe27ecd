"""LEAN's `IndicatorExtensions`: chaining indicators and combining their values.

`of(second, first)` feeds `second` each value `first` publishes; `plus`, `minus`, `times` and
`over` combine two indicators (or an indicator and a number) into a `CompositeIndicator`;
`sma`, `ema`, `max` and `min` average or bound another indicator's values. Python algorithms
call them as LEAN's do, `IndicatorExtensions.of(delay, sma)`, or as methods, `delay.of(sma)`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

from lean_core.indicators.base import IndicatorBase, format_parameter
from lean_core.indicators.composite import (
    CompositeIndicator,
    ConstantIndicator,
    IndicatorComposer,
    ResetCompositeIndicator,
)
from lean_core.indicators.data_point import IndicatorDataPoint
from lean_core.indicators.moving_averages import (
    ExponentialMovingAverage,
    SimpleMovingAverage,
    Sum,
)
from lean_core.indicators.window import Maximum, Minimum, WindowIdentity

__all__ = [
    "IndicatorExtensions",
    "ema",
    "max",
    "min",
    "minus",
    "of",
    "over",
    "plus",
    "sma",
    "times",
    "weighted_by",
]

IndicatorT = TypeVar("IndicatorT", bound=IndicatorBase[Any])
Operand = IndicatorBase[Any] | float | int | Decimal


def of(second: IndicatorT, first: IndicatorBase[Any], wait_for_first_to_ready: bool = True) -> IndicatorT:
    """Feed `second` each value `first` publishes (only once `first` is ready, by default)."""

    def forward(sender: object, point: IndicatorDataPoint) -> None:
        if not wait_for_first_to_ready or first.is_ready:
            second.update(point)

    first.updated += forward
    return second


def _operand(value: Operand) -> IndicatorBase[Any]:
    if isinstance(value, IndicatorBase):
        return value
    return ConstantIndicator(format_parameter(value), value)


def _compose(
    left: Operand, right: Operand, composer: IndicatorComposer, name: str | None
) -> CompositeIndicator:
    return CompositeIndicator(_operand(left), _operand(right), composer, name=name)


def _add(left: IndicatorBase[Any], right: IndicatorBase[Any]) -> float:
    return left.current.value + right.current.value


def _subtract(left: IndicatorBase[Any], right: IndicatorBase[Any]) -> float:
    return left.current.value - right.current.value


def _multiply(left: IndicatorBase[Any], right: IndicatorBase[Any]) -> float:
    return left.current.value * right.current.value


def _divide(left: IndicatorBase[Any], right: IndicatorBase[Any]) -> float | None:
    divisor = right.current.value
    # a zero divisor is LEAN's math error: the quotient keeps its last value
    return None if divisor == 0 else left.current.value / divisor


def plus(left: Operand, right: Operand, name: str | None = None) -> CompositeIndicator:
    """Return an indicator of left + right (either may be a number)."""
    return _compose(left, right, _add, name)


def minus(left: Operand, right: Operand, name: str | None = None) -> CompositeIndicator:
    """Return an indicator of left - right."""
    return _compose(left, right, _subtract, name)


def times(left: Operand, right: Operand, name: str | None = None) -> CompositeIndicator:
    """Return an indicator of left * right."""
    return _compose(left, right, _multiply, name)


def over(left: Operand, right: Operand, name: str | None = None) -> CompositeIndicator:
    """Return an indicator of left / right; a zero right leaves the quotient unchanged."""
    return _compose(left, right, _divide, name)


def weighted_by(value: IndicatorBase[Any], weight: IndicatorBase[Any], period: int) -> CompositeIndicator:
    """Return the average of `value` over `period` updates, each weighted by `weight`'s value."""
    values = WindowIdentity(period)
    weights = WindowIdentity(period)
    numerator = Sum(period, name="Sum_xy")
    denominator = Sum(period, name="Sum_y")

    def on_value(sender: object, point: IndicatorDataPoint) -> None:
        values.update(point)
        if values.samples == weights.samples:
            numerator.update(point.time, point.value * weights.current.value)

    def on_weight(sender: object, point: IndicatorDataPoint) -> None:
        weights.update(point)
        if values.samples == weights.samples:
            numerator.update(point.time, point.value * values.current.value)
        denominator.update(point)

    value.updated += on_value
    weight.updated += on_weight

    def reset_windows() -> None:
        values.reset()
        weights.reset()

    return ResetCompositeIndicator(numerator, denominator, _divide, reset_windows)


def sma(left: IndicatorBase[Any], period: int, wait_for_first_to_ready: bool = True) -> SimpleMovingAverage:
    """Return a simple moving average of `left`'s values."""
    average = SimpleMovingAverage(period, name=f"SMA{period}_Of_{left.name}")
    return of(average, left, wait_for_first_to_ready)


def ema(
    left: IndicatorBase[Any],
    period: int,
    smoothing_factor: float | None = None,
    wait_for_first_to_ready: bool = True,
) -> ExponentialMovingAverage:
    """Return an exponential moving average of `left`'s values."""
    factor = (
        ExponentialMovingAverage.smoothing_factor_default(period)
        if smoothing_factor is None
        else smoothing_factor
    )
    average = ExponentialMovingAverage(period, factor, name=f"EMA{period}_Of_{left.name}")
    return of(average, left, wait_for_first_to_ready)


def max(left: IndicatorBase[Any], period: int, wait_for_first_to_ready: bool = True) -> Maximum:
    """Return the maximum of `left`'s last `period` values."""
    return of(Maximum(period, name=f"MAX{period}_Of_{left.name}"), left, wait_for_first_to_ready)


def min(left: IndicatorBase[Any], period: int, wait_for_first_to_ready: bool = True) -> Minimum:
    """Return the minimum of `left`'s last `period` values."""
    return of(Minimum(period, name=f"MIN{period}_Of_{left.name}"), left, wait_for_first_to_ready)


class IndicatorExtensions:
    """LEAN's static `IndicatorExtensions`, under its snake_case and its original names."""

    of = staticmethod(of)
    plus = staticmethod(plus)
    minus = staticmethod(minus)
    times = staticmethod(times)
    over = staticmethod(over)
    weighted_by = staticmethod(weighted_by)
    sma = staticmethod(sma)
    ema = staticmethod(ema)
    max = staticmethod(max)
    min = staticmethod(min)

    Of = of
    Plus = plus
    Minus = minus
    Times = times
    Over = over
    WeightedBy = weighted_by
    SMA = sma
    EMA = ema
    MAX = max
    MIN = min
