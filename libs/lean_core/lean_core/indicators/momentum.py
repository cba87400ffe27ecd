"""Momentum indicators: momentum, rates of change, log return, RSI, MACD and the price oscillators."""

from __future__ import annotations

import math

from lean_core.indicators.base import (
    Identity,
    Indicator,
    IndicatorInputError,
    WindowIndicator,
    name_first,
)
from lean_core.indicators.data_point import IndicatorDataPoint
from lean_core.indicators.moving_average_type import MovingAverageType, as_indicator
from lean_core.indicators.rolling_window import RollingWindow

__all__ = [
    "AbsolutePriceOscillator",
    "LogReturn",
    "Momentum",
    "MomentumPercent",
    "MovingAverageConvergenceDivergence",
    "PercentagePriceOscillator",
    "RateOfChange",
    "RateOfChangePercent",
    "RateOfChangeRatio",
    "RelativeStrengthIndex",
]


class Momentum(WindowIndicator[IndicatorDataPoint]):
    """The change over `period` values: value - value `period` inputs back."""

    __slots__ = ()

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        super().__init__(name if name is not None else f"MOM({period})", period)
        self.warm_up_period = period + 1

    def _compute_window_value(
        self, window: RollingWindow[IndicatorDataPoint], input: IndicatorDataPoint
    ) -> float:
        return input.value - self._value_period_back(window)


class RateOfChange(WindowIndicator[IndicatorDataPoint]):
    """The relative change over `period` values: (value - old) / old, 0 when old is 0."""

    __slots__ = ()

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        super().__init__(name if name is not None else f"ROC({period})", period)
        self.warm_up_period = period + 1

    def _compute_window_value(
        self, window: RollingWindow[IndicatorDataPoint], input: IndicatorDataPoint
    ) -> float:
        reference = self._value_period_back(window)
        if reference == 0:
            return 0.0
        return (input.value - reference) / reference


class RateOfChangePercent(RateOfChange):
    """The rate of change in percent."""

    __slots__ = ()

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        super().__init__(period, name=name if name is not None else f"ROCP({period})")

    def _compute_window_value(
        self, window: RollingWindow[IndicatorDataPoint], input: IndicatorDataPoint
    ) -> float:
        return 100 * super()._compute_window_value(window, input)


class MomentumPercent(RateOfChangePercent):
    """LEAN's `MomentumPercent`: the rate of change in percent under another name."""

    __slots__ = ()

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        super().__init__(period, name=name if name is not None else f"MOMP({period})")


class RateOfChangeRatio(RateOfChange):
    """The ratio value / old (0 while the rate of change is 0)."""

    __slots__ = ()

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        super().__init__(period, name=name if name is not None else f"ROCR({period})")

    def _compute_window_value(
        self, window: RollingWindow[IndicatorDataPoint], input: IndicatorDataPoint
    ) -> float:
        rate = super()._compute_window_value(window, input)
        return rate + 1 if rate != 0 else 0.0


class LogReturn(WindowIndicator[IndicatorDataPoint]):
    """The log return over `period` values: ln(value / value `period` inputs back)."""

    __slots__ = ()

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        super().__init__(name if name is not None else f"LOGR({period})", period)

    def _compute_window_value(
        self, window: RollingWindow[IndicatorDataPoint], input: IndicatorDataPoint
    ) -> float:
        reference = self._value_period_back(window)
        # as LEAN: a zero reference counts as a ratio of 0, whose infinite log reads as 0
        ratio = input.value / reference if reference != 0 else 0.0
        if ratio == 0:
            return 0.0
        if ratio < 0:
            raise IndicatorInputError(
                "a log return needs prices of one sign",
                indicator=self.name,
                time=input.end_time,
                value=input.value,
            )
        return math.log(ratio)


#: below this a non-negative loss rounds to 0 at 10 decimal places (see RelativeStrengthIndex)
_LOSS_ROUNDS_TO_ZERO = 5e-11


class RelativeStrengthIndex(Indicator):
    """RSI: 100 - 100 / (1 + average gain / average loss), averaged Wilder's way by default."""

    __slots__ = ("_previous_input", "average_gain", "average_loss", "moving_average_type")

    @name_first
    def __init__(
        self,
        period: int,
        moving_average_type: MovingAverageType = MovingAverageType.WILDERS,
        *,
        name: str | None = None,
    ) -> None:
        name = name if name is not None else f"RSI({period})"
        super().__init__(name)
        self.moving_average_type = MovingAverageType(moving_average_type)
        self.average_gain = as_indicator(self.moving_average_type, period, name + "Up")
        self.average_loss = as_indicator(self.moving_average_type, period, name + "Down")
        self.warm_up_period = period + 1
        self._previous_input: IndicatorDataPoint | None = None

    @property
    def is_ready(self) -> bool:
        """Return True once both averages are ready."""
        return self.average_gain.is_ready and self.average_loss.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        # take a batch's state back first: a part's reset would detach it after the previous
        # price is cleared, and bring that price back
        if self._batch is not None:
            self._batch.detach()
        self._previous_input = None
        self.average_gain.reset()
        self.average_loss.reset()
        super().reset()

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        previous = self._previous_input
        if previous is not None:
            time = input.end_time
            change = input.value - previous.value
            if change >= 0:
                self.average_gain.update(time, change)
                self.average_loss.update(time, 0.0)
            else:
                self.average_gain.update(time, 0.0)
                self.average_loss.update(time, -change)
        self._previous_input = input
        # some averages (DEMA, say) can dip below zero: treat that as no movement
        average_loss = max(self.average_loss.current.value, 0.0)
        average_gain = max(self.average_gain.current.value, 0.0)
        # LEAN rounds the loss to 10 places so a vanishing one reads as all gains rather than
        # overflowing. For a non-negative float that rounding gives 0 exactly when it is below
        # the float nearest 5e-11 (which lies just above the real 5e-11), and the comparison
        # costs a tenth of round()
        if average_loss < _LOSS_ROUNDS_TO_ZERO:
            return 100.0
        return 100.0 - 100.0 / (1 + average_gain / average_loss)


class MovingAverageConvergenceDivergence(Indicator):
    """MACD: fast average - slow average, with a signal average of it and the histogram between."""

    __slots__ = ("fast", "histogram", "moving_average_type", "signal", "slow")

    @name_first
    def __init__(
        self,
        fast_period: int,
        slow_period: int,
        signal_period: int,
        moving_average_type: MovingAverageType = MovingAverageType.EXPONENTIAL,
        *,
        name: str | None = None,
    ) -> None:
        if fast_period >= slow_period:
            raise ValueError(
                "MovingAverageConvergenceDivergence: fast_period must be less than slow_period, "
                f"got fast_period={fast_period}, slow_period={slow_period}"
            )
        name = name if name is not None else f"MACD({fast_period},{slow_period},{signal_period})"
        super().__init__(name)
        self.moving_average_type = MovingAverageType(moving_average_type)
        self.fast = as_indicator(self.moving_average_type, fast_period, name + "_Fast")
        self.slow = as_indicator(self.moving_average_type, slow_period, name + "_Slow")
        self.signal = as_indicator(self.moving_average_type, signal_period, name + "_Signal")
        self.histogram = Identity(name + "_Histogram")
        self.warm_up_period = slow_period + signal_period - 1

    @property
    def is_ready(self) -> bool:
        """Return True once the signal average is ready."""
        return self.signal.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self.fast.reset()
        self.slow.reset()
        self.signal.reset()
        self.histogram.reset()
        super().reset()

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        fast_ready = self.fast.update(input)
        slow_ready = self.slow.update(input)
        macd = self.fast.current.value - self.slow.current.value
        if fast_ready and slow_ready and self.signal.update(input.end_time, macd):
            self.histogram.update(input.end_time, macd - self.signal.current.value)
        return macd


class AbsolutePriceOscillator(MovingAverageConvergenceDivergence):
    """APO: fast average - slow average (a MACD whose signal period is the slow period)."""

    __slots__ = ()

    @name_first
    def __init__(
        self,
        fast_period: int,
        slow_period: int,
        moving_average_type: MovingAverageType = MovingAverageType.SIMPLE,
        *,
        name: str | None = None,
    ) -> None:
        name = name if name is not None else f"APO({fast_period},{slow_period})"
        super().__init__(fast_period, slow_period, slow_period, moving_average_type, name=name)


class PercentagePriceOscillator(AbsolutePriceOscillator):
    """PPO: the absolute price oscillator as a percentage of the slow average."""

    __slots__ = ()

    @name_first
    def __init__(
        self,
        fast_period: int,
        slow_period: int,
        moving_average_type: MovingAverageType = MovingAverageType.SIMPLE,
        *,
        name: str | None = None,
    ) -> None:
        name = name if name is not None else f"PPO({fast_period},{slow_period})"
        super().__init__(fast_period, slow_period, moving_average_type, name=name)

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        difference = super()._compute_next_value(input)
        slow = self.slow.current.value
        return 100 * difference / slow if slow != 0 else 0.0
