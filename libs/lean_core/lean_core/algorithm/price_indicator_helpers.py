"""QCAlgorithm helpers for indicators of one price: moving averages, windows and momentum."""

from __future__ import annotations

from typing import Any

from lean_core.algorithm.indicator_factory import IndicatorFactory
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
    def sma(
        self, symbol: Any, period: int, resolution: Any = None, selector: Any = None
    ) -> SimpleMovingAverage:
        """Create an auto-updated simple moving average."""
        return self._create(symbol, f"SMA({period})", SimpleMovingAverage, resolution, selector, period)

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

    def wwma(
        self, symbol: Any, period: int, resolution: Any = None, selector: Any = None
    ) -> WilderMovingAverage:
        """Create an auto-updated Wilder moving average."""
        return self._create(symbol, f"WWMA({period})", WilderMovingAverage, resolution, selector, period)

    def lwma(
        self, symbol: Any, period: int, resolution: Any = None, selector: Any = None
    ) -> LinearWeightedMovingAverage:
        """Create an auto-updated linear weighted moving average."""
        return self._create(
            symbol, f"LWMA({period})", LinearWeightedMovingAverage, resolution, selector, period
        )

    def dema(
        self, symbol: Any, period: int, resolution: Any = None, selector: Any = None
    ) -> DoubleExponentialMovingAverage:
        """Create an auto-updated double exponential moving average."""
        return self._create(
            symbol, f"DEMA({period})", DoubleExponentialMovingAverage, resolution, selector, period
        )

    def tema(
        self, symbol: Any, period: int, resolution: Any = None, selector: Any = None
    ) -> TripleExponentialMovingAverage:
        """Create an auto-updated triple exponential moving average."""
        return self._create(
            symbol, f"TEMA({period})", TripleExponentialMovingAverage, resolution, selector, period
        )

    def trima(
        self, symbol: Any, period: int, resolution: Any = None, selector: Any = None
    ) -> TriangularMovingAverage:
        """Create an auto-updated triangular moving average."""
        return self._create(symbol, f"TRIMA({period})", TriangularMovingAverage, resolution, selector, period)

    def hma(
        self, symbol: Any, period: int, resolution: Any = None, selector: Any = None
    ) -> HullMovingAverage:
        """Create an auto-updated Hull moving average."""
        return self._create(symbol, f"HMA({period})", HullMovingAverage, resolution, selector, period)

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

    def zlema(
        self, symbol: Any, period: int, resolution: Any = None, selector: Any = None
    ) -> ZeroLagExponentialMovingAverage:
        """Create an auto-updated zero-lag exponential moving average."""
        return self._create(
            symbol, f"ZLEMA({period})", ZeroLagExponentialMovingAverage, resolution, selector, period
        )

    def mgd(self, symbol: Any, period: int, resolution: Any = None, selector: Any = None) -> McGinleyDynamic:
        """Create an auto-updated McGinley dynamic."""
        return self._create(symbol, f"MGD({period})", McGinleyDynamic, resolution, selector, period)

    def rma(
        self, symbol: Any, period: int, resolution: Any = None, selector: Any = None
    ) -> RelativeMovingAverage:
        """Create an auto-updated relative moving average."""
        return self._create(symbol, f"RMA({period})", RelativeMovingAverage, resolution, selector, period)

    def vidya(
        self, symbol: Any, period: int, resolution: Any = None, selector: Any = None
    ) -> VariableIndexDynamicAverage:
        """Create an auto-updated variable index dynamic average."""
        return self._create(
            symbol, f"VIDYA({period})", VariableIndexDynamicAverage, resolution, selector, period
        )

    def frama(
        self, symbol: Any, period: int, long_period: int = 198, resolution: Any = None, selector: Any = None
    ) -> FractalAdaptiveMovingAverage:
        """Create an auto-updated fractal adaptive moving average."""
        kind = f"FRAMA({period},{long_period})"
        return self._create(
            symbol, kind, FractalAdaptiveMovingAverage, resolution, selector, period, long_period
        )

    def lsma(
        self, symbol: Any, period: int, resolution: Any = None, selector: Any = None
    ) -> LeastSquaresMovingAverage:
        """Create an auto-updated least-squares moving average."""
        return self._create(
            symbol, f"LSMA({period})", LeastSquaresMovingAverage, resolution, selector, period
        )

    def tsf(
        self, symbol: Any, period: int, resolution: Any = None, selector: Any = None
    ) -> TimeSeriesForecast:
        """Create an auto-updated time-series forecast."""
        return self._create(symbol, f"TSF({period})", TimeSeriesForecast, resolution, selector, period)

    # windows
    def sum(self, symbol: Any, period: int, resolution: Any = None, selector: Any = None) -> Sum:
        """Create an auto-updated rolling sum."""
        return self._create(symbol, f"SUM({period})", Sum, resolution, selector, period)

    def max(self, symbol: Any, period: int, resolution: Any = None, selector: Any = None) -> Maximum:
        """Create an auto-updated rolling maximum."""
        return self._create(symbol, f"MAX({period})", Maximum, resolution, selector, period)

    def min(self, symbol: Any, period: int, resolution: Any = None, selector: Any = None) -> Minimum:
        """Create an auto-updated rolling minimum."""
        return self._create(symbol, f"MIN({period})", Minimum, resolution, selector, period)

    def midpoint(self, symbol: Any, period: int, resolution: Any = None, selector: Any = None) -> MidPoint:
        """Create an auto-updated midpoint of the highest and lowest value."""
        return self._create(symbol, f"MIDPOINT({period})", MidPoint, resolution, selector, period)

    def midprice(self, symbol: Any, period: int, resolution: Any = None, selector: Any = None) -> MidPrice:
        """Create an auto-updated midpoint of the highest high and lowest low."""
        return self._create(symbol, f"MIDPRICE({period})", MidPrice, resolution, selector, period)

    def identity(
        self, symbol: Any, resolution: Any = None, selector: Any = None, field_name: str | None = None
    ) -> Identity:
        """Create an auto-updated identity of the data's value (or of `selector`'s)."""
        kind = field_name if field_name is not None else "close"
        return self._create(symbol, kind, Identity, resolution, selector)

    # momentum
    def mom(self, symbol: Any, period: int, resolution: Any = None, selector: Any = None) -> Momentum:
        """Create an auto-updated momentum indicator."""
        return self._create(symbol, f"MOM({period})", Momentum, resolution, selector, period)

    def momp(self, symbol: Any, period: int, resolution: Any = None, selector: Any = None) -> MomentumPercent:
        """Create an auto-updated momentum percent."""
        return self._create(symbol, f"MOMP({period})", MomentumPercent, resolution, selector, period)

    def roc(self, symbol: Any, period: int, resolution: Any = None, selector: Any = None) -> RateOfChange:
        """Create an auto-updated rate of change."""
        return self._create(symbol, f"ROC({period})", RateOfChange, resolution, selector, period)

    def rocp(
        self, symbol: Any, period: int, resolution: Any = None, selector: Any = None
    ) -> RateOfChangePercent:
        """Create an auto-updated rate of change in percent."""
        return self._create(symbol, f"ROCP({period})", RateOfChangePercent, resolution, selector, period)

    def rocr(
        self, symbol: Any, period: int, resolution: Any = None, selector: Any = None
    ) -> RateOfChangeRatio:
        """Create an auto-updated rate of change ratio."""
        return self._create(symbol, f"ROCR({period})", RateOfChangeRatio, resolution, selector, period)

    def logr(self, symbol: Any, period: int, resolution: Any = None, selector: Any = None) -> LogReturn:
        """Create an auto-updated log return."""
        return self._create(symbol, f"LOGR({period})", LogReturn, resolution, selector, period)

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

    def cmo(
        self, symbol: Any, period: int, resolution: Any = None, selector: Any = None
    ) -> ChandeMomentumOscillator:
        """Create an auto-updated Chande momentum oscillator."""
        return self._create(symbol, f"CMO({period})", ChandeMomentumOscillator, resolution, selector, period)

    def trix(self, symbol: Any, period: int, resolution: Any = None, selector: Any = None) -> Trix:
        """Create an auto-updated TRIX."""
        return self._create(symbol, f"TRIX({period})", Trix, resolution, selector, period)

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

    def dpo(
        self, symbol: Any, period: int, resolution: Any = None, selector: Any = None
    ) -> DetrendedPriceOscillator:
        """Create an auto-updated detrended price oscillator."""
        return self._create(symbol, f"DPO({period})", DetrendedPriceOscillator, resolution, selector, period)

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
