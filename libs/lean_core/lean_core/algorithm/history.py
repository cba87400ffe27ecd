"""`history()`: past bars as pandas DataFrames shaped like LEAN's.

The forms LEAN's Python API offers, with LEAN's semantics:

- `history(symbols, periods | span | start, end, resolution=None, ...)`: a DataFrame indexed by
  (symbol, time) with trade and quote columns joined (see `data.history_frames`).
- `history(TradeBar | QuoteBar | Tick, symbols, ...)`: the same, for one data type only; without
  symbols it covers every security.
- `history(periods | span, resolution=None)` without symbols or type: a list of `Slice`s over
  every security, as LEAN's `IEnumerable<Slice>` overloads return.

`symbols` is a Symbol, a ticker, a Security or a list of those. `periods` counts bars back from
now over open market hours only; a span or a start/end is in the algorithm's time zone, and an
end in the future is cut to now (no look-ahead). Which data is read follows the symbol's
subscriptions (their tick types, fill-forward, extended hours and normalisation) unless the
call overrides them. The data feed reads it, through the runtime, as one `HistoryRequest`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from numbers import Integral
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import msgspec

from lean_core.algorithm.core import AlgorithmCore
from lean_core.algorithm.securities_api import default_tick_types
from lean_core.algorithm.subscriptions import Subscription
from lean_core.bus import messages as m
from lean_core.bus.codec import unpack_frame
from lean_core.data.bars import (
    QuoteBar,
    QuoteBarFrame,
    Tick,
    TickFrame,
    TradeBar,
    TradeBarFrame,
    local_to_ns,
    ns_to_local,
)
from lean_core.data.calendar import uses_strict_end_times
from lean_core.data.history_start import start_for_bars
from lean_core.data.slice import FeedFrame, Slice, build_slice_batch
from lean_core.enums import DataNormalizationMode, Resolution, SecurityType, TickType
from lean_core.errors import LeanError
from lean_core.indicators import IndicatorBase, IndicatorDataPoint
from lean_core.symbols import Symbol
from lean_core.time.exchange_hours import SecurityExchangeHours
from lean_core.time.market_hours_database import MarketHoursEntry

if TYPE_CHECKING:
    import pandas as pd

    from lean_core.data.history_frames import HistoryPart

DataType = type[TradeBar] | type[QuoteBar] | type[Tick]
logger = logging.getLogger(__name__)

#: LEAN's `UniverseSettings.Resolution`: the resolution of a symbol without a usable subscription.
DEFAULT_RESOLUTION = Resolution.MINUTE
_OPTIONS = (
    "resolution",
    "fill_forward",
    "extended_market_hours",
    "data_mapping_mode",
    "data_normalization_mode",
    "contract_depth_offset",
    "flatten",
)
_INTRADAY_BARS = (Resolution.SECOND, Resolution.MINUTE)
_EXACT_MODES = (DataNormalizationMode.ADJUSTED, DataNormalizationMode.SPLIT_ADJUSTED)
_TICK_TYPE_OF = {TradeBar: TickType.TRADE, QuoteBar: TickType.QUOTE}


class HistoryError(LeanError):
    """A history call that cannot be served as asked."""


@dataclass(frozen=True, slots=True)
class _Call:
    """One history call, its arguments sorted out."""

    data_type: DataType | None
    symbols: list[Symbol] | None
    periods: int | None
    start: datetime | None
    end: datetime | None
    resolution: Resolution | None = None
    fill_forward: bool | None = None
    extended_market_hours: bool | None = None
    data_normalization_mode: DataNormalizationMode | None = None


@dataclass(frozen=True, slots=True)
class _Config:
    """A data stream of a symbol: LEAN's SubscriptionDataConfig as far as history needs it."""

    tick_type: TickType
    resolution: Resolution
    fill_forward: bool
    extended_market_hours: bool
    data_normalization_mode: DataNormalizationMode


@dataclass(frozen=True, slots=True)
class _Stream:
    """One stream to read: the wire spec and what turning its frame back into data needs."""

    symbol: Symbol
    spec: m.SubscriptionSpec
    start_ns: int
    time_zone: ZoneInfo


class HistoryMixin(AlgorithmCore):
    """The part of `QCAlgorithm` that requests history."""

    def history(self, *args: Any, **kwargs: Any) -> pd.DataFrame | list[Slice]:
        """Return past data as LEAN's Python `History()` does (see the module docstring)."""
        call = self._parse_history_call(args, kwargs)
        parts = self._history_parts(call)
        if call.symbols is None and call.data_type is None:
            return self._history_slices(parts)
        # pandas is imported on first use: it costs a third of a second an algorithm may not need.
        from lean_core.data.history_frames import history_data_frame

        return history_data_frame(parts)

    def warm_up_indicator(
        self, symbol: Any, indicator: Any, resolution: Resolution | None = None, selector: Any = None
    ) -> None:
        """Feed an indicator its warm-up period of past bars (LEAN's `WarmUpIndicator`).

        LEAN's indicators take the bars; any other object with `update` (a Python indicator)
        gets data points of the selected value, the close by default.
        """
        if resolution is not None and not isinstance(resolution, Resolution):
            raise HistoryError(
                f"warm_up_indicator takes a Resolution, got {resolution!r}: warming up over a "
                "consolidation period is not supported yet"
            )
        period = int(getattr(indicator, "warm_up_period", 0) or 0)
        if period <= 0:
            return  # LEAN skips indicators that do not say how much data they need
        target = self._history_symbols(symbol)[0]
        data_type = TradeBar if self._has_trades(target) else QuoteBar
        takes_bars = selector is None and isinstance(indicator, IndicatorBase)
        for part in self._history_parts(_Call(data_type, [target], period, None, None, resolution)):
            frame = part.frame
            if isinstance(frame, TickFrame):
                continue
            for row in range(len(frame)):
                bar = frame.bar(row, part.time_zone)
                if takes_bars:
                    indicator.update(bar)
                else:
                    value = bar.value if selector is None else selector(bar)
                    indicator.update(IndicatorDataPoint(bar.symbol, bar.end_time, value))

    def _last_known_bar(
        self, symbol: Symbol, tick_type: TickType, resolution: Resolution, periods: int
    ) -> TradeBar | QuoteBar | None:
        """Return the last of the `periods` bars of one data type before now, not filled forward.

        None when there is none, or the data cannot be read (LEAN's `GetLastKnownPrices` requests).
        """
        data_type = TradeBar if tick_type == TickType.TRADE else QuoteBar
        call = _Call(data_type, [symbol], periods, None, None, resolution, fill_forward=False)
        try:
            parts = self._history_parts(call)
        except LeanError as error:
            logger.info("no last known %s of %s: %s", data_type.__name__, symbol.value, error)
            return None
        last: TradeBar | QuoteBar | None = None
        for part in parts:
            frame = part.frame
            if isinstance(frame, TickFrame) or not len(frame):
                continue
            bar = frame.bar(len(frame) - 1, part.time_zone)
            if last is None or bar.end_time > last.end_time:
                last = bar
        return last

    # -- arguments ------------------------------------------------------------------------------
    def _parse_history_call(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> _Call:
        rest = list(args)
        data_type = _data_type(rest.pop(0)) if rest and isinstance(rest[0], type) else None
        tickers = _pop_keyword(kwargs, "tickers", "symbols", "symbol", "ticker")
        if tickers is None and rest and not _is_range_value(rest[0]):
            tickers = rest.pop(0)
        periods, start, end = self._parse_range(rest, kwargs)
        options = _parse_options(rest, kwargs)
        return _Call(
            data_type,
            None if tickers is None else self._history_symbols(tickers),
            periods,
            start,
            end,
            _optional(options, "resolution", Resolution),
            _optional(options, "fill_forward", bool),
            _optional(options, "extended_market_hours", bool),
            _optional(options, "data_normalization_mode", DataNormalizationMode),
        )

    def _parse_range(
        self, rest: list[Any], kwargs: dict[str, Any]
    ) -> tuple[int | None, datetime | None, datetime | None]:
        first = _pop_keyword(kwargs, "periods", "span", "start")
        if first is None:
            if not rest:
                raise HistoryError("history() needs a bar count, a time span or a start and an end")
            first = rest.pop(0)
        if isinstance(first, bool) or not _is_range_value(first):
            raise HistoryError(
                f"history() expected a bar count, a timedelta or a start datetime, got {first!r}"
            )
        if isinstance(first, Integral):
            if first < 0:
                raise HistoryError(f"history() needs a non-negative bar count, got {first}")
            return int(first), None, None
        now = self._history_now()
        if isinstance(first, timedelta):
            return None, now - first, now
        end = _pop_keyword(kwargs, "end")
        if end is None and rest and isinstance(rest[0], date):
            end = rest.pop(0)
        return None, self._algorithm_time(first), self._algorithm_time(end) if end is not None else now

    def _history_symbols(self, tickers: Any) -> list[Symbol]:
        """Return the symbols of a Symbol, ticker, Security or an iterable of those."""
        if isinstance(tickers, Symbol | str) or hasattr(tickers, "symbol"):
            return [self._history_symbol(tickers)]
        if isinstance(tickers, Iterable):
            return [self._history_symbol(item) for item in tickers]
        raise HistoryError(f"history() cannot take {tickers!r} as symbols: pass a Symbol, a ticker or a list")

    def _history_symbol(self, item: Any) -> Symbol:
        if isinstance(item, Symbol):
            return item
        symbol = getattr(item, "symbol", None)
        if isinstance(symbol, Symbol):
            return symbol
        if isinstance(item, str):
            security = self.securities.get(item)
            if security is None:
                raise HistoryError(
                    f"history(): {item!r} is not a security of this algorithm; add it first "
                    "(add_equity, add_forex, ...) or pass its Symbol"
                )
            return security.symbol
        raise HistoryError(f"history() cannot take {item!r} as a symbol")

    def _algorithm_time(self, value: Any) -> datetime:
        """Return a date or datetime as a naive time in the algorithm's time zone."""
        if isinstance(value, datetime):
            if value.tzinfo is not None:
                return value.astimezone(self._time_zone).replace(tzinfo=None)
            return value
        if isinstance(value, date):
            return datetime.combine(value, time())
        raise HistoryError(f"history() expected a date or datetime, got {value!r}")

    def _history_now(self) -> datetime:
        """Return the algorithm's time; in initialize() that is the start date, as in LEAN."""
        return ns_to_local(self._history_now_ns(), self._time_zone)

    def _history_now_ns(self) -> int:
        return self._utc_ns if self._locked else self._start_ns()

    # -- requests -------------------------------------------------------------------------------
    def _history_parts(self, call: _Call) -> list[HistoryPart]:
        symbols = list(self.securities.keys()) if call.symbols is None else call.symbols
        if call.periods is not None:
            self._check_not_tick(symbols, call)
        end_ns = self._history_end_ns(call)
        streams: list[_Stream] = []
        for symbol in symbols:
            for config in self._history_configs(symbol, call):
                streams.append(self._stream(symbol, config, call, len(streams), end_ns))
        return self._read_streams(streams, end_ns)

    def _history_end_ns(self, call: _Call) -> int:
        now_ns = self._history_now_ns()
        if call.end is None:
            return now_ns
        end_ns = local_to_ns(call.end, self._time_zone)
        if end_ns > now_ns:
            self.debug("Request for future history modified to end now.")
            return now_ns
        return end_ns

    def _stream(self, symbol: Symbol, config: _Config, call: _Call, index: int, end_ns: int) -> _Stream:
        resolution = call.resolution if call.resolution is not None else config.resolution
        if call.data_type is Tick:
            resolution = Resolution.TICK
        spec = m.SubscriptionSpec(
            index=index,
            symbol_id=str(symbol.id),
            symbol_value=symbol.value,
            resolution=resolution,
            tick_type=config.tick_type,
            fill_forward=_choose(call.fill_forward, config.fill_forward),
            extended_market_hours=_choose(call.extended_market_hours, config.extended_market_hours),
            data_normalization_mode=_choose(call.data_normalization_mode, config.data_normalization_mode),
        )
        if call.periods is not None:
            start_ns = self._bars_start_ns(symbol, call.periods, resolution, call.extended_market_hours)
        else:
            start_ns = local_to_ns(call.start or ns_to_local(end_ns, self._time_zone), self._time_zone)
        return _Stream(symbol, spec, min(start_ns, end_ns), self._exchange_hours(symbol).time_zone)

    def _read_streams(self, streams: list[_Stream], end_ns: int) -> list[HistoryPart]:
        """Ask the data feed once per distinct start time and turn the frames back into parts."""
        runtime = self._require_runtime()
        parts: list[HistoryPart] = []
        for start_ns in sorted({stream.start_ns for stream in streams}):
            group = [stream for stream in streams if stream.start_ns == start_ns]
            specs = [
                msgspec.structs.replace(stream.spec, index=position) for position, stream in enumerate(group)
            ]
            request = m.HistoryRequest(
                run_id=runtime.run_id, subscriptions=specs, start_ns=start_ns, end_ns=end_ns
            )
            reply = runtime.history(request)
            if reply.error or reply.batch is None:
                names = ", ".join(sorted({stream.symbol.value for stream in group}))
                raise HistoryError(f"history of {names} failed: {reply.error or 'no data batch'}")
            parts.extend(_parts(reply.batch, group))
        return parts

    def _history_slices(self, parts: list[HistoryPart]) -> list[Slice]:
        steps = build_slice_batch([FeedFrame(part.frame, part.time_zone) for part in parts])
        return [steps.slice(index, self._time_zone) for index in steps]

    # -- which data -----------------------------------------------------------------------------
    def _history_configs(self, symbol: Symbol, call: _Call) -> list[_Config]:
        """Return the symbol's streams a call reads, following LEAN's `GetMatchingSubscriptions`."""
        subscribed = self._symbol_subscriptions(symbol)
        configs = [_config(sub) for sub in subscribed if _type_matches(call.data_type, sub)]
        if not configs:
            return self._default_configs(symbol, call, subscribed)
        if call.resolution is not None and symbol.security_type == SecurityType.EQUITY:
            if call.resolution in (Resolution.HOUR, Resolution.DAILY):
                # Equity hour and daily files hold trades only.
                return [config for config in configs if config.tick_type != TickType.QUOTE]
            wants_quotes = call.data_type in (None, Tick)
            if wants_quotes and all(config.tick_type != TickType.QUOTE for config in configs):
                base = configs[0]
                configs.append(
                    _Config(
                        TickType.QUOTE,
                        call.resolution,
                        base.fill_forward,
                        base.extended_market_hours,
                        base.data_normalization_mode,
                    )
                )
        return configs

    def _default_configs(self, symbol: Symbol, call: _Call, subscribed: list[Subscription]) -> list[_Config]:
        """Return the streams LEAN would subscribe for a symbol with no matching subscription."""
        resolution = _choose(call.resolution, self._history_resolution(symbol, call.data_type))
        if call.data_type is Tick:
            resolution = Resolution.TICK
        base = subscribed[0] if subscribed else None
        extended = base.extended_market_hours if base is not None else False
        security = self.securities.get(symbol)
        mode = security.data_normalization_mode if security is not None else DataNormalizationMode.ADJUSTED
        wanted = _TICK_TYPE_OF.get(call.data_type) if call.data_type is not None else None
        return [
            _Config(tick_type, resolution, True, extended, mode)
            for tick_type in default_tick_types(symbol.security_type, resolution)
            if wanted is None or tick_type == wanted
        ]

    def _history_resolution(self, symbol: Symbol, data_type: DataType | None) -> Resolution:
        """Return the finest resolution the symbol is subscribed at (LEAN's `GetResolution`)."""
        subscribed = self._symbol_subscriptions(symbol)
        if not subscribed:
            return DEFAULT_RESOLUTION
        finest = min(sub.resolution for sub in subscribed)
        if finest == Resolution.TICK and data_type in (TradeBar, QuoteBar):
            return DEFAULT_RESOLUTION
        return finest

    def _symbol_subscriptions(self, symbol: Symbol) -> list[Subscription]:
        return [sub for sub in self._subscriptions if sub.security.symbol == symbol and not sub.is_internal]

    def _has_trades(self, symbol: Symbol) -> bool:
        subscribed = self._symbol_subscriptions(symbol)
        if subscribed:
            return any(sub.tick_type == TickType.TRADE for sub in subscribed)
        return TickType.TRADE in default_tick_types(symbol.security_type, DEFAULT_RESOLUTION)

    def _check_not_tick(self, symbols: Sequence[Symbol], call: _Call) -> None:
        for symbol in symbols:
            resolution = _choose(call.resolution, self._history_resolution(symbol, call.data_type))
            if resolution == Resolution.TICK or call.data_type is Tick:
                raise HistoryError(
                    f"history of {symbol.value}: a bar count cannot be used with Resolution.TICK "
                    "(LEAN forbids it too); ask for a time span or a start and an end instead"
                )

    # -- bar counts -----------------------------------------------------------------------------
    def _bars_start_ns(
        self, symbol: Symbol, periods: int, resolution: Resolution, extended: bool | None
    ) -> int:
        """Return when the last `periods` bars of open market began (LEAN's `GetStartTimeAlgoTz`)."""
        hours = self._exchange_hours(symbol)
        bar = resolution.to_timedelta()
        use_extended = False
        if resolution in _INTRADAY_BARS or resolution == Resolution.TICK:
            if extended is not None:
                use_extended = extended
            else:
                use_extended = any(sub.extended_market_hours for sub in self._symbol_subscriptions(symbol))
        strict = uses_strict_end_times(symbol, bar, hours, self.settings.daily_precise_end_time)
        now = ns_to_local(self._history_now_ns(), hours.time_zone)
        start = start_for_bars(
            hours,
            self._data_time_zone(symbol),
            now,
            bar,
            periods,
            extended_market_hours=use_extended,
            strict_daily_end_times=strict,
        )
        return local_to_ns(start, hours.time_zone)

    def _exchange_hours(self, symbol: Symbol) -> SecurityExchangeHours:
        security = self.securities.get(symbol)
        if security is not None:
            return security.exchange_hours
        return self._market_hours_entry(symbol).exchange_hours

    def _data_time_zone(self, symbol: Symbol) -> ZoneInfo:
        return self._market_hours_entry(symbol).data_time_zone

    def _market_hours_entry(self, symbol: Symbol) -> MarketHoursEntry:
        database = self._require_runtime().security_factory.market_hours
        return database.get_entry(symbol.id.market, symbol.id.symbol, symbol.security_type)


# -- helpers ------------------------------------------------------------------------------------
def _parts(batch: m.DataBatch, streams: list[_Stream]) -> list[HistoryPart]:
    from lean_core.data.history_frames import HistoryPart, exact_equity_prices  # imports pandas

    parts = []
    for packed in batch.frames:
        stream = streams[packed.subscription]
        frame = unpack_frame(packed, stream.symbol)
        if not isinstance(frame, TradeBarFrame | QuoteBarFrame | TickFrame):
            raise HistoryError(f"history of {stream.symbol.value}: only market data history is served")
        if stream.spec.data_normalization_mode in _EXACT_MODES:
            frame = exact_equity_prices(frame, packed.price_factors)
        parts.append(HistoryPart(stream.symbol, frame, stream.time_zone))
    return parts


def _config(sub: Subscription) -> _Config:
    return _Config(
        sub.tick_type,
        sub.resolution,
        sub.fill_forward,
        sub.extended_market_hours,
        sub.security.data_normalization_mode,
    )


def _type_matches(data_type: DataType | None, sub: Subscription) -> bool:
    """Tell whether a subscription serves a data type (ticks serve Tick; bars their tick type)."""
    if data_type is None or data_type is Tick:
        return sub.tick_type != TickType.OPEN_INTEREST
    if sub.resolution == Resolution.TICK:
        return False
    return sub.tick_type == _TICK_TYPE_OF[data_type]


def _data_type(value: type) -> DataType:
    if value is TradeBar or value is QuoteBar or value is Tick:
        return value
    raise HistoryError(
        f"history() serves TradeBar, QuoteBar and Tick data; {value.__name__} history is not supported yet"
    )


def _is_range_value(value: Any) -> bool:
    """Tell whether an argument is a bar count, a span or a start (and so no symbol)."""
    if isinstance(value, bool | Resolution):
        return False
    return isinstance(value, Integral | timedelta | date)


def _pop_keyword(kwargs: dict[str, Any], *names: str) -> Any:
    for name in names:
        if name in kwargs:
            return kwargs.pop(name)
    return None


def _parse_options(rest: list[Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    if len(rest) > len(_OPTIONS):
        raise HistoryError(f"history() got {len(rest)} extra positional arguments: {rest!r}")
    options = dict(zip(_OPTIONS, rest, strict=False))
    for name, value in kwargs.items():
        if name not in _OPTIONS:
            raise TypeError(f"history() got an unexpected keyword argument {name!r}")
        if name in options:
            raise TypeError(f"history() got multiple values for argument {name!r}")
        options[name] = value
    return options


def _optional(options: dict[str, Any], name: str, kind: type[Any]) -> Any:
    value = options.get(name)
    if value is None:
        return None
    if kind is bool:
        return bool(value)
    if not isinstance(value, kind):
        raise HistoryError(f"history(): {name} must be a {kind.__name__}, got {value!r}")
    return value


def _choose(override: Any, default: Any) -> Any:
    return default if override is None else override
