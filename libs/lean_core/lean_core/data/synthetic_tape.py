"""Turn a simulated mid-price path into a tape: trade and quote bars or ticks, and their aggregates.

Prices are worked in whole grid units (minimum price variations) and divided once by the grid scale, which
gives exactly the double a LEAN reader parses from the written digits. Bids round the mid minus half the
spread; asks sit a whole spread above; trades bounce between them. Every extreme is taken over the same
points, so low <= open, close <= high on both sides and bid < ask at every point.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final
from zoneinfo import ZoneInfo

import numpy as np

from lean_core.data.bars import (
    BoolArray,
    FloatArray,
    Frame,
    Int64Array,
    QuoteBarFrame,
    TickFrame,
    TradeBarFrame,
)
from lean_core.data.synthetic import GeneratorSettings, SymbolModel
from lean_core.enums import Resolution, SecurityType, TickType
from lean_core.symbols import Symbol
from lean_core.time.time_zones import local_ns_to_utc_ns, utc_ns_to_local_ns

__all__ = ["DayLayout", "SimulationContext", "aggregate", "concat_frames", "simulate_bars", "simulate_ticks"]

_NS_PER_MS: Final = 1_000_000
_NS_PER_SECOND: Final = 1_000_000_000
_EQUITY_EXCHANGES: Final = np.array(["P", "Q", "N", "Z", "K"])
# Ticks a second at average regular activity, by security type (trades; forex quotes).
_TICK_RATES: Final = {SecurityType.EQUITY: 0.5, SecurityType.FOREX: 0.25, SecurityType.CRYPTO: 0.12}


@dataclass(frozen=True, slots=True)
class SimulationContext:
    """What every step of one symbol's simulation needs."""

    rng: np.random.Generator
    model: SymbolModel
    symbol: Symbol
    settings: GeneratorSettings
    data_time_zone: ZoneInfo

    @property
    def scale(self) -> float:
        """Return grid units per price unit (100 for cents)."""
        return float(10**self.model.price_decimals)

    @property
    def has_trades(self) -> bool:
        """Tell whether the security has trade data (forex has quotes only)."""
        return self.model.security_type != SecurityType.FOREX


@dataclass(frozen=True, slots=True)
class DayLayout:
    """The steps of one data-time-zone day: UTC starts, whether each is in the regular session, activity."""

    day: date
    step_ns: int
    start_ns: Int64Array
    regular: BoolArray
    weight: FloatArray  # relative activity, mean 1 over the regular steps

    def __len__(self) -> int:
        return len(self.start_ns)


def simulate_bars(
    ctx: SimulationContext, layout: DayLayout, log_path: FloatArray, resolution: Resolution
) -> tuple[Frame, ...]:
    """Return the day's trade bars (unless forex) and quote bars from a (steps, points) log-price path."""
    rng, n = ctx.rng, len(layout.start_ns)
    mid = np.exp(log_path) * ctx.scale
    spread = _spreads(ctx, mid[:, 0], layout.regular)
    presence = _presence(ctx, layout, resolution)
    trades = rng.random(n) < presence
    ends = _bar_ends(layout.start_ns, ctx.data_time_zone, layout.step_ns)
    if not ctx.has_trades:
        return (_quote_bars(ctx, layout, ends, mid, spread, trades),)
    quotes = trades | (rng.random(n) < np.minimum(1.0, presence * ctx.settings.quote_trade_ratio))
    bounce = rng.uniform(-1.0, 1.0, mid.shape) * (spread / 2.0)[:, None]
    points = np.maximum(np.floor(mid + bounce + 0.5), 1.0) / ctx.scale
    volume = _bar_volume(ctx, layout, presence)
    open_, high, low, close = (column[trades] for column in _ohlc(points))
    starts = layout.start_ns[trades]
    bars = TradeBarFrame(ctx.symbol, starts, ends[trades], open_, high, low, close, volume[trades])
    return bars, _quote_bars(ctx, layout, ends, mid, spread, quotes)


def _quote_bars(
    ctx: SimulationContext,
    layout: DayLayout,
    ends: Int64Array,
    mid: FloatArray,
    spread: Int64Array,
    present: BoolArray,
) -> QuoteBarFrame:
    """Return quote bars at the present steps: bids round the mid less half the spread, asks a spread up."""
    bid = np.maximum(np.floor(mid - (spread / 2.0)[:, None] + 0.5), 1.0)
    ask = bid + spread[:, None]
    bid_size, ask_size = _quote_sizes(ctx, len(mid))
    bid_open, bid_high, bid_low, bid_close = (column[present] for column in _ohlc(bid / ctx.scale))
    ask_open, ask_high, ask_low, ask_close = (column[present] for column in _ohlc(ask / ctx.scale))
    starts = layout.start_ns[present]
    return QuoteBarFrame(
        ctx.symbol,
        starts,
        ends[present],
        *(bid_open, bid_high, bid_low, bid_close, bid_size[present]),
        *(ask_open, ask_high, ask_low, ask_close, ask_size[present]),
    )


def _ohlc(points: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    return points[:, 0], points.max(axis=1), points.min(axis=1), points[:, -1]


def _bar_ends(starts: Int64Array, tz: ZoneInfo, period_ns: int) -> Int64Array:
    """Return start + one period of local time, as the readers compute a bar's end."""
    return local_ns_to_utc_ns(utc_ns_to_local_ns(starts, tz) + period_ns, tz)


def _presence(ctx: SimulationContext, layout: DayLayout, resolution: Resolution) -> FloatArray:
    """Return the chance that each step holds a trade (a quote for forex), before the density factor."""
    weight, regular = layout.weight, layout.regular
    is_equity = ctx.model.security_type == SecurityType.EQUITY
    if resolution == Resolution.MINUTE:
        if is_equity:
            chance = np.where(regular, 1.0, 0.6)
        else:
            chance = np.full(len(weight), 0.95 if not ctx.has_trades else 0.92)
    elif is_equity:
        chance = np.where(regular, np.clip(0.55 * weight, 0.08, 0.97), 0.04)
    else:
        chance = np.clip(0.3 * weight, 0.02, 0.9)
    return np.asarray(chance * ctx.settings.data_density.presence, dtype=np.float64)


def _spreads(ctx: SimulationContext, mid: FloatArray, regular: BoolArray) -> Int64Array:
    """Return each step's bid-ask spread in grid units (at least one), wider outside regular hours."""
    typical = mid * ctx.model.spread_bps / 1e4
    if ctx.model.security_type == SecurityType.EQUITY:
        typical = typical * np.where(regular, 1.0, 3.0)
    noisy = typical * ctx.rng.lognormal(0.0, 0.35, len(mid))
    return np.maximum(np.floor(noisy + 0.5), 1.0).astype(np.int64)


def _on_size_grid(ctx: SimulationContext, sizes: FloatArray, minimum: float = 1.0) -> FloatArray:
    """Round sizes to whole lots (at least `minimum` lots)."""
    lots = float(10**ctx.model.size_decimals)
    return np.maximum(np.floor(sizes * lots + 0.5), minimum) / lots


def _bar_volume(ctx: SimulationContext, layout: DayLayout, presence: FloatArray) -> FloatArray:
    """Return a volume per step, U-shaped over the session, so that present bars add up to a day's volume."""
    weight = layout.weight
    busy = weight[layout.regular].sum() if layout.regular.any() else weight.sum()
    expected = ctx.model.daily_volume * weight / busy / np.maximum(presence, 1e-3)
    return _on_size_grid(ctx, expected * ctx.rng.lognormal(-0.18, 0.6, len(weight)))


def _quote_sizes(ctx: SimulationContext, n: int) -> tuple[FloatArray, FloatArray]:
    """Return last bid and ask sizes: round lots for equities, coins for crypto, none for forex."""
    rng = ctx.rng
    match ctx.model.security_type:
        case SecurityType.EQUITY:
            bids = 100.0 * (1 + rng.poisson(4.0, n))
            asks = 100.0 * (1 + rng.poisson(4.0, n))
            return bids.astype(np.float64), asks.astype(np.float64)
        case SecurityType.CRYPTO:
            typical = ctx.model.daily_volume / 2000.0
            return (
                _on_size_grid(ctx, typical * rng.lognormal(0.0, 1.0, n)),
                _on_size_grid(ctx, typical * rng.lognormal(0.0, 1.0, n)),
            )
        case _:
            return np.zeros(n), np.zeros(n)


def simulate_ticks(ctx: SimulationContext, layout: DayLayout, log_path: FloatArray) -> tuple[Frame, ...]:
    """Return the day's trade ticks (unless forex) and quote ticks from a per-second log-price path."""
    rng = ctx.rng
    mid = np.exp(log_path[:, -1]) * ctx.scale
    spread = _spreads(ctx, mid, layout.regular)
    rate = _TICK_RATES[ctx.model.security_type] * layout.weight * ctx.settings.data_density.presence
    frames: list[Frame] = []
    if ctx.has_trades:
        frames.append(_trade_ticks(ctx, layout, mid, spread, rng.poisson(rate)))
        rate = rate * ctx.settings.quote_trade_ratio
    frames.append(_quote_ticks(ctx, layout, mid, spread, rng.poisson(rate)))
    return tuple(frames)


def _tick_times(
    ctx: SimulationContext, layout: DayLayout, counts: Int64Array
) -> tuple[Int64Array, Int64Array]:
    """Return sorted tick times (whole milliseconds) and the step each falls in."""
    step = np.repeat(np.arange(len(counts)), counts)
    offsets = ctx.rng.integers(0, layout.step_ns // _NS_PER_MS, len(step)) * _NS_PER_MS
    times = layout.start_ns[step] + offsets
    order = np.argsort(times, kind="stable")
    return times[order], step[order]


def _trade_ticks(
    ctx: SimulationContext, layout: DayLayout, mid: FloatArray, spread: Int64Array, counts: Int64Array
) -> TickFrame:
    rng = ctx.rng
    times, step = _tick_times(ctx, layout, counts)
    bounce = rng.uniform(-0.5, 0.5, len(step)) * spread[step]
    price = np.maximum(np.floor(mid[step] + bounce + 0.5), 1.0) / ctx.scale
    if ctx.model.security_type == SecurityType.EQUITY:
        round_lot = rng.random(len(step)) < 0.7
        quantity = np.where(round_lot, 100.0 * rng.integers(1, 6, len(step)), rng.integers(1, 100, len(step)))
        extra = {
            "exchange": rng.choice(_EQUITY_EXCHANGES, len(step)),
            "sale_condition": np.full(len(step), "00000000"),
        }
    else:
        quantity = _on_size_grid(ctx, ctx.model.daily_volume / 5000.0 * rng.lognormal(0.0, 1.0, len(step)))
        extra = {"exchange": np.full(len(step), ctx.symbol.id.market)}
    return TickFrame.from_columns(
        ctx.symbol, TickType.TRADE, time=times, value=price, quantity=quantity.astype(np.float64), **extra
    )


def _quote_ticks(
    ctx: SimulationContext, layout: DayLayout, mid: FloatArray, spread: Int64Array, counts: Int64Array
) -> TickFrame:
    times, step = _tick_times(ctx, layout, counts)
    bid_units = np.maximum(np.floor(mid[step] - spread[step] / 2.0 + 0.5), 1.0)
    bid = bid_units / ctx.scale
    ask = (bid_units + spread[step]) / ctx.scale
    bid_size, ask_size = _quote_sizes(ctx, len(step))
    extra: dict[str, object] = {}
    if ctx.model.security_type == SecurityType.EQUITY:
        extra = {
            "exchange": ctx.rng.choice(_EQUITY_EXCHANGES, len(step)),
            "sale_condition": np.full(len(step), "00000000"),
        }
    elif ctx.model.security_type == SecurityType.CRYPTO:
        extra = {"exchange": np.full(len(step), ctx.symbol.id.market)}
    return TickFrame.from_columns(
        ctx.symbol,
        TickType.QUOTE,
        time=times,
        value=(bid + ask) / 2,
        bid_price=bid,
        bid_size=bid_size,
        ask_price=ask,
        ask_size=ask_size,
        **extra,
    )


def aggregate(
    ctx: SimulationContext, frames: tuple[Frame, ...], layout: DayLayout, resolution: Resolution
) -> list[Frame]:
    """Return hour or daily bars of a day's frames; equities keep trades in the regular session only."""
    is_equity = ctx.model.security_type == SecurityType.EQUITY
    period = int(resolution.to_timedelta().total_seconds()) * _NS_PER_SECOND
    result: list[Frame] = []
    for day_frame in frames[:1] if is_equity else frames:
        frame = day_frame
        if is_equity and isinstance(frame, TradeBarFrame | TickFrame):
            step = np.searchsorted(layout.start_ns, frame.time, side="right") - 1
            frame = frame.select(layout.regular[step])
        local = utc_ns_to_local_ns(frame.time, ctx.data_time_zone)
        keys = local // period
        first = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1]))) if len(keys) else keys
        last = np.concatenate((first[1:], [len(keys)])) - 1 if len(keys) else keys
        bucket = keys[first] * period
        times = local_ns_to_utc_ns(bucket, ctx.data_time_zone)
        ends = local_ns_to_utc_ns(bucket + period, ctx.data_time_zone)
        result.append(_aggregate_frame(ctx, frame, first, last, times, ends))
    return result


def _aggregate_frame(
    ctx: SimulationContext,
    frame: Frame,
    first: Int64Array,
    last: Int64Array,
    times: Int64Array,
    ends: Int64Array,
) -> Frame:
    if isinstance(frame, TradeBarFrame):
        ohlc = _reduce(frame.open, frame.high, frame.low, frame.close, first, last)
        volume = _on_size_grid(ctx, _sum(frame.volume, first), minimum=0.0)
        return TradeBarFrame(ctx.symbol, times, ends, *ohlc, volume)
    if isinstance(frame, QuoteBarFrame):
        bid = _reduce(frame.bid_open, frame.bid_high, frame.bid_low, frame.bid_close, first, last)
        ask = _reduce(frame.ask_open, frame.ask_high, frame.ask_low, frame.ask_close, first, last)
        return QuoteBarFrame(ctx.symbol, times, ends, *bid, frame.bid_size[last], *ask, frame.ask_size[last])
    if isinstance(frame, TickFrame) and frame.tick_type == TickType.TRADE:
        ohlc = _reduce(frame.value, frame.value, frame.value, frame.value, first, last)
        volume = _on_size_grid(ctx, _sum(frame.quantity, first), minimum=0.0)
        return TradeBarFrame(ctx.symbol, times, ends, *ohlc, volume)
    if isinstance(frame, TickFrame):
        bid = _reduce(frame.bid_price, frame.bid_price, frame.bid_price, frame.bid_price, first, last)
        ask = _reduce(frame.ask_price, frame.ask_price, frame.ask_price, frame.ask_price, first, last)
        return QuoteBarFrame(ctx.symbol, times, ends, *bid, frame.bid_size[last], *ask, frame.ask_size[last])
    raise TypeError(f"cannot aggregate {type(frame).__name__}")


def _reduce(
    open_: FloatArray,
    high: FloatArray,
    low: FloatArray,
    close: FloatArray,
    first: Int64Array,
    last: Int64Array,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    if len(first) == 0:
        empty = np.zeros(0)
        return empty, empty, empty, empty
    return open_[first], np.maximum.reduceat(high, first), np.minimum.reduceat(low, first), close[last]


def _sum(values: FloatArray, first: Int64Array) -> FloatArray:
    return np.add.reduceat(values, first) if len(first) else np.zeros(0)


def concat_frames(frames: list[Frame]) -> Frame:
    """Join same-kind frames of one symbol end to end (they must be in time order)."""
    first = frames[0]
    if isinstance(first, TradeBarFrame):
        return TradeBarFrame.concat(first.symbol, [f for f in frames if isinstance(f, TradeBarFrame)])
    if isinstance(first, QuoteBarFrame):
        return QuoteBarFrame.concat(first.symbol, [f for f in frames if isinstance(f, QuoteBarFrame)])
    if isinstance(first, TickFrame):
        ticks = [f for f in frames if isinstance(f, TickFrame)]
        return TickFrame.concat(first.symbol, first.tick_type, ticks)
    raise TypeError(f"cannot join {type(first).__name__} frames")
