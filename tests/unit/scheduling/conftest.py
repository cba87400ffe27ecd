"""Fixtures for the scheduling tests: LEAN's sample market-hours database and rule builders over it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from lean_core.enums import Market, SecurityType
from lean_core.scheduling import (
    DateRules,
    DateRuleSpec,
    ExchangeHoursLookup,
    ScheduleContext,
    TimeRules,
    TimeRuleSpec,
    database_exchange_hours,
    event_times,
    local_to_utc_ns,
    utc_datetime,
)
from lean_core.symbols import Symbol
from lean_core.time import MarketHoursDatabase, TimeZones

# The algorithm clock LEAN's scheduling tests use (naive UTC).
UTC_NOW = datetime(2021, 7, 27, 1, 10, 10, 500_000)

Events = Callable[[DateRuleSpec, TimeRuleSpec, datetime, datetime], list[datetime]]


@pytest.fixture(scope="session")
def market_hours(lean_data_folder: Path) -> MarketHoursDatabase:
    return MarketHoursDatabase.from_data_folder(lean_data_folder)


@pytest.fixture(scope="session")
def hours_lookup(market_hours: MarketHoursDatabase) -> ExchangeHoursLookup:
    return database_exchange_hours(market_hours)


@pytest.fixture
def context(hours_lookup: ExchangeHoursLookup) -> ScheduleContext:
    """Return a context for an algorithm in New York time."""
    return ScheduleContext(hours_lookup, TimeZones.NEW_YORK)


@pytest.fixture
def events(context: ScheduleContext) -> Events:
    """Return a function listing the rules' events in [start, end) as naive UTC datetimes."""

    def listed(
        date_rule: DateRuleSpec, time_rule: TimeRuleSpec, start: datetime, end: datetime
    ) -> list[datetime]:
        start_ns, end_ns = (local_to_utc_ns(moment, TimeZones.UTC) for moment in (start, end))
        return [utc_datetime(ns) for ns in event_times(date_rule, time_rule, start_ns, end_ns, context)]

    return listed


@pytest.fixture
def date_rules(hours_lookup: ExchangeHoursLookup) -> DateRules:
    """Return date rules for an algorithm in New York time whose clock reads `UTC_NOW`."""
    return DateRules(hours_lookup, TimeZones.NEW_YORK, utc_now=lambda: UTC_NOW)


@pytest.fixture
def time_rules(hours_lookup: ExchangeHoursLookup) -> TimeRules:
    """Return time rules for an algorithm in New York time holding SPY."""
    spy = Symbol.create("SPY", SecurityType.EQUITY, Market.USA)
    return TimeRules(hours_lookup, TimeZones.NEW_YORK, utc_now=lambda: UTC_NOW, securities=lambda: [spy])
