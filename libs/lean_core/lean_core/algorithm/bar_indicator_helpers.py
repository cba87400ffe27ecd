"""QCAlgorithm helpers for indicators of bars: range oscillators, volatility and bands."""

from __future__ import annotations

from typing import Any

from lean_core.algorithm.indicator_factory import IndicatorFactory, bar_helper, period_helper
from lean_core.enums import Resolution
from lean_core.indicators import (
    AccelerationBands,
    AverageRange,
    AverageTrueRange,
    AwesomeOscillator,
    BalanceOfPower,
    BollingerBands,
    ChandeKrollStop,
    ChoppinessIndex,
    CommodityChannelIndex,
    DeMarkerIndicator,
    DonchianChannel,
    FisherTransform,
    InternalBarStrength,
    KeltnerChannels,
    MassIndex,
    MeanAbsoluteDeviation,
    MovingAverageType,
    NormalizedAverageTrueRange,
    PremierStochasticOscillator,
    RelativeVigorIndex,
    RogersSatchellVolatility,
    SqueezeMomentum,
    StandardDeviation,
    Stochastic,
    TrueRange,
    UltimateOscillator,
    ValueAtRisk,
    Variance,
    WaveTrendOscillator,
    WilliamsPercentR,
)
from lean_core.indicators.base import format_parameter

__all__ = ["BarIndicatorHelpers"]


class BarIndicatorHelpers(IndicatorFactory):
    """`self.sto(...)`, `self.atr(...)`, `self.bb(...)` and the other bar indicators."""

    __slots__ = ()

    # oscillators of bars
    wilr = period_helper("WILR", WilliamsPercentR, "Williams %R")
    bop = bar_helper("BOP", BalanceOfPower, "balance of power")
    ibs = bar_helper("IBS", InternalBarStrength, "internal bar strength")
    fish = period_helper("FISH", FisherTransform, "Fisher transform")

    def sto(
        self,
        symbol: Any,
        period: int,
        k_period: int | None = None,
        d_period: int | None = None,
        resolution: Any = None,
        selector: Any = None,
    ) -> Stochastic:
        """Create an auto-updated stochastic (`sto(symbol, period)` means %K over `period`, %D over 3)."""
        if isinstance(k_period, Resolution):
            k_period, resolution = None, k_period
        k_period = period if k_period is None else k_period
        d_period = 3 if d_period is None else d_period
        kind = f"STO({period},{k_period},{d_period})"
        return self._create(symbol, kind, Stochastic, resolution, selector, period, k_period, d_period)

    def cci(
        self,
        symbol: Any,
        period: int,
        moving_average_type: MovingAverageType = MovingAverageType.SIMPLE,
        resolution: Any = None,
        selector: Any = None,
    ) -> CommodityChannelIndex:
        """Create an auto-updated commodity channel index."""
        kind = f"CCI({period})"
        return self._create(
            symbol, kind, CommodityChannelIndex, resolution, selector, period, moving_average_type
        )

    def ultosc(
        self,
        symbol: Any,
        period1: int,
        period2: int,
        period3: int,
        resolution: Any = None,
        selector: Any = None,
    ) -> UltimateOscillator:
        """Create an auto-updated ultimate oscillator."""
        kind = f"ULTOSC({period1},{period2},{period3})"
        return self._create(symbol, kind, UltimateOscillator, resolution, selector, period1, period2, period3)

    def ao(
        self,
        symbol: Any,
        fast_period: int,
        slow_period: int,
        moving_average_type: MovingAverageType,
        resolution: Any = None,
        selector: Any = None,
    ) -> AwesomeOscillator:
        """Create an auto-updated awesome oscillator."""
        kind = f"AO({fast_period},{slow_period},{MovingAverageType(moving_average_type).lean_name})"
        args = (fast_period, slow_period, moving_average_type)
        return self._create(symbol, kind, AwesomeOscillator, resolution, selector, *args)

    def dem(
        self,
        symbol: Any,
        period: int,
        moving_average_type: MovingAverageType,
        resolution: Any = None,
        selector: Any = None,
    ) -> DeMarkerIndicator:
        """Create an auto-updated DeMarker indicator."""
        kind = f"DEM({period},{MovingAverageType(moving_average_type).lean_name})"
        return self._create(
            symbol, kind, DeMarkerIndicator, resolution, selector, period, moving_average_type
        )

    def rvi(
        self,
        symbol: Any,
        period: int,
        moving_average_type: MovingAverageType = MovingAverageType.SIMPLE,
        resolution: Any = None,
        selector: Any = None,
    ) -> RelativeVigorIndex:
        """Create an auto-updated relative vigor index."""
        kind = f"RVI({period},{MovingAverageType(moving_average_type).lean_name})"
        return self._create(
            symbol, kind, RelativeVigorIndex, resolution, selector, period, moving_average_type
        )

    # volatility and bands
    std = period_helper("STD", StandardDeviation, "standard deviation")
    v = period_helper("V", Variance, "variance")
    mad = period_helper("MAD", MeanAbsoluteDeviation, "mean absolute deviation")
    tr = bar_helper("TR", TrueRange, "true range")
    natr = period_helper("NATR", NormalizedAverageTrueRange, "normalized average true range")
    ar = period_helper("AR", AverageRange, "average range")
    chop = period_helper("CHOP", ChoppinessIndex, "choppiness index")
    rsv = period_helper("RSV", RogersSatchellVolatility, "Rogers-Satchell volatility")

    def var(
        self,
        symbol: Any,
        period: int,
        confidence_level: Any = None,
        resolution: Any = None,
        selector: Any = None,
    ) -> Variance | ValueAtRisk:
        """Create an auto-updated variance, or with a confidence level, value at risk (LEAN's two VAR)."""
        if confidence_level is None or isinstance(confidence_level, Resolution):
            # var(symbol, period, resolution, selector): LEAN's variance overload
            if isinstance(confidence_level, Resolution):
                resolution, selector = confidence_level, resolution
            return self.v(symbol, period, resolution, selector)
        kind = f"VAR({period},{format_parameter(confidence_level)})"
        return self._create(symbol, kind, ValueAtRisk, resolution, selector, period, confidence_level)

    def atr(
        self,
        symbol: Any,
        period: int,
        moving_average_type: MovingAverageType = MovingAverageType.SIMPLE,
        resolution: Any = None,
        selector: Any = None,
    ) -> AverageTrueRange:
        """Create an auto-updated average true range (LEAN's helper defaults to a simple average)."""
        return self._create(
            symbol, f"ATR({period})", AverageTrueRange, resolution, selector, period, moving_average_type
        )

    def mass(
        self,
        symbol: Any,
        ema_period: int = 9,
        sum_period: int = 25,
        resolution: Any = None,
        selector: Any = None,
    ) -> MassIndex:
        """Create an auto-updated mass index."""
        kind = f"MASS({ema_period},{sum_period})"
        return self._create(symbol, kind, MassIndex, resolution, selector, ema_period, sum_period)

    def bb(
        self,
        symbol: Any,
        period: int,
        k: float,
        moving_average_type: MovingAverageType = MovingAverageType.SIMPLE,
        resolution: Any = None,
        selector: Any = None,
    ) -> BollingerBands:
        """Create auto-updated Bollinger Bands."""
        return self._create(
            symbol, f"BB({period},{k})", BollingerBands, resolution, selector, period, k, moving_average_type
        )

    def kch(
        self,
        symbol: Any,
        period: int,
        k: float,
        moving_average_type: MovingAverageType = MovingAverageType.SIMPLE,
        resolution: Any = None,
        selector: Any = None,
    ) -> KeltnerChannels:
        """Create auto-updated Keltner channels."""
        kind = f"KCH({period},{format_parameter(k)})"
        return self._create(
            symbol, kind, KeltnerChannels, resolution, selector, period, k, moving_average_type
        )

    def dch(
        self,
        symbol: Any,
        upper_period: int,
        lower_period: int | None = None,
        resolution: Any = None,
        selector: Any = None,
    ) -> DonchianChannel:
        """Create an auto-updated Donchian channel (`dch(symbol, period)` uses one period for both bands)."""
        if isinstance(lower_period, Resolution):
            lower_period, resolution = None, lower_period
        lower_period = upper_period if lower_period is None else lower_period
        kind = f"DCH({upper_period},{lower_period})"
        return self._create(symbol, kind, DonchianChannel, resolution, selector, upper_period, lower_period)

    def abands(
        self,
        symbol: Any,
        period: int,
        width: float = 4,
        moving_average_type: MovingAverageType = MovingAverageType.SIMPLE,
        resolution: Any = None,
        selector: Any = None,
    ) -> AccelerationBands:
        """Create auto-updated acceleration bands."""
        kind = f"ABANDS({period},{format_parameter(width)})"
        args = (period, width, moving_average_type)
        return self._create(symbol, kind, AccelerationBands, resolution, selector, *args)

    def cks(
        self,
        symbol: Any,
        atr_period: int,
        atr_mult: float,
        period: int,
        moving_average_type: MovingAverageType = MovingAverageType.WILDERS,
        resolution: Any = None,
        selector: Any = None,
    ) -> ChandeKrollStop:
        """Create auto-updated Chande Kroll stops."""
        kind = f"CKS({atr_period},{format_parameter(atr_mult)},{period})"
        args = (atr_period, atr_mult, period, moving_average_type)
        return self._create(symbol, kind, ChandeKrollStop, resolution, selector, *args)

    def pso(
        self, symbol: Any, period: int, ema_period: int, resolution: Any = None, selector: Any = None
    ) -> PremierStochasticOscillator:
        """Create an auto-updated premier stochastic oscillator."""
        kind = f"PSO({period},{ema_period})"
        return self._create(
            symbol, kind, PremierStochasticOscillator, resolution, selector, period, ema_period
        )

    def wto(
        self,
        symbol: Any,
        channel_period: int,
        average_period: int,
        signal_period: int,
        resolution: Any = None,
        selector: Any = None,
    ) -> WaveTrendOscillator:
        """Create an auto-updated wave trend oscillator."""
        periods = (channel_period, average_period, signal_period)
        kind = f"WTO({','.join(map(str, periods))})"
        return self._create(symbol, kind, WaveTrendOscillator, resolution, selector, *periods)

    def sm(
        self,
        symbol: Any,
        bollinger_period: int = 20,
        bollinger_multiplier: float = 2,
        keltner_period: int = 20,
        keltner_multiplier: float = 1.5,
        resolution: Any = None,
        selector: Any = None,
    ) -> SqueezeMomentum:
        """Create an auto-updated squeeze momentum."""
        parameters = (bollinger_period, bollinger_multiplier, keltner_period, keltner_multiplier)
        kind = f"SM({', '.join(map(format_parameter, parameters))})"
        return self._create(symbol, kind, SqueezeMomentum, resolution, selector, *parameters)
