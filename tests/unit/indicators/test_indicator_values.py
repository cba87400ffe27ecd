"""Indicator values on small hand-checked series, and each family's particular rules."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from lean_core.data.bars import TradeBar
from lean_core.indicators import (
    AverageTrueRange,
    BollingerBands,
    ExponentialMovingAverage,
    IndicatorDataPoint,
    LinearWeightedMovingAverage,
    Momentum,
    MovingAverageConvergenceDivergence,
    MovingAverageType,
    RelativeStrengthIndex,
    SimpleMovingAverage,
    StandardDeviation,
    TrueRange,
    Variance,
    WilderMovingAverage,
    as_indicator,
)

START = datetime(2024, 1, 2)


def _feed(indicator: Any, values: list[float], first: int = 0) -> list[float]:
    """Update with `values` one second apart from second `first` on and return the value after each."""
    seen = []
    for offset, value in enumerate(values, start=first):
        indicator.update(START + timedelta(seconds=offset), value)
        seen.append(indicator.current.value)
    return seen


def _bar(offset: int, high: float, low: float, close: float) -> TradeBar:
    time = START + timedelta(days=offset)
    return TradeBar(None, time, time + timedelta(days=1), close, high, low, close, 0.0)  # type: ignore[arg-type]


class TestMovingAverages:
    def test_sma_is_the_mean_of_the_last_period_values(self) -> None:
        data = [1.0, 10.0, 100.0, 1000.0, 10000.0, 1234.0, 56789.0]

        seen = _feed(SimpleMovingAverage(4), data)

        expected = [sum(data[max(0, i - 3) : i + 1]) / min(i + 1, 4) for i in range(len(data))]
        assert seen == pytest.approx(expected, rel=1e-15)

    def test_sma_stays_exact_over_a_long_series(self) -> None:
        values = [100 + (i % 7) * 0.01 + i * 1e-4 for i in range(20_000)]

        seen = _feed(SimpleMovingAverage(3), values)

        assert seen[-1] == pytest.approx(sum(values[-3:]) / 3, abs=1e-12)

    def test_ema_starts_from_the_simple_average_then_smooths(self) -> None:
        values = [1.0, 10.0, 100.0, 1000.0, 2000.0, 3000.0, 4000.0, 5000.0]
        k = 2 / 5

        seen = _feed(ExponentialMovingAverage(4), values)

        expected = [0.0, 0.0, 0.0, sum(values[:4]) / 4]
        for value in values[4:]:
            expected.append(value * k + expected[-1] * (1 - k))
        assert seen == pytest.approx(expected)

    def test_ema_takes_a_custom_smoothing_factor(self) -> None:
        ema = ExponentialMovingAverage(2, 0.5)

        seen = _feed(ema, [2.0, 4.0, 8.0])

        assert ema.name == "EMA(2,0.5)"
        assert seen == [0.0, 3.0, 5.5]

    def test_wilders_average_smooths_with_one_over_period(self) -> None:
        seen = _feed(WilderMovingAverage(3), [3.0, 6.0, 9.0, 12.0])

        assert seen == pytest.approx([3.0, 4.5, 6.0, 8.0])

    @pytest.mark.parametrize("period", [1, 2, 3, 4, 5])
    def test_lwma_weights_the_newest_value_most(self, period: int) -> None:
        values = [77.0, 79.0, 79.0, 81.0, 83.0][:period]
        expected = sum((i + 1) * value for i, value in enumerate(values)) / sum(range(1, period + 1))

        seen = _feed(LinearWeightedMovingAverage(period), values)

        assert seen[-1] == pytest.approx(expected)

    @pytest.mark.parametrize(
        ("moving_average_type", "class_name"),
        [
            (MovingAverageType.SIMPLE, "SimpleMovingAverage"),
            (MovingAverageType.EXPONENTIAL, "ExponentialMovingAverage"),
            (MovingAverageType.WILDERS, "WilderMovingAverage"),
            (MovingAverageType.LINEAR_WEIGHTED_MOVING_AVERAGE, "LinearWeightedMovingAverage"),
            (MovingAverageType.DOUBLE_EXPONENTIAL, "DoubleExponentialMovingAverage"),
            (MovingAverageType.TRIPLE_EXPONENTIAL, "TripleExponentialMovingAverage"),
            (MovingAverageType.TRIANGULAR, "TriangularMovingAverage"),
            (MovingAverageType.HULL, "HullMovingAverage"),
            (MovingAverageType.T3, "T3MovingAverage"),
            (MovingAverageType.KAMA, "KaufmanAdaptiveMovingAverage"),
            (MovingAverageType.ALMA, "ArnaudLegouxMovingAverage"),
            (MovingAverageType.ZLEMA, "ZeroLagExponentialMovingAverage"),
            (MovingAverageType.MGD, "McGinleyDynamic"),
        ],
    )
    def test_moving_average_type_builds_its_average(
        self, moving_average_type: MovingAverageType, class_name: str
    ) -> None:
        indicator = moving_average_type.as_indicator(4, "named")

        assert type(indicator).__name__ == class_name
        assert indicator.name == "named"
        assert type(as_indicator(moving_average_type, 4)).__name__ == class_name

    def test_every_moving_average_type_builds_an_indicator(self) -> None:
        built = {kind: kind.as_indicator(6) for kind in MovingAverageType}

        assert all(indicator.warm_up_period > 0 for indicator in built.values())


class TestMomentum:
    def test_momentum_measures_from_the_first_value_until_ready(self) -> None:
        seen = _feed(Momentum(5), [0.0, 1.0, 2.0, 3.0, 4.0, 10.0])

        assert seen == [0.0, 1.0, 2.0, 3.0, 4.0, 10.0]

    def test_rsi_is_100_when_there_are_no_losses(self) -> None:
        seen = _feed(RelativeStrengthIndex(2), [1.0, 2.0, 3.0])

        assert seen[-1] == 100.0

    def test_rsi_stays_in_range_when_its_average_dips_below_zero(self) -> None:
        rsi = RelativeStrengthIndex(14, MovingAverageType.DOUBLE_EXPONENTIAL)

        seen = _feed(rsi, [101.0, 103.0] + [102.0] * 500)

        assert all(0 <= value <= 100 for value in seen)

    def test_rsi_reset_clears_its_averages(self) -> None:
        rsi = RelativeStrengthIndex(2)
        _feed(rsi, [1.0, 2.0])
        assert not rsi.is_ready

        rsi.reset()

        assert (rsi.samples, rsi.average_gain.samples, rsi.average_loss.samples) == (0, 0, 0)

    @pytest.mark.parametrize(("fast", "slow"), [(3, 3), (4, 3)])
    def test_macd_fast_period_must_be_below_slow(self, fast: int, slow: int) -> None:
        with pytest.raises(ValueError, match="fast_period must be less than slow_period"):
            MovingAverageConvergenceDivergence(fast, slow, 2)

    def test_macd_sub_indicators_warm_up_in_turn(self) -> None:
        macd = MovingAverageConvergenceDivergence(3, 4, 2)
        values = [float(i) for i in range(macd.warm_up_period)]

        _feed(macd, values[:3])
        assert macd.fast.is_ready and not macd.slow.is_ready
        _feed(macd, values[3:4], first=3)
        assert macd.slow.is_ready and not macd.signal.is_ready and not macd.histogram.is_ready
        _feed(macd, values[4:], first=4)

        assert macd.warm_up_period == 5
        assert macd.is_ready and macd.signal.is_ready and macd.histogram.is_ready
        assert macd.histogram.current.value == pytest.approx(macd.current.value - macd.signal.current.value)


class TestVolatility:
    def test_standard_deviation_is_the_population_deviation(self) -> None:
        seen = _feed(StandardDeviation(3), [1.0, -1.0, 1.0, -2.0, 3.0])

        assert seen == pytest.approx([0.0, 1.0, 0.942809041582063, 1.24721912892465, 2.05480466765633])

    def test_variance_of_identical_values_is_exactly_zero(self) -> None:
        seen = _feed(Variance(4), [0.1, 0.7, 0.3, 1.1, 1.1, 1.1, 1.1, 1.1, 1.1])

        assert seen[-1] == 0.0
        assert seen[-2] == 0.0

    def test_true_range_reaches_back_to_the_previous_close(self) -> None:
        true_range = TrueRange()

        true_range.update(_bar(0, high=3.0, low=0.5, close=2.75))
        assert true_range.current.value == 2.5 and not true_range.is_ready
        true_range.update(_bar(1, high=5.0, low=4.0, close=4.5))

        assert true_range.current.value == 2.25
        assert true_range.is_ready

    def test_atr_true_range_is_ready_after_two_bars(self) -> None:
        atr = AverageTrueRange(14, MovingAverageType.SIMPLE)

        atr.update(_bar(0, 3.0, 0.5, 2.75))
        assert not atr.true_range.is_ready
        atr.update(_bar(1, 3.0, 0.5, 2.75))

        assert atr.true_range.is_ready
        assert atr.true_range.name == "ATR(14)"

    def test_bollinger_bands_and_sub_indicators_are_ready_together(self) -> None:
        bands = BollingerBands(2, 2.0)

        _feed(bands, [1.0])
        assert not bands.is_ready
        _feed(bands, [2.0], first=1)

        subs = [bands.standard_deviation, bands.middle_band, bands.lower_band, bands.upper_band]
        assert all(sub.is_ready for sub in [bands, *subs, bands.band_width, bands.percent_b])
        assert bands.upper_band.current.value == pytest.approx(1.5 + 2 * 0.5)
        assert bands.band_width.current.value == pytest.approx(2.0 / 1.5 * 100)
        assert bands.percent_b.current.value == pytest.approx(0.75)

    def test_bollinger_bands_update_each_band_once_per_input(self) -> None:
        bands = BollingerBands(2, 2.0)
        counts = {"lower": 0, "upper": 0}
        bands.lower_band.updated += lambda sender, point: counts.__setitem__("lower", counts["lower"] + 1)
        bands.upper_band.updated += lambda sender, point: counts.__setitem__("upper", counts["upper"] + 1)

        _feed(bands, [1.0])

        assert counts == {"lower": 1, "upper": 1}

    def test_bollinger_bands_do_not_update_while_the_deviation_is_zero(self) -> None:
        bands = BollingerBands(5, 2.0)
        updates: list[IndicatorDataPoint] = []
        bands.updated += lambda sender, point: updates.append(point)
        _feed(bands, [1.0] * 5)
        ready_updates = len(updates)

        bands.update(START + timedelta(minutes=1), 1.0)
        assert len(updates) == ready_updates
        assert bands.percent_b.samples == 6
        bands.update(START + timedelta(minutes=2), 2.0)

        assert len(updates) == ready_updates + 1
        assert updates[-1].time == START + timedelta(minutes=2)
