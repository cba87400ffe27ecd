"""The result handler: charts, statistics and the run's result files.

It consumes what the algorithm reports per batch (step values, daily samples, closed trades,
logs, plots), the order events and, at the end, the transaction handler's final order book.
Daily samples fire between steps, at midnight, before the next step's prices: they are merged
with the step values in time order, as LEAN's result handler sees them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from lean_core.bus import messages as m
from lean_core.bus.codec import unpack_array
from lean_core.bus.subjects import Stream
from lean_core.data.bars import ns_to_local
from lean_core.engine.ports import Outbox
from lean_core.engine.result_files import ResultFiles, log_line, write_log_file, write_result_files
from lean_core.engine.topology import Role
from lean_core.errors import DataError
from lean_core.orders.events import OrderEvent
from lean_core.orders.records import order_from_record
from lean_core.securities.cash_book import currency_symbol
from lean_core.statistics.charts import EquityChartRecorder
from lean_core.statistics.order_list_hash import order_list_hash
from lean_core.statistics.performance import generate_statistics, runtime_statistics
from lean_core.statistics.risk_free import (
    ConstantRiskFreeRate,
    InterestRateProvider,
    RiskFreeInterestRateModel,
)
from lean_core.statistics.trades import TransactionRecord
from lean_core.time.time_zones import TimeZones

logger = logging.getLogger(__name__)

_UTC = TimeZones.UTC


def _utc(ns: int) -> datetime:
    return ns_to_local(ns, _UTC).replace(tzinfo=_UTC)


@dataclass(slots=True)
class _RunState:
    initialized: m.AlgorithmInitialized | None = None
    finished: m.AlgorithmFinished | None = None
    orders: m.OrdersFinished | None = None
    events: list[OrderEvent] = field(default_factory=list)
    logs: list[m.LogEntry] = field(default_factory=list)
    user_charts: list[m.ChartPoint] = field(default_factory=list)


class ResultHandler:
    """Collect one run's results and write them when it ends."""

    def __init__(
        self,
        run_id: str,
        *,
        data_folder: Path,
        output_folder: Path | None = None,
        algorithm_id: str | None = None,
        name: str | None = None,
    ) -> None:
        self.run_id = run_id
        self.data_folder = Path(data_folder)
        self.output_folder = Path(output_folder) if output_folder is not None else Path("backtests") / run_id
        self.algorithm_id = algorithm_id or run_id
        self.name = name
        self.data_points = 0
        self.log_lines: list[str] = []
        self._state = _RunState()
        self._recorder: EquityChartRecorder | None = None
        self._trades = TransactionRecord()
        self._last_sale_volume = Decimal(0)
        self._written = False
        self._orders_lost = False

    def on_initialized(self, message: m.AlgorithmInitialized) -> Outbox:
        """Start the charts for the run's dates."""
        self._state.initialized = message
        start = ns_to_local(message.start_ns, ZoneInfo(message.time_zone)).date()
        end = ns_to_local(message.end_ns, ZoneInfo(message.time_zone)).date()
        starting_value = message.starting_portfolio_value
        if starting_value is None:
            starting_value = (
                sum(message.cash_book.values(), Decimal(0)) if message.cash_book else message.starting_cash
            )
        recorder = EquityChartRecorder(start, end, starting_value, ZoneInfo(message.time_zone))
        recorder.warming_up = message.warmup_start_ns < message.start_ns
        self._recorder = recorder
        return []

    def on_progress(self, message: m.AlgorithmProgress) -> Outbox:
        """Keep a batch's logs and plots; feed its steps and daily samples to the charts, in time order."""
        self._state.logs.extend(message.logs)
        self.log_lines.extend(log_line(entry) for entry in message.logs)
        self._state.user_charts.extend(message.charts)
        recorder = self._recorder
        if recorder is None:
            return []  # initialize() failed: its logs are all there is
        self.data_points = message.data_points
        if message.warm_up_finished_value is not None:
            recorder.warming_up = False
            recorder.on_warmup_finished(message.warm_up_finished_value)
        times = unpack_array(message.step_times, np.int64)
        values = unpack_array(message.step_values, np.float64)
        daily = iter(message.daily_samples)
        pending = next(daily, None)
        for utc_ns, value in zip(times.tolist(), values.tolist(), strict=True):
            while pending is not None and pending.utc_ns <= utc_ns:
                self._sample_daily(recorder, pending)
                pending = next(daily, None)
            recorder.process_step_value(utc_ns, value)
        while pending is not None:
            self._sample_daily(recorder, pending)
            pending = next(daily, None)
        for trade in message.trades:
            self._trades.add(_utc(trade.utc_ns), trade.profit_loss, trade.is_win)
        return []

    def _sample_daily(self, recorder: EquityChartRecorder, sample: m.DailySample) -> None:
        recorder.sample_daily(
            _utc(sample.utc_ns),
            sample.total_portfolio_value,
            sample.benchmark_value,
            sample.total_sale_volume,
        )
        self._last_sale_volume = sample.total_sale_volume

    def on_order_events(self, message: m.OrderEvents) -> Outbox:
        """Keep order events for the order-events file (the last ones may follow the order book)."""
        self._state.events.extend(message.events)
        return self._write_when_complete()

    def on_algorithm_finished(self, message: m.AlgorithmFinished) -> Outbox:
        """Take the final samples; write the results once the order book is in too."""
        self._state.finished = message
        recorder = self._recorder
        sample = message.final_sample
        if recorder is not None and sample is not None and self._state.initialized is not None:
            recorder.finish(
                _utc(sample.utc_ns),
                sample.total_portfolio_value,
                sample.benchmark_value,
                sample.total_sale_volume,
            )
        return self._write_when_complete()

    def on_orders_finished(self, message: m.OrdersFinished) -> Outbox:
        """Take the final order book; write the results once the algorithm finished too."""
        self._state.orders = message
        return self._write_when_complete()

    def on_service_failed(self, message: m.ServiceFailed) -> Outbox:
        """Without the transaction service its final order book never comes: write without it."""
        if message.role == Role.TRANSACTION:
            self._orders_lost = True
            logger.warning("run %s: results without the final order book: %s", self.run_id, message.error)
        return self._write_when_complete()

    def _has_all_orders(self) -> bool:
        """Tell whether the final order book and every order event it counts are in."""
        orders = self._state.orders
        return orders is not None and len(self._state.events) >= orders.order_events

    def _write_when_complete(self) -> Outbox:
        state = self._state
        waits_for_orders = not (state.initialized is None or self._orders_lost or self._has_all_orders())
        if self._written or state.finished is None or waits_for_orders:
            return []
        self._written = True
        try:
            return [(Stream.RESULTS, self._results())]
        except Exception as error:
            logger.exception("writing the results of run %s failed", self.run_id)
            status = state.finished.status
            return [
                (
                    Stream.RESULTS,
                    m.ResultsWritten(
                        run_id=self.run_id,
                        status=status,
                        statistics={},
                        runtime_statistics={},
                        error=str(error),
                    ),
                )
            ]

    def _results(self) -> m.ResultsWritten:
        state = self._state
        finished = state.finished
        assert finished is not None
        orders = [order_from_record(record) for record in (state.orders.orders if state.orders else [])]
        statistics: dict[str, str] = {}
        runtime: dict[str, str] = {}
        files: list[str] = []
        recorder = self._recorder
        if recorder is not None and state.initialized is not None:
            results = generate_statistics(
                recorder.statistics_series(),
                recorder.starting_portfolio_value,
                self._trades.records,
                finished.total_fees,
                len(orders),
                self._risk_free(),
                state.initialized.trading_days_per_year,
                estimated_capacity=finished.estimated_capacity,
                lowest_capacity_asset=finished.lowest_capacity_asset,
                currency_symbol=currency_symbol(state.initialized.account_currency),
                rolling=False,
            )
            statistics = {**results.summary, "OrderListHash": order_list_hash(orders)}
            sample = finished.final_sample
            runtime = runtime_statistics(
                total_portfolio_value=sample.total_portfolio_value if sample else Decimal(0),
                starting_portfolio_value=recorder.starting_portfolio_value,
                total_fees=finished.total_fees,
                total_net_profit=finished.net_profit,
                total_holdings_value=finished.holdings_value,
                total_sale_volume=sample.total_sale_volume if sample else Decimal(0),
                unrealized_profit=finished.unrealized,
                summary=results.summary,
            )
            files = write_result_files(
                ResultFiles(
                    folder=self.output_folder,
                    algorithm_id=self.algorithm_id,
                    name=self.name or state.initialized.name,
                    initialized=state.initialized,
                    finished=finished,
                    orders=orders,
                    events=state.events,
                    logs=state.logs,
                    user_charts=state.user_charts,
                    charts=recorder.charts_json(),
                    statistics=statistics,
                    runtime_statistics=runtime,
                    portfolio_statistics=results.total.to_json(),
                    profit_loss=self._trades.profit_loss(),
                )
            )
        elif state.initialized is None:  # initialize() failed: the log says why
            files = [write_log_file(self.output_folder, self.algorithm_id, state.logs)]
        return m.ResultsWritten(
            run_id=self.run_id,
            status=finished.status,
            statistics=statistics,
            runtime_statistics=runtime,
            files=files,
            error=finished.error,
        )

    def _risk_free(self) -> RiskFreeInterestRateModel:
        try:
            return InterestRateProvider.from_data_folder(self.data_folder)
        except DataError:
            logger.warning("no interest-rate file under %s: the risk-free rate is 0", self.data_folder)
            return ConstantRiskFreeRate(Decimal(0))
