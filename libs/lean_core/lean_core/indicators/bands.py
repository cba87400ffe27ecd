"""Price bands around an average or a range: Bollinger, Keltner, Donchian, acceleration, Chande Kroll."""

from __future__ import annotations

from typing import Any

from lean_core.indicators.base import (
    BarIndicator,
    Identity,
    Indicator,
    IndicatorBase,
    format_parameter,
    name_first,
)
from lean_core.indicators.composite import FunctionalIndicator
from lean_core.indicators.data_point import DataBar, IndicatorDataPoint
from lean_core.indicators.moving_average_type import MovingAverageType, as_indicator
from lean_core.indicators.volatility import AverageTrueRange, StandardDeviation
from lean_core.indicators.window import Maximum, Minimum

__all__ = ["AccelerationBands", "BollingerBands", "ChandeKrollStop", "DonchianChannel", "KeltnerChannels"]


class _BandComponent(Indicator):
    """A value `BollingerBands` computes and publishes; ready once the middle band and deviation are."""

    __slots__ = ("_deviation", "_middle")

    def __init__(
        self, name: str, middle: IndicatorBase[IndicatorDataPoint], deviation: StandardDeviation
    ) -> None:
        super().__init__(name)
        self._middle = middle
        self._deviation = deviation
        self.warm_up_period = deviation.warm_up_period

    @property
    def is_ready(self) -> bool:
        """Return True once the bands are."""
        return self._middle.is_ready and self._deviation.is_ready

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        return input.value


class BollingerBands(Indicator):
    """Bands `k` standard deviations above and below a moving average (simple by default).

    The value is the input price; the bands are sub-indicators. As in LEAN, once ready the
    indicator does not update while the deviation is 0 (the %B band would be undefined).
    """

    __slots__ = (
        "_k",
        "band_width",
        "lower_band",
        "middle_band",
        "moving_average_type",
        "percent_b",
        "price",
        "standard_deviation",
        "upper_band",
    )

    @name_first
    def __init__(
        self,
        period: int,
        k: float,
        moving_average_type: MovingAverageType = MovingAverageType.SIMPLE,
        *,
        name: str | None = None,
    ) -> None:
        name = name if name is not None else f"BB({period},{k})"
        super().__init__(name)
        self._k = float(k)
        self.moving_average_type = MovingAverageType(moving_average_type)
        self.standard_deviation = StandardDeviation(period, name=name + "_StandardDeviation")
        self.middle_band = as_indicator(self.moving_average_type, period, name + "_MiddleBand")
        deviation = self.standard_deviation
        self.lower_band = _BandComponent(name + "_LowerBand", self.middle_band, deviation)
        self.upper_band = _BandComponent(name + "_UpperBand", self.middle_band, deviation)
        self.band_width = _BandComponent(name + "_BandWidth", self.middle_band, deviation)
        self.percent_b = _BandComponent(name + "_%B", self.middle_band, deviation)
        self.price = Identity(name + "_Close")
        self.warm_up_period = period

    @property
    def is_ready(self) -> bool:
        """Return True once the middle band and the deviation are ready."""
        return self.middle_band.is_ready and self.standard_deviation.is_ready and self.price.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self.standard_deviation.reset()
        self.middle_band.reset()
        self.upper_band.reset()
        self.lower_band.reset()
        self.band_width.reset()
        self.percent_b.reset()
        self.price.reset()
        super().reset()

    def _compute_next_value(self, input: IndicatorDataPoint) -> float | None:
        deviation = self.standard_deviation
        middle = self.middle_band
        deviation.update(input)
        middle.update(input)
        symbol = input.symbol
        time = input.end_time
        # the price is an identity of the input this indicator has already accepted
        self.price._publish(symbol, time, input.value)
        offset = deviation.current.value * self._k
        middle_value = middle.current.value
        lower = middle_value - offset
        upper = middle_value + offset
        self.lower_band._publish(symbol, time, lower)
        self.upper_band._publish(symbol, time, upper)
        width = upper - lower
        # a zero denominator is LEAN's math error: the band keeps its value (%B still counts it)
        if middle_value != 0:
            self.band_width._publish(symbol, time, width / middle_value * 100)
        if width != 0:
            self.percent_b._publish(symbol, time, (input.value - lower) / width)
        else:
            self.percent_b.samples += 1
        if self.is_ready and deviation.current.value == 0:
            return None
        return input.value


class KeltnerChannels(BarIndicator):
    """Bands `k` average true ranges above and below an average of the typical price."""

    __slots__ = ("average_true_range", "lower_band", "middle_band", "upper_band")

    @name_first
    def __init__(
        self,
        period: int,
        k: float,
        moving_average_type: MovingAverageType = MovingAverageType.SIMPLE,
        *,
        name: str | None = None,
    ) -> None:
        name = name if name is not None else f"KC({period},{format_parameter(k)})"
        super().__init__(name)
        width = float(k)
        self.average_true_range = AverageTrueRange(
            period, MovingAverageType.SIMPLE, name=name + "_AverageTrueRange"
        )
        self.middle_band = as_indicator(MovingAverageType(moving_average_type), period, name + "_MiddleBand")
        self.lower_band = self._band(name + "_LowerBand", -width)
        self.upper_band = self._band(name + "_UpperBand", width)
        self.warm_up_period = period

    def _band(self, name: str, width: float) -> FunctionalIndicator:
        middle = self.middle_band

        def compute(bar: Any) -> float:
            if not middle.is_ready:
                return 0.0
            return middle.current.value + self.average_true_range.current.value * width

        return FunctionalIndicator(name, compute, lambda _: middle.is_ready, middle.reset)

    @property
    def is_ready(self) -> bool:
        """Return True once the middle band, the bands and the average true range are."""
        parts = (self.middle_band, self.upper_band, self.lower_band, self.average_true_range)
        return all(part.is_ready for part in parts)

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        for part in (self.average_true_range, self.middle_band, self.upper_band, self.lower_band):
            part.reset()
        super().reset()

    def _compute_next_value(self, input: DataBar) -> float:
        self.average_true_range.update(input)
        typical_price = (input.high + input.low + input.close) / 3
        self.middle_band.update(input.end_time, typical_price)
        self.lower_band.update(input)
        self.upper_band.update(input)
        return self.middle_band.current.value


class DonchianChannel(BarIndicator):
    """The highest high of `upper_period` bars, the lowest low of `lower_period` bars, and their mean."""

    __slots__ = ("lower_band", "upper_band")

    @name_first
    def __init__(
        self, upper_period: int, lower_period: int | None = None, *, name: str | None = None
    ) -> None:
        lower_period = upper_period if lower_period is None else lower_period
        name = name if name is not None else f"DCH({upper_period},{lower_period})"
        super().__init__(name)
        self.upper_band = Maximum(upper_period, name=name + "_UpperBand")
        self.lower_band = Minimum(lower_period, name=name + "_LowerBand")
        self.warm_up_period = max(upper_period, lower_period)

    @property
    def is_ready(self) -> bool:
        """Return True once both bands are."""
        return self.upper_band.is_ready and self.lower_band.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        super().reset()
        self.upper_band.reset()
        self.lower_band.reset()

    def _compute_next_value(self, input: DataBar) -> float:
        self.upper_band.update(input.end_time, input.high)
        self.lower_band.update(input.end_time, input.low)
        return (self.upper_band.current.value + self.lower_band.current.value) / 2


class AccelerationBands(BarIndicator):
    """Averages of the close, and of highs and lows pushed apart by the bar's relative range."""

    __slots__ = ("_width", "lower_band", "middle_band", "moving_average_type", "upper_band")

    @name_first
    def __init__(
        self,
        period: int,
        width: float = 4,
        moving_average_type: MovingAverageType = MovingAverageType.SIMPLE,
        *,
        name: str | None = None,
    ) -> None:
        kind = MovingAverageType(moving_average_type)
        name = name if name is not None else f"ABANDS({period},{format_parameter(width)},{kind.lean_name})"
        super().__init__(name)
        self._width = float(width)
        self.moving_average_type = kind
        self.middle_band = as_indicator(kind, period, name + "_MiddleBand")
        self.lower_band = as_indicator(kind, period, name + "_LowerBand")
        self.upper_band = as_indicator(kind, period, name + "_UpperBand")
        self.warm_up_period = period

    @property
    def is_ready(self) -> bool:
        """Return True once the three averages are."""
        return self.middle_band.is_ready and self.lower_band.is_ready and self.upper_band.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        super().reset()
        self.middle_band.reset()
        self.lower_band.reset()
        self.upper_band.reset()

    def _compute_next_value(self, input: DataBar) -> float:
        total = input.high + input.low
        coefficient = self._width * (input.high - input.low) / total if total != 0 else 0.0
        time = input.end_time
        self.lower_band.update(time, input.low * (1 - coefficient))
        self.upper_band.update(time, input.high * (1 + coefficient))
        self.middle_band.update(time, input.close)
        return self.middle_band.current.value


class ChandeKrollStop(BarIndicator):
    """Chande Kroll stops: the highest high less, and the lowest low plus, `atr_mult` ATRs, then bounded.

    `short_stop` is the highest such high stop over `period` bars and `long_stop` the lowest low
    stop; the value is the close.
    """

    __slots__ = ("_atr", "_atr_mult", "_highest", "_lowest", "long_stop", "short_stop")

    @name_first
    def __init__(
        self,
        atr_period: int,
        atr_mult: float,
        period: int,
        moving_average_type: MovingAverageType = MovingAverageType.WILDERS,
        *,
        name: str | None = None,
    ) -> None:
        name = name if name is not None else f"CKS({atr_period},{format_parameter(atr_mult)},{period})"
        super().__init__(name)
        self._atr = AverageTrueRange(atr_period, moving_average_type)
        self._atr_mult = float(atr_mult)
        self._highest = Maximum(atr_period)
        self._lowest = Minimum(atr_period)
        self.long_stop = Minimum(period, name=name + "_Long")
        self.short_stop = Maximum(period, name=name + "_Short")
        self.warm_up_period = atr_period + period - 1

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        super().reset()
        for part in (self._atr, self._highest, self._lowest, self.short_stop, self.long_stop):
            part.reset()

    def _compute_next_value(self, input: DataBar) -> float:
        time = input.end_time
        self._atr.update(input)
        offset = self._atr.current.value * self._atr_mult
        self._highest.update(time, input.high)
        self._lowest.update(time, input.low)
        self.short_stop.update(time, self._highest.current.value - offset)
        self.long_stop.update(time, self._lowest.current.value + offset)
        return input.value
