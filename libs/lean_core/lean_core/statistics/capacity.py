"""Strategy capacity: how many account-currency dollars a strategy could trade, as LEAN estimates it.

LEAN's `CapacityEstimate` and `SymbolCapacity` as a state machine that never touches the engine:
every input is a plain argument. Amounts are account-currency decimals; times are UTC (aware ones
are converted). In short: each fill adds to its symbol's sale volume and trade count and sets a
fast-trade discount; the market dollar volume of the bars right after the fill accumulates (how
many bars depends on the resolution derived from the bar period, so a strict-end-time daily bar
of 09:30-16:00 counts as an hour bar), scaled by a resolution factor; periodic snapshots divide
the smallest symbol's volume per trade by its share of sale volume or of the portfolio, blending
with the previous estimate. The per-rule details are on the functions and methods below.

How the engine drives it (LEAN's `BacktestingResultHandler`):

1. After `Initialize` (LEAN's `SetAlgorithm`): `CapacityEstimator(algorithm.start_date,
   algorithm.end_date)`, the algorithm's own start and end dates (a plain end `date` means its
   last instant, as LEAN's `SetEndDate` stores it).
2. Every order event, as it is raised (LEAN's `OrderEvent`): `on_order_event(symbol_key=` the
   symbol's SID string, `status, utc_time, fill_price, fill_quantity` of the event,
   `conversion_rate=` the security's quote-currency conversion rate, `contract_multiplier=` its
   symbol-properties multiplier`)`. Events other than fills and partial fills are ignored.
3. At the end of every time step, after the post-`on_data` order processing (LEAN's
   `results.ProcessSynchronousEvents()`): `update_market_capacity(algorithm.utc_time, bars,
   portfolio)`. `bars` maps the SID string of each symbol in `monitored_symbols` to what the
   current slice holds for it: its TradeBar as `CapacityBar.from_trade_bar` (fill-forward bars
   included, their volume counts as zero), else its QuoteBar as `CapacityBar.from_quote_bar`;
   a symbol whose subscriptions are all internal uses the TradeBar in the security cache when
   that bar ends at this step. Symbols without data are left out. `portfolio` is read only when
   a snapshot is taken: `total_portfolio_value` and, per SID string, `CapacityPosition(invested=
   holdings quantity != 0, used_buying_power=` the buying-power model's reserved buying power for
   the position x the security's leverage`)` (for a margin equity: |holdings value|).
4. At the end: `finish(algorithm.utc_time, bars, portfolio, ran_to_end=...)` with the last slice's
   bars, which repeats the call with `force=True`: LEAN forces it once after `on_end_of_algorithm`
   (skipped when the run ends on an error) and once more as its results handler exits, right
   before the statistics are built.
5. `capacity` feeds the "Capacity" chart at every sample and the summary's "Estimated Strategy
   Capacity" (`formatting.format_capacity`); `lowest_capacity_asset` is "Lowest Capacity Asset".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Protocol

from lean_core.enums import OrderStatus, Resolution, SecurityType
from lean_core.statistics import dotnet

__all__ = [
    "CAPACITY_EFFECT_PERIOD",
    "CapacityBar",
    "CapacityEstimator",
    "CapacityPortfolio",
    "CapacityPosition",
    "PortfolioState",
    "SymbolCapacity",
    "fast_trading_discount",
    "resolution_from_period",
    "resolution_scale_factor",
]

CAPACITY_EFFECT_PERIOD = timedelta(days=30)
"""How long after its last fill a symbol that is no longer held still counts."""

_FOREX_MINUTE_VOLUME = Decimal(25_000_000)
_CFD_MINUTE_VOLUME = Decimal(200)
_FAST_TRADING_SCALE = Decimal(2)
_MINUTES_PER_SESSION = Decimal(390)
_MIN_DISCOUNT = Decimal("0.20")
_ONE = Decimal(1)
_ZERO = Decimal(0)
_MINUTE_DOLLAR_VOLUME_SCALE = Decimal(6_000_000)
_SECOND_DOLLAR_VOLUME_SCALE = Decimal(100_000)
_DEFAULT_K = Decimal(10)
_MAX_TIMEOUT_MINUTES = 120
_NEW_WEIGHT = Decimal("0.33")
_OLD_WEIGHT = Decimal("0.66")
_ROUNDING_QUANTA = Decimal("1000.00")
_EPOCH = datetime(1970, 1, 1)
_FIRST_FILL_GAP = timedelta(days=1)
_LAST_TICK = timedelta(microseconds=1)
_ONE_MINUTE = timedelta(minutes=1)
_DOUBLE_MARGIN = 1e-9
"""How close a double k may come to a whole number before the exact decimals decide (see below)."""
_SCALE_FACTORS = {
    Resolution.DAILY: Decimal("0.02"),
    Resolution.HOUR: Decimal("0.05"),
    Resolution.MINUTE: Decimal("0.20"),
    Resolution.SECOND: Decimal("0.50"),
    Resolution.TICK: Decimal("0.50"),
}
_FILL_STATUSES = (OrderStatus.FILLED, OrderStatus.PARTIALLY_FILLED)


@lru_cache(maxsize=64)
def resolution_from_period(period: timedelta) -> Resolution:
    """Return the resolution of a bar period, rounding up to the next coarser one (LEAN, non-exact)."""
    if period < timedelta(seconds=1):
        return Resolution.TICK
    if period < timedelta(minutes=1):
        return Resolution.SECOND
    if period < timedelta(hours=1):
        return Resolution.MINUTE
    if period < timedelta(days=1):
        return Resolution.HOUR
    return Resolution.DAILY


def resolution_scale_factor(resolution: Resolution) -> Decimal:
    """Return the share of market volume a strategy is assumed to take at a resolution."""
    return _SCALE_FACTORS.get(resolution, _ONE)


def fast_trading_discount(minutes_since_previous_fill: Decimal) -> Decimal:
    """Return 2 x minutes / 390 clamped to [0.2, 1]: frequent trading captures less market volume."""
    factor = dotnet.multiply(
        _FAST_TRADING_SCALE, dotnet.divide(minutes_since_previous_fill, _MINUTES_PER_SESSION)
    )
    return _ONE if factor > _ONE else max(_MIN_DISCOUNT, factor)


@dataclass(frozen=True, slots=True)
class CapacityBar:
    """The market data a symbol's capacity reads at one time step (LEAN's `GetBar`)."""

    close: Decimal
    volume: Decimal
    period: timedelta
    conversion_rate: Decimal = _ONE
    contract_multiplier: Decimal = _ONE

    @classmethod
    def from_trade_bar(
        cls,
        close: Decimal,
        volume: Decimal,
        period: timedelta,
        *,
        is_fill_forward: bool = False,
        conversion_rate: Decimal = _ONE,
        contract_multiplier: Decimal = _ONE,
    ) -> CapacityBar:
        """Build from a TradeBar; a fill-forward bar has no volume, as LEAN's clone zeroes it."""
        return cls(close, _ZERO if is_fill_forward else volume, period, conversion_rate, contract_multiplier)

    @classmethod
    def from_quote_bar(
        cls,
        close: Decimal,
        last_bid_size: Decimal,
        last_ask_size: Decimal,
        period: timedelta,
        security_type: SecurityType,
        *,
        conversion_rate: Decimal = _ONE,
        contract_multiplier: Decimal = _ONE,
    ) -> CapacityBar:
        """Build from a QuoteBar: average quote size as volume, or a fixed estimate for forex and CFDs."""
        if security_type == SecurityType.FOREX:
            volume = _FOREX_MINUTE_VOLUME
        elif security_type == SecurityType.CFD:
            volume = _CFD_MINUTE_VOLUME
        else:
            volume = dotnet.divide(dotnet.add(last_bid_size, last_ask_size), Decimal(2))
        return cls(close, volume, period, conversion_rate, contract_multiplier)


@dataclass(frozen=True, slots=True)
class CapacityPosition:
    """A symbol's holdings as a snapshot needs them."""

    invested: bool
    used_buying_power: Decimal
    """The position's reserved buying power times the security's leverage (absolute)."""


class CapacityPortfolio(Protocol):
    """The portfolio state read when a snapshot is taken."""

    @property
    def total_portfolio_value(self) -> Decimal:
        """Return the portfolio value in account currency."""
        ...

    def position(self, symbol_key: str) -> CapacityPosition:
        """Return the holdings of the symbol with this SID string."""
        ...


@dataclass(frozen=True, slots=True)
class PortfolioState:
    """A fixed `CapacityPortfolio`: a value and positions by SID string (absent = not held)."""

    total_portfolio_value: Decimal
    positions: Mapping[str, CapacityPosition] = field(default_factory=dict)

    def position(self, symbol_key: str) -> CapacityPosition:
        """Return the symbol's position, or an empty one."""
        return self.positions.get(symbol_key, CapacityPosition(False, _ZERO))


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _round_up(moment: datetime, interval: timedelta) -> datetime:
    remainder = (moment - _EPOCH) % interval
    return moment + (interval - remainder) if remainder else moment


@lru_cache(maxsize=256)
def _minutes(span: timedelta) -> Decimal:
    return dotnet.decimal_from_double(span / _ONE_MINUTE)


def _scaled(amount: Decimal, factor: Decimal) -> Decimal:
    """Return amount x factor as C# multiplies them; a factor of one (an account-currency equity's) leaves it.

    A product with one has the amount's value, and at most trailing zeros more, which no later
    operation here can tell apart: their rounding drops those zeros first.
    """
    return amount if factor == _ONE else dotnet.multiply(amount, factor)


def _timeout_minutes(k: Decimal, minimum: int) -> int:
    if k > _MAX_TIMEOUT_MINUTES:
        return _MAX_TIMEOUT_MINUTES
    return int(max(float(minimum), dotnet.double_from_decimal(k)))


class _AverageDollarVolume:
    """The dollar volume a minute of a symbol's latest bar, which sets how long its window lasts.

    LEAN computes it, and k = scale / it, in C# decimals at every bar. Only k's truncated, clamped
    minutes are ever read, so a double estimate decides them unless k lies within a billionth of
    a whole number or of the clamp, where the two could round apart: there the exact decimals are
    computed. Decimals and doubles of these magnitudes agree to 1e-14, far inside that margin.
    """

    __slots__ = ("_bar", "_estimate", "_exact", "_previous_volume", "_span")

    def __init__(
        self, bar: CapacityBar | None = None, previous_volume: Decimal = _ZERO, span: timedelta | None = None
    ) -> None:
        self._bar = bar
        self._previous_volume = previous_volume
        self._span = span
        self._exact: Decimal | None = _ZERO if bar is None else None
        self._estimate = 0.0 if bar is None else self._double_estimate(bar, previous_volume, span)

    @staticmethod
    def _double_estimate(bar: CapacityBar, previous_volume: Decimal, span: timedelta | None) -> float:
        price = float(bar.close) * float(bar.conversion_rate)
        minutes = span / _ONE_MINUTE if span else 0.0
        if minutes == 0:
            return price * float(bar.volume)
        return price * (float(bar.volume) + float(previous_volume)) / minutes

    @property
    def exact(self) -> Decimal:
        """Return the average as LEAN's decimals compute it."""
        if self._exact is None:
            bar, span = self._bar, self._span
            assert bar is not None
            minutes = _minutes(span) if span is not None else _ZERO
            if minutes == 0:
                value = dotnet.multiply(dotnet.multiply(bar.conversion_rate, bar.close), bar.volume)
            else:
                price = dotnet.multiply(bar.close, bar.conversion_rate)
                total = dotnet.multiply(price, dotnet.add(bar.volume, self._previous_volume))
                value = dotnet.divide(total, minutes)
            self._exact = value
        return self._exact

    def timeout_minutes(self, dollar_volume_scale: Decimal, minimum: int) -> int:
        """Return k = scale / average truncated and clamped to [minimum, 120] (k = 10 for no volume)."""
        if self._estimate > 0:
            k = float(dollar_volume_scale) / self._estimate
            if k > _MAX_TIMEOUT_MINUTES * (1 + _DOUBLE_MARGIN):
                return _MAX_TIMEOUT_MINUTES
            if k < _MAX_TIMEOUT_MINUTES * (1 - _DOUBLE_MARGIN) and abs(k - round(k)) > k * _DOUBLE_MARGIN:
                return int(max(float(minimum), k))
        return _timeout_minutes(self.k(dollar_volume_scale), minimum)

    def k(self, dollar_volume_scale: Decimal) -> Decimal:
        """Return scale / average in C# decimals, or 10 without volume."""
        average = self.exact
        if average == 0:
            return _DEFAULT_K
        return dotnet.divide(dollar_volume_scale, average)


class SymbolCapacity:
    """One symbol's share of the estimate: sale volume, trades and the market volume after fills."""

    def __init__(self, symbol_key: str) -> None:
        self.symbol_key = symbol_key
        self.trades = 0
        self.sale_volume = _ZERO
        self._market_dollar_volume = _ZERO
        self._resolution_scale = _ZERO
        self._average = _AverageDollarVolume()
        self._discount = _ZERO
        self._previous_volume = _ZERO
        self._previous_bar_time: datetime | None = None
        self._last_fill_time: datetime | None = None
        self._restart_pending = False

    @property
    def market_capacity_dollar_volume(self) -> Decimal:
        """Return the accumulated market dollar volume scaled by its resolution's factor."""
        return dotnet.multiply(self._market_dollar_volume, self._resolution_scale)

    def on_fill(
        self,
        utc_time: datetime,
        fill_price: Decimal,
        fill_quantity: Decimal,
        conversion_rate: Decimal,
        contract_multiplier: Decimal,
    ) -> None:
        """Count a fill: add its sale volume, set the fast-trade discount, restart after a snapshot.

        The discount uses the minutes since this symbol's previous fill (a first fill: one day).
        """
        value = dotnet.multiply(dotnet.multiply(conversion_rate, fill_price), abs(fill_quantity))
        self.sale_volume = dotnet.add(self.sale_volume, dotnet.multiply(value, contract_multiplier))
        previous = self._last_fill_time or utc_time - _FIRST_FILL_GAP
        self._discount = fast_trading_discount(_minutes(utc_time - previous))
        if self._restart_pending:
            self._market_dollar_volume = _ZERO
            self.trades = 0
            self._restart_pending = False
        self.trades += 1
        self._last_fill_time = utc_time

    def update_market_capacity(self, utc_time: datetime, bar: CapacityBar | None) -> bool:
        """Add the step's market volume if still inside the window; return True once past it."""
        if bar is None or bar.volume == 0:
            return False
        self._update_average_dollar_volume(utc_time, bar)
        resolution = resolution_from_period(bar.period)
        if not self._includes_market_volume(utc_time, resolution):
            return True
        self._resolution_scale = resolution_scale_factor(resolution)
        dollars = dotnet.multiply(dotnet.multiply(bar.close, self._discount), bar.volume)
        dollars = _scaled(_scaled(dollars, bar.conversion_rate), bar.contract_multiplier)
        self._market_dollar_volume = dotnet.add(self._market_dollar_volume, dollars)
        return False

    def _update_average_dollar_volume(self, utc_time: datetime, bar: CapacityBar) -> None:
        previous = self._previous_bar_time
        self._average = _AverageDollarVolume(
            bar, self._previous_volume, utc_time - previous if previous is not None else None
        )
        self._previous_bar_time = utc_time
        self._previous_volume = bar.volume

    def _includes_market_volume(self, utc_time: datetime, resolution: Resolution) -> bool:
        """Return whether a bar ending now still follows the last fill closely enough to count.

        Minute: until k = 6e6 / average dollar volume minutes after the fill (k truncated and
        clamped to [1, 120]); second and tick: 1e5 and [5, 120]; hour: only at the fill time
        rounded up to the hour; daily: at the fill time or on the date of it rounded up to a day.
        """
        fill_time = self._last_fill_time
        if fill_time is None:
            return False
        if resolution == Resolution.HOUR:
            return utc_time == _round_up(fill_time, timedelta(hours=1))
        if resolution == Resolution.DAILY:
            return utc_time == fill_time or utc_time.date() == _round_up(fill_time, timedelta(days=1)).date()
        if resolution == Resolution.MINUTE:
            minutes = self._average.timeout_minutes(_MINUTE_DOLLAR_VOLUME_SCALE, 1)
        else:
            minutes = self._average.timeout_minutes(_SECOND_DOLLAR_VOLUME_SCALE, 5)
        return utc_time <= fill_time + timedelta(minutes=minutes)

    def reset(self) -> None:
        """Clear the sale volume; market volume and trades restart at the next fill."""
        self._restart_pending = True
        self.sale_volume = _ZERO

    def should_remove(self, utc_time: datetime, invested: bool) -> bool:
        """Return True when the symbol is not held and its last fill is 30 days old or more."""
        if invested or self._last_fill_time is None:
            return False
        return utc_time >= self._last_fill_time + CAPACITY_EFFECT_PERIOD


def _start_instant(start: date) -> datetime:
    return start if isinstance(start, datetime) else datetime.combine(start, time())


def _end_instant(end: date) -> datetime:
    if isinstance(end, datetime):
        return end
    return datetime.combine(end + timedelta(days=1), time()) - _LAST_TICK


class CapacityEstimator:
    """Estimate a strategy's capacity from its fills, the market volume after them and its holdings.

    Snapshots come every max(1, min(7, backtest days - 1)) days, counted from the start date and
    then from the date of each snapshot and compared with each step's UTC date, plus on `force`.
    """

    def __init__(self, start_date: date, end_date: date) -> None:
        start = _start_instant(start_date).replace(tzinfo=None)
        end = _end_instant(end_date).replace(tzinfo=None)
        days = (end - start) / timedelta(days=1)
        self.snapshot_period = timedelta(days=max(min(days - 1, 7.0), 1.0))
        self.next_snapshot = start + self.snapshot_period
        self._by_symbol: dict[str, SymbolCapacity] = {}
        self._monitored: dict[str, SymbolCapacity] = {}
        self._capacity = _ZERO
        self._lowest_capacity_asset = ""

    @property
    def capacity(self) -> Decimal:
        """Return the estimated capacity rounded to the nearest 1000, half away from zero."""
        multiplicand = dotnet.divide(self._capacity, _ROUNDING_QUANTA).quantize(_ONE, rounding=ROUND_HALF_UP)
        return dotnet.multiply(_ROUNDING_QUANTA, multiplicand)

    @property
    def unrounded_capacity(self) -> Decimal:
        """Return the estimate before rounding."""
        return self._capacity

    @property
    def lowest_capacity_asset(self) -> str:
        """Return the SID string of the symbol that limited the last snapshot ("" before any)."""
        return self._lowest_capacity_asset

    @property
    def monitored_symbols(self) -> frozenset[str]:
        """Return the SID strings whose bars the next `update_market_capacity` reads."""
        return frozenset(self._monitored)

    def monitored_keys(self) -> Iterable[str]:
        """Return the SID strings whose bars the next `update_market_capacity` reads, without a copy."""
        return self._monitored.keys()

    def symbol_capacity(self, symbol_key: str) -> SymbolCapacity | None:
        """Return a tracked symbol's state."""
        return self._by_symbol.get(symbol_key)

    def on_order_event(
        self,
        *,
        symbol_key: str,
        status: OrderStatus,
        utc_time: datetime,
        fill_price: Decimal,
        fill_quantity: Decimal,
        conversion_rate: Decimal = _ONE,
        contract_multiplier: Decimal = _ONE,
    ) -> None:
        """Track a fill or partial fill of the symbol; other events are ignored."""
        if status not in _FILL_STATUSES:
            return
        symbol = self._by_symbol.get(symbol_key)
        if symbol is None:
            symbol = self._by_symbol[symbol_key] = SymbolCapacity(symbol_key)
        symbol.on_fill(_utc(utc_time), fill_price, fill_quantity, conversion_rate, contract_multiplier)
        self._monitored.setdefault(symbol_key, symbol)

    def update_market_capacity(
        self,
        utc_time: datetime,
        bars: Mapping[str, CapacityBar],
        portfolio: CapacityPortfolio,
        *,
        force: bool = False,
    ) -> None:
        """Add this step's market volume after recent fills, then take a snapshot when one is due."""
        now = _utc(utc_time)
        if not self._monitored and not force and now < self.next_snapshot:
            return  # nothing to measure and no snapshot due: the common step costs one comparison
        for key in reversed(list(self._monitored)):
            if self._monitored[key].update_market_capacity(now, bars.get(key)):
                del self._monitored[key]
        today = datetime.combine(now.date(), time())
        if force or (today >= self.next_snapshot and self._by_symbol):
            self._take_snapshot(now, today, portfolio)

    def finish(
        self,
        utc_time: datetime,
        bars: Mapping[str, CapacityBar],
        portfolio: CapacityPortfolio,
        *,
        ran_to_end: bool = True,
    ) -> None:
        """Take the end-of-run snapshots: two when the run reached its end, one after an error.

        LEAN forces a snapshot after `on_end_of_algorithm`, which a run stopped by an error never
        reaches, and another when its results handler exits, just before the statistics. Both see
        the same last step, so a completed run blends the same new estimate in twice (and a symbol
        still inside its window counts the last bar twice).
        """
        for _ in range(2 if ran_to_end else 1):
            self.update_market_capacity(utc_time, bars, portfolio, force=True)

    def _take_snapshot(self, now: datetime, today: datetime, portfolio: CapacityPortfolio) -> None:
        """Estimate from the symbol with the least scaled market volume, then reset or drop symbols.

        New = its market volume per trade / max(its share of all sale volume, its used buying
        power / portfolio value); 0.33 x new + 0.66 x old once an old value exists.
        """
        total_portfolio_value = portfolio.total_portfolio_value
        if total_portfolio_value == 0 or not self._by_symbol:
            return
        smallest = min(self._by_symbol.values(), key=lambda symbol: symbol.market_capacity_dollar_volume)
        self._lowest_capacity_asset = smallest.symbol_key
        scaling = max(
            self._sale_volume_share(smallest),
            dotnet.divide(portfolio.position(smallest.symbol_key).used_buying_power, total_portfolio_value),
        )
        dollar_volume_per_trade = dotnet.divide(
            smallest.market_capacity_dollar_volume, Decimal(smallest.trades)
        )
        estimate = self._capacity if scaling == 0 else dotnet.divide(dollar_volume_per_trade, scaling)
        if self._capacity != 0:
            estimate = dotnet.add(
                dotnet.multiply(_NEW_WEIGHT, estimate), dotnet.multiply(self._capacity, _OLD_WEIGHT)
            )
        self._capacity = estimate
        self._reset_or_drop(now, portfolio)
        self.next_snapshot = today + self.snapshot_period

    def _sale_volume_share(self, symbol: SymbolCapacity) -> Decimal:
        total = _ZERO
        for each in self._by_symbol.values():
            total = dotnet.add(total, each.sale_volume)
        return _ZERO if total == 0 else dotnet.divide(symbol.sale_volume, total)

    def _reset_or_drop(self, now: datetime, portfolio: CapacityPortfolio) -> None:
        for key, symbol in list(self._by_symbol.items()):
            if not symbol.should_remove(now, portfolio.position(key).invested):
                symbol.reset()
                continue
            del self._by_symbol[key]
            self._monitored.pop(key, None)
