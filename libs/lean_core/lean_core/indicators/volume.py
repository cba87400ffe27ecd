"""Volume indicators: on-balance volume, accumulation/distribution, money flow, force, EMV, Klinger."""

from __future__ import annotations

from typing import cast

from lean_core.indicators.base import IndicatorBase, TradeBarIndicator, name_first
from lean_core.indicators.data_point import IndicatorDataPoint, TradeBarLike
from lean_core.indicators.moving_average_type import MovingAverageType, as_indicator
from lean_core.indicators.moving_averages import ExponentialMovingAverage, SimpleMovingAverage, Sum
from lean_core.indicators.rolling_window import RollingWindow

__all__ = [
    "AccumulationDistribution",
    "AccumulationDistributionOscillator",
    "ChaikinMoneyFlow",
    "ChaikinOscillator",
    "EaseOfMovementValue",
    "ForceIndex",
    "KlingerVolumeOscillator",
    "MoneyFlowIndex",
    "OnBalanceVolume",
    "SmoothedOnBalanceVolume",
]


class OnBalanceVolume(TradeBarIndicator):
    """OBV: a running total adding the volume of up closes and subtracting that of down closes."""

    __slots__ = ("_previous_bar",)

    def __init__(self, name: str = "OBV") -> None:
        super().__init__(name)
        self._previous_bar: TradeBarLike | None = None
        self.warm_up_period = 1

    @property
    def is_ready(self) -> bool:
        """Return True after one bar."""
        return self._previous_bar is not None

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._previous_bar = None
        super().reset()

    def _compute_next_value(self, input: TradeBarLike) -> float:
        previous = self._previous_bar
        self._previous_bar = input
        if previous is None:
            return input.volume
        if input.value > previous.value:
            return self.current.value + input.volume
        if input.value < previous.value:
            return self.current.value - input.volume
        return self.current.value


class SmoothedOnBalanceVolume(TradeBarIndicator):
    """A moving average (simple by default) of on-balance volume."""

    __slots__ = ("_smoother", "on_balance_volume")

    @name_first
    def __init__(
        self,
        period: int,
        moving_average_type: MovingAverageType = MovingAverageType.SIMPLE,
        *,
        name: str | None = None,
    ) -> None:
        kind = MovingAverageType(moving_average_type)
        name = name if name is not None else f"SOBV({period})"
        super().__init__(name)
        self.on_balance_volume = OnBalanceVolume()
        self._smoother = as_indicator(kind, period, f"{name}_{kind.lean_name}")
        self.warm_up_period = period

    @property
    def is_ready(self) -> bool:
        """Return True once the average is."""
        return self._smoother.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._smoother.reset()
        self.on_balance_volume.reset()
        super().reset()

    def _compute_next_value(self, input: TradeBarLike) -> float:
        self.on_balance_volume.update(input)
        if self._smoother.update(input.end_time, self.on_balance_volume.current.value):
            return self._smoother.current.value
        return 0.0


def _money_flow_multiplier(bar: TradeBarLike) -> float:
    """Return ((close - low) - (high - close)) / (high - low), 0 for a bar without range."""
    spread = bar.high - bar.low
    if spread <= 0:
        return 0.0
    return ((bar.close - bar.low) - (bar.high - bar.close)) / spread


class AccumulationDistribution(TradeBarIndicator):
    """AD: a running total of each bar's volume times where its close sits in its range."""

    __slots__ = ()

    def __init__(self, name: str = "AD") -> None:
        super().__init__(name)
        self.warm_up_period = 1

    def _compute_next_value(self, input: TradeBarLike) -> float:
        return self.current.value + _money_flow_multiplier(input) * input.volume


class AccumulationDistributionOscillator(TradeBarIndicator):
    """ADOSC: fast EMA - slow EMA of the accumulation/distribution line."""

    __slots__ = ("_ad", "_fast", "_slow")

    @name_first
    def __init__(self, fast_period: int, slow_period: int, *, name: str | None = None) -> None:
        name = name if name is not None else f"ADOSC({fast_period},{slow_period})"
        super().__init__(name)
        self._ad = AccumulationDistribution(name + "_AD")
        self._fast = ExponentialMovingAverage(fast_period, name=name + "_Fast")
        self._slow = ExponentialMovingAverage(slow_period, name=name + "_Slow")
        self.warm_up_period = max(fast_period, slow_period)

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._ad.reset()
        self._fast.reset()
        self._slow.reset()
        super().reset()

    def _compute_next_value(self, input: TradeBarLike) -> float:
        self._ad.update(input)
        self._fast.update(self._ad.current)
        self._slow.update(self._ad.current)
        return self._fast.current.value - self._slow.current.value if self.is_ready else 0.0


class ChaikinOscillator(AccumulationDistributionOscillator):
    """The Chaikin oscillator: LEAN's name for the accumulation/distribution oscillator."""

    __slots__ = ()

    @name_first
    def __init__(self, fast_period: int, slow_period: int, *, name: str | None = None) -> None:
        name = name if name is not None else f"ChaikinOscillator({fast_period},{slow_period})"
        super().__init__(fast_period, slow_period, name=name)


class MoneyFlowIndex(TradeBarIndicator):
    """MFI: 100 * positive money flow / total money flow over `period` bars."""

    __slots__ = ("negative_money_flow", "positive_money_flow", "previous_typical_price")

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        name = name if name is not None else f"MFI({period})"
        super().__init__(name)
        self.positive_money_flow = Sum(period, name=name + "_PositiveMoneyFlow")
        self.negative_money_flow = Sum(period, name=name + "_NegativeMoneyFlow")
        #: the previous bar's typical price (0 before the first bar, so that bar counts as up)
        self.previous_typical_price = 0.0
        self.warm_up_period = period

    @property
    def is_ready(self) -> bool:
        """Return True once both flows are."""
        return self.positive_money_flow.is_ready and self.negative_money_flow.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self.previous_typical_price = 0.0
        self.positive_money_flow.reset()
        self.negative_money_flow.reset()
        super().reset()

    def _compute_next_value(self, input: TradeBarLike) -> float:
        typical_price = (input.high + input.low + input.close) / 3.0
        money_flow = typical_price * input.volume
        previous = self.previous_typical_price
        self.positive_money_flow.update(input.end_time, money_flow if typical_price > previous else 0.0)
        self.negative_money_flow.update(input.end_time, money_flow if typical_price < previous else 0.0)
        self.previous_typical_price = typical_price
        positive = self.positive_money_flow.current.value
        total = positive + self.negative_money_flow.current.value
        return 100.0 if total == 0 else 100.0 * positive / total


class ChaikinMoneyFlow(TradeBarIndicator):
    """CMF: the `period` sum of money-flow volume over the `period` sum of volume."""

    __slots__ = ("_flow_sum", "_volume_sum")

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        super().__init__(name if name is not None else f"CMF({period})")
        self._flow_sum = Sum(period)
        self._volume_sum = Sum(period)
        self.warm_up_period = period

    @property
    def is_ready(self) -> bool:
        """Return True once the sums are."""
        return self._flow_sum.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._volume_sum.reset()
        self._flow_sum.reset()
        super().reset()

    def _compute_next_value(self, input: TradeBarLike) -> float:
        self._flow_sum.update(input.end_time, input.volume * _money_flow_multiplier(input))
        self._volume_sum.update(input.end_time, input.volume)
        volume = self._volume_sum.current.value
        if not self.is_ready or volume == 0:
            return 0.0
        return self._flow_sum.current.value / volume


class ForceIndex(TradeBarIndicator):
    """The force index: a moving average (EMA by default) of close change times volume."""

    __slots__ = ("_previous_bar", "_smoother")

    @name_first
    def __init__(
        self,
        period: int,
        moving_average_type: MovingAverageType = MovingAverageType.EXPONENTIAL,
        *,
        name: str | None = None,
    ) -> None:
        kind = MovingAverageType(moving_average_type)
        name = name if name is not None else f"FI({period})"
        super().__init__(name)
        self._smoother = as_indicator(kind, period, f"{name}_{kind.lean_name}")
        self._previous_bar: TradeBarLike | None = None
        self.warm_up_period = period + 1

    @property
    def is_ready(self) -> bool:
        """Return True once the average is."""
        return self._smoother.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._previous_bar = None
        self._smoother.reset()
        super().reset()

    def _compute_next_value(self, input: TradeBarLike) -> float:
        previous = self._previous_bar
        self._previous_bar = input
        if previous is None or self.samples < 2:
            return 0.0
        self._smoother.update(input.end_time, (input.close - previous.close) * input.volume)
        return self._smoother.current.value


class EaseOfMovementValue(TradeBarIndicator):
    """EMV: the move of the bar's midpoint per unit of volume-scaled range, averaged over `period`."""

    __slots__ = ("_previous_high", "_previous_low", "_scale", "_sma")

    @name_first
    def __init__(self, period: int = 1, scale: int = 10000, *, name: str | None = None) -> None:
        super().__init__(name if name is not None else f"EMV({period}, {scale})")
        self._sma = SimpleMovingAverage(period)
        self._scale = scale
        self._previous_high = 0.0
        self._previous_low = 0.0
        self.warm_up_period = self._sma.warm_up_period

    @property
    def is_ready(self) -> bool:
        """Return True once the average is."""
        return self._sma.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._sma.reset()
        self._previous_high = 0.0
        self._previous_low = 0.0
        super().reset()

    def _compute_next_value(self, input: TradeBarLike) -> float:
        if self._previous_high == 0 and self._previous_low == 0:
            self._previous_high = input.high
            self._previous_low = input.low
        if input.volume == 0 or input.high == input.low:
            self._sma.update(input.end_time, 0.0)
            return self._sma.current.value
        midpoint_move = (input.high + input.low) / 2 - (self._previous_high + self._previous_low) / 2
        box_ratio = (input.volume / self._scale) / (input.high - input.low)
        self._previous_high = input.high
        self._previous_low = input.low
        self._sma.update(input.end_time, midpoint_move / box_ratio)
        return self._sma.current.value


class KlingerVolumeOscillator(TradeBarIndicator):
    """KVO: fast EMA - slow EMA of Klinger's volume force, with a signal EMA of it."""

    __slots__ = ("_cumulative_movement", "_fast", "_price_index", "_ranges", "_slow", "_trends", "signal")

    #: the smallest cumulative movement divided by, so a flat market does not divide by zero
    _MINIMUM_MOVEMENT = 1e-8

    @name_first
    def __init__(
        self, fast_period: int, slow_period: int, signal_period: int = 13, *, name: str | None = None
    ) -> None:
        name = name if name is not None else f"KVO({fast_period},{slow_period},{signal_period})"
        super().__init__(name)
        self._fast = ExponentialMovingAverage(fast_period, name=name + "_FastEma")
        self._slow = ExponentialMovingAverage(slow_period, name=name + "_SlowEma")
        self.signal: IndicatorBase[IndicatorDataPoint] = ExponentialMovingAverage(
            signal_period, name=name + "_Signal"
        )
        self._price_index: RollingWindow[float] = RollingWindow(2)
        self._ranges: RollingWindow[float] = RollingWindow(2)
        self._trends: RollingWindow[int] = RollingWindow(2)
        self._cumulative_movement = 0.0
        self.warm_up_period = max(fast_period, slow_period, signal_period) + 2

    @property
    def is_ready(self) -> bool:
        """Return True once both EMAs and the signal are."""
        return self._fast.is_ready and self._slow.is_ready and self.signal.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        super().reset()
        for part in (self.signal, self._fast, self._slow):
            part.reset()
        self._price_index.reset()
        self._ranges.reset()
        self._trends.reset()
        self._cumulative_movement = 0.0

    def _compute_next_value(self, input: TradeBarLike) -> float:
        force = self._volume_force(input)
        if force is None:
            return 0.0
        time = input.end_time
        self._fast.update(time, force)
        self._slow.update(time, force)
        if not (self._fast.is_ready and self._slow.is_ready):
            self.signal.update(time, 0.0)
            return 0.0
        kvo = self._fast.current.value - self._slow.current.value
        self.signal.update(time, kvo)
        return kvo

    def _volume_force(self, bar: TradeBarLike) -> float | None:
        movement = bar.high - bar.low
        self._ranges.add(movement)
        self._price_index.add(bar.high + bar.low + bar.close)
        if not self._price_index.is_ready:
            return None
        latest, earlier = (cast(float, self._price_index[i]) for i in (0, 1))
        trend = 1 if latest > earlier else -1
        self._trends.add(trend)
        if not self._trends.is_ready:
            return None
        if self._cumulative_movement == 0 or self._trends[0] != self._trends[1]:
            self._cumulative_movement = movement + cast(float, self._ranges[1])
        else:
            self._cumulative_movement += movement
        cumulative = self._cumulative_movement
        divisor = self._MINIMUM_MOVEMENT if abs(cumulative) < self._MINIMUM_MOVEMENT else cumulative
        return bar.volume * abs(2 * (movement / divisor - 1)) * trend * 100
