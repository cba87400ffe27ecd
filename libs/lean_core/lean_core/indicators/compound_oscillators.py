"""Oscillators built from other indicators: Connors RSI, derivative, Schaff, premier, wave trend, squeeze."""

from __future__ import annotations

import math

from lean_core.indicators import extensions
from lean_core.indicators.bands import BollingerBands, KeltnerChannels
from lean_core.indicators.base import BarIndicator, Identity, Indicator, format_parameter, name_first
from lean_core.indicators.data_point import DataBar, IndicatorDataPoint
from lean_core.indicators.extensions import ema, of
from lean_core.indicators.momentum import MovingAverageConvergenceDivergence, RelativeStrengthIndex
from lean_core.indicators.moving_average_type import MovingAverageType, as_indicator
from lean_core.indicators.moving_averages import ExponentialMovingAverage, SimpleMovingAverage
from lean_core.indicators.oscillators import Stochastic
from lean_core.indicators.rolling_window import RollingWindow

__all__ = [
    "ConnorsRelativeStrengthIndex",
    "DerivativeOscillator",
    "PremierStochasticOscillator",
    "SchaffTrendCycle",
    "SqueezeMomentum",
    "WaveTrendOscillator",
]


class ConnorsRelativeStrengthIndex(Indicator):
    """Connors RSI: the mean of the RSI, the RSI of the up/down streak and the rank of today's change."""

    __slots__ = ("_change_ratios", "_previous_input", "_rsi", "_streak", "_streak_rsi")

    @name_first
    def __init__(
        self, rsi_period: int, rsi_period_streak: int, look_back_period: int, *, name: str | None = None
    ) -> None:
        super().__init__(
            name if name is not None else f"CRSI({rsi_period},{rsi_period_streak},{look_back_period})"
        )
        self._rsi = RelativeStrengthIndex(rsi_period)
        self._streak_rsi = RelativeStrengthIndex(rsi_period_streak)
        self._change_ratios: RollingWindow[float] = RollingWindow(look_back_period)
        self._streak = 0
        self._previous_input: IndicatorDataPoint | None = None
        self.warm_up_period = max(look_back_period, self._rsi.warm_up_period, self._streak_rsi.warm_up_period)

    @property
    def is_ready(self) -> bool:
        """Return True once both RSIs and the window of changes are."""
        return self._rsi.is_ready and self._streak_rsi.is_ready and self._change_ratios.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._rsi.reset()
        self._streak_rsi.reset()
        self._change_ratios.reset()
        self._streak = 0
        self._previous_input = None
        super().reset()

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        self._rsi.update(input)
        self._advance_streak(input)
        self._streak_rsi.update(input.end_time, self._streak)
        previous = self._previous_input
        self._previous_input = input
        if previous is None or previous.value == 0:
            self._change_ratios.add(0.0)
            return 0.0
        ratio = (input.value - previous.value) / previous.value
        rank = 0.0
        if self._change_ratios.is_ready:
            ratios = list(self._change_ratios)
            rank = 100.0 * sum(1 for earlier in ratios if earlier < ratio) / len(ratios)
        self._change_ratios.add(ratio)
        if not self.is_ready:
            return 0.0
        return (self._rsi.current.value + self._streak_rsi.current.value + rank) / 3

    def _advance_streak(self, input: IndicatorDataPoint) -> None:
        if self._previous_input is None:
            return
        change = input.value - self._previous_input.value
        # a move against the streak starts a new one
        if (self._streak > 0 and change < 0) or (self._streak < 0 and change > 0):
            self._streak = 0
        if change > 0:
            self._streak += 1
        elif change < 0:
            self._streak -= 1


class DerivativeOscillator(Indicator):
    """The derivative oscillator: a double-smoothed RSI minus a simple average of it."""

    __slots__ = ("_double_smoothed", "_rsi", "_signal_line", "_smoothed")

    @name_first
    def __init__(
        self,
        rsi_period: int,
        smoothing_rsi_period: int,
        double_smoothing_rsi_period: int,
        signal_line_period: int,
        *,
        name: str | None = None,
    ) -> None:
        periods = (rsi_period, smoothing_rsi_period, double_smoothing_rsi_period, signal_line_period)
        name = name if name is not None else f"DO({','.join(map(str, periods))})"
        super().__init__(name)
        self._rsi = RelativeStrengthIndex(rsi_period, name=f"{name}_RSI")
        self._smoothed = of(
            ExponentialMovingAverage(smoothing_rsi_period, name=f"{name}_SmoothedRSI"), self._rsi
        )
        self._double_smoothed = of(
            ExponentialMovingAverage(double_smoothing_rsi_period, name=f"{name}_DoubleSmoothedRSI"),
            self._smoothed,
        )
        self._signal_line = of(
            SimpleMovingAverage(signal_line_period, name=f"{name}_SignalLine"), self._double_smoothed
        )
        self.warm_up_period = sum(periods) - 3 + 1

    @property
    def is_ready(self) -> bool:
        """Return True once the signal line is."""
        return self._signal_line.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        for part in (self._rsi, self._smoothed, self._double_smoothed, self._signal_line):
            part.reset()
        super().reset()

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        # the chain of averages follows the RSI
        self._rsi.update(input)
        if not self.is_ready:
            return 0.0
        return self._double_smoothed.current.value - self._signal_line.current.value


def _stochastic(value: float, highest: float, lowest: float) -> float:
    spread = highest - lowest
    return (value - lowest) / spread * 100 if spread > 0 else 0.0


class SchaffTrendCycle(Indicator):
    """The Schaff trend cycle: a stochastic of a stochastic of the MACD, each smoothed."""

    __slots__ = ("_d", "_k", "_macd", "_maximum", "_maximum_d", "_minimum", "_minimum_d", "_pf", "_pff")

    @name_first
    def __init__(
        self,
        cycle_period: int = 10,
        fast_period: int = 23,
        slow_period: int = 50,
        moving_average_type: MovingAverageType = MovingAverageType.EXPONENTIAL,
        *,
        name: str | None = None,
    ) -> None:
        name = name if name is not None else f"SchaffTrendCycle({cycle_period},{fast_period},{slow_period})"
        super().__init__(name)
        kind = MovingAverageType(moving_average_type)
        self._macd = MovingAverageConvergenceDivergence(fast_period, slow_period, cycle_period, kind)
        self._maximum = extensions.max(self._macd, cycle_period, False)
        self._minimum = extensions.min(self._macd, cycle_period, False)
        self._k = Identity(name + "_K")
        self._d = of(as_indicator(kind, 3), self._k, False)
        self._maximum_d = extensions.max(self._d, cycle_period, False)
        self._minimum_d = extensions.min(self._d, cycle_period, False)
        self._pf = Identity(name + "_PF")
        self._pff = of(as_indicator(kind, 3), self._pf, False)
        self.warm_up_period = self._macd.warm_up_period

    @property
    def is_ready(self) -> bool:
        """Return True once the MACD is."""
        return self._macd.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        parts = (self._macd, self._maximum, self._minimum, self._k, self._d, self._maximum_d, self._minimum_d)
        for part in (*parts, self._pf, self._pff):
            part.reset()
        super().reset()

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        time = input.end_time
        self._macd.update(input)
        macd = self._macd.current.value
        self._k.update(time, _stochastic(macd, self._maximum.current.value, self._minimum.current.value))
        d = self._d.current.value
        self._pf.update(time, _stochastic(d, self._maximum_d.current.value, self._minimum_d.current.value))
        return self._pff.current.value


class PremierStochasticOscillator(BarIndicator):
    """The premier stochastic: a double-smoothed, rescaled fast stochastic mapped into (-1, 1)."""

    __slots__ = ("_double_smoothing", "_first_smoothing", "_stochastic")

    @name_first
    def __init__(self, period: int, ema_period: int, *, name: str | None = None) -> None:
        name = name if name is not None else f"PSO({period},{ema_period})"
        super().__init__(name)
        self._stochastic = Stochastic(period, period, period, name=name)
        self._first_smoothing = ExponentialMovingAverage(ema_period)
        self._double_smoothing = ema(self._first_smoothing, ema_period)
        self.warm_up_period = period + 2 * (ema_period - 1)

    @property
    def is_ready(self) -> bool:
        """Return True once the second smoothing is."""
        return self._double_smoothing.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._stochastic.reset()
        self._first_smoothing.reset()
        self._double_smoothing.reset()
        super().reset()

    def _compute_next_value(self, input: DataBar) -> float:
        self._stochastic.update(input)
        if not self._stochastic.fast_stoch.is_ready:
            return 0.0
        rescaled = 0.1 * (self._stochastic.fast_stoch.current.value - 50)
        if not self._first_smoothing.update(input.end_time, rescaled) or not self._double_smoothing.is_ready:
            return 0.0
        exponential = math.exp(self._double_smoothing.current.value)
        return (exponential - 1) / (exponential + 1)


class WaveTrendOscillator(BarIndicator):
    """The wave trend oscillator: an EMA of the typical price's CCI-like channel index, with a signal SMA."""

    __slots__ = ("channel_average", "channel_deviation", "channel_index_average", "signal")

    _NORMALIZATION = 0.015

    @name_first
    def __init__(
        self, channel_period: int, average_period: int, signal_period: int, *, name: str | None = None
    ) -> None:
        name = name if name is not None else f"WTO({channel_period},{average_period},{signal_period})"
        if min(channel_period, average_period, signal_period) < 1:
            raise ValueError(f"{name}: all periods must be greater than zero")
        super().__init__(name)
        self.channel_average = ExponentialMovingAverage(channel_period, name=name + "_ChannelAverage")
        self.channel_deviation = ExponentialMovingAverage(channel_period, name=name + "_ChannelDeviation")
        self.channel_index_average = ExponentialMovingAverage(
            average_period, name=name + "_ChannelIndexAverage"
        )
        self.signal = SimpleMovingAverage(signal_period, name=name + "_Signal")
        self.warm_up_period = 2 * channel_period + average_period + signal_period - 3

    @property
    def is_ready(self) -> bool:
        """Return True once the signal line is."""
        return self.signal.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        for part in (self.channel_average, self.channel_deviation, self.channel_index_average, self.signal):
            part.reset()
        super().reset()

    def _compute_next_value(self, input: DataBar) -> float:
        time = input.end_time
        typical_price = (input.high + input.low + input.close) / 3
        if not self.channel_average.update(time, typical_price):
            return 0.0
        average = self.channel_average.current.value
        if not self.channel_deviation.update(time, abs(typical_price - average)):
            return 0.0
        weighted_deviation = self._NORMALIZATION * self.channel_deviation.current.value
        if weighted_deviation == 0:
            return self.current.value
        if not self.channel_index_average.update(time, (typical_price - average) / weighted_deviation):
            return self.channel_index_average.current.value
        self.signal.update(time, self.channel_index_average.current.value)
        return self.channel_index_average.current.value


class SqueezeMomentum(BarIndicator):
    """Squeeze momentum: 1 while the Bollinger Bands sit inside the Keltner channels (a squeeze), else -1."""

    __slots__ = ("bollinger_bands", "keltner_channels")

    @name_first
    def __init__(
        self,
        bollinger_period: int = 20,
        bollinger_multiplier: float = 2,
        keltner_period: int = 20,
        keltner_multiplier: float = 1.5,
        *,
        name: str | None = None,
    ) -> None:
        parameters = (bollinger_period, bollinger_multiplier, keltner_period, keltner_multiplier)
        super().__init__(name if name is not None else f"SM({','.join(map(format_parameter, parameters))})")
        self.bollinger_bands = BollingerBands(bollinger_period, bollinger_multiplier)
        self.keltner_channels = KeltnerChannels(
            keltner_period, keltner_multiplier, MovingAverageType.EXPONENTIAL
        )
        self.warm_up_period = max(bollinger_period, keltner_period)

    @property
    def is_ready(self) -> bool:
        """Return True once both band sets are."""
        return self.bollinger_bands.is_ready and self.keltner_channels.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self.bollinger_bands.reset()
        self.keltner_channels.reset()
        super().reset()

    def _compute_next_value(self, input: DataBar) -> float:
        self.bollinger_bands.update(input)
        self.keltner_channels.update(input)
        if not self.is_ready:
            return 0.0
        bollinger, keltner = self.bollinger_bands, self.keltner_channels
        inside_above = keltner.upper_band.current.value > bollinger.upper_band.current.value
        inside_below = keltner.lower_band.current.value < bollinger.lower_band.current.value
        return 1.0 if inside_above and inside_below else -1.0
