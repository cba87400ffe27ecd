"""Risk indicators: Sharpe and Sortino ratios, target downside deviation and value at risk."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol, cast

from lean_core.indicators.base import (
    Identity,
    Indicator,
    IndicatorBase,
    WindowIndicator,
    format_parameter,
    name_first,
)
from lean_core.indicators.composite import CompositeIndicator
from lean_core.indicators.data_point import IndicatorDataPoint
from lean_core.indicators.extensions import minus, of, over, sma
from lean_core.indicators.momentum import RateOfChange
from lean_core.indicators.rolling_window import RollingWindow
from lean_core.indicators.volatility import StandardDeviation

__all__ = [
    "RiskFreeInterestRateModel",
    "SharpeRatio",
    "SortinoRatio",
    "TargetDownsideDeviation",
    "ValueAtRisk",
]


class RiskFreeInterestRateModel(Protocol):
    """LEAN's `IRiskFreeInterestRateModel`: the risk-free rate in force at a time."""

    def get_interest_rate(self, date: datetime) -> float | Decimal: ...


RiskFreeRate = float | int | Decimal | RiskFreeInterestRateModel | Callable[[datetime], float]


def _rate_function(risk_free_rate: RiskFreeRate) -> Callable[[datetime], float]:
    if isinstance(risk_free_rate, float | int | Decimal):
        constant = float(risk_free_rate)
        return lambda _: constant
    getter = getattr(risk_free_rate, "get_interest_rate", None)
    if getter is not None:
        return lambda time: float(getter(time))
    if callable(risk_free_rate):
        return lambda time: float(risk_free_rate(time))
    raise TypeError(f"risk_free_rate must be a number or a rate model, got {type(risk_free_rate).__name__}")


class SharpeRatio(Indicator):
    """The Sharpe ratio of one-step returns over `period`: (mean return - risk-free rate) / their deviation.

    The risk-free rate is a number (0 by default), a model with `get_interest_rate(time)` or a
    function of time; it is per step, as the returns are.
    """

    __slots__ = ("_period", "_rate", "_ratio", "numerator", "rate_of_change", "risk_free_rate")

    @name_first
    def __init__(self, period: int, risk_free_rate: RiskFreeRate = 0.0, *, name: str | None = None) -> None:
        if name is None and isinstance(risk_free_rate, float | int | Decimal):
            name = f"SR({period},{format_parameter(risk_free_rate)})"
        elif name is None:
            name = f"SR({period})"
        super().__init__(name)
        self._period = period
        self._rate = _rate_function(risk_free_rate)
        self.rate_of_change = RateOfChange(1)
        self.risk_free_rate = Identity(name + "_RiskFreeRate")
        self.numerator: CompositeIndicator = minus(sma(self.rate_of_change, period), self.risk_free_rate)
        self._ratio: IndicatorBase[Any] = over(self.numerator, self._deviation(period, risk_free_rate))
        self.warm_up_period = self.rate_of_change.warm_up_period + period

    def _deviation(self, period: int, risk_free_rate: RiskFreeRate) -> IndicatorBase[Any]:
        """Return the ratio's denominator: the standard deviation of the returns over `period`."""
        return of(StandardDeviation(period), self.rate_of_change)

    @property
    def is_ready(self) -> bool:
        """Return True once the ratio has more than `period` values."""
        return self._ratio.samples > self._period

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._ratio.reset()
        self.rate_of_change.reset()
        super().reset()

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        self.risk_free_rate.update(input.end_time, self._rate(input.end_time))
        self.rate_of_change.update(input)
        return self._ratio.current.value


class TargetDownsideDeviation(Indicator):
    """The root mean square of one-step returns below `minimum_acceptable_return` (the others count as 0)."""

    __slots__ = ("_minimum_acceptable_return", "_rate_of_change")

    @name_first
    def __init__(
        self, period: int, minimum_acceptable_return: float = 0.0, *, name: str | None = None
    ) -> None:
        target = format_parameter(minimum_acceptable_return)
        super().__init__(name if name is not None else f"TDD({period},{target})")
        self._minimum_acceptable_return = float(minimum_acceptable_return)
        self._rate_of_change = RateOfChange(1)
        # the returns are read from the rate of change's own history of values
        self._rate_of_change.window.size = period
        self.warm_up_period = period + 1

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._rate_of_change.reset()
        super().reset()

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        self._rate_of_change.update(input)
        target = self._minimum_acceptable_return
        shortfalls = [min(0.0, point.value - target) ** 2 for point in self._rate_of_change.window]
        return math.sqrt(math.fsum(shortfalls) / len(shortfalls))


class SortinoRatio(SharpeRatio):
    """The Sortino ratio: (mean return - target) / target downside deviation over `period`."""

    __slots__ = ("_downside",)

    @name_first
    def __init__(
        self, period: int, minimum_acceptable_return: float = 0.0, *, name: str | None = None
    ) -> None:
        name = (
            name if name is not None else f"SORTINO({period},{format_parameter(minimum_acceptable_return)})"
        )
        super().__init__(period, minimum_acceptable_return, name=name)

    def _deviation(self, period: int, risk_free_rate: RiskFreeRate) -> IndicatorBase[Any]:
        """Return the target downside deviation; the target came in as the risk-free rate."""
        self._downside = TargetDownsideDeviation(period, cast(float, risk_free_rate))
        return self._downside

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        self._downside.update(input)
        return super()._compute_next_value(input)


class ValueAtRisk(WindowIndicator[IndicatorDataPoint]):
    """Parametric value at risk: the `1 - confidence_level` quantile of a normal fit to `period` returns."""

    __slots__ = ("_confidence_level", "_rate_of_change", "_returns")

    @name_first
    def __init__(self, period: int, confidence_level: float, *, name: str | None = None) -> None:
        name = name if name is not None else f"VaR({period}, {format_parameter(confidence_level)})"
        if period < 3:
            raise ValueError(f"{name}: period must be greater than 2, got period={period}")
        super().__init__(name, period)
        self._confidence_level = float(confidence_level)
        self._returns: RollingWindow[float] = RollingWindow(period)
        self._rate_of_change = RateOfChange(1)

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._rate_of_change.reset()
        self._returns.reset()
        super().reset()

    def _compute_window_value(
        self, window: RollingWindow[IndicatorDataPoint], input: IndicatorDataPoint
    ) -> float:
        self._rate_of_change.update(input)
        self._returns.add(self._rate_of_change.current.value)
        if self._returns.count < 2:
            return 0.0
        returns = list(self._returns)
        count = len(returns)
        mean = math.fsum(returns) / count
        # the sample deviation, as LEAN's statistics library computes it
        deviation = math.sqrt(math.fsum((value - mean) ** 2 for value in returns) / (count - 1))
        if deviation == 0:
            # a degenerate normal: every quantile is the mean
            return mean
        return statistics.NormalDist(mean, deviation).inv_cdf(1 - self._confidence_level)
