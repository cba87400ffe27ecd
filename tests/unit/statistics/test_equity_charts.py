"""The charts LEAN's result handler records: intraday equity candles and the daily samples."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lean_core.statistics import EquityChartRecorder
from lean_core.statistics.charts import resample_period_ticks

NEW_YORK = ZoneInfo("America/New_York")
START = date(2013, 10, 7)
START_MIDNIGHT_UTC = datetime(2013, 10, 7, 4, tzinfo=UTC)
OPEN_UTC = datetime(2013, 10, 7, 13, 31, tzinfo=UTC)


def recorder(start: date = START, end: date = date(2013, 10, 11)) -> EquityChartRecorder:
    return EquityChartRecorder(start, end, Decimal(100000), NEW_YORK)


def minutes(count: int) -> timedelta:
    return timedelta(minutes=count)


class TestResamplePeriod:
    @pytest.mark.parametrize(
        ("end", "ticks"),
        [
            (date(2013, 10, 11), 2_400_000_000),  # four minutes
            (date(2013, 10, 17), 2_400_000_000),
            # 3652 days / 4000 = 1314.72 minutes, less the missing last tick of 23:59:59.9999999.
            (date(2023, 10, 6), 788_831_999_999),
        ],
    )
    def test_is_four_minutes_or_a_4000th_of_the_backtest(self, end: date, ticks: int) -> None:
        assert resample_period_ticks(START, end) == ticks


class TestIntradaySampling:
    def test_first_step_samples_then_only_steps_after_the_period(self) -> None:
        charts = recorder()

        emitted = [charts.process_step(OPEN_UTC + minutes(i), Decimal(100000 + i)) for i in range(11)]

        # 13:31 samples; 13:35 is not after 13:31 + 4 min, 13:36 is; then 13:41.
        assert emitted == [True, False, False, False, False, True, False, False, False, False, True]

    def test_candle_spans_the_steps_since_the_last_sample_rounded_to_four_places(self) -> None:
        charts = recorder()
        charts.process_step(OPEN_UTC, Decimal("100000"))
        for offset, value in enumerate(["100010.00004", "99990.00005", "0", "100001.00015"], start=1):
            charts.process_step(OPEN_UTC + minutes(offset), Decimal(value))

        charts.process_step(OPEN_UTC + minutes(5), Decimal("100002"))
        candle = charts.statistics_series().equity[-1]

        assert (candle.open, candle.high, candle.low, candle.close) == (
            Decimal("100010"),
            Decimal("100010"),
            Decimal("99990"),
            Decimal("100002"),
        )

    def test_a_point_not_later_than_the_last_is_dropped(self) -> None:
        charts = recorder()
        charts.process_step(OPEN_UTC, Decimal(100000))

        charts.process_step(OPEN_UTC, Decimal(100100), force=True)

        assert len(charts.statistics_series().equity) == 1

    def test_nothing_is_recorded_while_warming_up(self) -> None:
        charts = recorder()
        charts.warming_up = True

        charts.process_step(OPEN_UTC, Decimal(100000))
        charts.sample_daily(START_MIDNIGHT_UTC + timedelta(days=1), Decimal(100000), Decimal(144), Decimal(0))

        assert charts.charts_json()["Strategy Equity"] == {
            "name": "Strategy Equity",
            "chartType": 0,
            "series": {
                "Equity": {"name": "Equity", "unit": "$", "index": 0, "seriesType": 2, "values": []},
                "Return": {
                    "name": "Return",
                    "unit": "%",
                    "index": 1,
                    "seriesType": 3,
                    "values": [],
                    "color": "",
                    "scatterMarkerSymbol": "none",
                },
            },
        }


class TestDailySample:
    def test_start_sample_records_the_starting_value_and_no_turnover(self) -> None:
        charts = recorder()

        charts.sample_daily(START_MIDNIGHT_UTC, Decimal(100000), Decimal("145.41290158800"), Decimal(0))
        series = charts.statistics_series()

        assert series.equity[0].close == Decimal(100000)
        assert series.benchmark[0].value == Decimal("145.4129")
        assert series.performance[0].value == Decimal(0)
        assert series.portfolio_turnover == ()

    def test_return_is_the_change_since_the_last_daily_sample_in_percent(self) -> None:
        charts = recorder()
        charts.sample_daily(START_MIDNIGHT_UTC, Decimal(100000), Decimal(1), Decimal(0))

        charts.sample_daily(
            START_MIDNIGHT_UTC + timedelta(days=1), Decimal("101234.56789"), Decimal(1), Decimal(0)
        )
        charts.sample_daily(START_MIDNIGHT_UTC + timedelta(days=2), Decimal("100000"), Decimal(1), Decimal(0))
        returns = [point.value for point in charts.statistics_series().performance]

        # 1.23456789% rounds to 1.234568; -1.2195...% is taken against the previous day's value.
        assert returns == [Decimal(0), Decimal("1.234568"), Decimal("-1.219512")]

    def test_drawdown_is_measured_from_the_highest_daily_value(self) -> None:
        charts = recorder()
        for day, value in enumerate(["100000", "102000", "99960"]):
            charts.sample_daily(
                START_MIDNIGHT_UTC + timedelta(days=day), Decimal(value), Decimal(1), Decimal(0)
            )

        values = [point.value for point in charts.drawdown.values]  # type: ignore[union-attr]

        assert values == [Decimal(0), Decimal(0), Decimal(-2)]

    def test_turnover_is_the_sale_volume_since_the_last_sample_over_the_portfolio_value(self) -> None:
        charts = recorder()
        charts.sample_daily(START_MIDNIGHT_UTC, Decimal(100000), Decimal(1), Decimal(0))
        day_two = START_MIDNIGHT_UTC + timedelta(days=1)

        charts.sample_daily(day_two, Decimal(100000), Decimal(1), Decimal(50000))
        charts.sample_daily(day_two + timedelta(days=1), Decimal(100000), Decimal(1), Decimal(60000))
        turnover = [point.value for point in charts.statistics_series().portfolio_turnover]

        assert turnover == [Decimal("0.5"), Decimal("0.1")]

    def test_a_second_sample_at_the_same_time_replaces_the_first_turnover(self) -> None:
        charts = recorder()
        day_two = START_MIDNIGHT_UTC + timedelta(days=1)
        charts.sample_daily(day_two, Decimal(100000), Decimal(1), Decimal(50000))

        charts.sample_daily(day_two, Decimal(100000), Decimal(1), Decimal(70000))

        assert [p.value for p in charts.statistics_series().portfolio_turnover] == [Decimal("0.7")]

    def test_finish_takes_one_equity_point_and_a_final_daily_sample(self) -> None:
        charts = recorder()
        charts.process_step(OPEN_UTC, Decimal(100000))
        close = OPEN_UTC + minutes(389)

        charts.process_step(close, Decimal(100500))
        charts.finish(close, Decimal(100500), Decimal(145), Decimal(0))
        series = charts.statistics_series()

        assert [point.time for point in series.equity] == [OPEN_UTC, close]
        assert series.performance[-1].time == close
        assert series.performance[-1].value == Decimal("0.5")


class TestChartsJson:
    def test_points_are_unix_seconds_and_values(self) -> None:
        charts = recorder()
        charts.sample_daily(START_MIDNIGHT_UTC, Decimal("100000.00"), Decimal("145.41290158800"), Decimal(0))

        result = charts.charts_json()

        assert result["Strategy Equity"]["series"]["Equity"]["values"] == [  # type: ignore[index,call-overload]
            [1381118400, Decimal(100000), Decimal(100000), Decimal(100000), Decimal(100000)]
        ]
        assert result["Benchmark"]["series"]["Benchmark"]["values"] == [  # type: ignore[index,call-overload]
            [1381118400, Decimal("145.4129")]
        ]
        assert set(result) == {"Strategy Equity", "Benchmark", "Drawdown"}


@settings(max_examples=100, deadline=None)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from([100000.0, 100000.5, 99999.25, 100123.0]), st.booleans()), max_size=60
    )
)
def test_per_step_float_values_chart_like_exact_steps(steps: list[tuple[float, bool]]) -> None:
    """Skipping repeated values gives the charts that updating on every step gives, daily samples included."""
    every, fast = recorder(), recorder()
    start = datetime(2013, 10, 7, 13, 31, tzinfo=UTC)
    for minute, (value, daily) in enumerate(steps):
        moment = start + timedelta(minutes=3 * minute)
        if daily:
            for chart in (every, fast):
                chart.sample_daily(moment, Decimal(100001), Decimal(150), Decimal(0))
        every.process_step(moment, Decimal(repr(value)))
        fast.process_step_value(int(moment.timestamp()) * 1_000_000_000, value)
    assert fast.charts_json() == every.charts_json()
