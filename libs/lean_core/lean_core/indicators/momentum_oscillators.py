"""Oscillators of a single price series: CMO, TRIX, TSI, KST, Coppock, DPO and stochastic RSI."""

from __future__ import annotations

from lean_core.indicators.base import Indicator, WindowIndicator, name_first
from lean_core.indicators.composite import CompositeIndicator
from lean_core.indicators.data_point import IndicatorDataPoint
from lean_core.indicators.extensions import of, over, times
from lean_core.indicators.momentum import RateOfChange, RateOfChangePercent, RelativeStrengthIndex
from lean_core.indicators.moving_average_type import MovingAverageType, as_indicator
from lean_core.indicators.moving_averages import (
    ExponentialMovingAverage,
    LinearWeightedMovingAverage,
    SimpleMovingAverage,
)
from lean_core.indicators.rolling_window import RollingWindow
from lean_core.indicators.window import Delay

__all__ = [
    "ChandeMomentumOscillator",
    "CoppockCurve",
    "DetrendedPriceOscillator",
    "KnowSureThing",
    "StochasticRelativeStrengthIndex",
    "Trix",
    "TrueStrengthIndex",
]


class ChandeMomentumOscillator(WindowIndicator[IndicatorDataPoint]):
    """CMO: 100 * (gains - losses) / (gains + losses), each smoothed Wilder's way over `period`."""

    __slots__ = ("_gain", "_loss", "_previous_value")

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        super().__init__(name if name is not None else f"CMO({period})", period)
        self.warm_up_period = period + 1
        self._clear()

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._clear()
        super().reset()

    def _clear(self) -> None:
        self._previous_value = 0.0
        self._gain = 0.0
        self._loss = 0.0

    def _compute_window_value(
        self, window: RollingWindow[IndicatorDataPoint], input: IndicatorDataPoint
    ) -> float:
        if self.samples == 1:
            self._previous_value = input.value
            return 0.0
        difference = input.value - self._previous_value
        self._previous_value = input.value
        period = self.period
        if self.samples > period + 1:
            self._loss *= period - 1
            self._gain *= period - 1
        if difference < 0:
            self._loss -= difference
        else:
            self._gain += difference
        if not self.is_ready:
            return 0.0
        self._loss /= period
        self._gain /= period
        total = self._gain + self._loss
        return 100.0 * ((self._gain - self._loss) / total) if total != 0 else 0.0


class Trix(Indicator):
    """TRIX: the one-step percent rate of change of a triple EMA."""

    __slots__ = ("_ema1", "_ema2", "_ema3", "_roc")

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        name = name if name is not None else f"TRIX({period})"
        super().__init__(name)
        self._ema1 = ExponentialMovingAverage(period, name=name + "_1")
        self._ema2 = ExponentialMovingAverage(period, name=name + "_2")
        self._ema3 = ExponentialMovingAverage(period, name=name + "_3")
        self._roc = RateOfChangePercent(1, name=name + "_ROCP1")
        self.warm_up_period = 3 * (period - 1) + self._roc.warm_up_period

    @property
    def is_ready(self) -> bool:
        """Return True once the rate of change is."""
        return self._roc.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        for part in (self._ema1, self._ema2, self._ema3, self._roc):
            part.reset()
        super().reset()

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        self._ema1.update(input)
        if self._ema1.is_ready:
            self._ema2.update(self._ema1.current)
        if self._ema2.is_ready:
            self._ema3.update(self._ema2.current)
        if self._ema3.is_ready:
            self._roc.update(self._ema3.current)
        return self._roc.current.value


class TrueStrengthIndex(Indicator):
    """TSI: 100 * EMA(EMA(price change)) / EMA(EMA(|price change|)), with a signal average of it."""

    __slots__ = (
        "_absolute_change_ema",
        "_absolute_change_ema_ema",
        "_change_ema",
        "_change_ema_ema",
        "_previous_close",
        "_tsi",
        "signal",
    )

    @name_first
    def __init__(
        self,
        long_term_period: int = 25,
        short_term_period: int = 13,
        signal_period: int = 7,
        signal_type: MovingAverageType = MovingAverageType.EXPONENTIAL,
        *,
        name: str | None = None,
    ) -> None:
        name = name if name is not None else f"TSI({long_term_period},{short_term_period},{signal_period})"
        super().__init__(name)
        self._change_ema = ExponentialMovingAverage(long_term_period, name=name + "_PC_EMA")
        self._absolute_change_ema = ExponentialMovingAverage(long_term_period, name=name + "_APC_EMA")
        self._change_ema_ema = of(
            ExponentialMovingAverage(short_term_period, name=name + "_PC_EMA_EMA"), self._change_ema
        )
        self._absolute_change_ema_ema = of(
            ExponentialMovingAverage(short_term_period, name=name + "_APC_EMA_EMA"), self._absolute_change_ema
        )
        self._tsi: CompositeIndicator = times(over(self._change_ema_ema, self._absolute_change_ema_ema), 100)
        self.signal = of(
            as_indicator(MovingAverageType(signal_type), signal_period, name + "_Signal"), self._tsi
        )
        self.warm_up_period = long_term_period + short_term_period
        self._previous_close = 0.0

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._previous_close = 0.0
        for part in (self._change_ema, self._change_ema_ema, self._absolute_change_ema):
            part.reset()
        self._absolute_change_ema_ema.reset()
        self._tsi.reset()
        self.signal.reset()
        super().reset()

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        if self.samples == 1:
            self._previous_close = input.value
            return 0.0
        change = input.value - self._previous_close
        self._previous_close = input.value
        self._change_ema.update(input.end_time, change)
        self._absolute_change_ema.update(input.end_time, abs(change))
        return self._tsi.current.value


class KnowSureThing(Indicator):
    """KST: a weighted sum of four smoothed rates of change, with a signal line."""

    __slots__ = (
        "moving_average_type",
        "roc1",
        "roc1_ma",
        "roc2",
        "roc2_ma",
        "roc3",
        "roc3_ma",
        "roc4",
        "roc4_ma",
        "signal_line",
    )

    @name_first
    def __init__(
        self,
        roc1_period: int = 10,
        roc1_ma_period: int = 10,
        roc2_period: int = 15,
        roc2_ma_period: int = 10,
        roc3_period: int = 20,
        roc3_ma_period: int = 10,
        roc4_period: int = 30,
        roc4_ma_period: int = 15,
        signal_period: int = 9,
        moving_average_type: MovingAverageType = MovingAverageType.SIMPLE,
        *,
        name: str | None = None,
    ) -> None:
        kind = MovingAverageType(moving_average_type)
        periods = [roc1_period, roc1_ma_period, roc2_period, roc2_ma_period]
        periods += [roc3_period, roc3_ma_period, roc4_period, roc4_ma_period, signal_period]
        name = name if name is not None else f"KST({','.join(map(str, periods))},{kind.lean_name})"
        super().__init__(name)
        self.moving_average_type = kind
        self.roc1, self.roc2 = RateOfChange(roc1_period), RateOfChange(roc2_period)
        self.roc3, self.roc4 = RateOfChange(roc3_period), RateOfChange(roc4_period)
        self.roc1_ma = as_indicator(kind, roc1_ma_period, name + "_ROC1MA")
        self.roc2_ma = as_indicator(kind, roc2_ma_period, name + "_ROC2MA")
        self.roc3_ma = as_indicator(kind, roc3_ma_period, name + "_ROC3MA")
        self.roc4_ma = as_indicator(kind, roc4_ma_period, name + "_ROC4MA")
        self.signal_line = as_indicator(kind, signal_period, name + "_SignalLine")
        self.warm_up_period = max(
            roc1_period + roc1_ma_period,
            roc2_period + roc2_ma_period,
            roc3_period + roc3_ma_period,
            roc4_period + roc4_ma_period,
        )

    @property
    def is_ready(self) -> bool:
        """Return True once the four averages and the signal line are."""
        averages = (self.roc1_ma, self.roc2_ma, self.roc3_ma, self.roc4_ma, self.signal_line)
        return all(average.is_ready for average in averages)

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        for part in (self.roc1, self.roc2, self.roc3, self.roc4):
            part.reset()
        for average in (self.roc1_ma, self.roc2_ma, self.roc3_ma, self.roc4_ma, self.signal_line):
            average.reset()
        super().reset()

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        time = input.end_time
        kst = 0.0
        pairs = [(self.roc1, self.roc1_ma), (self.roc2, self.roc2_ma)]
        pairs += [(self.roc3, self.roc3_ma), (self.roc4, self.roc4_ma)]
        for weight, (roc, average) in enumerate(pairs, start=1):
            roc.update(input)
            if roc.is_ready:
                average.update(time, 100 * roc.current.value)
            kst += weight * average.current.value
        self.signal_line.update(time, kst)
        return kst if self.signal_line.is_ready else 0.0


class CoppockCurve(Indicator):
    """Coppock curve: a weighted average of the sum of a short and a long percent rate of change."""

    __slots__ = ("_long_roc", "_lwma", "_short_roc")

    @name_first
    def __init__(
        self,
        short_roc_period: int = 11,
        long_roc_period: int = 14,
        lwma_period: int = 10,
        *,
        name: str | None = None,
    ) -> None:
        super().__init__(
            name if name is not None else f"CC({short_roc_period},{long_roc_period},{lwma_period})"
        )
        self._short_roc = RateOfChangePercent(short_roc_period)
        self._long_roc = RateOfChangePercent(long_roc_period)
        self._lwma = LinearWeightedMovingAverage(lwma_period)
        longest = max(self._short_roc.warm_up_period, self._long_roc.warm_up_period)
        self.warm_up_period = longest + lwma_period - 1

    @property
    def is_ready(self) -> bool:
        """Return True once the weighted average is."""
        return self._lwma.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        super().reset()
        self._short_roc.reset()
        self._long_roc.reset()
        self._lwma.reset()

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        self._short_roc.update(input)
        self._long_roc.update(input)
        if not (self._long_roc.is_ready and self._short_roc.is_ready):
            return 0.0
        self._lwma.update(input.end_time, self._short_roc.current.value + self._long_roc.current.value)
        return self._lwma.current.value


class DetrendedPriceOscillator(Indicator):
    """DPO: the price period / 2 + 1 inputs back minus the simple average over `period`."""

    __slots__ = ("_lag", "_sma")

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        super().__init__(name if name is not None else f"DPO({period})")
        self._lag = Delay(period // 2 + 1)
        self._sma = SimpleMovingAverage(period)
        self.warm_up_period = period

    @property
    def is_ready(self) -> bool:
        """Return True once the average and the lag are."""
        return self._sma.is_ready and self._lag.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        super().reset()
        self._lag.reset()
        self._sma.reset()

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        self._lag.update(input)
        self._sma.update(input)
        return self._lag.current.value - self._sma.current.value


class StochasticRelativeStrengthIndex(Indicator):
    """Stochastic RSI: where the RSI sits within its recent range, smoothed into %K and %D.

    As in LEAN the indicator's own value is its input; the results are `k` and `d`.
    """

    __slots__ = ("_recent_rsi", "_rsi", "d", "k")

    @name_first
    def __init__(
        self,
        rsi_period: int,
        stoch_period: int,
        k_smoothing_period: int,
        d_smoothing_period: int,
        moving_average_type: MovingAverageType = MovingAverageType.SIMPLE,
        *,
        name: str | None = None,
    ) -> None:
        kind = MovingAverageType(moving_average_type)
        periods = f"{rsi_period},{stoch_period},{k_smoothing_period},{d_smoothing_period}"
        name = name if name is not None else f"SRSI({periods},{kind.lean_name})"
        super().__init__(name)
        self._rsi = RelativeStrengthIndex(rsi_period)
        self._recent_rsi: RollingWindow[float] = RollingWindow(stoch_period)
        self.k = as_indicator(kind, k_smoothing_period, f"{name}_K_{kind.lean_name}")
        self.d = as_indicator(kind, d_smoothing_period, f"{name}_D_{kind.lean_name}")
        self.warm_up_period = rsi_period + stoch_period + max(k_smoothing_period, d_smoothing_period)

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._rsi.reset()
        self._recent_rsi.reset()
        self.k.reset()
        self.d.reset()
        super().reset()

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        self._rsi.update(input)
        rsi = self._rsi.current.value
        self._recent_rsi.add(rsi)
        if not self._recent_rsi.is_ready:
            return 0.0
        highest = max(self._recent_rsi)
        lowest = min(self._recent_rsi)
        k = 100.0 if highest == lowest else 100 * (rsi - lowest) / (highest - lowest)
        self.k.update(input.end_time, k)
        self.d.update(input.end_time, self.k.current.value)
        return input.value
