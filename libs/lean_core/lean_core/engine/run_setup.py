"""Turn an initialised algorithm into the run's set-up: subscriptions, benchmark, warm-up, message.

`prepare_run` calls the user's `initialize()`, applies the launcher's overrides (CLI and
config beat the algorithm's own dates and cash), adds LEAN's internal benchmark subscription
and locks the algorithm; `build_initialized` states the result as the message every other
handler sets itself up from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from lean_core.algorithm.currency_feeds import ensure_currency_feeds, seed_conversion_rates
from lean_core.algorithm.custom_securities import describe_custom_security, describe_custom_subscription
from lean_core.algorithm.qc_algorithm import QCAlgorithm
from lean_core.algorithm.security_factory import SecurityFactory
from lean_core.algorithm.subscriptions import Subscription
from lean_core.bus import messages as m
from lean_core.data.bars import local_to_ns
from lean_core.enums import DataNormalizationMode, Market, Resolution, SecurityType, TickType
from lean_core.securities.security import Security
from lean_core.time.exchange_hours import SecurityExchangeHours

BENCHMARK_RESOLUTION = Resolution.HOUR


@dataclass(frozen=True, slots=True)
class RunOverrides:
    """Launcher settings that win over what the algorithm sets in initialize()."""

    start: date | None = None
    end: date | None = None
    cash: Decimal | None = None
    parameters: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class RunSetup:
    """What the algorithm handler keeps from set-up."""

    subscriptions: list[m.SubscriptionSpec]
    securities: list[m.SecuritySpec]
    by_subscription: dict[int, tuple[Security, bool]]
    benchmark: Security | None
    warmup_start_ns: int


def prepare_run(algorithm: QCAlgorithm, factory: SecurityFactory, overrides: RunOverrides) -> RunSetup:
    """Initialise the algorithm and work out its subscriptions and warm-up start."""
    algorithm.set_parameters({**algorithm._parameters, **overrides.parameters})
    algorithm.initialize()
    if overrides.start is not None:
        algorithm._start_date = datetime.combine(overrides.start, time())
    if overrides.end is not None:
        algorithm._end_date = datetime.combine(overrides.end, datetime.max.time())
    if overrides.cash is not None:
        algorithm.portfolio.set_cash(overrides.cash)
    if algorithm._end_date < algorithm._start_date:
        raise ValueError(
            f"the end date {algorithm._end_date:%Y-%m-%d} is before the start date "
            f"{algorithm._start_date:%Y-%m-%d}"
        )
    algorithm._schedule_end_of_day_events()
    algorithm._locked = True
    subscriptions = list(algorithm._subscription_list())
    benchmark = _benchmark(algorithm, factory)
    if benchmark is not None:
        subscriptions.append(
            Subscription(benchmark, BENCHMARK_RESOLUTION, TickType.TRADE, False, False, True)
        )
    subscriptions.extend(_currency_conversions(algorithm, factory))
    custom = algorithm._custom_data_info
    specs = [
        describe_custom_subscription(_subscription_spec(index, sub), custom)
        for index, sub in enumerate(subscriptions)
    ]
    by_subscription = {index: (sub.security, sub.is_internal) for index, sub in enumerate(subscriptions)}
    securities = [
        describe_custom_security(_security_spec(sub.security, sub.resolution, sub.is_internal), custom)
        for sub in _unique(subscriptions)
    ]
    start_ns = algorithm._start_ns()
    warmup_start_ns = _warmup_start_ns(algorithm, subscriptions, start_ns)
    return RunSetup(specs, securities, by_subscription, benchmark, warmup_start_ns)


def _currency_conversions(algorithm: QCAlgorithm, factory: SecurityFactory) -> list[Subscription]:
    """Set up the cash book's conversions and seed their rates at the start, as LEAN's setup handler."""
    added = ensure_currency_feeds(algorithm, factory)
    algorithm._set_utc_ns(algorithm._start_ns())
    seed_conversion_rates(algorithm, added)
    return added


def build_initialized(algorithm: QCAlgorithm, setup: RunSetup, run_id: str) -> m.AlgorithmInitialized:
    """State the run's set-up as the message every handler starts from."""
    benchmark = setup.benchmark
    brokerage = algorithm.brokerage_model
    cash_book = {code: cash.exact_amount for code, cash in algorithm.cash_book.items()}
    return m.AlgorithmInitialized(
        run_id=run_id,
        name=algorithm.name,
        start_ns=algorithm._start_ns(),
        end_ns=algorithm._end_ns(),
        warmup_start_ns=setup.warmup_start_ns,
        time_zone=algorithm.time_zone.key,
        account_currency=algorithm.cash_book.account_currency,
        starting_cash=algorithm.cash_book[algorithm.cash_book.account_currency].exact_amount,
        account_type=brokerage.account_type,
        brokerage=brokerage.name,
        trading_days_per_year=algorithm.settings.trading_days_per_year or brokerage.trading_days_per_year,
        subscriptions=setup.subscriptions,
        securities=setup.securities,
        benchmark_symbol_id=str(benchmark.symbol.id) if benchmark else "",
        benchmark_symbol_value=benchmark.symbol.value if benchmark else "",
        parameters=dict(algorithm._parameters),
        cash_book=cash_book,
        starting_portfolio_value=algorithm.portfolio.exact_cash,
    )


def _benchmark(algorithm: QCAlgorithm, factory: SecurityFactory) -> Security | None:
    symbol = algorithm._benchmark_symbol
    if symbol is None and not algorithm._benchmark_chosen:
        symbol = factory.create_symbol(*algorithm.brokerage_model.default_benchmark)
    if symbol is None:
        if algorithm._benchmark_ticker is None:
            return None
        symbol = factory.create_symbol(algorithm._benchmark_ticker.upper(), SecurityType.EQUITY, Market.USA)
    return factory.create_security(
        symbol,
        algorithm.cash_book,
        algorithm.brokerage_model,
        resolution=BENCHMARK_RESOLUTION,
        data_normalization_mode=DataNormalizationMode.ADJUSTED,
        is_internal=True,
    )


def _unique(subscriptions: list[Subscription]) -> list[Subscription]:
    seen: set[int] = set()
    unique = []
    for sub in subscriptions:
        if id(sub.security) not in seen:
            seen.add(id(sub.security))
            unique.append(sub)
    return unique


def _subscription_spec(index: int, sub: Subscription) -> m.SubscriptionSpec:
    return m.SubscriptionSpec(
        index=index,
        symbol_id=str(sub.security.symbol.id),
        symbol_value=sub.security.symbol.value,
        resolution=sub.resolution,
        tick_type=sub.tick_type,
        fill_forward=sub.fill_forward,
        extended_market_hours=sub.extended_market_hours,
        data_normalization_mode=sub.security.data_normalization_mode,
        is_internal=sub.is_internal,
        converts_currency=sub.converts_currency,
    )


def _security_spec(security: Security, resolution: Resolution, is_internal: bool) -> m.SecuritySpec:
    return m.SecuritySpec(
        symbol_id=str(security.symbol.id),
        symbol_value=security.symbol.value,
        resolution=resolution,
        leverage=float(security.leverage),
        data_normalization_mode=security.data_normalization_mode,
        is_internal=is_internal,
    )


def _warmup_start_ns(algorithm: QCAlgorithm, subscriptions: list[Subscription], start_ns: int) -> int:
    period = algorithm._warm_up
    if period is None:
        return start_ns
    start = algorithm._start_date
    if isinstance(period, timedelta):
        return local_to_ns(start - period, algorithm.time_zone)
    user = [sub for sub in subscriptions if not sub.is_internal]
    if not user:
        return start_ns
    resolution = algorithm._warm_up_resolution or min(sub.resolution for sub in user)
    earliest = min(
        bars_back(sub.security.exchange_hours, start, resolution.to_timedelta(), int(period)) for sub in user
    )
    return min(start_ns, local_to_ns(earliest, user[0].security.exchange_hours.time_zone))


def bars_back(hours: SecurityExchangeHours, start: datetime, increment: timedelta, count: int) -> datetime:
    """Return the exchange-local time `count` bars of `increment` of regular trading before `start`."""
    day = start.date()
    if increment >= timedelta(days=1) or hours.is_always_open:
        if hours.is_always_open:
            return start - increment * count
        for _ in range(count):
            day = hours.get_previous_trading_day(day)
        return datetime.combine(day, time())
    remaining = count
    while remaining > 0:
        day = hours.get_previous_trading_day(day)
        per_day = max(int(hours.regular_market_duration / increment), 1)
        remaining -= per_day
    return datetime.combine(day, time())
