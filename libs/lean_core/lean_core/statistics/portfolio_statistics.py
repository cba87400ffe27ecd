"""LEAN's portfolio statistics: returns, risk and drawdown from the recorded equity series.

This mirrors `PortfolioStatistics` in LEAN: ratios are computed in doubles over daily returns
(fractions) and stored as C# decimals, while equity-based figures stay in decimal arithmetic.
Annualisation is geometric: (1 + mean daily return)^tradingDaysPerYear - 1.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from lean_core.statistics import dotnet
from lean_core.statistics import sample_statistics as stats
from lean_core.statistics.formatting import format_decimal
from lean_core.statistics.risk_free import RiskFreeInterestRateModel, average_risk_free_rate
from lean_core.statistics.trades import TradeRecord, win_loss_statistics

__all__ = [
    "PortfolioStatistics",
    "compounding_annual_performance",
    "compute_portfolio_statistics",
    "drawdown_metrics",
    "total_days",
]

logger = logging.getLogger(__name__)

_ZERO = Decimal(0)
_ONE = Decimal(1)
_DAYS_PER_YEAR = Decimal(365)
_TICKS_PER_DAY = 864_000_000_000


@dataclass(frozen=True, slots=True)
class PortfolioStatistics:
    """Every figure of LEAN's `PortfolioStatistics`, as fractions (not percentages)."""

    average_win_rate: Decimal = _ZERO
    average_loss_rate: Decimal = _ZERO
    profit_loss_ratio: Decimal = _ZERO
    win_rate: Decimal = _ZERO
    loss_rate: Decimal = _ZERO
    expectancy: Decimal = _ZERO
    start_equity: Decimal = _ZERO
    end_equity: Decimal = _ZERO
    compounding_annual_return: Decimal = _ZERO
    drawdown: Decimal = _ZERO
    total_net_profit: Decimal = _ZERO
    sharpe_ratio: Decimal = _ZERO
    probabilistic_sharpe_ratio: Decimal = _ZERO
    sortino_ratio: Decimal = _ZERO
    alpha: Decimal = _ZERO
    beta: Decimal = _ZERO
    annual_standard_deviation: Decimal = _ZERO
    annual_variance: Decimal = _ZERO
    information_ratio: Decimal = _ZERO
    tracking_error: Decimal = _ZERO
    treynor_ratio: Decimal = _ZERO
    portfolio_turnover: Decimal = _ZERO
    value_at_risk_99: Decimal = _ZERO
    value_at_risk_95: Decimal = _ZERO
    drawdown_recovery: int = 0

    def to_json(self) -> dict[str, str]:
        """Return the result file's "portfolioStatistics": camelCase keys, values as 4-decimal strings."""
        result = {}
        for item in fields(self):
            head, *rest = item.name.split("_")
            key = head + "".join(part.capitalize() for part in rest)
            result[key] = format_decimal(dotnet.math_round(Decimal(getattr(self, item.name)), 4))
        return result


def total_days(start: datetime, end: datetime) -> float:
    """Return `(end - start).TotalDays` as .NET computes it: ticks over ticks per day, in double."""
    delta = end - start
    ticks = (delta.days * 86_400 + delta.seconds) * 10_000_000 + delta.microseconds * 10
    return ticks / _TICKS_PER_DAY


def compounding_annual_performance(start: Decimal, end: Decimal, years: Decimal) -> Decimal:
    """Return (end / start)^(1 / years) - 1 in doubles; 0 when undefined (LEAN's CAGR)."""
    if years == 0 or start == 0:
        return _ZERO
    exponent = 1 / dotnet.double_from_decimal(years)
    base = dotnet.double_from_decimal(end) / dotnet.double_from_decimal(start)
    result = stats.power(base, exponent) - 1
    return _ZERO if not math.isfinite(result) else dotnet.safe_decimal_cast(result)


def drawdown_metrics(equity: Sequence[tuple[datetime, Decimal]], rounding: int = 2) -> tuple[Decimal, int]:
    """Return the largest drawdown (a fraction, rounded) and the longest recovery in whole days.

    A peak is replaced by any value at or above it; recovery runs from the peak's time to the
    first value back at or above it, and a drawdown never recovered is not counted.
    """
    if len(equity) < 2:
        return _ZERO, 0
    try:
        return _drawdown_metrics(equity, rounding)
    except ArithmeticError:
        logger.exception("drawdown metrics failed")
        return _ZERO, 0


def _drawdown_metrics(equity: Sequence[tuple[datetime, Decimal]], rounding: int) -> tuple[Decimal, int]:
    deepest = _ZERO
    longest_recovery = _ZERO
    peak_time, peak = equity[0]
    drawdown_start: datetime | None = None
    for moment, value in equity:
        if value >= peak:
            if drawdown_start is not None:
                days = dotnet.decimal_from_double(total_days(drawdown_start, moment))
                longest_recovery = max(longest_recovery, days)
                drawdown_start = None
            peak, peak_time = value, moment
        # value / peak - 1 can only be negative below the peak: skip the division otherwise.
        current = dotnet.subtract(dotnet.divide(value, peak), _ONE) if value < peak else _ZERO
        if current < 0:
            deepest = min(deepest, current)
            drawdown_start = drawdown_start or peak_time
    return dotnet.math_round(abs(deepest), rounding), int(longest_recovery)


def _annual_variance(values: Sequence[float], trading_days: float) -> float:
    value = stats.variance(values)
    return 0.0 if math.isnan(value) or value == 0 else value * trading_days


def _annual_performance(values: Sequence[float], trading_days: int) -> Decimal:
    result = stats.power(stats.linq_average(values) + 1, trading_days) - 1
    return dotnet.safe_decimal_cast(result)


def _sharpe(performance: Decimal, deviation: Decimal, risk_free: Decimal) -> Decimal:
    deviation_double = dotnet.double_from_decimal(deviation)
    if deviation_double == 0:
        return _ZERO
    excess = dotnet.double_from_decimal(performance) - dotnet.double_from_decimal(risk_free)
    return dotnet.safe_decimal_cast(excess / deviation_double)


def _safe_division(numerator: Decimal, denominator: Decimal) -> Decimal:
    if denominator == 0:
        return _ZERO
    try:
        return dotnet.divide(numerator, denominator)
    except ArithmeticError:
        return _ZERO


def _probabilistic_sharpe_ratio(values: Sequence[float], benchmark_ratio: float, risk_free: float) -> float:
    """Return the PSR: the chance the true (daily) Sharpe ratio beats `benchmark_ratio`."""
    deviation = stats.standard_deviation(values)
    mean = stats.linq_average(values) - risk_free
    observed = 0.0 if math.isnan(deviation) or deviation == 0 else mean / deviation
    skew = stats.skewness(values)
    excess_kurtosis = stats.kurtosis(values)
    spread = 1 - skew * observed + (excess_kurtosis - 1) / 4 * stats.power(observed, 2)
    estimate = stats.power(spread / (len(values) - 1), 0.5)
    if math.isnan(estimate):
        return 0.0
    return stats.normal_cdf(0.0 if estimate == 0 else (observed - benchmark_ratio) / estimate)


def _value_at_risk(values: Sequence[float], lookback: int, confidence: float) -> Decimal:
    window = values[-lookback:]
    mean, deviation = stats.running_mean(window), stats.standard_deviation(window)
    quantile = stats.normal_inverse_cdf(mean, deviation, 1 - confidence)
    return dotnet.math_round(dotnet.decimal_from_double(quantile), 3)


def compute_portfolio_statistics(
    profit_loss: Sequence[TradeRecord],
    equity: Sequence[tuple[datetime, Decimal]],
    portfolio_turnover: Sequence[Decimal],
    performance: Sequence[float],
    benchmark: Sequence[float],
    starting_capital: Decimal,
    risk_free_model: RiskFreeInterestRateModel,
    trading_days_per_year: int,
    win_count: int | None = None,
    loss_count: int | None = None,
) -> PortfolioStatistics:
    """Return LEAN's portfolio statistics.

    `equity` is (UTC time, equity close) in time order; `performance` the daily returns and
    `benchmark` the benchmark's daily changes (fractions, already trimmed and aligned);
    `portfolio_turnover` the daily turnover samples. Only start/end equity and turnover are
    filled unless the capital is non-zero and both return lists hold two values or more.
    """
    result = PortfolioStatistics(
        start_equity=starting_capital,
        end_equity=equity[-1][1] if equity else _ZERO,
        portfolio_turnover=_decimal_average(portfolio_turnover),
    )
    if starting_capital == 0 or len(benchmark) < 2 or len(performance) < 2:
        return result
    trades = win_loss_statistics(profit_loss, starting_capital, win_count, loss_count)
    result = replace(
        result,
        average_win_rate=trades.average_win_rate,
        average_loss_rate=trades.average_loss_rate,
        profit_loss_ratio=trades.profit_loss_ratio,
        win_rate=trades.win_rate,
        loss_rate=trades.loss_rate,
        expectancy=trades.expectancy,
    )
    result = replace(result, **_equity_figures(equity, starting_capital))
    return replace(
        result, **_return_figures(performance, benchmark, equity, risk_free_model, trading_days_per_year)
    )


def _decimal_average(values: Sequence[Decimal]) -> Decimal:
    if not values:
        return _ZERO
    total = values[0]
    for value in values[1:]:
        total = dotnet.add(total, value)
    return dotnet.divide(total, Decimal(len(values)))


def _equity_figures(equity: Sequence[tuple[datetime, Decimal]], starting_capital: Decimal) -> dict[str, Any]:
    first_time, last_time = equity[0][0], equity[-1][0]
    last = equity[-1][1]
    years = dotnet.divide(dotnet.decimal_from_double(total_days(first_time, last_time)), _DAYS_PER_YEAR)
    drawdown, recovery = drawdown_metrics(equity, 3)
    return {
        "total_net_profit": dotnet.subtract(dotnet.divide(last, starting_capital), _ONE),
        "compounding_annual_return": compounding_annual_performance(starting_capital, last, years),
        "drawdown": drawdown,
        "drawdown_recovery": recovery,
    }


def _return_figures(
    performance: Sequence[float],
    benchmark: Sequence[float],
    equity: Sequence[tuple[datetime, Decimal]],
    risk_free_model: RiskFreeInterestRateModel,
    trading_days: int,
) -> dict[str, Any]:
    annual_variance = dotnet.safe_decimal_cast(_annual_variance(performance, trading_days))
    annual_deviation = dotnet.decimal_from_double(math.sqrt(dotnet.double_from_decimal(annual_variance)))
    annual = _annual_performance(performance, trading_days)
    risk_free = average_risk_free_rate(risk_free_model, (moment for moment, _ in equity))
    downside = [value for value in performance if value < 0]
    downside_deviation = dotnet.safe_decimal_cast(math.sqrt(_annual_variance(downside, trading_days)))
    psr = _probabilistic_sharpe_ratio(
        performance, 1.0 / math.sqrt(trading_days), dotnet.double_from_decimal(risk_free) / trading_days
    )
    return {
        "annual_variance": annual_variance,
        "annual_standard_deviation": annual_deviation,
        "sharpe_ratio": _sharpe(annual, annual_deviation, risk_free),
        "sortino_ratio": _sharpe(annual, downside_deviation, risk_free),
        "probabilistic_sharpe_ratio": dotnet.safe_decimal_cast(psr),
        "value_at_risk_99": _value_at_risk(performance, trading_days, 0.99),
        "value_at_risk_95": _value_at_risk(performance, trading_days, 0.95),
        **_benchmark_figures(performance, benchmark, annual, risk_free, trading_days),
    }


def _benchmark_figures(
    performance: Sequence[float],
    benchmark: Sequence[float],
    annual: Decimal,
    risk_free: Decimal,
    trading_days: int,
) -> dict[str, Any]:
    """Return beta, alpha, tracking error, information and Treynor ratios against the benchmark."""
    benchmark_annual = _annual_performance(benchmark, trading_days)
    benchmark_variance = stats.variance(benchmark)
    beta = _ZERO
    if not math.isnan(benchmark_variance) and benchmark_variance != 0:
        beta = dotnet.decimal_from_double(stats.covariance(performance, benchmark) / benchmark_variance)
    tracking = 0.0
    if len(performance) == len(benchmark):
        differences = [a - b for a, b in zip(performance, benchmark, strict=True)]
        tracking = math.sqrt(_annual_variance(differences, trading_days))
    tracking_error = dotnet.decimal_from_double(tracking)
    as_double = dotnet.double_from_decimal
    excess_over_benchmark = dotnet.safe_decimal_cast(as_double(annual) - as_double(benchmark_annual))
    excess_over_risk_free = dotnet.safe_decimal_cast(as_double(annual) - as_double(risk_free))
    return {
        "beta": beta,
        "alpha": _alpha(annual, benchmark_annual, risk_free, beta),
        "tracking_error": tracking_error,
        "information_ratio": _safe_division(excess_over_benchmark, tracking_error),
        "treynor_ratio": _safe_division(excess_over_risk_free, beta),
    }


def _alpha(annual: Decimal, benchmark_annual: Decimal, risk_free: Decimal, beta: Decimal) -> Decimal:
    if beta == 0:
        return _ZERO
    expected = dotnet.add(risk_free, dotnet.multiply(beta, dotnet.subtract(benchmark_annual, risk_free)))
    return dotnet.subtract(annual, expected)
