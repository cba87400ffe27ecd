"""The algorithm's state and its core API: dates, cash, settings, time, logs and event methods.

`QCAlgorithm` composes this core with the trading, securities, scheduling, history and
indicator mixins; each mixin derives from the core so it can use the state with full types.
The engine attaches an `AlgorithmRuntime` before `initialize` runs; everything that crosses
to another handler (orders, the schedule, history) goes through it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from lean_core.algorithm.runtime import AlgorithmRuntime
from lean_core.algorithm.settings import AlgorithmSettings
from lean_core.algorithm.subscriptions import Registration, Subscription, SubscriptionManager
from lean_core.algorithm.transactions import SecurityTransactionManager, to_decimal
from lean_core.bus import messages as m
from lean_core.data.bars import local_to_ns, ns_to_local
from lean_core.enums import AccountType, OrderType
from lean_core.errors import LeanError
from lean_core.orders.events import OrderEvent
from lean_core.scheduling.schedule import ScheduleManager
from lean_core.securities.brokerage_model import BrokerageModel, brokerage_model_for
from lean_core.securities.cash_book import Cash, CashBook
from lean_core.securities.portfolio import SecurityPortfolioManager
from lean_core.securities.security import Security, SecurityManager
from lean_core.symbols import Symbol
from lean_core.time.time_zones import TimeZones, get_time_zone

_DEFAULT_START = datetime(1998, 1, 1)
_MAX_DEBUG_MESSAGE = 200


class AlgorithmSetupError(LeanError):
    """The algorithm asked for something invalid during initialize()."""


class AlgorithmCore:
    """State and core API shared by every part of `QCAlgorithm`."""

    def __init__(self) -> None:
        self.settings = AlgorithmSettings()
        self.live_mode = False
        self.name = type(self).__name__
        self._runtime: AlgorithmRuntime | None = None
        self._time_zone: ZoneInfo = TimeZones.NEW_YORK
        self._start_date = _DEFAULT_START
        # LEAN's clock starts at the default start date, read as UTC, until a start date is set.
        self._utc_ns = local_to_ns(_DEFAULT_START, TimeZones.UTC)
        self._clock_ns: int | None = None  # the time `_clock_local` and `_clock_utc` show
        self._clock_local = self._clock_utc = _DEFAULT_START
        self._end_date = datetime.combine(date.today() - timedelta(days=1), datetime.max.time())
        self._warm_up: timedelta | int | None = None
        self._warm_up_resolution: Any = None
        self._is_warming_up = False
        self._locked = False
        self._parameters: dict[str, str] = {}
        self._logs: list[m.LogEntry] = []
        self._charts: list[m.ChartPoint] = []
        self._previous_debug = ""
        self._benchmark_symbol: Symbol | None = None
        self._benchmark_ticker: str | None = "SPY"
        self._benchmark_chosen = False  # otherwise the brokerage model's benchmark applies, as in LEAN
        self.brokerage_model: BrokerageModel = brokerage_model_for("Default", AccountType.MARGIN)
        self.cash_book = CashBook("USD")
        self.cash_book.add(Cash("USD", Decimal(100000), Decimal(1)))
        self.securities = SecurityManager()
        self.portfolio = SecurityPortfolioManager(self.securities, self.cash_book)
        self.transactions = SecurityTransactionManager(_NoLink(), self._apply_order_events)
        self._quit_requested = False
        self._status_message = ""
        self._subscriptions: list[Subscription] = []
        self._added_securities: list[Security] = []
        self._registrations: list[Registration] = []
        self._schedule: ScheduleManager | None = None
        self._conversion_warnings: set[OrderType] = set()

    @property
    def subscription_manager(self) -> SubscriptionManager:
        """Return LEAN's subscription manager (consolidators fed by the subscriptions)."""
        return SubscriptionManager(self)  # type: ignore[arg-type]  # the mixins add the consolidator method

    # -- engine attachment --------------------------------------------------------------------
    def _attach(self, runtime: AlgorithmRuntime, link: Any) -> None:
        """Connect the algorithm to the engine (called before initialize)."""
        self._runtime = runtime
        self.transactions = SecurityTransactionManager(link, self._apply_order_events, self.error)

    def _require_runtime(self) -> AlgorithmRuntime:
        if self._runtime is None:
            raise AlgorithmSetupError("the algorithm is not attached to an engine yet")
        return self._runtime

    # -- events users override ----------------------------------------------------------------
    def initialize(self) -> None:
        """Set dates, cash and subscriptions; every algorithm overrides this."""

    def on_data(self, slice: Any) -> None:
        """Receive each time step's data."""

    def on_order_event(self, order_event: OrderEvent) -> None:
        """Receive each order event."""

    def on_end_of_day(self, symbol: Symbol | None = None) -> None:
        """Run near each market close (10 minutes before, per symbol)."""

    def on_end_of_algorithm(self) -> None:
        """Run once after the last time step."""

    def on_securities_changed(self, changes: Any) -> None:
        """Receive securities added to or removed from the algorithm."""

    def on_warmup_finished(self) -> None:
        """Run once when warm-up ends."""

    def on_splits(self, splits: Any) -> None:
        """Receive splits."""

    def on_dividends(self, dividends: Any) -> None:
        """Receive dividends."""

    def on_margin_call(self, requests: Any) -> Any:
        """Receive margin call orders."""
        return requests

    # -- time ---------------------------------------------------------------------------------
    @property
    def time(self) -> datetime:
        """Return the algorithm's current time in its time zone (naive, as LEAN's `Time`)."""
        if self._clock_ns != self._utc_ns:
            self._read_clock()
        return self._clock_local

    @property
    def utc_time(self) -> datetime:
        """Return the current UTC time (naive)."""
        if self._clock_ns != self._utc_ns:
            self._read_clock()
        return self._clock_utc

    def _read_clock(self) -> None:
        # Both times are read many times a step (user code, the engine): convert once per time.
        ns = self._utc_ns
        self._clock_local = ns_to_local(ns, self._time_zone)
        self._clock_utc = ns_to_local(ns, TimeZones.UTC)
        self._clock_ns = ns

    @property
    def time_zone(self) -> ZoneInfo:
        """Return the algorithm's time zone."""
        return self._time_zone

    @property
    def start_date(self) -> datetime:
        """Return the backtest start date."""
        return self._start_date

    @property
    def end_date(self) -> datetime:
        """Return the backtest end (the last day's last tick)."""
        return self._end_date

    @property
    def is_warming_up(self) -> bool:
        """Tell whether the algorithm is still in its warm-up period."""
        return self._is_warming_up

    def _set_utc_ns(self, utc_ns: int) -> None:
        self._utc_ns = utc_ns

    def _set_clock(self, utc_ns: int, local: datetime, utc: datetime) -> None:
        """Move the clock to a time whose local and UTC datetimes the engine converted already."""
        self._utc_ns = self._clock_ns = utc_ns
        self._clock_local, self._clock_utc = local, utc

    # -- set-up -------------------------------------------------------------------------------
    def _check_unlocked(self, what: str) -> None:
        if self._locked:
            raise AlgorithmSetupError(f"{what} can only be called in initialize()")

    def set_start_date(
        self, year: int | date | datetime, month: int | None = None, day: int | None = None
    ) -> None:
        """Set the first day of the backtest; the algorithm's clock moves to its first moment (LEAN)."""
        self._check_unlocked("set_start_date")
        self._start_date = datetime.combine(_to_date(year, month, day), datetime.min.time())
        self._utc_ns = self._start_ns()

    def set_end_date(
        self, year: int | date | datetime, month: int | None = None, day: int | None = None
    ) -> None:
        """Set the last day of the backtest (it runs to that day's end)."""
        self._check_unlocked("set_end_date")
        self._end_date = datetime.combine(_to_date(year, month, day), datetime.max.time())

    def set_cash(
        self, currency_or_amount: str | float, amount: float | None = None, conversion_rate: float = 0
    ) -> None:
        """Set the starting cash of the account currency, or of another currency."""
        self._check_unlocked("set_cash")
        if isinstance(currency_or_amount, str):
            if amount is None:
                raise AlgorithmSetupError("set_cash(currency, amount) needs an amount")
            self.portfolio.set_cash(_exact(amount), currency_or_amount.upper(), _exact(conversion_rate))
            return
        self.portfolio.set_cash(_exact(currency_or_amount))

    def set_account_currency(self, currency: str, starting_cash: float | None = None) -> None:
        """Set the account currency (before any security is added)."""
        self._check_unlocked("set_account_currency")
        amount = (
            self.cash_book[self.cash_book.account_currency].exact_amount
            if starting_cash is None
            else _exact(starting_cash)
        )
        self.cash_book = CashBook(currency.upper())
        self.cash_book.add(Cash(currency.upper(), amount, Decimal(1)))
        self.portfolio = SecurityPortfolioManager(
            self.securities, self.cash_book, self.brokerage_model.account_type
        )

    def set_time_zone(self, time_zone: str | ZoneInfo) -> None:
        """Set the time zone of `self.time` and of the date and time rules, even those already built.

        As in LEAN's backtests, the clock moves to the start date's first moment in the new zone.
        """
        self._check_unlocked("set_time_zone")
        self._time_zone = time_zone if isinstance(time_zone, ZoneInfo) else get_time_zone(time_zone)
        self._clock_ns = None
        if self._schedule is not None:
            self._schedule.date_rules.set_default_time_zone(self._time_zone)
            self._schedule.time_rules.set_default_time_zone(self._time_zone)
        self._utc_ns = self._start_ns()

    def set_warm_up(self, period: int | timedelta, resolution: Any = None) -> None:
        """Warm up over a number of bars or a time span before the start date."""
        self._check_unlocked("set_warm_up")
        self._warm_up = period
        self._warm_up_resolution = resolution

    set_warmup = set_warm_up

    def set_brokerage_model(self, brokerage: Any, account_type: AccountType | None = None) -> None:
        """Choose the brokerage model (fees, fills, buying power) and the account type."""
        self._check_unlocked("set_brokerage_model")
        if isinstance(brokerage, BrokerageModel):
            self.brokerage_model = brokerage
        else:
            name = getattr(brokerage, "name", str(brokerage))
            self.brokerage_model = brokerage_model_for(
                name, account_type if account_type is not None else AccountType.MARGIN
            )
        self.portfolio = SecurityPortfolioManager(
            self.securities, self.cash_book, self.brokerage_model.account_type
        )

    def set_benchmark(self, benchmark: str | Symbol) -> None:
        """Choose the benchmark security (SPY by default)."""
        self._check_unlocked("set_benchmark")
        self._benchmark_chosen = True
        if isinstance(benchmark, Symbol):
            self._benchmark_symbol, self._benchmark_ticker = benchmark, None
        else:
            self._benchmark_symbol, self._benchmark_ticker = None, benchmark

    def set_name(self, name: str) -> None:
        """Name the algorithm in its results."""
        self.name = name

    def get_parameter(self, name: str, default_value: Any = None) -> Any:
        """Return a parameter's value (as text unless a typed default is given)."""
        if name not in self._parameters:
            return default_value
        text = self._parameters[name]
        if default_value is None or isinstance(default_value, str):
            return text
        if isinstance(default_value, bool):
            return text.strip().lower() in ("1", "true", "yes")
        try:
            return type(default_value)(text)
        except (TypeError, ValueError):
            return default_value

    def set_parameters(self, parameters: dict[str, str]) -> None:
        """Replace the algorithm's parameters (the engine does this before initialize)."""
        self._parameters = dict(parameters)

    # -- logs and charts ----------------------------------------------------------------------
    def debug(self, message: Any) -> None:
        """Send a debug message (an identical consecutive message is dropped, as in LEAN)."""
        text = str(message)
        if not text or text == self._previous_debug:
            return
        self._previous_debug = text
        self._log("debug", text)

    def log(self, message: Any) -> None:
        """Write a line to the algorithm log."""
        self._log("log", str(message))

    def error(self, message: Any) -> None:
        """Report an error message."""
        self._log("error", str(message))

    def quit(self, message: str = "") -> None:
        """Stop the algorithm after the current time step."""
        if message:
            self.debug(f"Quit(): {message}")
        self._quit_requested = True

    def set_runtime_statistic(self, name: str, value: Any) -> None:
        """Add a runtime statistic (ignored for now beyond the log)."""
        self.log(f"{name}: {value}")

    def _log(self, level: str, text: str) -> None:
        self._logs.append(m.LogEntry(utc_ns=self._utc_ns, level=level, text=text))

    def plot(self, chart: str, series: Any = None, value: Any = None) -> None:
        """Add a point to a user chart: `plot(chart, series, value)` or `plot(series, value)`."""
        if value is None:
            series, value = chart, series
        if hasattr(value, "current"):
            value = value.current.value
        self._charts.append(
            m.ChartPoint(chart=str(chart), series=str(series), utc_ns=self._utc_ns, value=float(value))
        )

    def record(self, series: str, value: float) -> None:
        """Plot a point on the "Strategy Equity" chart's named series (LEAN's Record)."""
        self.plot("Strategy Equity", series, value)

    def _drain_logs(self) -> tuple[list[m.LogEntry], list[m.ChartPoint]]:
        logs, charts = self._logs, self._charts
        self._logs, self._charts = [], []
        return logs, charts

    # -- order events -------------------------------------------------------------------------
    def _apply_order_events(self, events: list[OrderEvent]) -> None:
        for event in events:
            if event.is_fill:
                self.portfolio.process_fill(event)
            self.on_order_event(event)

    def _start_ns(self) -> int:
        return local_to_ns(self._start_date, self._time_zone)

    def _end_ns(self) -> int:
        return local_to_ns(self._end_date, self._time_zone)


class _NoLink:
    """The order link before the engine attaches: every request fails clearly."""

    def _fail(self, *_: object) -> m.OrderReply:
        raise AlgorithmSetupError("orders can only be placed while the engine runs the algorithm")

    submit = update = cancel = _fail

    def current_utc_ns(self) -> int:
        return 0

    @property
    def run_id(self) -> str:
        return ""


def _exact(value: float | int) -> Decimal:
    exact = to_decimal(value)
    assert exact is not None
    return exact


def _to_date(year: int | date | datetime, month: int | None, day: int | None) -> date:
    if isinstance(year, datetime):
        return year.date()
    if isinstance(year, date):
        return year
    if month is None or day is None:
        raise AlgorithmSetupError("a date needs a year, a month and a day")
    return date(year, month, day)
