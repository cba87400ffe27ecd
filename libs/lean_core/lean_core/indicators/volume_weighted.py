"""Volume-weighted prices and relative volume: VWAP (rolling and intraday), VWMA, relative daily volume."""

from __future__ import annotations

import bisect
from datetime import date, datetime, time, timedelta
from typing import Any

from lean_core.data.bars import Tick, TradeBar
from lean_core.enums import TickType
from lean_core.indicators.base import BaseDataIndicator, Identity, TradeBarIndicator, name_first
from lean_core.indicators.composite import CompositeIndicator
from lean_core.indicators.data_point import BaseDataLike, TradeBarLike
from lean_core.indicators.extensions import weighted_by
from lean_core.indicators.moving_averages import SimpleMovingAverage, Sum

__all__ = [
    "IntradayVwap",
    "RelativeDailyVolume",
    "VolumeWeightedAveragePriceIndicator",
    "VolumeWeightedMovingAverage",
]


class VolumeWeightedAveragePriceIndicator(TradeBarIndicator):
    """A rolling VWAP: the `period` average of (open + high + low + close) / 4 weighted by volume."""

    __slots__ = ("_price", "_volume", "_vwap")

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        super().__init__(name if name is not None else f"VWAP({period})")
        self._price = Identity("Price")
        self._volume = Identity("Volume")
        self._vwap: CompositeIndicator = weighted_by(self._price, self._volume, period)
        self.warm_up_period = period

    @property
    def is_ready(self) -> bool:
        """Return True once `period` bars were weighed."""
        return self._vwap.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._price.reset()
        self._volume.reset()
        self._vwap.reset()
        super().reset()

    def _compute_next_value(self, input: TradeBarLike) -> float:
        typical_price = (input.open + input.high + input.low + input.value) / 4
        self._price.update(input.end_time, typical_price)
        self._volume.update(input.end_time, input.volume)
        return self._vwap.current.value


class IntradayVwap(BaseDataIndicator):
    """The VWAP since the start of the day, from trade bars ((high + low + close) / 3) or trade ticks.

    Quote data, quote ticks and fill-forward bars carry no trades: they count as samples but
    change nothing, as in LEAN.
    """

    __slots__ = ("_last_date", "_sum_of_price_times_volume", "_sum_of_volume")

    def __init__(self, name: str = "VWAP") -> None:
        super().__init__(name)
        self._last_date: date | None = None
        self._sum_of_volume = 0.0
        self._sum_of_price_times_volume = 0.0
        self.warm_up_period = 1

    @property
    def is_ready(self) -> bool:
        """Return True once some volume traded today."""
        return self._sum_of_volume > 0

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._last_date = None
        self._sum_of_volume = 0.0
        self._sum_of_price_times_volume = 0.0
        super().reset()

    def _from_time_and_value(self, time: Any, value: Any) -> BaseDataLike:
        raise TypeError(f"{type(self).__name__} takes trade bars or trade ticks, not update(time, value)")

    def _compute_next_value(self, input: Any) -> float | None:
        volume_and_price = _volume_and_average_price(input)
        if volume_and_price is None:
            return None
        volume, price = volume_and_price
        day = input.end_time.date()
        if day != self._last_date:
            self._sum_of_volume = 0.0
            self._sum_of_price_times_volume = 0.0
            self._last_date = day
        self._sum_of_volume += volume
        self._sum_of_price_times_volume += price * volume
        if self._sum_of_volume == 0:
            return float(input.value)
        return self._sum_of_price_times_volume / self._sum_of_volume


def _volume_and_average_price(data: Any) -> tuple[float, float] | None:
    if isinstance(data, Tick):
        return (data.quantity, data.value) if data.tick_type == TickType.TRADE else None
    if isinstance(data, TradeBar) and not data.is_fill_forward:
        return data.volume, (data.high + data.low + data.close) / 3
    return None


class VolumeWeightedMovingAverage(TradeBarIndicator):
    """VWMA: the `period` sum of close times volume over the `period` sum of volume."""

    __slots__ = ("_price_volume_sum", "_volume_sum")

    @name_first
    def __init__(self, period: int, *, name: str | None = None) -> None:
        name = name if name is not None else f"VWMA({period})"
        super().__init__(name)
        self._price_volume_sum = Sum(period, name=name + "_SumPxV")
        self._volume_sum = Sum(period, name=name + "_SumVolume")
        self.warm_up_period = period

    @property
    def is_ready(self) -> bool:
        """Return True once both sums are."""
        return self._price_volume_sum.is_ready and self._volume_sum.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._price_volume_sum.reset()
        self._volume_sum.reset()
        super().reset()

    def _compute_next_value(self, input: TradeBarLike) -> float:
        self._price_volume_sum.update(input.end_time, input.close * input.volume)
        self._volume_sum.update(input.end_time, input.volume)
        volume = self._volume_sum.current.value
        return self._price_volume_sum.current.value / volume if volume != 0 else input.close


class RelativeDailyVolume(TradeBarIndicator):
    """RDV: today's cumulative volume up to this bar's time of day over its `period`-day average."""

    __slots__ = ("_averages", "_days", "_period", "_previous_day", "_today")

    @name_first
    def __init__(self, period: int = 2, *, name: str | None = None) -> None:
        super().__init__(name if name is not None else f"RDV({period})")
        self._period = period
        # per time of day, the average cumulative volume of past days up to that time
        self._averages: dict[timedelta, SimpleMovingAverage] = {}
        self._today: dict[datetime, float] = {}
        self._previous_day = -1
        # -1 so the first bar's day makes 0 complete days
        self._days = -1
        self.warm_up_period = period

    @property
    def is_ready(self) -> bool:
        """Return True once `period` whole days were seen."""
        return self._days >= self._period

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._averages.clear()
        self._today.clear()
        self._previous_day = -1
        self._days = -1
        super().reset()

    def _compute_next_value(self, input: TradeBarLike) -> float:
        if input.time.day != self._previous_day:
            self._close_day()
            self._previous_day = input.time.day
            self._days += 1
        self._today[input.time] = input.volume
        if not self.is_ready:
            return 0.0
        denominator = self._average_at(_time_of_day(input.time))
        if denominator == 0:
            return 0.0
        return sum(self._today.values()) / denominator

    def _close_day(self) -> None:
        cumulative = 0.0
        for bar_time, volume in self._today.items():
            cumulative += volume
            key = _time_of_day(bar_time)
            average = self._averages.get(key)
            if average is None:
                average = self._averages[key] = SimpleMovingAverage(self._period)
            average.update(bar_time, cumulative)
        self._today.clear()

    def _average_at(self, time_of_day: timedelta) -> float:
        average = self._averages.get(time_of_day)
        if average is not None:
            return average.current.value
        # as LEAN looks it up: the slot before the first later slot past the first one
        keys = sorted(self._averages)
        position = max(bisect.bisect_right(keys, time_of_day), 1)
        if position < len(keys):
            return self._averages[keys[position - 1]].current.value
        return 0.0


def _time_of_day(moment: datetime) -> timedelta:
    return datetime.combine(date.min, moment.time()) - datetime.combine(date.min, time.min)
