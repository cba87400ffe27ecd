"""LEAN's statistics builder: from recorded charts to the printed summary and runtime statistics.

The recorded series are first aligned as LEAN aligns them: daily returns become fractions with
the first two dropped (the start-of-backtest sample and the first day, where market-on-open
orders would skew the comparison), and benchmark values become daily changes with the first
change dropped. Both lists must then have the same length.
"""

from __future__ import annotations

import bisect
import itertools
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from lean_core.statistics import dotnet
from lean_core.statistics.charts import Candlestick, ChartPoint, StatisticsSeries
from lean_core.statistics.formatting import (
    format_capacity,
    format_decimal,
    format_fixed,
    format_money_n2,
    format_percent_p,
    percent_text,
    ratio_text,
    round_half_even,
)
from lean_core.statistics.portfolio_statistics import PortfolioStatistics, compute_portfolio_statistics
from lean_core.statistics.risk_free import RiskFreeInterestRateModel
from lean_core.statistics.trades import TradeRecord

__all__ = [
    "SUMMARY_KEYS",
    "StatisticsResults",
    "build_summary",
    "generate_statistics",
    "rolling_period_ranges",
    "runtime_statistics",
]

logger = logging.getLogger(__name__)

SUMMARY_KEYS = (
    "Total Orders",
    "Average Win",
    "Average Loss",
    "Compounding Annual Return",
    "Drawdown",
    "Expectancy",
    "Start Equity",
    "End Equity",
    "Net Profit",
    "Sharpe Ratio",
    "Sortino Ratio",
    "Probabilistic Sharpe Ratio",
    "Loss Rate",
    "Win Rate",
    "Profit-Loss Ratio",
    "Alpha",
    "Beta",
    "Annual Standard Deviation",
    "Annual Variance",
    "Information Ratio",
    "Tracking Error",
    "Treynor Ratio",
    "Total Fees",
    "Estimated Strategy Capacity",
    "Lowest Capacity Asset",
    "Portfolio Turnover",
    "Drawdown Recovery",
)

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_ROLLING_MONTHS = (1, 3, 6, 12)


@dataclass(frozen=True, slots=True)
class StatisticsResults:
    """The whole-backtest statistics, the rolling windows ("M1_20131031" ...) and the printed summary."""

    total: PortfolioStatistics = field(default_factory=PortfolioStatistics)
    rolling: dict[str, PortfolioStatistics] = field(default_factory=dict)
    summary: dict[str, str] = field(default_factory=dict)


def _naive_utc(moment: datetime) -> datetime:
    """Return the moment as a naive UTC datetime (aware ones are converted)."""
    return moment if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)


class _Timeline:
    """A recorded series with each point's UTC date worked out once, for cutting into periods."""

    def __init__(self, points: Iterable[ChartPoint | Candlestick]) -> None:
        self.times: list[datetime] = []
        self.values: list[Decimal] = []
        for point in points:
            self.times.append(_naive_utc(point.time))
            self.values.append(point.close if isinstance(point, Candlestick) else point.value)
        self.days = [moment.date() for moment in self.times]
        self._sorted = all(a <= b for a, b in itertools.pairwise(self.days))

    def between(self, first: date, last: date) -> list[tuple[datetime, Decimal]]:
        """Return (time, value) by time, one per time (the last wins), as LEAN cuts a period.

        Like LEAN, points dated before `first` are skipped and the first one after `last` ends the cut.
        """
        start = bisect.bisect_left(self.days, first) if self._sorted else 0
        values: dict[datetime, Decimal] = {}
        for index in range(start, len(self.days)):
            day = self.days[index]
            if day < first:
                continue
            if day > last:
                break
            values[self.times[index]] = self.values[index]
        return sorted(values.items())


@dataclass(slots=True)
class _Inputs:
    """Everything a period's statistics read, prepared once per backtest."""

    equity: list[tuple[datetime, Decimal]]
    performance: _Timeline
    benchmark: _Timeline
    turnover: _Timeline
    trade_records: list[TradeRecord]
    starting_capital: Decimal
    risk_free_model: RiskFreeInterestRateModel
    trading_days_per_year: int
    fraction_memo: dict[datetime, float] = field(default_factory=dict)
    change_memo: dict[tuple[datetime, datetime], float] = field(default_factory=dict)
    equity_days: list[date] = field(init=False)
    trade_days: list[date] = field(init=False)

    def __post_init__(self) -> None:
        self.equity_days = [moment.date() for moment, _ in self.equity]
        self.trade_days = [_naive_utc(record.utc_time).date() for record in self.trade_records]

    def equity_between(self, first: date, last: date) -> list[tuple[datetime, Decimal]]:
        days = self.equity_days
        return self.equity[bisect.bisect_left(days, first) : bisect.bisect_right(days, last)]

    def trades_between(self, first: date, last: date) -> list[TradeRecord]:
        """Return the trade records whose UTC date falls in [first, last], in their order."""
        days = self.trade_days
        return [record for record, day in zip(self.trade_records, days, strict=True) if first <= day <= last]


def _benchmark_changes(
    points: Sequence[tuple[datetime, Decimal]], memo: dict[tuple[datetime, datetime], float]
) -> list[float]:
    """Return the benchmark's daily changes as doubles, without the first change (0 after a zero).

    `memo` keeps each change by its pair of times, as overlapping rolling windows repeat them.
    """
    changes = []
    for (earlier, previous), (later, value) in itertools.pairwise(points):
        change = memo.get((earlier, later))
        if change is None:
            quotient = _ZERO if previous == 0 else dotnet.divide(dotnet.subtract(value, previous), previous)
            change = memo[earlier, later] = dotnet.double_from_decimal(quotient)
        changes.append(change)
    return changes[1:]


def _performance_fractions(
    points: Sequence[tuple[datetime, Decimal]], memo: dict[datetime, float]
) -> list[float]:
    """Return the daily returns as fractions (percent / 100), without the first two."""
    fractions = []
    for moment, value in points[2:]:
        fraction = memo.get(moment)
        if fraction is None:
            fraction = memo[moment] = dotnet.double_from_decimal(dotnet.divide(value, _HUNDRED))
        fractions.append(fraction)
    return fractions


def _period_statistics(inputs: _Inputs, first: date, last: date) -> PortfolioStatistics:
    period_equity = inputs.equity_between(first, last)
    if not period_equity:
        return PortfolioStatistics()
    records = inputs.trades_between(first, last)
    benchmark = inputs.benchmark.between(first, last)
    performance = inputs.performance.between(first, last)
    if len(benchmark) != len(performance):
        misaligned = abs(len(benchmark) - len(performance))
        raise ValueError(f"Benchmark and performance series has {misaligned} misaligned values.")
    whole = len(period_equity) == len(inputs.equity)
    return compute_portfolio_statistics(
        records,
        period_equity,
        [value for _, value in inputs.turnover.between(first, last)],
        _performance_fractions(performance, inputs.fraction_memo),
        _benchmark_changes(benchmark, inputs.change_memo),
        inputs.starting_capital if whole else period_equity[0][1],
        inputs.risk_free_model,
        inputs.trading_days_per_year,
        win_count=sum(1 for r in records if r.is_win),
        loss_count=sum(1 for r in records if not r.is_win),
    )


def _add_months(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, min(day.day, (following - timedelta(days=1)).day))


def rolling_period_ranges(months: int, first: date, last: date) -> list[tuple[date, date]]:
    """Return LEAN's rolling windows of `months` months ending at each month end (first and last partial)."""
    end_dates = []
    day = last
    while True:
        end_dates.append(day)
        day = date(day.year, day.month, 1) - timedelta(days=1)
        if day < first:
            break
    ranges = [(first, end_dates[-1])]
    for end in reversed(end_dates[:-1]):
        start = max(first, _add_months(ranges[-1][1] + timedelta(days=1), 1 - months))
        ranges.append((start, end))
    return ranges


def generate_statistics(
    series: StatisticsSeries,
    starting_capital: Decimal,
    trade_records: Sequence[TradeRecord],
    total_fees: Decimal,
    total_orders: int,
    risk_free_model: RiskFreeInterestRateModel,
    trading_days_per_year: int = 252,
    *,
    estimated_capacity: Decimal = _ZERO,
    lowest_capacity_asset: str = "",
    currency_symbol: str = "$",
    rolling: bool = True,
) -> StatisticsResults:
    """Return LEAN's statistics for a finished backtest (`StatisticsBuilder.Generate`).

    `rolling=False` skips the monthly windows (only the result file's "rollingWindow" needs
    them). Like LEAN, a failure while computing (misaligned series, a non-finite annual
    return) is logged and yields empty results; no equity sample yields empty results too.
    """
    equity = _Timeline(series.equity).between(date.min, date.max)
    if not equity:
        return StatisticsResults()
    inputs = _Inputs(
        equity,
        _Timeline(series.performance),
        _Timeline(series.benchmark),
        _Timeline(series.portfolio_turnover),
        list(trade_records),
        starting_capital,
        risk_free_model,
        trading_days_per_year,
    )
    first, last = equity[0][0].date(), equity[-1][0].date()
    windows = (
        [(m, r) for m in _ROLLING_MONTHS for r in rolling_period_ranges(m, first, last)] if rolling else []
    )
    try:
        total = _period_statistics(inputs, first, last)
        windowed = {
            f"M{m}_{end:%Y%m%d}": _period_statistics(inputs, start, end) for m, (start, end) in windows
        }
    except (ArithmeticError, ValueError):
        logger.exception("statistics could not be generated")
        return StatisticsResults()
    summary = build_summary(
        total, total_fees, total_orders, estimated_capacity, lowest_capacity_asset, currency_symbol
    )
    return StatisticsResults(total, windowed, summary)


def build_summary(
    statistics: PortfolioStatistics,
    total_fees: Decimal,
    total_orders: int,
    estimated_capacity: Decimal = _ZERO,
    lowest_capacity_asset: str = "",
    currency_symbol: str = "$",
) -> dict[str, str]:
    """Print the statistics as LEAN's `StatisticsBuilder.GetSummary` does, in its key order."""
    s = statistics
    values = [
        str(total_orders),
        percent_text(s.average_win_rate, 2),
        percent_text(s.average_loss_rate, 2),
        percent_text(s.compounding_annual_return, 3),
        percent_text(s.drawdown, 3),
        format_decimal(round_half_even(s.expectancy, 3)),
        format_decimal(round_half_even(s.start_equity, 2)),
        format_decimal(round_half_even(s.end_equity, 2)),
        percent_text(s.total_net_profit, 3),
        ratio_text(s.sharpe_ratio),
        ratio_text(s.sortino_ratio),
        percent_text(s.probabilistic_sharpe_ratio, 3),
        percent_text(s.loss_rate, 0),
        percent_text(s.win_rate, 0),
        format_decimal(round_half_even(s.profit_loss_ratio, 2)),
        ratio_text(s.alpha),
        ratio_text(s.beta),
        ratio_text(s.annual_standard_deviation),
        ratio_text(s.annual_variance),
        ratio_text(s.information_ratio),
        ratio_text(s.tracking_error),
        ratio_text(s.treynor_ratio),
        currency_symbol + format_fixed(total_fees, 2),
        format_capacity(estimated_capacity, currency_symbol),
        lowest_capacity_asset,
        percent_text(s.portfolio_turnover, 2),
        str(s.drawdown_recovery),
    ]
    return dict(zip(SUMMARY_KEYS, values, strict=True))


def runtime_statistics(
    *,
    total_portfolio_value: Decimal,
    starting_portfolio_value: Decimal,
    total_fees: Decimal,
    total_net_profit: Decimal,
    total_holdings_value: Decimal,
    total_sale_volume: Decimal,
    unrealized_profit: Decimal,
    summary: Mapping[str, str] | None = None,
    user_statistics: Mapping[str, str] | None = None,
    currency_symbol: str = "$",
) -> dict[str, str]:
    """Return LEAN's runtime statistics, sorted by key as LEAN's `SortedDictionary` holds them.

    Money prints as "N2" ("$101,691.92"), fees as "-$3.44", the return as "P" ("1.69 %"); the
    probabilistic Sharpe ratio is copied from the summary ("0%" without one). User statistics
    (`RuntimeStatistic`) come first and are overwritten by the built-in keys.
    """
    net_return = (
        dotnet.divide(
            dotnet.subtract(total_portfolio_value, starting_portfolio_value), starting_portfolio_value
        )
        if starting_portfolio_value > 0
        else _ZERO
    )
    result = dict(user_statistics or {})
    result |= {
        "Probabilistic Sharpe Ratio": (summary or {}).get("Probabilistic Sharpe Ratio", "0%"),
        "Unrealized": currency_symbol + format_money_n2(unrealized_profit),
        "Fees": f"-{currency_symbol}{format_money_n2(total_fees)}",
        "Net Profit": currency_symbol + format_money_n2(total_net_profit),
        "Return": format_percent_p(net_return),
        "Equity": currency_symbol + format_money_n2(total_portfolio_value),
        "Holdings": currency_symbol + format_money_n2(total_holdings_value),
        "Volume": currency_symbol + format_money_n2(total_sale_volume),
    }
    return dict(sorted(result.items(), key=lambda item: (item[0].casefold(), item[0])))
