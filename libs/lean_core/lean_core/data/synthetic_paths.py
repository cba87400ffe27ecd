"""Walk one synthetic symbol through its days: bars or ticks per day, plus hour and daily aggregates.

A day is a date in the data time zone (the files are cut that way); its open time comes from the exchange
hours, extended hours included, so equities get 04:00-20:00 rows as LEAN's files have. The mid price is a
geometric random walk sampled a few times inside each step, so a bar's high and low are real extremes of
the path. Splits and dividends move the raw price overnight, as they do in LEAN's raw files, and are
recorded for the factor file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Final

import numpy as np

from lean_core.data.bars import BoolArray, FloatArray, Frame, Int64Array, TradeBarFrame
from lean_core.data.synthetic import GeneratorSettings, SymbolModel
from lean_core.data.synthetic_tape import (
    DayLayout,
    SimulationContext,
    aggregate,
    concat_frames,
    simulate_bars,
    simulate_ticks,
)
from lean_core.enums import MarketHoursState, Resolution, SecurityType
from lean_core.symbols import Symbol
from lean_core.time import MarketHoursEntry
from lean_core.time.time_zones import local_ns_to_utc_ns, utc_ns_to_local_ns

__all__ = ["CorporateEvent", "DayLayout", "SymbolSimulation", "SyntheticDay", "day_layout"]

_NS_PER_SECOND: Final = 1_000_000_000
_NS_PER_DAY: Final = 86_400 * _NS_PER_SECOND
_EPOCH: Final = date(1970, 1, 1)
_EXTENDED_VOLATILITY: Final = 0.35  # extended-hours volatility relative to an average regular step
_GAP_SHARE: Final = 0.09  # the share of an equity's daily variance that comes overnight
# Log volatility follows an AR(1): persistent regimes, calm and stormy stretches.
_REGIME_PERSISTENCE: Final = 0.9
_REGIME_SHOCK: Final = 0.12
_REGIME_VARIANCE: Final = _REGIME_SHOCK**2 / (1 - _REGIME_PERSISTENCE**2)


@dataclass(frozen=True, slots=True)
class SyntheticDay:
    """One day of generated data at the requested resolution: trade frame first, then quote."""

    day: date
    frames: tuple[Frame, ...]


@dataclass(frozen=True, slots=True)
class CorporateEvent:
    """A split or dividend as it happened: the factor-file row goes on `previous_day`."""

    previous_day: date
    ex_day: date
    reference_price: Decimal  # raw close on previous_day
    split_factor: Decimal  # old shares per new share (0.5 for a 2:1 split), 1 without a split
    dividend: Decimal  # cash per share, 0 without a dividend


@dataclass(slots=True)
class _PathState:
    log_price: float
    log_volatility: float = 0.0
    last_day: date | None = None
    last_close: float = 0.0
    events: list[CorporateEvent] = field(default_factory=list)


def day_layout(
    entry: MarketHoursEntry, day: date, step_ns: int, *, session_profile: bool
) -> DayLayout | None:
    """Return the steps of a data-time-zone day, or None when the exchange is closed all day."""
    intervals = _open_intervals(entry, day)
    if not intervals:
        return None
    starts: list[Int64Array] = []
    regular: list[BoolArray] = []
    weights: list[FloatArray] = []
    for start, end, is_regular in intervals:
        first = -(-start // step_ns) * step_ns  # the first step boundary at or after the open
        steps = np.arange(first, end, step_ns, dtype=np.int64)
        starts.append(steps)
        regular.append(np.full(len(steps), is_regular))
        weights.append(_activity(steps, start, end, is_regular, session_profile))
    start_ns = np.concatenate(starts)
    if len(start_ns) == 0:
        return None
    regular_steps = np.concatenate(regular)
    weight = np.concatenate(weights)
    mean = weight[regular_steps].mean() if regular_steps.any() else weight.mean()
    return DayLayout(day, step_ns, start_ns, regular_steps, weight / mean)


def _open_intervals(entry: MarketHoursEntry, day: date) -> list[tuple[int, int, bool]]:
    """Return the day's open spans as UTC (start, end, regular), from the exchange days it overlaps."""
    hours = entry.exchange_hours
    local_midnight = (day - _EPOCH).days * _NS_PER_DAY
    bounds = local_ns_to_utc_ns(
        np.array([local_midnight, local_midnight + _NS_PER_DAY]), entry.data_time_zone
    )
    day_start, day_end = int(bounds[0]), int(bounds[1])
    exchange_local = utc_ns_to_local_ns(np.array([day_start, day_end - 1]), hours.time_zone) // _NS_PER_DAY
    intervals: list[tuple[int, int, bool]] = []
    for days_since_epoch in range(int(exchange_local[0]), int(exchange_local[1]) + 1):
        exchange_day = _EPOCH + timedelta(days=days_since_epoch)
        midnight = days_since_epoch * _NS_PER_DAY
        for segment in hours.segments(exchange_day, True):
            local = np.array([midnight + _ns(segment.start), midnight + _ns(segment.end)])
            start, end = (int(value) for value in local_ns_to_utc_ns(local, hours.time_zone))
            start, end = max(start, day_start), min(end, day_end)
            if start < end:
                intervals.append((start, end, segment.state == MarketHoursState.MARKET))
    return intervals


def _ns(span: timedelta) -> int:
    return (span.days * 86_400 + span.seconds) * _NS_PER_SECOND + span.microseconds * 1000


def _activity(steps: Int64Array, start: int, end: int, is_regular: bool, session_profile: bool) -> FloatArray:
    """Return the relative activity of each step: a U over a regular session, a daily cycle otherwise."""
    if not session_profile:
        # Round-the-clock markets are busiest while Europe and America overlap (12:00-17:00 UTC).
        hour = (steps % _NS_PER_DAY) / (3600 * _NS_PER_SECOND)
        return 0.6 + 0.8 * np.exp(-(((hour - 14.5) / 3.5) ** 2))
    if not is_regular:
        return np.full(len(steps), 0.015)  # extended hours trade a percent or two of a regular minute
    position = (steps - start) / max(end - start, 1)
    return 0.55 + 2.2 * np.exp(-position / 0.05) + 1.1 * np.exp(-(1.0 - position) / 0.04)


class SymbolSimulation:
    """Generate one symbol day by day, keeping its hour/daily aggregates and corporate events."""

    def __init__(
        self,
        settings: GeneratorSettings,
        model: SymbolModel,
        symbol: Symbol,
        entry: MarketHoursEntry,
        rng: np.random.Generator,
    ) -> None:
        self.settings = settings
        self.model = model
        self.symbol = symbol
        self.entry = entry
        self._rng = rng
        self._context = SimulationContext(rng, model, symbol, settings, entry.data_time_zone)
        self._state = _PathState(float(np.log(model.initial_price)))
        self._hour: list[list[Frame]] = []
        self._daily: list[list[Frame]] = []
        self._is_equity = model.security_type == SecurityType.EQUITY
        # Volatility is quoted per year of the market's own trading time.
        self._year_seconds = (365 if model.security_type == SecurityType.CRYPTO else 260) * 86_400

    @property
    def events(self) -> list[CorporateEvent]:
        """Return the splits and dividends that happened, in date order."""
        return list(self._state.events)

    def run(self, resolution: Resolution) -> Iterator[SyntheticDay]:
        """Yield each open day's frames at `resolution` (hour/daily come from minute bars internally)."""
        simulated = resolution if resolution <= Resolution.MINUTE else Resolution.MINUTE
        step_ns = max(int(simulated.to_timedelta().total_seconds()), 1) * _NS_PER_SECOND
        day = self.settings.start
        while day <= self.settings.end:
            layout = day_layout(self.entry, day, step_ns, session_profile=self._is_equity)
            if layout is not None:
                yield SyntheticDay(day, self._simulate_day(layout, simulated))
            day += timedelta(days=1)

    def aggregates(self, resolution: Resolution) -> tuple[Frame, ...]:
        """Return the hour or daily frames of everything generated so far (trade first, then quote)."""
        days = self._hour if resolution == Resolution.HOUR else self._daily
        if not days:
            return ()
        return tuple(concat_frames([frames[i] for frames in days]) for i in range(len(days[0])))

    def _simulate_day(self, layout: DayLayout, resolution: Resolution) -> tuple[Frame, ...]:
        self._start_day(layout.day)
        sigma, drift = self._step_volatility(layout)
        if resolution == Resolution.TICK:
            frames = simulate_ticks(self._context, layout, self._walk(sigma, drift, 1))
        else:
            substeps = 4 if resolution == Resolution.MINUTE else 1
            frames = simulate_bars(self._context, layout, self._walk(sigma, drift, substeps), resolution)
        self._hour.append(aggregate(self._context, frames, layout, Resolution.HOUR))
        daily = aggregate(self._context, frames, layout, Resolution.DAILY)
        self._daily.append(daily)
        closes = daily[0]
        if isinstance(closes, TradeBarFrame) and len(closes):
            self._state.last_close = float(closes.close[-1])
        else:
            self._state.last_close = float(np.exp(self._state.log_price))
        self._state.last_day = layout.day
        return frames

    def _start_day(self, day: date) -> None:
        """Move the regime and apply the overnight gap and any split or dividend effective today."""
        state, rng = self._state, self._rng
        shock = float(rng.standard_normal())
        state.log_volatility = _REGIME_PERSISTENCE * state.log_volatility + _REGIME_SHOCK * shock
        if state.last_day is None or not self._is_equity:
            return
        daily_sigma = (
            self.model.annual_volatility * np.exp(state.log_volatility - _REGIME_VARIANCE) / np.sqrt(252.0)
        )
        state.log_price += np.sqrt(_GAP_SHARE) * daily_sigma * float(rng.standard_normal())
        split = self._split_today(state.last_day, day)
        dividend = self._dividend_today(state.last_day, day)
        if split == 1 and dividend == 0:
            return
        close = Decimal(repr(state.last_close))
        state.events.append(
            CorporateEvent(state.last_day, day, close, Decimal(1) / Decimal(repr(split)), dividend)
        )
        # The raw price drops by the dividend and divides by the split ratio, as the exchange adjusts it.
        state.log_price += np.log(max(float(close - dividend), 0.01) / float(close)) - np.log(split)

    def _split_today(self, last_day: date, day: date) -> float:
        split_day = self.model.split_day
        return self.model.split_ratio if split_day is not None and last_day < split_day <= day else 1.0

    def _dividend_today(self, last_day: date, day: date) -> Decimal:
        model = self.model
        if model.dividend_yield <= 0:
            return Decimal(0)
        months = (3, 6, 9, 12) if model.quarterly_dividends else (12,)
        for year in range(last_day.year, day.year + 1):
            for month in months:
                scheduled = date(year, month, 10)
                if last_day < scheduled <= day:
                    per_payment = self._state.last_close * model.dividend_yield / len(months)
                    return max(Decimal(repr(round(per_payment, 2))), Decimal("0.01"))
        return Decimal(0)

    def _step_volatility(self, layout: DayLayout) -> tuple[FloatArray, FloatArray]:
        """Return each step's log-price standard deviation and drift.

        A day carries 1/252 of the year's variance for equities: the overnight gap takes its share and the
        rest is spread over the steps by activity, extended hours getting little.
        """
        step_seconds = layout.step_ns / _NS_PER_SECOND
        # Centre the regime so that it scales variance by one on average.
        regime = np.exp(self._state.log_volatility - _REGIME_VARIANCE)
        annual = self.model.annual_volatility * regime
        if not self._is_equity:
            shape = np.sqrt(layout.weight)
            sigma = annual * np.sqrt(step_seconds / self._year_seconds) * shape
            drift = (self.model.annual_drift - 0.5 * annual**2) * step_seconds / self._year_seconds
            return sigma, np.full(len(layout), drift)
        shape = np.where(layout.regular, np.sqrt(layout.weight), _EXTENDED_VOLATILITY)
        session_variance = (1.0 - _GAP_SHARE) * annual**2 / 252.0
        sigma = np.sqrt(session_variance * shape**2 / np.sum(shape**2))
        drift = (self.model.annual_drift - 0.5 * annual**2) / 252.0 / len(layout)
        return sigma, np.full(len(layout), drift)

    def _walk(self, sigma: FloatArray, drift: FloatArray, substeps: int) -> FloatArray:
        """Return log prices at each step's start and `substeps` points inside it: (steps, substeps + 1)."""
        noise = self._rng.standard_normal((len(sigma), substeps))
        increments = noise * (sigma / np.sqrt(substeps))[:, None] + (drift / substeps)[:, None]
        path = self._state.log_price + np.cumsum(increments.ravel()).reshape(len(sigma), substeps)
        first = np.concatenate(([self._state.log_price], path[:-1, -1]))
        self._state.log_price = float(path[-1, -1])
        return np.column_stack((first, path))
