"""`self.schedule`, `self.date_rules` and `self.time_rules`, built on the scheduling package.

The rules are plain data; the algorithm keeps the callbacks and tells the realtime handler
about each event through the runtime, so the clock can live in another process.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from lean_core.algorithm.core import AlgorithmCore
from lean_core.scheduling.date_rules import DateRules
from lean_core.scheduling.rule_support import default_symbol_lookup
from lean_core.scheduling.schedule import ScheduledEvent, ScheduleManager, security_end_of_day_event
from lean_core.scheduling.time_rules import TimeRules
from lean_core.securities.security import Security
from lean_core.symbols import Symbol
from lean_core.time.exchange_hours import SecurityExchangeHours


class SchedulingMixin(AlgorithmCore):
    """The part of `QCAlgorithm` that schedules events."""

    @property
    def schedule(self) -> ScheduleManager:
        """Return the schedule (`self.schedule.on(date_rule, time_rule, callback)`)."""
        if self._schedule is None:
            date_rules = DateRules(
                self._hours_of, self.time_zone, symbol_lookup=self._symbol_of, utc_now=self._naive_utc_now
            )
            time_rules = TimeRules(
                self._hours_of,
                self.time_zone,
                symbol_lookup=self._symbol_of,
                utc_now=self._naive_utc_now,
                securities=lambda: [s.symbol for s in self.securities.values()],
            )
            self._schedule = ScheduleManager(
                date_rules, time_rules, on_added=self._event_added, on_removed=self._event_removed
            )
        return self._schedule

    @property
    def date_rules(self) -> DateRules:
        """Return the date-rule helper."""
        return self.schedule.date_rules

    @property
    def time_rules(self) -> TimeRules:
        """Return the time-rule helper."""
        return self.schedule.time_rules

    def _naive_utc_now(self) -> datetime:
        return self.utc_time

    def _hours_of(self, symbol: Symbol) -> SecurityExchangeHours:
        security = self.securities.get(symbol)
        if isinstance(security, Security):
            return security.exchange_hours
        factory = self._require_runtime().security_factory
        return factory.market_hours.get_entry(
            symbol.id.market, symbol.id.symbol, symbol.security_type
        ).exchange_hours

    def _symbol_of(self, ticker: str) -> Symbol:
        security = self.securities.get(ticker)
        return security.symbol if isinstance(security, Security) else default_symbol_lookup(ticker)

    def _event_added(self, event: ScheduledEvent) -> None:
        self._require_runtime().schedule(event)

    def _event_removed(self, event: ScheduledEvent) -> None:
        self._require_runtime().unschedule(event.id)

    def _schedule_end_of_day_events(self) -> None:
        """Schedule `on_end_of_day(symbol)` for each security, when the algorithm overrides it."""
        if type(self).on_end_of_day is AlgorithmCore.on_end_of_day:
            return
        for security in list(self.securities.values()):
            symbol = security.symbol
            event = security_end_of_day_event(self.schedule.next_id(), symbol)
            self.schedule.add(event, self._end_of_day_callback(symbol))

    def _end_of_day_callback(self, symbol: Symbol) -> Callable[[], None]:
        def callback() -> None:
            self.on_end_of_day(symbol)

        return callback
