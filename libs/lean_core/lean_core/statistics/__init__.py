"""Statistics: LEAN's result charts, summary statistics, runtime statistics and order-list hash."""

from lean_core.statistics.charts import Candlestick, ChartPoint, EquityChartRecorder, StatisticsSeries
from lean_core.statistics.order_list_hash import order_list_hash, order_to_json, order_to_json_dict
from lean_core.statistics.performance import (
    SUMMARY_KEYS,
    StatisticsResults,
    build_summary,
    generate_statistics,
    runtime_statistics,
)
from lean_core.statistics.portfolio_statistics import PortfolioStatistics
from lean_core.statistics.risk_free import (
    ConstantRiskFreeRate,
    InterestRateProvider,
    RiskFreeInterestRateModel,
)
from lean_core.statistics.trades import TradeRecord, TransactionRecord, WinLossStatistics, win_loss_statistics

__all__ = [
    "SUMMARY_KEYS",
    "Candlestick",
    "ChartPoint",
    "ConstantRiskFreeRate",
    "EquityChartRecorder",
    "InterestRateProvider",
    "PortfolioStatistics",
    "RiskFreeInterestRateModel",
    "StatisticsResults",
    "StatisticsSeries",
    "TradeRecord",
    "TransactionRecord",
    "WinLossStatistics",
    "build_summary",
    "generate_statistics",
    "order_list_hash",
    "order_to_json",
    "order_to_json_dict",
    "runtime_statistics",
    "win_loss_statistics",
]
