"""The run's files, laid out as LEAN's backtesting result handler writes them.

`<id>.json` (charts, orders, profit-loss, statistics, runtime statistics, state, configuration,
total performance), `<id>-summary.json`, `<id>-order-events.json` and `<id>-log.txt`.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from lean_core.bus import messages as m
from lean_core.data.bars import ns_to_local
from lean_core.orders.events import OrderEvent
from lean_core.orders.orders import Order
from lean_core.statistics.json_writer import to_json
from lean_core.statistics.order_list_hash import order_to_json_dict
from lean_core.time.time_zones import TimeZones

_UTC = TimeZones.UTC


@dataclass(frozen=True, slots=True)
class ResultFiles:
    """Everything the result files hold."""

    folder: Path
    algorithm_id: str
    name: str
    initialized: m.AlgorithmInitialized
    finished: m.AlgorithmFinished
    orders: list[Order]
    events: list[OrderEvent]
    logs: list[m.LogEntry]
    user_charts: list[m.ChartPoint]
    charts: dict[str, Any]
    statistics: dict[str, str]
    runtime_statistics: dict[str, str]
    portfolio_statistics: dict[str, str]
    profit_loss: dict[datetime, Decimal]


def write_result_files(result: ResultFiles) -> list[str]:
    """Write the result files and return their paths."""
    result.folder.mkdir(parents=True, exist_ok=True)
    written = []
    for suffix, content in (
        (".json", to_json(_backtest_result(result), indented=True)),
        ("-summary.json", to_json(_summary(result), indented=True)),
        ("-order-events.json", to_json([_event_json(result.algorithm_id, e) for e in result.events])),
    ):
        path = result.folder / f"{result.algorithm_id}{suffix}"
        path.write_text(content, encoding="utf-8")
        written.append(str(path))
    return [*written, write_log_file(result.folder, result.algorithm_id, result.logs)]


def write_log_file(folder: Path, algorithm_id: str, logs: list[m.LogEntry]) -> str:
    """Write the algorithm's log (`<id>-log.txt`) and return its path.

    A run whose `initialize` failed has no other result file, but this one says why.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{algorithm_id}-log.txt"
    path.write_text("".join(f"{log_line(entry)}\n" for entry in logs), encoding="utf-8")
    return str(path)


def _state(result: ResultFiles) -> dict[str, Any]:
    finished = result.finished
    return {
        "StartTime": _time(result.initialized.start_ns),
        "EndTime": _time(finished.end_utc_ns),
        "RuntimeError": finished.error,
        "StackTrace": finished.stack_trace,
        "LogCount": str(len(result.logs)),
        "OrderCount": str(len(result.orders)),
        "InsightCount": "0",
        "Hostname": socket.gethostname(),
        "Name": result.name,
        "Status": finished.status,
    }


def _configuration(result: ResultFiles) -> dict[str, Any]:
    init = result.initialized
    return {
        "name": result.name,
        "tags": [],
        "accountCurrency": init.account_currency,
        "brokerage": init.brokerage,
        "accountType": "Margin" if init.account_type == 0 else "Cash",
        "parameters": dict(init.parameters),
        "outOfSampleMaxEndDate": None,
        "outOfSampleDays": 0,
        "startDate": _time(init.start_ns),
        "endDate": _time(init.end_ns),
        "tradingDaysPerYear": init.trading_days_per_year,
    }


def _charts(result: ResultFiles) -> dict[str, Any]:
    charts = dict(result.charts)
    for point in result.user_charts:
        chart = charts.setdefault(point.chart, {"name": point.chart, "chartType": 0, "series": {}})
        series = chart["series"].setdefault(
            point.series,
            {
                "name": point.series,
                "unit": "$",
                "index": 0,
                "seriesType": 0,
                "values": [],
                "color": "",
                "scatterMarkerSymbol": "none",
            },
        )
        series["values"].append([point.utc_ns // 1_000_000_000, point.value])
    return charts


def _backtest_result(result: ResultFiles) -> dict[str, Any]:
    return {
        "rollingWindow": {},
        "totalPerformance": {
            "tradeStatistics": {},
            "portfolioStatistics": result.portfolio_statistics,
            "closedTrades": [],
        },
        "charts": _charts(result),
        "orders": {str(order.id): order_to_json_dict(order) for order in result.orders},
        "profitLoss": {_iso(time): value for time, value in result.profit_loss.items()},
        "statistics": result.statistics,
        "runtimeStatistics": result.runtime_statistics,
        "state": _state(result),
        "algorithmConfiguration": _configuration(result),
    }


def _summary(result: ResultFiles) -> dict[str, Any]:
    return {
        "statistics": result.statistics,
        "runtimeStatistics": result.runtime_statistics,
        "state": _state(result),
        "algorithmConfiguration": _configuration(result),
        "totalPerformance": {"portfolioStatistics": result.portfolio_statistics},
    }


def _event_json(algorithm_id: str, event: OrderEvent) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": f"{algorithm_id}-{event.order_id}-{event.id}",
        "algorithmId": algorithm_id,
        "orderId": event.order_id,
        "orderEventId": event.id,
        "symbol": event.symbol_id,
        "symbolValue": event.symbol_value,
        "symbolPermtick": event.symbol_value,
        "time": event.utc_time_ns / 1e9,
        "status": event.status.name.lower().replace("_", ""),
    }
    if event.order_fee_amount:
        data["orderFeeAmount"] = event.order_fee_amount
        data["orderFeeCurrency"] = event.order_fee_currency
    data.update(
        {
            "fillPrice": event.fill_price,
            "fillPriceCurrency": event.fill_price_currency,
            "fillQuantity": event.fill_quantity,
            "direction": event.direction.name.lower(),
        }
    )
    if event.message:
        data["message"] = event.message
    data["isAssignment"] = event.is_assignment
    data["quantity"] = event.quantity
    for key, value in (
        ("stopPrice", event.stop_price),
        ("limitPrice", event.limit_price),
        ("triggerPrice", event.trigger_price),
    ):
        if value is not None:
            data[key] = value
    return data


def _time(ns: int) -> datetime:
    return ns_to_local(ns, _UTC)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def log_line(entry: m.LogEntry) -> str:
    """Return an algorithm log entry as one line of the log file and the console."""
    stamp = ns_to_local(entry.utc_ns, _UTC).strftime("%Y-%m-%d %H:%M:%S")
    prefix = "ERROR " if entry.level == "error" else ""
    return f"{stamp} {prefix}{entry.text}"
