"""Ichimoku Kinko Hyo: conversion and base lines, the two leading spans and the lagging span."""

from __future__ import annotations

from lean_core.indicators.base import BarIndicator, IndicatorBase, name_first
from lean_core.indicators.composite import CompositeIndicator
from lean_core.indicators.data_point import DataBar, IndicatorDataPoint
from lean_core.indicators.extensions import of, over, plus
from lean_core.indicators.window import Delay, Maximum, Minimum

__all__ = ["IchimokuKinkoHyo"]


def _midpoint(
    high: IndicatorBase[IndicatorDataPoint], low: IndicatorBase[IndicatorDataPoint]
) -> CompositeIndicator:
    return over(plus(high, low), 2)


class IchimokuKinkoHyo(BarIndicator):
    """Ichimoku: Tenkan and Kijun (midpoints of the high-low range), Senkou A and B (shifted forward), Chikou.

    The value is the close. Senkou A is the mean of Tenkan and Kijun and Senkou B the midpoint of
    the long range, each as they were `senkou_*_delay_period` bars ago; Chikou is the close that
    many bars ago.
    """

    __slots__ = (
        "chikou",
        "delayed_kijun_senkou_a",
        "delayed_maximum_senkou_b",
        "delayed_minimum_senkou_b",
        "delayed_tenkan_senkou_a",
        "kijun",
        "kijun_maximum",
        "kijun_minimum",
        "senkou_a",
        "senkou_b",
        "senkou_b_maximum",
        "senkou_b_minimum",
        "tenkan",
        "tenkan_maximum",
        "tenkan_minimum",
    )

    @name_first
    def __init__(
        self,
        tenkan_period: int = 9,
        kijun_period: int = 26,
        senkou_a_period: int = 26,
        senkou_b_period: int = 52,
        senkou_a_delay_period: int = 26,
        senkou_b_delay_period: int = 26,
        *,
        name: str | None = None,
    ) -> None:
        periods = [tenkan_period, kijun_period, senkou_a_period, senkou_b_period]
        periods += [senkou_a_delay_period, senkou_b_delay_period]
        name = name if name is not None else f"ICHIMOKU({','.join(map(str, periods))})"
        super().__init__(name)
        self.warm_up_period = max(
            tenkan_period + senkou_a_delay_period,
            kijun_period + senkou_a_delay_period,
            senkou_b_period + senkou_b_delay_period,
        )
        self.tenkan_maximum = Maximum(tenkan_period, name=name + "_TenkanMax")
        self.tenkan_minimum = Minimum(tenkan_period, name=name + "_TenkanMin")
        self.kijun_maximum = Maximum(kijun_period, name=name + "_KijunMax")
        self.kijun_minimum = Minimum(kijun_period, name=name + "_KijunMin")
        self.senkou_b_maximum = Maximum(senkou_b_period, name=name + "_SenkouBMaximum")
        self.senkou_b_minimum = Minimum(senkou_b_period, name=name + "_SenkouBMinimum")
        self.delayed_maximum_senkou_b = of(
            Delay(senkou_b_delay_period, name=name + "DelayedMax"), self.senkou_b_maximum
        )
        self.delayed_minimum_senkou_b = of(
            Delay(senkou_b_delay_period, name=name + "DelayedMin"), self.senkou_b_minimum
        )
        self.tenkan = _midpoint(self.tenkan_maximum, self.tenkan_minimum)
        self.delayed_tenkan_senkou_a = of(
            Delay(senkou_a_delay_period, name=name + "DelayedTenkan"), self.tenkan
        )
        self.kijun = _midpoint(self.kijun_maximum, self.kijun_minimum)
        self.delayed_kijun_senkou_a = of(Delay(senkou_a_delay_period, name=name + "DelayedKijun"), self.kijun)
        self.senkou_a = _midpoint(self.delayed_tenkan_senkou_a, self.delayed_kijun_senkou_a)
        self.senkou_b = _midpoint(self.delayed_maximum_senkou_b, self.delayed_minimum_senkou_b)
        self.chikou = Delay(senkou_a_delay_period, name=name + "_Chikou")

    @property
    def is_ready(self) -> bool:
        """Return True once Tenkan, Kijun and both Senkou spans are."""
        return (
            self.tenkan.is_ready and self.kijun.is_ready and self.senkou_a.is_ready and self.senkou_b.is_ready
        )

    def reset(self) -> None:
        """Return the indicator and every line to the state before any input."""
        super().reset()
        for line in (
            self.tenkan_maximum,
            self.tenkan_minimum,
            self.tenkan,
            self.kijun_maximum,
            self.kijun_minimum,
            self.kijun,
            self.delayed_tenkan_senkou_a,
            self.delayed_kijun_senkou_a,
            self.senkou_a,
            self.senkou_b_maximum,
            self.senkou_b_minimum,
            self.delayed_maximum_senkou_b,
            self.delayed_minimum_senkou_b,
            self.chikou,
            self.senkou_b,
        ):
            line.reset()

    def _compute_next_value(self, input: DataBar) -> float:
        time = input.end_time
        # each pair in turn, so every midpoint is complete before the next range moves
        for maximum, minimum in (
            (self.tenkan_maximum, self.tenkan_minimum),
            (self.kijun_maximum, self.kijun_minimum),
            (self.senkou_b_maximum, self.senkou_b_minimum),
        ):
            maximum.update(time, input.high)
            minimum.update(time, input.low)
        self.chikou.update(time, input.close)
        return input.close
