"""QCAlgorithm helpers for volume, trend, chart and risk indicators."""

from __future__ import annotations

from typing import Any

from lean_core.algorithm.indicator_factory import IndicatorFactory, bar_helper, period_helper
from lean_core.enums import Resolution
from lean_core.indicators import (
    AccumulationDistribution,
    AccumulationDistributionOscillator,
    AroonOscillator,
    AverageDirectionalIndex,
    AverageDirectionalMovementIndexRating,
    ChaikinMoneyFlow,
    ChaikinOscillator,
    EaseOfMovementValue,
    ForceIndex,
    HeikinAshi,
    IchimokuKinkoHyo,
    IntradayVwap,
    KlingerVolumeOscillator,
    MoneyFlowIndex,
    MovingAverageType,
    OnBalanceVolume,
    ParabolicStopAndReverse,
    ParabolicStopAndReverseExtended,
    RelativeDailyVolume,
    SharpeRatio,
    SmoothedOnBalanceVolume,
    SortinoRatio,
    SuperTrend,
    TargetDownsideDeviation,
    VolumeWeightedAveragePriceIndicator,
    VolumeWeightedMovingAverage,
    Vortex,
)
from lean_core.indicators.base import format_parameter

__all__ = ["VolumeTrendIndicatorHelpers"]


class VolumeTrendIndicatorHelpers(IndicatorFactory):
    """`self.obv(...)`, `self.adx(...)`, `self.ichimoku(...)`, `self.sr(...)` and the like."""

    __slots__ = ()

    # volume
    obv = bar_helper("OBV", OnBalanceVolume, "on-balance volume")
    ad = bar_helper("AD", AccumulationDistribution, "accumulation/distribution line")
    mfi = period_helper("MFI", MoneyFlowIndex, "money flow index")
    cmf = period_helper("CMF", ChaikinMoneyFlow, "Chaikin money flow")
    vwma = period_helper("VWMA", VolumeWeightedMovingAverage, "volume-weighted moving average")

    def sobv(
        self,
        symbol: Any,
        period: int,
        moving_average_type: MovingAverageType = MovingAverageType.SIMPLE,
        resolution: Any = None,
        selector: Any = None,
    ) -> SmoothedOnBalanceVolume:
        """Create an auto-updated smoothed on-balance volume."""
        kind = f"SOBV({period})"
        return self._create(
            symbol, kind, SmoothedOnBalanceVolume, resolution, selector, period, moving_average_type
        )

    def adosc(
        self, symbol: Any, fast_period: int, slow_period: int, resolution: Any = None, selector: Any = None
    ) -> AccumulationDistributionOscillator:
        """Create an auto-updated accumulation/distribution oscillator."""
        kind = f"ADOSC({fast_period},{slow_period})"
        cls = AccumulationDistributionOscillator
        return self._create(symbol, kind, cls, resolution, selector, fast_period, slow_period)

    def co(
        self, symbol: Any, fast_period: int, slow_period: int, resolution: Any = None, selector: Any = None
    ) -> ChaikinOscillator:
        """Create an auto-updated Chaikin oscillator."""
        kind = f"CO({fast_period},{slow_period})"
        return self._create(symbol, kind, ChaikinOscillator, resolution, selector, fast_period, slow_period)

    def fi(
        self,
        symbol: Any,
        period: int,
        moving_average_type: MovingAverageType = MovingAverageType.EXPONENTIAL,
        resolution: Any = None,
        selector: Any = None,
    ) -> ForceIndex:
        """Create an auto-updated force index."""
        return self._create(
            symbol, f"FI({period})", ForceIndex, resolution, selector, period, moving_average_type
        )

    def emv(
        self, symbol: Any, period: int = 1, scale: int = 10000, resolution: Any = None, selector: Any = None
    ) -> EaseOfMovementValue:
        """Create an auto-updated ease of movement value."""
        kind = f"EMV({period}, {scale})"
        return self._create(symbol, kind, EaseOfMovementValue, resolution, selector, period, scale)

    def kvo(
        self,
        symbol: Any,
        fast_period: int,
        slow_period: int,
        signal_period: int = 13,
        resolution: Any = None,
        selector: Any = None,
    ) -> KlingerVolumeOscillator:
        """Create an auto-updated Klinger volume oscillator."""
        kind = f"KVO({fast_period},{slow_period},{signal_period})"
        args = (fast_period, slow_period, signal_period)
        return self._create(symbol, kind, KlingerVolumeOscillator, resolution, selector, *args)

    def vwap(
        self, symbol: Any, period: int | None = None, resolution: Any = None, selector: Any = None
    ) -> VolumeWeightedAveragePriceIndicator | IntradayVwap:
        """Create an auto-updated VWAP: over `period` bars, or since the start of each day without one."""
        if period is None:
            return self._create(symbol, "VWAP", IntradayVwap, None, None)
        cls = VolumeWeightedAveragePriceIndicator
        return self._create(symbol, f"VWAP({period})", cls, resolution, selector, period)

    def rdv(
        self, symbol: Any, period: int = 2, resolution: Any = Resolution.DAILY, selector: Any = None
    ) -> RelativeDailyVolume:
        """Create an auto-updated relative daily volume."""
        return self._create(symbol, f"RDV({period})", RelativeDailyVolume, resolution, selector, period)

    # trend
    adx = period_helper("ADX", AverageDirectionalIndex, "average directional index")
    adxr = period_helper(
        "ADXR", AverageDirectionalMovementIndexRating, "average directional movement index rating"
    )
    vtx = period_helper("VTX", Vortex, "vortex indicator")

    def aroon(
        self,
        symbol: Any,
        up_period: int,
        down_period: int | None = None,
        resolution: Any = None,
        selector: Any = None,
    ) -> AroonOscillator:
        """Create an auto-updated Aroon oscillator (`aroon(symbol, period)` uses one period for both)."""
        if isinstance(down_period, Resolution):
            down_period, resolution = None, down_period
        down_period = up_period if down_period is None else down_period
        kind = f"AROON({up_period},{down_period})"
        return self._create(symbol, kind, AroonOscillator, resolution, selector, up_period, down_period)

    def str(
        self,
        symbol: Any,
        period: int,
        multiplier: float,
        moving_average_type: MovingAverageType = MovingAverageType.WILDERS,
        resolution: Any = None,
        selector: Any = None,
    ) -> SuperTrend:
        """Create an auto-updated SuperTrend."""
        kind = f"STR({period},{format_parameter(multiplier)})"
        args = (period, multiplier, moving_average_type)
        return self._create(symbol, kind, SuperTrend, resolution, selector, *args)

    def psar(
        self,
        symbol: Any,
        af_start: float = 0.02,
        af_increment: float = 0.02,
        af_max: float = 0.2,
        resolution: Any = None,
        selector: Any = None,
    ) -> ParabolicStopAndReverse:
        """Create an auto-updated parabolic stop and reverse."""
        factors = (af_start, af_increment, af_max)
        kind = f"PSAR({','.join(map(format_parameter, factors))})"
        return self._create(symbol, kind, ParabolicStopAndReverse, resolution, selector, *factors)

    def sarext(
        self,
        symbol: Any,
        sar_start: float = 0.0,
        offset_on_reverse: float = 0.0,
        af_start_short: float = 0.02,
        af_increment_short: float = 0.02,
        af_max_short: float = 0.2,
        af_start_long: float = 0.02,
        af_increment_long: float = 0.02,
        af_max_long: float = 0.2,
        resolution: Any = None,
        selector: Any = None,
    ) -> ParabolicStopAndReverseExtended:
        """Create an auto-updated extended parabolic stop and reverse."""
        factors = [sar_start, offset_on_reverse, af_start_short, af_increment_short, af_max_short]
        factors += [af_start_long, af_increment_long, af_max_long]
        kind = f"SAREXT({','.join(map(format_parameter, factors))})"
        return self._create(symbol, kind, ParabolicStopAndReverseExtended, resolution, selector, *factors)

    def ichimoku(
        self,
        symbol: Any,
        tenkan_period: int,
        kijun_period: int,
        senkou_a_period: int,
        senkou_b_period: int,
        senkou_a_delay_period: int,
        senkou_b_delay_period: int,
        resolution: Any = None,
        selector: Any = None,
    ) -> IchimokuKinkoHyo:
        """Create an auto-updated Ichimoku Kinko Hyo."""
        periods = [tenkan_period, kijun_period, senkou_a_period, senkou_b_period]
        periods += [senkou_a_delay_period, senkou_b_delay_period]
        kind = f"ICHIMOKU({','.join(map(str, periods))})"
        return self._create(symbol, kind, IchimokuKinkoHyo, resolution, selector, *periods)

    def heikin_ashi(self, symbol: Any, resolution: Any = None, selector: Any = None) -> HeikinAshi:
        """Create auto-updated Heikin-Ashi bars."""
        return self._create(symbol, "HA", HeikinAshi, resolution, selector)

    # risk
    def sr(
        self,
        symbol: Any,
        sharpe_period: int,
        risk_free_rate: float | None = None,
        resolution: Any = None,
        selector: Any = None,
    ) -> SharpeRatio:
        """Create an auto-updated Sharpe ratio (risk-free rate 0 unless given)."""
        if risk_free_rate is None:
            kind, rate = f"SR({sharpe_period})", 0.0
        else:
            kind, rate = f"SR({sharpe_period},{format_parameter(risk_free_rate)})", risk_free_rate
        return self._create(symbol, kind, SharpeRatio, resolution, selector, sharpe_period, rate)

    def sortino(
        self,
        symbol: Any,
        sortino_period: int,
        minimum_acceptable_return: float = 0.0,
        resolution: Any = None,
        selector: Any = None,
    ) -> SortinoRatio:
        """Create an auto-updated Sortino ratio."""
        kind = f"SORTINO({sortino_period},{format_parameter(minimum_acceptable_return)})"
        args = (sortino_period, minimum_acceptable_return)
        return self._create(symbol, kind, SortinoRatio, resolution, selector, *args)

    def tdd(
        self,
        symbol: Any,
        period: int,
        minimum_acceptable_return: float = 0.0,
        resolution: Any = None,
        selector: Any = None,
    ) -> TargetDownsideDeviation:
        """Create an auto-updated target downside deviation."""
        kind = f"TDD({period},{format_parameter(minimum_acceptable_return)})"
        cls = TargetDownsideDeviation
        return self._create(symbol, kind, cls, resolution, selector, period, minimum_acceptable_return)
