"""Algorithm settings with LEAN's names and defaults."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal


@dataclass(slots=True)
class AlgorithmSettings:
    """What `self.settings` holds in a LEAN algorithm (the parts leanbus honours)."""

    free_portfolio_value_percentage: float = 0.0025
    free_portfolio_value: float | None = None
    minimum_order_margin_portfolio_percentage: float = 0.001
    stale_price_time_span: timedelta = timedelta(hours=1)
    daily_precise_end_time: bool = True
    liquidate_enabled: bool = True
    trading_days_per_year: int | None = None
    automatic_indicator_warm_up: bool = False
    seed_initial_prices: bool = False

    @property
    def exact_free_portfolio_value_percentage(self) -> Decimal:
        """Return the free-portfolio buffer as LEAN's decimal."""
        return Decimal(repr(self.free_portfolio_value_percentage))

    @property
    def exact_minimum_order_margin_portfolio_percentage(self) -> Decimal:
        """Return the minimum order margin as LEAN's decimal."""
        return Decimal(repr(self.minimum_order_margin_portfolio_percentage))
