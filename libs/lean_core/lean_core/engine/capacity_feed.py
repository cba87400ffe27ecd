"""Feed the strategy-capacity estimate from the algorithm's fills, bars and portfolio.

The estimate needs market volume after each fill and the holdings at each snapshot, which
only the algorithm handler sees step by step; it reports the result when the run finishes.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from lean_core.data.bars import QuoteBar, TradeBar
from lean_core.data.slice import Slice
from lean_core.orders.events import OrderEvent
from lean_core.securities.decimals import to_decimal
from lean_core.securities.portfolio import SecurityPortfolioManager
from lean_core.securities.security import Security, SecurityManager
from lean_core.statistics.capacity import CapacityBar, CapacityEstimator, CapacityPosition
from lean_core.symbols import Symbol

_ZERO = Decimal(0)


class _PortfolioView:
    """The portfolio as the estimator reads it at a snapshot."""

    def __init__(self, portfolio: SecurityPortfolioManager, by_key: dict[str, Security]) -> None:
        self._portfolio = portfolio
        self._by_key = by_key

    @property
    def total_portfolio_value(self) -> Decimal:
        return self._portfolio.exact_total_portfolio_value

    def position(self, symbol_key: str) -> CapacityPosition:
        security = self._by_key.get(symbol_key)
        if security is None or not security.holdings.invested:
            return CapacityPosition(False, _ZERO)
        reserved = security.buying_power_model.get_reserved_buying_power_for_position(security)
        return CapacityPosition(True, abs(reserved * security.exact_leverage))


class CapacityFeed:
    """Drive a `CapacityEstimator` from the algorithm handler."""

    def __init__(
        self, estimator: CapacityEstimator, securities: SecurityManager, portfolio: SecurityPortfolioManager
    ):
        self.estimator = estimator
        self._securities = securities
        self._portfolio = portfolio
        self._by_key: dict[str, Security] = {}
        self._view = _PortfolioView(portfolio, self._by_key)

    def on_order_events(self, events: list[OrderEvent]) -> None:
        """Tell the estimator about fills."""
        for event in events:
            if not event.is_fill:
                continue
            security = self._security_of(event)
            rate = security.quote_currency.exact_conversion_rate if security is not None else Decimal(1)
            multiplier = (
                security.symbol_properties.contract_multiplier if security is not None else Decimal(1)
            )
            if security is not None:
                self._by_key[event.symbol_id] = security
            self.estimator.on_order_event(
                symbol_key=event.symbol_id,
                status=event.status,
                utc_time=event.utc_time.replace(tzinfo=None),
                fill_price=event.fill_price,
                fill_quantity=event.fill_quantity,
                conversion_rate=rate,
                contract_multiplier=multiplier,
            )

    def _security_of(self, event: OrderEvent) -> Security | None:
        known = self._by_key.get(event.symbol_id)
        if known is not None and self._securities.get(known.symbol) is known:
            return known
        # by identifier: a custom data security can share its ticker with the security it wraps
        return self._securities.get(Symbol.parse(event.symbol_id, event.symbol_value))

    def on_step(self, utc_time: datetime, data: Slice) -> None:
        """Add the step's bars of the monitored symbols; snapshot when due."""
        self.estimator.update_market_capacity(utc_time, self._bars(data), self._view)

    def on_finish(self, utc_time: datetime, data: Slice, *, ran_to_end: bool) -> None:
        """Take the end-of-run snapshots with the last step's bars."""
        self.estimator.finish(utc_time, self._bars(data), self._view, ran_to_end=ran_to_end)

    def _bars(self, data: Slice) -> dict[str, CapacityBar]:
        bars: dict[str, CapacityBar] = {}
        for key in self.estimator.monitored_keys():
            security = self._by_key.get(key)
            if security is None:
                continue
            # A quote bar counts only without a trade bar: most steps need not build one.
            trade = data.points_of(security.symbol, quotes=False).bar
            quote = data.points_of(security.symbol, others=False).quote if trade is None else None
            bar = _capacity_bar(security, trade, quote)
            if bar is not None:
                bars[key] = bar
        return bars


def _capacity_bar(security: Security, trade: TradeBar | None, quote: QuoteBar | None) -> CapacityBar | None:
    rate = security.quote_currency.exact_conversion_rate
    multiplier = security.symbol_properties.contract_multiplier
    if trade is not None:
        return CapacityBar.from_trade_bar(
            to_decimal(trade.close),
            to_decimal(trade.volume),
            trade.end_time - trade.time,
            is_fill_forward=trade.is_fill_forward,
            conversion_rate=rate,
            contract_multiplier=multiplier,
        )
    if quote is not None:
        return CapacityBar.from_quote_bar(
            to_decimal(quote.close),
            to_decimal(quote.last_bid_size),
            to_decimal(quote.last_ask_size),
            quote.end_time - quote.time,
            security.type,
            conversion_rate=rate,
            contract_multiplier=multiplier,
        )
    return None
