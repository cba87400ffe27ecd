"""QCAlgorithm helpers for indicators of one price: moving averages, windows and momentum."""

from __future__ import annotations

from typing import Any

from lean_core.algorithm.indicator_factory import IndicatorFactory, period_helper
from lean_core.enums import Resolution
from lean_core.indicators import (
    AbsolutePriceOscillator,
    ArnaudLegouxMovingAverage,
    ChandeMomentumOscillator,
    ConnorsRelativeStrengthIndex,
    CoppockCurve,
    DerivativeOscillator,
    DetrendedPriceOscillator,
    DoubleExponentialMovingAverage,
    ExponentialMovingAverage,
    FractalAdaptiveMovingAverage,
    HullMovingAverage,
    Identity,
    KaufmanAdaptiveMovingAverage,
    KaufmanEfficiencyRatio,
    KnowSureThing,
    LeastSquaresMovingAverage,
    LinearWeightedMovingAverage,
    LogReturn,
    Maximum,
    McGinleyDynamic,
    MidPoint,
    MidPrice,
    Minimum,
    Momentum,
    MomentumPercent,
    MovingAverageConvergenceDivergence,
    MovingAverageType,
    PercentagePriceOscillator,
    RateOfChange,
    RateOfChangePercent,
    RateOfChangeRatio,
    RelativeMovingAverage,
    RelativeStrengthIndex,
    SchaffTrendCycle,
    SimpleMovingAverage,
    StochasticRelativeStrengthIndex,
    Sum,
    T3MovingAverage,
    TimeSeriesForecast,
    TriangularMovingAverage,
    TripleExponentialMovingAverage,
    Trix,
    TrueStrengthIndex,
    VariableIndexDynamicAverage,
    WilderMovingAverage,
    ZeroLagExponentialMovingAverage,
)
from lean_core.indicators.base import format_parameter

__all__ = ["PriceIndicatorHelpers"]


class PriceIndicatorHelpers(IndicatorFactory):
    """`self.sma(...)`, `self.kama(...)`, `self.rsi(...)` and the other single-price indicators."""

    __slots__ = ()

    # moving averages
    sma = period_helper("SMA", SimpleMovingAverage, "simple moving average")
    wwma = period_helper("WWMA", WilderMovingAverage, "Wilder moving average")
    lwma = period_helper("LWMA", LinearWeightedMovingAverage, "linear weighted moving average")
    dema = period_helper("DEMA", DoubleExponentialMovingAverage, "double exponential moving average")
    tema = period_helper("TEMA", TripleExponentialMovingAverage, "triple exponential moving average")
    trima = period_helper("TRIMA", TriangularMovingAverage, "triangular moving average")
    hma = period_helper("HMA", HullMovingAverage, "Hull moving average")
    zlema = period_helper("ZLEMA", ZeroLagExponentialMovingAverage, "zero-lag exponential moving average")
    mgd = period_helper("MGD", McGinleyDynamic, "McGinley dynamic")
    rma = period_helper("RMA", RelativeMovingAverage, "relative moving average")
    vidya = period_helper("VIDYA", VariableIndexDynamicAverage, "variable index dynamic average")
    lsma = period_helper("LSMA", LeastSquaresMovingAverage, "least-squares moving average")
    tsf = period_helper("TSF", TimeSeriesForecast, "time-series forecast")

    def ema(
        self,
        symbol: Any,
        period: int,
        smoothing_factor: float | None = None,
        resolution: Any = None,
        selector: Any = None,
    ) -> ExponentialMovingAverage:
        """Create an auto-updated exponential moving average."""
        if isinstance(smoothing_factor, Resolution):
            smoothing_factor, resolution = None, smoothing_factor
        kind = f"EMA({period})"
        return self._create(
            symbol, kind, ExponentialMovingAverage, resolution, selector, period, smoothing_factor
        )

    def kama(
        self,
        symbol: Any,
        period: int,
        fast_ema_period: int = 2,
        slow_ema_period: int = 30,
        resolution: Any = None,
        selector: Any = None,
    ) -> KaufmanAdaptiveMovingAverage:
        """Create an auto-updated Kaufman adaptive moving average."""
        if isinstance(fast_ema_period, Resolution):
            fast_ema_period, resolution = 2, fast_ema_period
        kind = f"KAMA({period},{fast_ema_period},{slow_ema_period})"
        args = (period, fast_ema_period, slow_ema_period)
        return self._create(symbol, kind, KaufmanAdaptiveMovingAverage, resolution, selector, *args)

    def ker(
        self, symbol: Any, period: int = 2, resolution: Any = None, selector: Any = None
    ) -> KaufmanEfficiencyRatio:
        """Create an auto-updated Kaufman efficiency ratio."""
        return self._create(symbol, f"KER({period})", KaufmanEfficiencyRatio, resolution, selector, period)

    def alma(
        self,
        symbol: Any,
        period: int,
        sigma: int = 6,
        offset: float = 0.85,
        resolution: Any = None,
        selector: Any = None,
    ) -> ArnaudLegouxMovingAverage:
        """Create an auto-updated Arnaud Legoux moving average."""
        kind = f"ALMA({period},{sigma},{format_parameter(offset)})"
        return self._create(
            symbol, kind, ArnaudLegouxMovingAverage, resolution, selector, period, sigma, offset
        )

    def t3(
        self,
        symbol: Any,
        period: int,
        volume_factor: float = 0.7,
        resolution: Any = None,
        selector: Any = None,
    ) -> T3MovingAverage:
        """Create an auto-updated T3 moving average."""
        kind = f"T3({period},{format_parameter(volume_factor)})"
        return self._create(symbol, kind, T3MovingAverage, resolution, selector, period, volume_factor)

    def frama(
        self, symbol: Any, period: int, long_period: int = 198, resolution: Any = None, selector: Any = None
    ) -> FractalAdaptiveMovingAverage:
        """Create an auto-updated fractal adaptive moving average."""
        kind = f"FRAMA({period},{long_period})"
        return self._create(
            symbol, kind, FractalAdaptiveMovingAverage, resolution, selector, period, long_period
        )

    # windows
    sum = period_helper("SUM", Sum, "rolling sum")
    max = period_helper("MAX", Maximum, "rolling maximum")
    min = period_helper("MIN", Minimum, "rolling minimum")
    midpoint = period_helper("MIDPOINT", MidPoint, "midpoint of the highest and lowest value")
    midprice = period_helper("MIDPRICE", MidPrice, "midpoint of the highest high and lowest low")

    def identity(
        self, symbol: Any, resolution: Any = None, selector: Any = None, field_name: str | None = None
    ) -> Identity:
        """Create an auto-updated identity of the data's value (or of `selector`'s)."""
        kind = field_name if field_name is not None else "close"
        return self._create(symbol, kind, Identity, resolution, selector)

    # momentum
    mom = period_helper("MOM", Momentum, "momentum indicator")
    momp = period_helper("MOMP", MomentumPercent, "momentum percent")
    roc = period_helper("ROC", RateOfChange, "rate of change")
    rocp = period_helper("ROCP", RateOfChangePercent, "rate of change in percent")
    rocr = period_helper("ROCR", RateOfChangeRatio, "rate of change ratio")
    logr = period_helper("LOGR", LogReturn, "log return")
    cmo = period_helper("CMO", ChandeMomentumOscillator, "Chande momentum oscillator")
    trix = period_helper("TRIX", Trix, "TRIX")
    dpo = period_helper("DPO", DetrendedPriceOscillator, "detrended price oscillator")

    def rsi(
        self,
        symbol: Any,
        period: int,
        moving_average_type: MovingAverageType = MovingAverageType.WILDERS,
        resolution: Any = None,
        selector: Any = None,
    ) -> RelativeStrengthIndex:
        """Create an auto-updated relative strength index."""
        kind = f"RSI({period},{MovingAverageType(moving_average_type).lean_name})"
        return self._create(
            symbol, kind, RelativeStrengthIndex, resolution, selector, period, moving_average_type
        )

    def macd(
        self,
        symbol: Any,
        fast_period: int,
        slow_period: int,
        signal_period: int,
        moving_average_type: MovingAverageType = MovingAverageType.EXPONENTIAL,
        resolution: Any = None,
        selector: Any = None,
    ) -> MovingAverageConvergenceDivergence:
        """Create an auto-updated MACD."""
        kind = f"MACD({fast_period},{slow_period},{signal_period})"
        args = (fast_period, slow_period, signal_period, moving_average_type)
        return self._create(symbol, kind, MovingAverageConvergenceDivergence, resolution, selector, *args)

    def apo(
        self,
        symbol: Any,
        fast_period: int,
        slow_period: int,
        moving_average_type: MovingAverageType,
        resolution: Any = None,
        selector: Any = None,
    ) -> AbsolutePriceOscillator:
        """Create an auto-updated absolute price oscillator."""
        kind = f"APO({fast_period},{slow_period})"
        args = (fast_period, slow_period, moving_average_type)
        return self._create(symbol, kind, AbsolutePriceOscillator, resolution, selector, *args)

    def ppo(
        self,
        symbol: Any,
        fast_period: int,
        slow_period: int,
        moving_average_type: MovingAverageType,
        resolution: Any = None,
        selector: Any = None,
    ) -> PercentagePriceOscillator:
        """Create an auto-updated percentage price oscillator."""
        kind = f"PPO({fast_period},{slow_period})"
        args = (fast_period, slow_period, moving_average_type)
        return self._create(symbol, kind, PercentagePriceOscillator, resolution, selector, *args)

    def tsi(
        self,
        symbol: Any,
        long_term_period: int = 25,
        short_term_period: int = 13,
        signal_period: int = 7,
        signal_type: MovingAverageType = MovingAverageType.EXPONENTIAL,
        resolution: Any = None,
        selector: Any = None,
    ) -> TrueStrengthIndex:
        """Create an auto-updated true strength index."""
        kind = f"TSI({long_term_period},{short_term_period},{signal_period})"
        args = (long_term_period, short_term_period, signal_period, signal_type)
        return self._create(symbol, kind, TrueStrengthIndex, resolution, selector, *args)

    def kst(
        self,
        symbol: Any,
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
        resolution: Any = None,
        selector: Any = None,
    ) -> KnowSureThing:
        """Create an auto-updated know sure thing."""
        periods = [roc1_period, roc1_ma_period, roc2_period, roc2_ma_period, roc3_period, roc3_ma_period]
        periods += [roc4_period, roc4_ma_period, signal_period]
        kind = f"KST({','.join(map(str, periods))},{MovingAverageType(moving_average_type).lean_name})"
        return self._create(symbol, kind, KnowSureThing, resolution, selector, *periods, moving_average_type)

    def cc(
        self,
        symbol: Any,
        short_roc_period: int = 11,
        long_roc_period: int = 14,
        lwma_period: int = 10,
        resolution: Any = None,
        selector: Any = None,
    ) -> CoppockCurve:
        """Create an auto-updated Coppock curve."""
        kind = f"CC({short_roc_period},{long_roc_period},{lwma_period})"
        args = (short_roc_period, long_roc_period, lwma_period)
        return self._create(symbol, kind, CoppockCurve, resolution, selector, *args)

    def srsi(
        self,
        symbol: Any,
        rsi_period: int,
        stoch_period: int,
        k_smoothing_period: int,
        d_smoothing_period: int,
        moving_average_type: MovingAverageType = MovingAverageType.SIMPLE,
        resolution: Any = None,
        selector: Any = None,
    ) -> StochasticRelativeStrengthIndex:
        """Create an auto-updated stochastic RSI."""
        periods = (rsi_period, stoch_period, k_smoothing_period, d_smoothing_period)
        kind = f"SRSI({','.join(map(str, periods))})"
        cls = StochasticRelativeStrengthIndex
        return self._create(symbol, kind, cls, resolution, selector, *periods, moving_average_type)

    def crsi(
        self,
        symbol: Any,
        rsi_period: int,
        rsi_period_streak: int,
        look_back_period: int,
        resolution: Any = None,
        selector: Any = None,
    ) -> ConnorsRelativeStrengthIndex:
        """Create an auto-updated Connors RSI."""
        periods = (rsi_period, rsi_period_streak, look_back_period)
        kind = f"CRSI({','.join(map(str, periods))})"
        return self._create(symbol, kind, ConnorsRelativeStrengthIndex, resolution, selector, *periods)

    def do(
        self,
        symbol: Any,
        rsi_period: int,
        smoothing_rsi_period: int,
        double_smoothing_rsi_period: int,
        signal_line_period: int,
        resolution: Any = None,
        selector: Any = None,
    ) -> DerivativeOscillator:
        """Create an auto-updated derivative oscillator."""
        periods = (rsi_period, smoothing_rsi_period, double_smoothing_rsi_period, signal_line_period)
        kind = f"DO({','.join(map(str, periods))})"
        return self._create(symbol, kind, DerivativeOscillator, resolution, selector, *periods)

    def stc(
        self,
        symbol: Any,
        cycle_period: int,
        fast_period: int,
        slow_period: int,
        moving_average_type: MovingAverageType = MovingAverageType.EXPONENTIAL,
        resolution: Any = None,
        selector: Any = None,
    ) -> SchaffTrendCycle:
        """Create an auto-updated Schaff trend cycle."""
        periods = (cycle_period, fast_period, slow_period)
        kind = f"STC({','.join(map(str, periods))})"
        return self._create(
            symbol, kind, SchaffTrendCycle, resolution, selector, *periods, moving_average_type
        )
