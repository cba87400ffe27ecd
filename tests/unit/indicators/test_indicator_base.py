"""Every indicator follows LEAN's update cycle: warm-up, forward-only time, reset, events and history."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from lean_core.data.bars import Bar, QuoteBar, Tick, TradeBar
from lean_core.enums import TickType
from lean_core.indicators import (
    AbsolutePriceOscillator,
    AccelerationBands,
    AccumulationDistribution,
    AccumulationDistributionOscillator,
    ArnaudLegouxMovingAverage,
    AroonOscillator,
    AverageDirectionalIndex,
    AverageDirectionalMovementIndexRating,
    AverageRange,
    AverageTrueRange,
    AwesomeOscillator,
    BalanceOfPower,
    BarIndicator,
    BollingerBands,
    ChaikinMoneyFlow,
    ChaikinOscillator,
    ChandeKrollStop,
    ChandeMomentumOscillator,
    ChoppinessIndex,
    CommodityChannelIndex,
    ConnorsRelativeStrengthIndex,
    ConstantIndicator,
    CoppockCurve,
    Delay,
    DeMarkerIndicator,
    DerivativeOscillator,
    DetrendedPriceOscillator,
    DonchianChannel,
    DoubleExponentialMovingAverage,
    EaseOfMovementValue,
    ExponentialMovingAverage,
    FisherTransform,
    ForceIndex,
    FractalAdaptiveMovingAverage,
    HeikinAshi,
    HullMovingAverage,
    IchimokuKinkoHyo,
    Identity,
    IndicatorBase,
    IndicatorDataPoint,
    IndicatorExtensions,
    InternalBarStrength,
    KaufmanAdaptiveMovingAverage,
    KaufmanEfficiencyRatio,
    KeltnerChannels,
    KlingerVolumeOscillator,
    KnowSureThing,
    LeastSquaresMovingAverage,
    LinearWeightedMovingAverage,
    LogReturn,
    MassIndex,
    Maximum,
    McGinleyDynamic,
    MeanAbsoluteDeviation,
    MidPoint,
    MidPrice,
    Minimum,
    Momentum,
    MomentumPercent,
    MoneyFlowIndex,
    MovingAverageConvergenceDivergence,
    MovingAverageType,
    NormalizedAverageTrueRange,
    OnBalanceVolume,
    ParabolicStopAndReverse,
    ParabolicStopAndReverseExtended,
    PercentagePriceOscillator,
    PremierStochasticOscillator,
    RateOfChange,
    RateOfChangePercent,
    RateOfChangeRatio,
    RelativeMovingAverage,
    RelativeStrengthIndex,
    RelativeVigorIndex,
    RogersSatchellVolatility,
    SchaffTrendCycle,
    SharpeRatio,
    SimpleMovingAverage,
    SmoothedOnBalanceVolume,
    SortinoRatio,
    SqueezeMomentum,
    StandardDeviation,
    Stochastic,
    StochasticRelativeStrengthIndex,
    Sum,
    SuperTrend,
    T3MovingAverage,
    TargetDownsideDeviation,
    TimeSeriesForecast,
    TriangularMovingAverage,
    TripleExponentialMovingAverage,
    Trix,
    TrueRange,
    TrueStrengthIndex,
    UltimateOscillator,
    ValueAtRisk,
    VariableIndexDynamicAverage,
    Variance,
    VolumeWeightedAveragePriceIndicator,
    VolumeWeightedMovingAverage,
    Vortex,
    WaveTrendOscillator,
    WilderMovingAverage,
    WilliamsPercentR,
    WindowIdentity,
    ZeroLagExponentialMovingAverage,
)
from lean_core.symbols import Symbol

MakeInput = Callable[[IndicatorBase[Any], int], Any]

FACTORIES: list[Any] = [
    pytest.param(lambda: SimpleMovingAverage(14), id="sma"),
    pytest.param(lambda: ExponentialMovingAverage(14), id="ema"),
    pytest.param(lambda: WilderMovingAverage(14), id="wilders"),
    pytest.param(lambda: LinearWeightedMovingAverage(6), id="lwma"),
    pytest.param(lambda: DoubleExponentialMovingAverage(5), id="dema"),
    pytest.param(lambda: TripleExponentialMovingAverage(5), id="tema"),
    pytest.param(lambda: TriangularMovingAverage(5), id="trima"),
    pytest.param(lambda: HullMovingAverage(16), id="hma"),
    pytest.param(lambda: Sum(5), id="sum"),
    pytest.param(lambda: Momentum(5), id="mom"),
    pytest.param(lambda: MomentumPercent(5), id="momp"),
    pytest.param(lambda: RateOfChange(5), id="roc"),
    pytest.param(lambda: RateOfChangePercent(5), id="rocp"),
    pytest.param(lambda: RateOfChangeRatio(5), id="rocr"),
    pytest.param(lambda: RelativeStrengthIndex(14), id="rsi"),
    pytest.param(lambda: MovingAverageConvergenceDivergence(12, 26, 9), id="macd"),
    pytest.param(lambda: BollingerBands(20, 2.0), id="bb"),
    pytest.param(lambda: StandardDeviation(10), id="std"),
    pytest.param(lambda: Variance(10), id="var"),
    pytest.param(lambda: AverageTrueRange(14), id="atr"),
    pytest.param(lambda: AverageTrueRange(14, MovingAverageType.SIMPLE), id="atr_simple"),
    pytest.param(TrueRange, id="tr"),
    pytest.param(lambda: Identity("identity"), id="identity"),
    pytest.param(lambda: Maximum(5), id="max"),
    pytest.param(lambda: Minimum(5), id="min"),
    pytest.param(lambda: Delay(3), id="delay"),
    pytest.param(lambda: WindowIdentity(3), id="window_identity"),
    pytest.param(lambda: MidPoint(5), id="midpoint"),
    pytest.param(lambda: MidPrice(5), id="midprice"),
    pytest.param(lambda: LogReturn(14), id="logr"),
    pytest.param(lambda: KaufmanEfficiencyRatio(10), id="ker"),
    pytest.param(lambda: KaufmanAdaptiveMovingAverage(5), id="kama"),
    pytest.param(lambda: VariableIndexDynamicAverage(9), id="vidya"),
    pytest.param(lambda: McGinleyDynamic(14), id="mgd"),
    pytest.param(lambda: FractalAdaptiveMovingAverage(16), id="frama"),
    pytest.param(lambda: ArnaudLegouxMovingAverage(9, 6), id="alma"),
    pytest.param(lambda: T3MovingAverage(5), id="t3"),
    pytest.param(lambda: ZeroLagExponentialMovingAverage(5), id="zlema"),
    pytest.param(lambda: RelativeMovingAverage(5), id="rma"),
    pytest.param(lambda: LeastSquaresMovingAverage(20), id="lsma"),
    pytest.param(lambda: TimeSeriesForecast(5), id="tsf"),
    pytest.param(lambda: AbsolutePriceOscillator(5, 10), id="apo"),
    pytest.param(lambda: PercentagePriceOscillator(5, 10), id="ppo"),
    pytest.param(lambda: ChandeMomentumOscillator(5), id="cmo"),
    pytest.param(lambda: Trix(5), id="trix"),
    pytest.param(TrueStrengthIndex, id="tsi"),
    pytest.param(lambda: KnowSureThing(5, 5, 10, 5, 15, 5, 25, 10, 9), id="kst"),
    pytest.param(CoppockCurve, id="cc"),
    pytest.param(lambda: DetrendedPriceOscillator(21), id="dpo"),
    pytest.param(lambda: StochasticRelativeStrengthIndex(14, 14, 3, 3), id="srsi"),
    pytest.param(lambda: Stochastic(12, 3, 5), id="sto"),
    pytest.param(lambda: WilliamsPercentR(14), id="wilr"),
    pytest.param(lambda: CommodityChannelIndex(14), id="cci"),
    pytest.param(lambda: UltimateOscillator(7, 14, 28), id="ultosc"),
    pytest.param(lambda: AwesomeOscillator(5, 34), id="ao"),
    pytest.param(BalanceOfPower, id="bop"),
    pytest.param(InternalBarStrength, id="ibs"),
    pytest.param(lambda: FisherTransform(10), id="fisher"),
    pytest.param(lambda: DeMarkerIndicator(14), id="dem"),
    pytest.param(lambda: RelativeVigorIndex(10), id="rvi"),
    pytest.param(lambda: MeanAbsoluteDeviation(3), id="mad"),
    pytest.param(lambda: NormalizedAverageTrueRange(5), id="natr"),
    pytest.param(MassIndex, id="mass"),
    pytest.param(lambda: ChoppinessIndex(14), id="chop"),
    pytest.param(lambda: RogersSatchellVolatility(9), id="rsv"),
    pytest.param(lambda: AverageRange(20), id="ar"),
    pytest.param(lambda: KeltnerChannels(20, 1.5), id="keltner"),
    pytest.param(lambda: DonchianChannel(50), id="donchian"),
    pytest.param(lambda: AccelerationBands(20, 4), id="abands"),
    pytest.param(OnBalanceVolume, id="obv"),
    pytest.param(lambda: SmoothedOnBalanceVolume(20), id="sobv"),
    pytest.param(AccumulationDistribution, id="ad"),
    pytest.param(lambda: AccumulationDistributionOscillator(3, 10), id="adosc"),
    pytest.param(lambda: ChaikinOscillator(3, 10), id="chaikin_oscillator"),
    pytest.param(lambda: MoneyFlowIndex(20), id="mfi"),
    pytest.param(lambda: ChaikinMoneyFlow(20), id="cmf"),
    pytest.param(lambda: ForceIndex(20), id="fi"),
    pytest.param(lambda: EaseOfMovementValue(3), id="emv"),
    pytest.param(lambda: KlingerVolumeOscillator(5, 10), id="kvo"),
    pytest.param(lambda: VolumeWeightedAveragePriceIndicator(50), id="vwap"),
    pytest.param(lambda: VolumeWeightedMovingAverage(20), id="vwma"),
    pytest.param(lambda: AverageDirectionalIndex(14), id="adx"),
    pytest.param(lambda: AverageDirectionalMovementIndexRating(14), id="adxr"),
    pytest.param(lambda: AroonOscillator(14, 14), id="aroon"),
    pytest.param(lambda: Vortex(14), id="vortex"),
    pytest.param(lambda: SuperTrend(10, 3), id="supertrend"),
    pytest.param(ParabolicStopAndReverse, id="psar"),
    pytest.param(ParabolicStopAndReverseExtended, id="sarext"),
    pytest.param(IchimokuKinkoHyo, id="ichimoku"),
    pytest.param(HeikinAshi, id="heikin_ashi"),
    pytest.param(lambda: SharpeRatio(10), id="sharpe"),
    pytest.param(lambda: SortinoRatio(15), id="sortino"),
    pytest.param(lambda: TargetDownsideDeviation(3), id="tdd"),
    pytest.param(lambda: IndicatorExtensions.sma(Identity("x"), 3), id="sma_of"),
    pytest.param(lambda: ChandeKrollStop(5, 2.0, 3), id="cks"),
    pytest.param(lambda: ConnorsRelativeStrengthIndex(3, 2, 100), id="crsi"),
    pytest.param(lambda: DerivativeOscillator(14, 5, 3, 9), id="do"),
    pytest.param(SchaffTrendCycle, id="stc"),
    pytest.param(lambda: PremierStochasticOscillator(8, 5), id="pso"),
    pytest.param(lambda: WaveTrendOscillator(10, 21, 4), id="wto"),
    pytest.param(lambda: SqueezeMomentum(20, 2, 20, 1.5), id="squeeze"),
    pytest.param(lambda: ValueAtRisk(20, 0.99), id="var_risk"),
]

Factory = Callable[[], IndicatorBase[Any]]


def _sub_indicators(indicator: IndicatorBase[Any]) -> list[IndicatorBase[Any]]:
    """Return the public sub-indicators (LEAN checks public indicator properties after a reset)."""
    found = []
    for cls in type(indicator).__mro__:
        for slot in getattr(cls, "__slots__", ()):
            value = getattr(indicator, slot, None) if not slot.startswith("_") else None
            if isinstance(value, IndicatorBase):
                found.append(value)
    return found


def _assert_default_state(indicator: IndicatorBase[Any]) -> None:
    if isinstance(indicator, ConstantIndicator):
        # a constant keeps its value through a reset, and LEAN's check skips it too
        return
    assert indicator.current.value == 0
    assert indicator.current.time == datetime.min
    assert indicator.samples == 0
    assert not indicator.is_ready
    for sub_indicator in _sub_indicators(indicator):
        _assert_default_state(sub_indicator)


@pytest.mark.parametrize("create", FACTORIES)
class TestUpdateCycle:
    def test_indicator_is_ready_exactly_after_warm_up_period_inputs(
        self, create: Factory, make_input: MakeInput
    ) -> None:
        indicator = create()
        period = indicator.warm_up_period
        assert period > 0

        readiness = []
        for day in range(period):
            readiness.append(indicator.update(make_input(indicator, day)))

        assert readiness == [False] * (period - 1) + [True]
        assert indicator.is_ready
        assert indicator.samples == period

    def test_input_older_than_the_previous_is_ignored_and_logged_once(
        self, create: Factory, make_input: MakeInput, caplog: pytest.LogCaptureFixture
    ) -> None:
        indicator = create()

        with caplog.at_level(logging.ERROR, logger="lean_core.indicators.base"):
            for day in range(10, 0, -1):
                indicator.update(make_input(indicator, day))

        assert indicator.samples == 1
        assert len([record for record in caplog.records if "forward-only" in record.message]) == 1

    def test_the_same_input_object_counts_once(self, create: Factory, make_input: MakeInput) -> None:
        indicator = create()
        data = make_input(indicator, 0)

        indicator.update(data)
        indicator.update(data)

        assert indicator.samples == 1

    def test_reset_returns_indicator_and_sub_indicators_to_default_state(
        self, create: Factory, make_input: MakeInput
    ) -> None:
        indicator = create()
        for day in range(2 * indicator.warm_up_period):
            indicator.update(make_input(indicator, day))
        assert indicator.is_ready

        indicator.reset()

        _assert_default_state(indicator)

    def test_previous_is_the_value_before_current(self, create: Factory, make_input: MakeInput) -> None:
        indicator = create()
        expected_previous = indicator.current.value

        for day in range(2 * indicator.warm_up_period):
            indicator.update(make_input(indicator, day))

            assert indicator.previous.value == expected_previous
            assert indicator[0] is indicator.current
            expected_previous = indicator.current.value

    def test_current_keeps_the_input_symbol_and_end_time(
        self, create: Factory, make_input: MakeInput, spy: Symbol
    ) -> None:
        indicator = create()

        for day in range(2 * indicator.warm_up_period):
            data = make_input(indicator, day)
            indicator.update(data)

            assert indicator.current.symbol == spy
            assert indicator.current.time == data.end_time

    def test_updated_event_reports_each_new_value_until_unsubscribed(
        self, create: Factory, make_input: MakeInput
    ) -> None:
        indicator = create()
        seen: list[tuple[Any, IndicatorDataPoint]] = []

        def on_updated(sender: Any, point: IndicatorDataPoint) -> None:
            seen.append((sender, point))

        indicator.updated += on_updated
        indicator.update(make_input(indicator, 0))
        indicator.update(make_input(indicator, 1))
        indicator.updated -= on_updated
        indicator.update(make_input(indicator, 2))

        assert len(seen) == 2
        assert all(sender is indicator for sender, _ in seen)
        assert seen[1][1] is indicator.window[1]


class TestInputs:
    def test_data_point_indicator_takes_a_bar_as_its_close_at_its_end_time(self, spy: Symbol) -> None:
        sma = SimpleMovingAverage(2)
        start = datetime(2024, 1, 2, 9, 30)
        bar = TradeBar(spy, start, start + timedelta(minutes=1), 1.0, 3.0, 0.5, 2.0, 100.0)

        sma.update(bar)

        assert (sma.current.value, sma.current.time, sma.current.symbol) == (2.0, bar.end_time, spy)

    def test_data_point_indicator_takes_a_tick_as_its_price(self, spy: Symbol) -> None:
        identity = Identity()
        tick = Tick(spy, datetime(2024, 1, 2, 9, 30, 1), TickType.TRADE, value=101.25, quantity=10)

        identity.update(tick)

        assert (identity.current.value, identity.current.time) == (101.25, tick.time)

    def test_bar_indicator_takes_quote_bars_at_their_mid_prices(self, spy: Symbol) -> None:
        true_range = TrueRange()
        start = datetime(2024, 1, 2, 9, 30)
        quote = QuoteBar(
            spy, start, start + timedelta(minutes=1), Bar(10, 12, 9, 11), Bar(10.2, 12.2, 9.2, 11.2)
        )

        true_range.update(quote)

        assert true_range.current.value == pytest.approx(3.0)

    def test_time_and_value_update_accepts_decimals_and_ints(self) -> None:
        sma = SimpleMovingAverage(2)
        sma.update(datetime(2024, 1, 1), Decimal("1.5"))
        sma.update(datetime(2024, 1, 2), 2)

        assert sma.current.value == pytest.approx(1.75)

    @pytest.mark.parametrize("create", [TrueRange, lambda: AverageTrueRange(3)])
    def test_bar_indicator_rejects_values(self, create: Callable[[], BarIndicator]) -> None:
        indicator = create()

        with pytest.raises(TypeError, match="update"):
            indicator.update(datetime(2024, 1, 1), 1.0)
        with pytest.raises(TypeError, match="bars"):
            indicator.update(IndicatorDataPoint(datetime(2024, 1, 1), 1.0))
        assert indicator.samples == 0

    def test_each_symbol_moves_forward_on_its_own(self, spy: Symbol) -> None:
        other = Symbol.create("AAPL", spy.id.security_type, spy.id.market)
        identity = Identity("both")
        day = datetime(2024, 1, 1)

        identity.update(IndicatorDataPoint(spy, day + timedelta(days=2), 1.0))
        identity.update(IndicatorDataPoint(other, day, 2.0))
        identity.update(IndicatorDataPoint(spy, day + timedelta(days=1), 3.0))

        assert identity.samples == 2
        assert identity.current.value == 2.0

    def test_update_without_a_value_for_a_time_is_rejected(self) -> None:
        with pytest.raises(TypeError, match="needs a value"):
            Identity().update(datetime(2024, 1, 1))  # type: ignore[call-arg]


class TestPresentation:
    def test_name_can_come_first_as_in_lean_or_as_a_keyword(self) -> None:
        assert SimpleMovingAverage("fast", 10).name == "fast"
        assert SimpleMovingAverage(10, name="slow").name == "slow"
        assert RelativeStrengthIndex("rsi", 14, MovingAverageType.SIMPLE).average_gain.name == "rsiUp"

    @pytest.mark.parametrize(
        ("indicator", "name"),
        [
            (SimpleMovingAverage(14), "SMA(14)"),
            (ExponentialMovingAverage(14), "EMA(14)"),
            (WilderMovingAverage(14), "WWMA14"),
            (RelativeStrengthIndex(14), "RSI(14)"),
            (MovingAverageConvergenceDivergence(12, 26, 9), "MACD(12,26,9)"),
            (BollingerBands(20, 2.0), "BB(20,2.0)"),
            (AverageTrueRange(14), "ATR(14)"),
            (TrueRange(), "TR"),
            (Momentum(5), "MOM(5)"),
            (RateOfChange(5), "ROC(5)"),
            (StandardDeviation(5), "STD(5)"),
        ],
    )
    def test_default_names_are_leans(self, indicator: IndicatorBase[Any], name: str) -> None:
        assert indicator.name == name

    @pytest.mark.parametrize(
        ("value", "text"),
        [(0.0, "0.0"), (2.0, "2.0"), (1.23456789, "1.23457"), (-0.5, "-0.5"), (-0.000001, "0.0")],
    )
    def test_str_shows_one_to_five_decimals(self, value: float, text: str) -> None:
        identity = Identity("x")
        identity.update(datetime(2024, 1, 1), value)

        assert str(identity) == text
        assert repr(identity) == f"x - {text}"

    def test_indicator_converts_and_compares_as_its_current_value(self) -> None:
        low, high = Identity("low"), Identity("high")
        low.update(datetime(2024, 1, 1), 1.5)
        high.update(datetime(2024, 1, 1), 2.5)

        assert float(low) == 1.5
        assert f"{high:.2f}" == "2.50"
        assert low < high
        assert high >= low
        assert low > 1
        assert low <= 1.5
        assert low == 1.5 and low != high and low == low  # noqa: PLR0124
        assert low.current < high.current

    def test_window_keeps_more_history_when_resized(self) -> None:
        identity = Identity()
        identity.window.size = 5

        for value in range(1, 5):
            identity.update(datetime(2024, 1, value), value)

        assert [point.value for point in identity] == [4, 3, 2, 1, 0]
        assert identity[1] is not None and identity[1].value == 3
