"""Indicator helpers (`self.sma(...)` and friends), `register_indicator` and `consolidate`.

A helper builds the indicator, names it as LEAN does (`SMA(14,SPY_min)`) and registers it on a
consolidator fed by the symbol's subscription: trades for equities and crypto, quotes for
forex. Consolidators see every bar of the subscription, fill-forward bars included, before
`on_data`, as in LEAN's time step. The helpers themselves live in one mixin per indicator
family (price_, bar_ and volume_trend_indicator_helpers.py); this module builds and feeds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from lean_core.algorithm.bar_indicator_helpers import BarIndicatorHelpers
from lean_core.algorithm.core import AlgorithmCore
from lean_core.algorithm.indicator_factory import IndicatorT
from lean_core.algorithm.price_indicator_helpers import PriceIndicatorHelpers
from lean_core.algorithm.subscriptions import Registration
from lean_core.algorithm.volume_trend_indicator_helpers import VolumeTrendIndicatorHelpers
from lean_core.data.bars import ns_to_local
from lean_core.data.consolidators import (
    ConsolidatorBase,
    IdentityDataConsolidator,
    QuoteBarConsolidator,
    TradeBarConsolidator,
)
from lean_core.data.slice import Slice
from lean_core.enums import Resolution, TickType
from lean_core.indicators import BarIndicator, IndicatorBase, IndicatorDataPoint, TradeBarIndicator
from lean_core.indicators.volume_weighted import IntradayVwap
from lean_core.securities.security import Security

_RESOLUTION_SUFFIX = {
    Resolution.TICK: "tick",
    Resolution.SECOND: "sec",
    Resolution.MINUTE: "min",
    Resolution.HOUR: "hr",
    Resolution.DAILY: "day",
}


class IndicatorHelpersMixin(
    PriceIndicatorHelpers, BarIndicatorHelpers, VolumeTrendIndicatorHelpers, AlgorithmCore
):
    """The part of `QCAlgorithm` that creates auto-updated indicators and consolidators."""

    # -- consolidators ------------------------------------------------------------------------
    def _security_of(self, symbol: Any) -> Security:
        security = self.securities.get(symbol)
        if security is None:
            raise KeyError(f"{symbol} is not in the algorithm: add it with add_equity() or similar first")
        return security

    def _data_type(self, security: Security) -> tuple[TickType, Resolution]:
        subs = [s for s in self._subscriptions if s.security is security]
        if not subs:
            raise KeyError(f"{security.symbol.value} has no subscription")
        trade = [s for s in subs if s.tick_type == TickType.TRADE]
        chosen = trade[0] if trade else subs[0]
        return chosen.tick_type, chosen.resolution

    def _make_consolidator(self, security: Security, period: Any) -> tuple[ConsolidatorBase[Any], TickType]:
        tick_type, resolution = self._data_type(security)
        if period is None or (isinstance(period, Resolution) and period == resolution):
            return IdentityDataConsolidator(), tick_type
        if isinstance(period, Resolution):
            period = period.to_timedelta()
        kind = TradeBarConsolidator if tick_type == TickType.TRADE else QuoteBarConsolidator
        return kind(period), tick_type

    def subscription_manager_add_consolidator(self, symbol: Any, consolidator: Any) -> None:
        """Feed a consolidator from a symbol's subscription (LEAN's SubscriptionManager.AddConsolidator)."""
        security = self._security_of(symbol)
        self._register(security, self._data_type(security)[0], consolidator)

    def consolidate(self, symbol: Any, period: Any, handler: Callable[[Any], object], *args: Any) -> Any:
        """Consolidate a symbol's bars into `period` bars and call `handler(bar)` with each."""
        if args:  # consolidate(symbol, period, tick_type, handler)
            handler = args[0]
        security = self._security_of(symbol)
        consolidator, tick_type = self._make_consolidator(security, period)
        consolidator.data_consolidated += lambda sender, bar: handler(bar)
        self._register(security, tick_type, consolidator)
        return consolidator

    def register_indicator(
        self, symbol: Any, indicator: IndicatorBase[Any], resolution: Any = None, selector: Any = None
    ) -> ConsolidatorBase[Any]:
        """Update an indicator from a symbol's bars (consolidated to `resolution` when given)."""
        security = self._security_of(symbol)
        if isinstance(resolution, ConsolidatorBase):
            consolidator, tick_type = resolution, self._data_type(security)[0]
        else:
            consolidator, tick_type = self._make_consolidator(security, resolution)
        consolidator.data_consolidated += _updater(indicator, selector)
        self._register(security, tick_type, consolidator)
        return consolidator

    def _register(self, security: Security, tick_type: TickType, consolidator: ConsolidatorBase[Any]) -> None:
        time_zone = security.exchange_hours.time_zone
        self._registrations.append(Registration(security.symbol, tick_type, consolidator, time_zone))

    def _update_consolidators(self, data: Slice) -> None:
        # This runs every time step for every registered consolidator: it reads only the
        # registered symbols' points (not the whole slice), and each registration's decisions
        # were made when it was registered.
        zone: Any = None
        local_time: datetime | None = None
        for registration in self._registrations:
            feed = registration.feed
            if feed is not None and feed.publish():
                continue
            bar: Any
            if registration.reads_trades:
                points = data.points_of(registration.symbol, quotes=False)
                bar = points.bar
                if bar is None:  # a custom data point feeds its consolidators as a trade bar would
                    bar = points.custom
            else:
                bar = data.points_of(registration.symbol, others=False).quote
            consolidator = registration.consolidator
            if bar is not None:
                consolidator.update(bar)
            time_based = registration.time_based
            if time_based or (time_based is None and getattr(consolidator, "is_time_based", False)):
                if registration.time_zone is not zone or local_time is None:
                    zone = registration.time_zone
                    local_time = ns_to_local(self._utc_ns, zone)
                consolidator.scan(local_time)

    # -- naming and building -------------------------------------------------------------------
    def create_indicator_name(self, symbol: Any, type: str, resolution: Any = None) -> str:
        """Name an indicator as LEAN does: `SMA(14)` for SPY at minute resolution is `SMA(14,SPY_min)`."""
        security = self._security_of(symbol)
        chosen = resolution if isinstance(resolution, Resolution) else self._data_type(security)[1]
        return f"{type}({security.symbol.value}_{_RESOLUTION_SUFFIX[chosen]})".replace(")(", ",")

    def _create(
        self,
        symbol: Any,
        kind: str,
        cls: Callable[..., IndicatorT],
        resolution: Any,
        selector: Any,
        *args: Any,
    ) -> IndicatorT:
        """Build `cls(*args)` named after `kind` and register it to update from `symbol`'s data."""
        indicator = cls(*args, name=self.create_indicator_name(symbol, kind, resolution))
        consolidator = self.register_indicator(symbol, indicator, resolution, selector)
        registration = self._registrations[-1]
        if selector is None and type(consolidator) is IdentityDataConsolidator:
            # nobody else holds this consolidator: the engine may feed the indicator in batches
            registration.indicator = indicator
        return indicator


def _updater(indicator: IndicatorBase[Any], selector: Any) -> Callable[[Any, Any], object]:
    """Return the consolidator handler feeding `indicator`, through `selector` when one is given.

    As in LEAN, a selector gives a bar indicator the bar to use and any other indicator the
    number to use.
    """
    if selector is None:
        return lambda sender, data: indicator.update(data)
    if isinstance(indicator, BarIndicator | TradeBarIndicator | IntradayVwap):
        return lambda sender, data: indicator.update(selector(data))
    return lambda sender, data: indicator.update(
        IndicatorDataPoint(data.symbol, data.end_time, selector(data))
    )
