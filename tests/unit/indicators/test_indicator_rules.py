"""Indicator rules without a reference file: bad inputs, edge cases and LEAN's hand-checked values."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

import pytest

from lean_core.data.bars import Bar, QuoteBar, Tick, TradeBar
from lean_core.enums import TickType
from lean_core.indicators import (
    ArnaudLegouxMovingAverage,
    FractalAdaptiveMovingAverage,
    IndicatorDataPoint,
    IndicatorInputError,
    IntradayVwap,
    LeastSquaresMovingAverage,
    LogReturn,
    Maximum,
    MeanAbsoluteDeviation,
    Minimum,
    MoneyFlowIndex,
    OnBalanceVolume,
    RelativeVigorIndex,
    SharpeRatio,
    SimpleMovingAverage,
    SortinoRatio,
    Stochastic,
    TargetDownsideDeviation,
    TimeSeriesForecast,
    TrueRange,
    ZeroLagExponentialMovingAverage,
)

START = datetime(2024, 1, 2)


def _feed(indicator: Any, values: list[float]) -> list[float]:
    seen = []
    for day, value in enumerate(values):
        indicator.update(START + timedelta(days=day), value)
        seen.append(indicator.current.value)
    return seen


def _trade_bar(
    minutes: int, ohlc: tuple[float, float, float, float], volume: float, **kwargs: Any
) -> TradeBar:
    time = START + timedelta(minutes=minutes)
    open_, high, low, close = ohlc
    return TradeBar(None, time, time + timedelta(minutes=1), open_, high, low, close, volume, **kwargs)  # type: ignore[arg-type]


class TestBadInputs:
    @pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
    def test_a_non_finite_value_is_refused_and_not_counted(self, value: float) -> None:
        sma = SimpleMovingAverage(3)

        with pytest.raises(IndicatorInputError, match="finite") as raised:
            sma.update(START, value)

        assert sma.samples == 0
        assert raised.value.indicator == "SMA(3)"

    def test_a_bar_with_a_non_finite_price_is_refused(self) -> None:
        true_range = TrueRange()

        with pytest.raises(IndicatorInputError):
            true_range.update(_trade_bar(0, (1.0, math.nan, 1.0, 1.0), 10))

        assert true_range.samples == 0

    def test_a_volume_indicator_refuses_quote_bars(self) -> None:
        quote = QuoteBar(None, START, START + timedelta(minutes=1), Bar(1, 2, 1, 2), Bar(1, 2, 1, 2))  # type: ignore[arg-type]

        with pytest.raises(TypeError, match="trade bars"):
            OnBalanceVolume().update(quote)

    def test_a_volume_indicator_refuses_a_time_and_value(self) -> None:
        with pytest.raises(TypeError, match="update"):
            MoneyFlowIndex(3).update(START, 1.0)

    def test_a_log_return_between_prices_of_opposite_sign_is_refused(self) -> None:
        log_return = LogReturn(1)
        log_return.update(START, 2.0)

        with pytest.raises(IndicatorInputError, match="one sign"):
            log_return.update(START + timedelta(days=1), -1.0)

    def test_a_log_return_from_a_zero_price_reads_zero_as_in_lean(self) -> None:
        assert _feed(LogReturn(1), [0.0, 5.0]) == [0.0, 0.0]

    @pytest.mark.parametrize(
        ("create", "message"),
        [
            (lambda: TimeSeriesForecast(1), "at least 2"),
            (lambda: ArnaudLegouxMovingAverage(9, 6, 1.5), "offset"),
            (lambda: FractalAdaptiveMovingAverage(15), "even"),
        ],
    )
    def test_invalid_parameters_are_refused(self, create: Any, message: str) -> None:
        with pytest.raises(ValueError, match=message):
            create()


class TestWindows:
    def test_maximum_tracks_how_long_ago_it_came(self) -> None:
        maximum = Maximum(3)

        seen = []
        for value in [5.0, 3.0, 4.0, 2.0, 1.0]:
            _feed_one(maximum, value)
            seen.append((maximum.current.value, maximum.periods_since_maximum))

        # the 5 leaves the window at the fourth value: the 4 one input back takes over
        assert seen == [(5.0, 0), (5.0, 1), (5.0, 2), (4.0, 1), (4.0, 2)]

    def test_minimum_tracks_how_long_ago_it_came(self) -> None:
        minimum = Minimum(2)

        for value in [1.0, 3.0, 2.0]:
            _feed_one(minimum, value)

        assert (minimum.current.value, minimum.periods_since_minimum) == (2.0, 0)


def _feed_one(indicator: Any, value: float) -> None:
    indicator.update(START + timedelta(days=indicator.samples), value)


class TestLeanHandCheckedValues:
    def test_lsma_matches_leans_aapl_minute_values(self) -> None:
        prices = [125.99, 125.91, 125.75, 125.62, 125.54, 125.45, 125.47, 125.4, 125.43, 125.45]
        prices += [125.42, 125.36, 125.23, 125.32, 125.26, 125.31, 125.41, 125.5, 125.51, 125.41]
        prices += [125.54, 125.51, 125.61, 125.43, 125.42]
        expected = [125.2679, 125.328, 125.381, 125.4423, 125.4591, 125.4689]

        seen = _feed(LeastSquaresMovingAverage(20), prices)

        assert seen[:19] == prices[:19]
        assert [round(value, 4) for value in seen[19:]] == expected

    def test_mean_absolute_deviation_matches_leans_values(self) -> None:
        seen = _feed(MeanAbsoluteDeviation(3), [1.0, -1.0, 1.0, -2.0, 3.0])

        assert seen[:2] == [0.0, 1.0]
        assert seen[2:] == pytest.approx([0.888888888888889, 1.111111111111111, 1.777777777777778])

    def test_target_downside_deviation_is_zero_without_losses(self) -> None:
        assert set(_feed(TargetDownsideDeviation(3), [float(i) for i in range(20)])) == {0.0}

    def test_sortino_matches_the_cme_group_example(self) -> None:
        returns = [0.17, 0.15, 0.23, -0.05, 0.12, 0.09, 0.13, -0.04]
        values = [1.0]
        for annual in returns:
            values.append(values[-1] * (1 + annual))

        seen = _feed(SortinoRatio(len(returns)), values)

        assert float(f"{seen[-1]:.4g}") == 4.417

    def test_sharpe_of_a_constant_price_is_zero(self) -> None:
        assert _feed(SharpeRatio(10), [100000.0] * 20)[-1] == 0.0

    def test_stochastic_is_zero_while_high_equals_low(self) -> None:
        stochastic = Stochastic(2, 2, 2)

        for minute in range(4):
            stochastic.update(_trade_bar(minute, (1.0, 1.0, 1.0, 1.0), 1))
            assert stochastic.current.value == 0.0

    def test_rvi_of_flat_bars_is_zero_and_its_signal_keeps_updating(self) -> None:
        rvi = RelativeVigorIndex(10)

        for minute in range(30):
            rvi.update(_trade_bar(minute, (105.0, 105.0, 105.0, 105.0), 1000))

        assert rvi.current.value == 0.0
        assert rvi.signal.samples == 18

    def test_zlema_warms_up_over_period_and_half_the_lag(self) -> None:
        assert ZeroLagExponentialMovingAverage(5).warm_up_period == 7


class TestIntradayVwap:
    def _session(self, day_offset: int = 0) -> list[TradeBar]:
        start = day_offset * 24 * 60 + 10 * 60
        bars = [((100, 102, 99, 101), 100), ((101, 104, 100, 103), 300), ((103, 106, 102, 105), 200)]
        return [_trade_bar(start + 60 * i, ohlc, volume) for i, (ohlc, volume) in enumerate(bars)]  # type: ignore[arg-type]

    def test_vwap_weighs_typical_prices_by_volume_within_the_day(self) -> None:
        vwap = IntradayVwap()
        for bar in self._session():
            vwap.update(bar)

        typical = [(102 + 99 + 101) / 3, (104 + 100 + 103) / 3, (106 + 102 + 105) / 3]
        expected = (typical[0] * 100 + typical[1] * 300 + typical[2] * 200) / 600
        assert vwap.current.value == pytest.approx(expected)

    def test_vwap_starts_again_each_day(self) -> None:
        vwap = IntradayVwap()
        for bar in self._session():
            vwap.update(bar)
        first_of_next_day = self._session(day_offset=1)[0]

        vwap.update(first_of_next_day)

        assert vwap.current.value == pytest.approx((102 + 99 + 101) / 3)

    def test_vwap_counts_but_ignores_fill_forward_bars_and_quote_ticks(self) -> None:
        vwap = IntradayVwap()
        vwap.update(self._session()[0])
        value = vwap.current.value

        vwap.update(_trade_bar(10 * 60 + 5, (1.0, 1.0, 1.0, 1.0), 1000, is_fill_forward=True))
        vwap.update(Tick(None, START + timedelta(hours=11), TickType.QUOTE, value=1.0))  # type: ignore[arg-type]

        assert vwap.samples == 3
        assert vwap.current.value == value

    def test_vwap_takes_trade_ticks(self) -> None:
        vwap = IntradayVwap()

        vwap.update(Tick(None, START, TickType.TRADE, value=10.0, quantity=1))  # type: ignore[arg-type]
        vwap.update(Tick(None, START + timedelta(seconds=1), TickType.TRADE, value=13.0, quantity=2))  # type: ignore[arg-type]

        assert vwap.current.value == pytest.approx(12.0)
        assert isinstance(vwap.current, IndicatorDataPoint)
