"""Indicator helpers (`self.sma(...)` and friends), `register_indicator` and `consolidate`.

A helper builds the indicator, names it as LEAN does (`SMA(14,SPY_min)`) and registers it on a
consolidator fed by the symbol's subscription: trades for equities and crypto, quotes for
forex. Consolidators see every bar of the subscription, fill-forward bars included, before
`on_data`, as in LEAN's time step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lean_core.algorithm.core import AlgorithmCore
from lean_core.algorithm.subscriptions import Registration
from lean_core.data.bars import QuoteBar, TradeBar
from lean_core.data.consolidators import (
    ConsolidatorBase,
    IdentityDataConsolidator,
    QuoteBarConsolidator,
    TradeBarConsolidator,
)
from lean_core.data.slice import Slice
from lean_core.enums import Resolution, TickType
from lean_core.indicators import (
    AverageTrueRange,
    BollingerBands,
    ExponentialMovingAverage,
    IndicatorBase,
    IndicatorDataPoint,
    Momentum,
    MovingAverageConvergenceDivergence,
    MovingAverageType,
    RateOfChange,
    RateOfChangePercent,
    RelativeStrengthIndex,
    SimpleMovingAverage,
    StandardDeviation,
)
from lean_core.securities.security import Security

_RESOLUTION_SUFFIX = {
    Resolution.TICK: "tick",
    Resolution.SECOND: "sec",
    Resolution.MINUTE: "min",
    Resolution.HOUR: "hr",
    Resolution.DAILY: "day",
}


class IndicatorHelpersMixin(AlgorithmCore):
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
        tick_type, _ = self._data_type(security)
        self._registrations.append(
            Registration(security.symbol, tick_type, consolidator, security.exchange_hours.time_zone)
        )

    def consolidate(self, symbol: Any, period: Any, handler: Callable[[Any], object], *args: Any) -> Any:
        """Consolidate a symbol's bars into `period` bars and call `handler(bar)` with each."""
        if args:  # consolidate(symbol, period, tick_type, handler)
            handler = args[0]
        security = self._security_of(symbol)
        consolidator, tick_type = self._make_consolidator(security, period)
        consolidator.data_consolidated += lambda sender, bar: handler(bar)
        self._registrations.append(
            Registration(security.symbol, tick_type, consolidator, security.exchange_hours.time_zone)
        )
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
        if selector is None:
            consolidator.data_consolidated += lambda sender, bar: indicator.update(bar)
        else:
            consolidator.data_consolidated += lambda sender, bar: indicator.update(
                IndicatorDataPoint(bar.symbol, bar.end_time, selector(bar))
            )
        self._registrations.append(
            Registration(security.symbol, tick_type, consolidator, security.exchange_hours.time_zone)
        )
        return consolidator

    def _update_consolidators(self, data: Slice) -> None:
        for registration in self._registrations:
            bar: TradeBar | QuoteBar | None
            if registration.tick_type == TickType.TRADE:
                bar = data.bars.get(registration.symbol)
            else:
                bar = data.quote_bars.get(registration.symbol)
            if bar is not None:
                registration.consolidator.update(bar)
            if getattr(registration.consolidator, "is_time_based", False):
                registration.consolidator.scan(self._exchange_now(registration.time_zone))

    def _exchange_now(self, time_zone: Any) -> Any:
        from lean_core.data.bars import ns_to_local

        return ns_to_local(self._utc_ns, time_zone)

    # -- helpers ------------------------------------------------------------------------------
    def _register(self, symbol: Any, indicator: IndicatorBase[Any], resolution: Any, selector: Any) -> Any:
        self.register_indicator(symbol, indicator, resolution, selector)
        return indicator

    def _name(self, symbol: Any, kind: str, resolution: Any) -> str:
        security = self._security_of(symbol)
        chosen = resolution if isinstance(resolution, Resolution) else self._data_type(security)[1]
        return f"{kind},{security.symbol.value}_{_RESOLUTION_SUFFIX[chosen]})"

    def sma(self, symbol: Any, period: int, resolution: Any = None, selector: Any = None) -> Any:
        """Create an auto-updated simple moving average."""
        name = self._name(symbol, f"SMA({period}", resolution)
        return self._register(symbol, SimpleMovingAverage(period, name=name), resolution, selector)

    def ema(
        self,
        symbol: Any,
        period: int,
        smoothing_factor: float | None = None,
        resolution: Any = None,
        selector: Any = None,
    ) -> Any:
        """Create an auto-updated exponential moving average."""
        if isinstance(smoothing_factor, Resolution):
            smoothing_factor, resolution = None, smoothing_factor
        name = self._name(symbol, f"EMA({period}", resolution)
        indicator = ExponentialMovingAverage(period, smoothing_factor, name=name)
        return self._register(symbol, indicator, resolution, selector)

    def rsi(
        self,
        symbol: Any,
        period: int,
        moving_average_type: MovingAverageType = MovingAverageType.WILDERS,
        resolution: Any = None,
        selector: Any = None,
    ) -> Any:
        """Create an auto-updated relative strength index."""
        name = self._name(symbol, f"RSI({period},{moving_average_type.name.title()}", resolution)
        return self._register(
            symbol, RelativeStrengthIndex(period, moving_average_type, name=name), resolution, selector
        )

    def macd(
        self,
        symbol: Any,
        fast_period: int,
        slow_period: int,
        signal_period: int,
        moving_average_type: MovingAverageType = MovingAverageType.EXPONENTIAL,
        resolution: Any = None,
        selector: Any = None,
    ) -> Any:
        """Create an auto-updated MACD."""
        name = self._name(symbol, f"MACD({fast_period},{slow_period},{signal_period}", resolution)
        indicator = MovingAverageConvergenceDivergence(
            fast_period, slow_period, signal_period, moving_average_type, name=name
        )
        return self._register(symbol, indicator, resolution, selector)

    def bb(
        self,
        symbol: Any,
        period: int,
        k: float,
        moving_average_type: MovingAverageType = MovingAverageType.SIMPLE,
        resolution: Any = None,
        selector: Any = None,
    ) -> Any:
        """Create auto-updated Bollinger Bands."""
        name = self._name(symbol, f"BB({period},{k}", resolution)
        return self._register(
            symbol, BollingerBands(period, k, moving_average_type, name=name), resolution, selector
        )

    def atr(
        self,
        symbol: Any,
        period: int,
        moving_average_type: MovingAverageType = MovingAverageType.SIMPLE,
        resolution: Any = None,
        selector: Any = None,
    ) -> Any:
        """Create an auto-updated average true range (LEAN's helper defaults to a simple average)."""
        name = self._name(symbol, f"ATR({period}", resolution)
        return self._register(
            symbol, AverageTrueRange(period, moving_average_type, name=name), resolution, selector
        )

    def mom(self, symbol: Any, period: int, resolution: Any = None, selector: Any = None) -> Any:
        """Create an auto-updated momentum indicator."""
        name = self._name(symbol, f"MOM({period}", resolution)
        return self._register(symbol, Momentum(period, name=name), resolution, selector)

    def roc(self, symbol: Any, period: int, resolution: Any = None, selector: Any = None) -> Any:
        """Create an auto-updated rate of change."""
        name = self._name(symbol, f"ROC({period}", resolution)
        return self._register(symbol, RateOfChange(period, name=name), resolution, selector)

    def rocp(self, symbol: Any, period: int, resolution: Any = None, selector: Any = None) -> Any:
        """Create an auto-updated rate of change in percent."""
        name = self._name(symbol, f"ROCP({period}", resolution)
        return self._register(symbol, RateOfChangePercent(period, name=name), resolution, selector)

    def std(self, symbol: Any, period: int, resolution: Any = None, selector: Any = None) -> Any:
        """Create an auto-updated standard deviation."""
        name = self._name(symbol, f"STD({period}", resolution)
        return self._register(symbol, StandardDeviation(period, name=name), resolution, selector)
