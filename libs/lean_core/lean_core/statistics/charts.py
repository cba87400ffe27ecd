"""The default charts LEAN's backtesting result handler records, and the series statistics read.

`EquityChartRecorder` is driven by plain calls in the order LEAN's engine makes them:

- `process_step(utc, tpv)` after every algorithm time step (LEAN's
  `BacktestingResultHandler.ProcessSynchronousEvents`): the running equity candle takes
  `Math.Round(tpv, 4)`, and an "Equity" candle is emitted when the step is later than the next
  sample time (every max(4 minutes, backtest span / 4000)).
- `sample_daily(utc, tpv, benchmark, total_sale_volume)` at every calendar midnight of the
  algorithm's time zone, before prices update (LEAN's `BaseResultsHandler.Sample`): an equity
  candle, the benchmark, the daily return, the drawdown and the portfolio turnover.
- `finish(utc, tpv, benchmark, total_sale_volume)` once after the last step: a forced equity
  sample, then a last daily sample at the same time.

A point is kept only when it is later than the series' last point (the turnover series instead
overwrites a point at the same time). Values go through SmartRounding, as LEAN's chart points do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from lean_core.statistics import dotnet
from lean_core.statistics.formatting import smart_round
from lean_core.statistics.json_writer import JsonValue

__all__ = [
    "Candlestick",
    "ChartPoint",
    "EquityChartRecorder",
    "SeriesType",
    "StatisticsSeries",
    "resample_period_ticks",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TICKS_PER_MINUTE = 600_000_000
_HUNDRED = Decimal(100)
_ONE = Decimal(1)
_MINIMUM_SAMPLE_MINUTES = 4.0
_SAMPLES_PER_BACKTEST = 4000.0


class SeriesType:
    """LEAN's `SeriesType` values used by the default charts."""

    LINE = 0
    CANDLE = 2
    BAR = 3


def _as_utc(moment: datetime) -> datetime:
    """Return an aware UTC datetime; a naive one is taken to be UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _ticks(moment: datetime) -> int:
    """Return .NET ticks (100 ns) since the Unix epoch."""
    delta = _as_utc(moment) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 10_000_000 + delta.microseconds * 10


@dataclass(frozen=True, slots=True)
class ChartPoint:
    """A time and a SmartRounded value (LEAN's `ChartPoint`)."""

    time: datetime
    value: Decimal

    @property
    def x(self) -> int:
        """Return LEAN's JSON x: Unix seconds rounded half to even."""
        return round(_ticks(self.time) / 10_000_000)

    def to_json(self) -> list[JsonValue]:
        """Return `[unixSeconds, value]` as LEAN writes a chart point."""
        return [self.x, self.value]


@dataclass(frozen=True, slots=True)
class Candlestick:
    """An equity candle with SmartRounded prices (LEAN's `Candlestick`)."""

    time: datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal

    @property
    def long_time(self) -> int:
        """Return LEAN's JSON time: Unix seconds, truncated."""
        return int(_ticks(self.time) / 10_000_000)

    def to_json(self) -> list[JsonValue]:
        """Return `[unixSeconds, open, high, low, close]` as LEAN writes a candle."""
        return [self.long_time, self.open, self.high, self.low, self.close]


@dataclass(slots=True)
class _Bar:
    """The running equity bar; zero values are ignored, as in LEAN's `Bar.Update`."""

    open: Decimal = Decimal(0)
    high: Decimal = Decimal(0)
    low: Decimal = Decimal(0)
    close: Decimal = Decimal(0)
    is_open: bool = False

    def update(self, value: Decimal) -> None:
        if value == 0:
            return
        if not self.is_open:
            self.open = self.high = self.low = value
            self.is_open = True
        elif value > self.high:
            self.high = value
        elif value < self.low:
            self.low = value
        self.close = value


@dataclass(frozen=True, slots=True)
class StatisticsSeries:
    """The recorded series LEAN's statistics builder reads."""

    equity: tuple[Candlestick, ...]
    performance: tuple[ChartPoint, ...]
    benchmark: tuple[ChartPoint, ...]
    portfolio_turnover: tuple[ChartPoint, ...]


@dataclass(slots=True)
class _Series:
    name: str
    unit: str
    index: int
    series_type: int
    values: list[ChartPoint | Candlestick] = field(default_factory=list)

    def add(self, point: ChartPoint | Candlestick, *, always: bool = False) -> None:
        """Add a point later than the last; `always` overwrites one at the same time instead."""
        last = self.values[-1] if self.values else None
        if last is not None and not always and _ticks(point.time) <= _ticks(last.time):
            return
        if last is not None and _ticks(point.time) == _ticks(last.time):
            self.values[-1] = point
        else:
            self.values.append(point)

    def to_json(self) -> dict[str, JsonValue]:
        result: dict[str, JsonValue] = {
            "name": self.name,
            "unit": self.unit,
            "index": self.index,
            "seriesType": self.series_type,
            "values": [point.to_json() for point in self.values],
        }
        if self.series_type != SeriesType.CANDLE:
            result |= {"color": "", "scatterMarkerSymbol": "none"}
        return result


def resample_period_ticks(start_date: date, end_date: date) -> int:
    """Return the intraday equity sampling period in .NET ticks: max(4 minutes, backtest span / 4000).

    The span runs from the start date's midnight to the end date's 23:59:59.9999999; like
    .NET's `TimeSpan.FromMinutes` the period is truncated to whole ticks.
    """
    span_ticks = (end_date - start_date + timedelta(days=1)).days * 86_400 * 10_000_000 - 1
    minutes = span_ticks / _TICKS_PER_MINUTE
    if minutes < _MINIMUM_SAMPLE_MINUTES * _SAMPLES_PER_BACKTEST:
        minutes = _MINIMUM_SAMPLE_MINUTES
    else:
        minutes /= _SAMPLES_PER_BACKTEST
    return int(minutes * _TICKS_PER_MINUTE)


class EquityChartRecorder:
    """Record LEAN's "Strategy Equity", "Benchmark", "Drawdown" and "Portfolio Turnover" charts."""

    def __init__(
        self,
        start_date: date,
        end_date: date,
        starting_portfolio_value: Decimal,
        time_zone: ZoneInfo,
        currency_symbol: str = "$",
    ) -> None:
        self.start_date = start_date
        self.time_zone = time_zone
        self.currency_symbol = currency_symbol
        self.period_ticks = resample_period_ticks(start_date, end_date)
        self.starting_portfolio_value = starting_portfolio_value
        self.daily_portfolio_value = starting_portfolio_value
        self.cumulative_max_portfolio_value = starting_portfolio_value
        self.portfolio_value = starting_portfolio_value
        self.warming_up = False
        self._candle: _Bar | None = None
        self._candle_value: float | None = None
        self._next_sample_ticks: int | None = None
        self._previous_sales_volumes: list[Decimal] = [Decimal(0)]
        self._previous_turnover_time: datetime | None = None
        self.equity = _Series("Equity", currency_symbol, 0, SeriesType.CANDLE)
        self.returns = _Series("Return", "%", 1, SeriesType.BAR)
        self.benchmark = _Series("Benchmark", currency_symbol, 0, SeriesType.LINE)
        self.drawdown = _Series("Equity Drawdown", "%", 0, SeriesType.LINE)
        self.portfolio_turnover = _Series("Portfolio Turnover", "%", 0, SeriesType.LINE)

    # -- the running candle -------------------------------------------------------------------
    def _current_candle(self) -> _Bar:
        if self._candle is None:
            # LEAN opens a new bar with the portfolio value known when it is first needed.
            self._candle = _Bar()
            self._candle.update(dotnet.math_round(self.portfolio_value, 4))
        return self._candle

    def update_equity(self, utc: datetime, total_portfolio_value: Decimal) -> None:
        """Update the running equity candle with `Math.Round(tpv, 4)` (`utc` is the step time)."""
        del utc  # the candle takes its time when it is sampled
        self._candle_value = None
        self.portfolio_value = total_portfolio_value
        self._current_candle().update(dotnet.math_round(total_portfolio_value, 4))

    def _sample_equity(self, utc: datetime) -> None:
        bar = self._current_candle()
        candle = Candlestick(
            utc, smart_round(bar.open), smart_round(bar.high), smart_round(bar.low), smart_round(bar.close)
        )
        self._add(self.equity, candle)
        self._candle = None

    def _add(self, series: _Series, point: ChartPoint | Candlestick, *, always: bool = False) -> None:
        # LEAN drops every chart sample taken while the algorithm warms up.
        if not self.warming_up:
            series.add(point, always=always)

    # -- engine hooks ---------------------------------------------------------------------------
    def process_step(self, utc: datetime, total_portfolio_value: Decimal, *, force: bool = False) -> bool:
        """Update the candle after a time step and emit an equity candle when due; tell whether one was.

        `utc` is the step's time (aware, or naive UTC); `force` samples regardless of the period.
        """
        utc = _as_utc(utc)
        self.update_equity(utc, total_portfolio_value)
        now = _ticks(utc)
        if not force and self._next_sample_ticks is not None and now <= self._next_sample_ticks:
            return False
        self._next_sample_ticks = now + self.period_ticks
        self._sample_equity(utc)
        return True

    def process_step_value(self, utc_ns: int, total_portfolio_value: float) -> None:
        """`process_step` for the engine's per-step values: a repeated value leaves the candle as it is."""
        if self._candle is None or total_portfolio_value != self._candle_value:
            self.update_equity(_EPOCH, Decimal(repr(total_portfolio_value)))  # the time is unused
            self._candle_value = total_portfolio_value
        now = utc_ns // 100
        if self._next_sample_ticks is not None and now <= self._next_sample_ticks:
            return
        self._next_sample_ticks = now + self.period_ticks
        self._sample_equity(_EPOCH + timedelta(microseconds=utc_ns // 1000))

    def sample_daily(
        self,
        utc: datetime,
        total_portfolio_value: Decimal,
        benchmark_value: Decimal,
        total_sale_volume: Decimal,
    ) -> None:
        """Take LEAN's daily sample: equity, benchmark, return, drawdown and portfolio turnover.

        Call it at each calendar midnight of the algorithm's time zone (before that step's prices
        update) with the portfolio value then, the benchmark's price, and the portfolio's total sale
        volume so far.
        """
        utc = _as_utc(utc)
        value = total_portfolio_value
        self.portfolio_value = value
        performance = self._daily_performance(value)
        # On a tie LEAN keeps the current value (and its scale): max() returns its first argument.
        self.cumulative_max_portfolio_value = max(value, self.cumulative_max_portfolio_value)
        self.update_equity(utc, value)
        self._sample_equity(utc)
        # LEAN rounds the benchmark when it reads it and again in the chart point; once is the same.
        self._add(self.benchmark, ChartPoint(utc, smart_round(benchmark_value)))
        self._add(self.returns, ChartPoint(utc, smart_round(performance)))
        self._sample_drawdown(utc, value)
        self._sample_turnover(utc, value, total_sale_volume)
        self.daily_portfolio_value = value

    def finish(
        self,
        utc: datetime,
        total_portfolio_value: Decimal,
        benchmark_value: Decimal,
        total_sale_volume: Decimal,
    ) -> None:
        """Take the end-of-backtest samples: a forced equity sample, then a daily sample at `utc`."""
        self.process_step(utc, total_portfolio_value, force=True)
        self.sample_daily(utc, total_portfolio_value, benchmark_value, total_sale_volume)

    def on_warmup_finished(self, total_portfolio_value: Decimal) -> None:
        """Re-capture the starting value after warm-up (LEAN 2026-08): baselines move, the candle restarts."""
        value = total_portfolio_value
        self.portfolio_value = value
        self._candle_value = None
        if self.cumulative_max_portfolio_value != value:
            self.cumulative_max_portfolio_value = value
        if self.daily_portfolio_value != value:
            self.daily_portfolio_value = value
        if self.starting_portfolio_value != value:
            self.starting_portfolio_value = value
            self._candle = None

    # -- daily sample parts ---------------------------------------------------------------------
    def _daily_performance(self, value: Decimal) -> Decimal:
        previous = self.daily_portfolio_value
        if previous == 0:
            return Decimal(0)
        change = dotnet.multiply(dotnet.subtract(value, previous), _HUNDRED)
        return dotnet.math_round(dotnet.divide(change, previous), 10)

    def _sample_drawdown(self, utc: datetime, value: Decimal) -> None:
        high = self.cumulative_max_portfolio_value
        if high == 0:
            return
        drawdown = dotnet.multiply(dotnet.subtract(dotnet.divide(value, high), _ONE), _HUNDRED)
        self._add(self.drawdown, ChartPoint(utc, smart_round(dotnet.math_round(drawdown, 2))))

    def _sample_turnover(self, utc: datetime, value: Decimal, total_sale_volume: Decimal) -> None:
        if value == 0:
            return
        local = _as_utc(utc).astimezone(self.time_zone).replace(tzinfo=None)
        if local == datetime.combine(self.start_date, time()):
            return  # the start-of-backtest sample covers no trading yet
        same_time = self._previous_turnover_time is not None and _ticks(utc) == _ticks(
            self._previous_turnover_time
        )
        # A second sample at the same time replaces the first, so it measures from the one before.
        volumes = self._previous_sales_volumes
        reference = volumes[1] if same_time and len(volumes) > 1 else volumes[0]
        turnover = dotnet.divide(dotnet.subtract(total_sale_volume, reference), value)
        self._previous_sales_volumes = [total_sale_volume, *volumes[:1]]
        self._previous_turnover_time = utc
        self._add(self.portfolio_turnover, ChartPoint(utc, smart_round(turnover)), always=True)

    # -- outputs --------------------------------------------------------------------------------
    def statistics_series(self) -> StatisticsSeries:
        """Return the series LEAN's statistics builder reads."""
        return StatisticsSeries(
            equity=tuple(p for p in self.equity.values if isinstance(p, Candlestick)),
            performance=tuple(p for p in self.returns.values if isinstance(p, ChartPoint)),
            benchmark=tuple(p for p in self.benchmark.values if isinstance(p, ChartPoint)),
            portfolio_turnover=tuple(p for p in self.portfolio_turnover.values if isinstance(p, ChartPoint)),
        )

    def charts_json(self) -> dict[str, JsonValue]:
        """Return the charts as LEAN's result JSON holds them (chart name -> chart)."""
        charts: dict[str, list[_Series]] = {
            "Strategy Equity": [self.equity, self.returns],
            "Benchmark": [self.benchmark],
            "Drawdown": [self.drawdown],
            "Portfolio Turnover": [self.portfolio_turnover],
        }
        return {
            name: {"name": name, "chartType": 0, "series": {s.name: s.to_json() for s in series}}
            for name, series in charts.items()
            if name == "Strategy Equity" or any(s.values for s in series)
        }
