"""Portfolio statistics and the summary built from recorded series."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from lean_core.statistics import (
    SUMMARY_KEYS,
    Candlestick,
    ChartPoint,
    ConstantRiskFreeRate,
    PortfolioStatistics,
    StatisticsSeries,
    build_summary,
    generate_statistics,
)
from lean_core.statistics.performance import rolling_period_ranges
from lean_core.statistics.portfolio_statistics import (
    compounding_annual_performance,
    compute_portfolio_statistics,
    drawdown_metrics,
)

DAY_ONE = datetime(2020, 1, 1, tzinfo=UTC)
RATE = ConstantRiskFreeRate(Decimal("0.01"))


def equity_curve(*values: str) -> list[tuple[datetime, Decimal]]:
    return [(DAY_ONE + timedelta(days=i), Decimal(v)) for i, v in enumerate(values)]


def series(equity: list[str], returns: list[str], benchmark: list[str]) -> StatisticsSeries:
    def points(values: list[str]) -> tuple[ChartPoint, ...]:
        return tuple(ChartPoint(DAY_ONE + timedelta(days=i), Decimal(v)) for i, v in enumerate(values))

    candles = tuple(
        Candlestick(DAY_ONE + timedelta(days=i), Decimal(v), Decimal(v), Decimal(v), Decimal(v))
        for i, v in enumerate(equity)
    )
    return StatisticsSeries(candles, points(returns), points(benchmark), ())


class TestDrawdownMetrics:
    def test_reports_the_deepest_fall_from_a_peak_and_its_recovery_days(self) -> None:
        curve = equity_curve("100", "110", "99", "104.5", "110", "120", "114")

        # 99/110 - 1 = -10%; back at the peak on day 4, three days after it; the last fall never recovers.
        drawdown, recovery = drawdown_metrics(curve, 3)

        assert (str(drawdown), recovery) == ("0.1", 3)

    def test_rounds_the_drawdown_half_even(self) -> None:
        assert drawdown_metrics(equity_curve("1000", "997.5"), 3) == (Decimal("0.002"), 0)

    def test_needs_two_samples(self) -> None:
        assert drawdown_metrics(equity_curve("100"), 3) == (Decimal(0), 0)


class TestComputePortfolioStatistics:
    def test_too_few_returns_fill_only_equity_and_turnover(self) -> None:
        result = compute_portfolio_statistics(
            [],
            equity_curve("100", "105"),
            [Decimal("0.1"), Decimal("0.2")],
            [0.01],
            [0.02],
            Decimal(100),
            RATE,
            252,
        )

        assert result == PortfolioStatistics(
            start_equity=Decimal(100), end_equity=Decimal(105), portfolio_turnover=Decimal("0.15")
        )

    def test_compounding_annual_return_uses_the_fraction_of_a_365_day_year(self) -> None:
        assert compounding_annual_performance(Decimal(100), Decimal(121), Decimal(2)) == Decimal("0.1")
        assert compounding_annual_performance(Decimal(0), Decimal(121), Decimal(2)) == Decimal(0)

    def test_returns_that_track_the_benchmark_have_beta_one_and_no_tracking_error(self) -> None:
        returns = [0.01, -0.02, 0.015, 0.003, -0.004]

        result = compute_portfolio_statistics(
            [], equity_curve("100", "101"), [], returns, returns, Decimal(100), RATE, 252
        )

        assert result.beta == Decimal(1)
        assert result.tracking_error == Decimal(0)
        assert result.information_ratio == Decimal(0)
        assert result.alpha == Decimal(0)


class TestGenerateStatistics:
    def test_no_equity_gives_no_summary(self) -> None:
        result = generate_statistics(StatisticsSeries((), (), (), ()), Decimal(100), [], Decimal(0), 0, RATE)

        assert result.summary == {}

    def test_misaligned_series_give_no_summary_as_in_lean(self) -> None:
        recorded = series(["100", "101", "102"], ["0", "1", "0.99"], ["1", "2"])

        assert generate_statistics(recorded, Decimal(100), [], Decimal(0), 0, RATE).summary == {}

    def test_short_backtests_print_zeros_with_leans_formats(self) -> None:
        recorded = series(["100", "101"], ["0", "1"], ["1", "2"])

        summary = generate_statistics(recorded, Decimal(100), [], Decimal(0), 0, RATE).summary

        assert list(summary) == list(SUMMARY_KEYS)
        assert summary["Net Profit"] == "0%"
        assert summary["Sharpe Ratio"] == "0"
        assert summary["End Equity"] == "101"
        assert summary["Total Fees"] == "$0.00"
        assert summary["Estimated Strategy Capacity"] == "$0"
        assert summary["Lowest Capacity Asset"] == ""

    def test_rolling_windows_are_keyed_by_period_and_end_date(self) -> None:
        recorded = series(["100", "101", "102"], ["0", "1", "0.99"], ["1", "2", "3"])

        rolling = generate_statistics(recorded, Decimal(100), [], Decimal(0), 0, RATE).rolling

        assert sorted(rolling) == ["M12_20200103", "M1_20200103", "M3_20200103", "M6_20200103"]


class TestRollingPeriodRanges:
    @pytest.mark.parametrize(
        ("months", "expected"),
        [
            (
                1,
                [
                    (date(2013, 10, 7), date(2013, 10, 31)),
                    (date(2013, 11, 1), date(2013, 11, 30)),
                    (date(2013, 12, 1), date(2013, 12, 15)),
                ],
            ),
            (
                3,
                [
                    (date(2013, 10, 7), date(2013, 10, 31)),
                    (date(2013, 10, 7), date(2013, 11, 30)),
                    (date(2013, 10, 7), date(2013, 12, 15)),
                ],
            ),
        ],
    )
    def test_windows_end_at_month_ends_and_start_no_earlier_than_the_backtest(
        self, months: int, expected: list[tuple[date, date]]
    ) -> None:
        assert rolling_period_ranges(months, date(2013, 10, 7), date(2013, 12, 15)) == expected


class TestBuildSummary:
    def test_prints_each_figure_with_leans_rounding(self) -> None:
        statistics = PortfolioStatistics(
            compounding_annual_return=Decimal("2.714532"),
            drawdown=Decimal("0.022"),
            start_equity=Decimal(100000),
            end_equity=Decimal("101691.9198"),
            alpha=Decimal("-0.0004"),
            information_ratio=Decimal("-19.0002"),
            win_rate=Decimal("0.6666"),
            portfolio_turnover=Decimal("0.199262"),
            drawdown_recovery=3,
        )

        summary = build_summary(statistics, Decimal("3.485"), 7, Decimal(56_123_456), "SPY R735QTJ8XC9X")

        assert [summary[key] for key in SUMMARY_KEYS] == [
            "7", "0%", "0%", "271.453%", "2.200%", "0", "100000", "101691.92", "0%", "0", "0", "0%",
            "0%", "67%", "0", "-0", "0", "0", "0", "-19", "0", "0", "$3.49", "$56000000.00",
            "SPY R735QTJ8XC9X", "19.93%", "3",
        ]  # fmt: skip


class TestPortfolioStatisticsJson:
    def test_values_are_strings_rounded_to_four_places_under_camel_case_keys(self) -> None:
        statistics = PortfolioStatistics(
            sharpe_ratio=Decimal("8.85371234"), value_at_risk_99=Decimal("-0.031")
        )

        result = statistics.to_json()

        assert list(result)[:3] == ["averageWinRate", "averageLossRate", "profitLossRatio"]
        assert list(result)[-3:] == ["valueAtRisk99", "valueAtRisk95", "drawdownRecovery"]
        assert (result["sharpeRatio"], result["valueAtRisk99"], result["drawdownRecovery"]) == (
            "8.8537",
            "-0.031",
            "0",
        )
