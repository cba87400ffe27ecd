"""Subscriptions: what an algorithm asked for, and the reader of its files.

The reader reads each tradable day's file (under the ticker the map file gives for that
day) and normalises prices from the factor file; `SubscriptionStream` runs the rest of
LEAN's subscription pipeline (strict daily end times -> the request's time range ->
fill-forward -> the market-hours filter), over a whole range or a few days at a time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from lean_core.data.bars import Frame, OpenInterestFrame, QuoteBarFrame, TickFrame, TradeBarFrame
from lean_core.data.factor_files import FactorFileProvider
from lean_core.data.map_files import MapFileProvider
from lean_core.data.normalization import (
    adjust_quote_bars,
    adjust_ticks,
    adjust_trade_bars,
    local_day_numbers,
    row_factors,
)
from lean_core.data.paths import is_hour_or_daily
from lean_core.data.readers import FrameCache, ReadRequest, read_frame
from lean_core.data.subscription_stream import END_OF_STREAM, SubscriptionStream, concat_frames
from lean_core.enums import DataNormalizationMode, Resolution, SecurityType, TickType
from lean_core.errors import MissingDataError
from lean_core.symbols import Symbol
from lean_core.time.market_hours import MarketHoursDatabase, SecurityExchangeHours
from lean_core.time.time_zones import utc_ns_to_local_ns

logger = logging.getLogger(__name__)

_NS_PER_DAY = 86_400 * 1_000_000_000
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


@dataclass(frozen=True, slots=True)
class SubscriptionDataConfig:
    """One data subscription, in LEAN's terms."""

    symbol: Symbol
    resolution: Resolution
    tick_type: TickType
    data_time_zone: ZoneInfo
    exchange_time_zone: ZoneInfo
    fill_forward: bool = True
    extended_market_hours: bool = False
    data_normalization_mode: DataNormalizationMode = DataNormalizationMode.ADJUSTED
    is_internal: bool = False

    @property
    def increment(self) -> timedelta:
        """Return the bar period."""
        return self.resolution.to_timedelta()


@dataclass(frozen=True, slots=True)
class SubscriptionData:
    """A subscription's bars for a time range, and the days whose file was missing."""

    config: SubscriptionDataConfig
    frame: Frame
    missing_days: tuple[date, ...] = field(default=())


def fill_forward_resolution(configs: list[SubscriptionDataConfig]) -> timedelta:
    """Return the finest non-internal resolution: LEAN fills every subscription forward on it."""
    spans = [c.increment for c in configs if not c.is_internal and c.resolution != Resolution.TICK]
    return min(spans) if spans else Resolution.MINUTE.to_timedelta()


class SubscriptionDataReader:
    """Read subscriptions from a LEAN data folder (pure: files in, frames out)."""

    def __init__(
        self,
        data_folder: Path,
        market_hours: MarketHoursDatabase | None = None,
        *,
        cache: FrameCache | None = None,
        daily_strict_end_times: bool = True,
    ) -> None:
        self.data_folder = Path(data_folder)
        self.market_hours = market_hours or MarketHoursDatabase.from_data_folder(self.data_folder)
        self.map_files = MapFileProvider(self.data_folder)
        self.factor_files = FactorFileProvider(self.data_folder)
        self.cache = cache
        self.daily_strict_end_times = daily_strict_end_times

    # -- configuration ------------------------------------------------------------------------
    def exchange_hours(self, symbol: Symbol) -> SecurityExchangeHours:
        """Return the exchange hours of a symbol from the market-hours database."""
        ticker = (
            symbol.underlying.value
            if symbol.security_type.is_option and symbol.underlying
            else symbol.id.symbol
        )
        return self.market_hours.get_entry(symbol.id.market, ticker, symbol.security_type).exchange_hours

    def create_config(
        self,
        symbol: Symbol,
        resolution: Resolution,
        tick_type: TickType = TickType.TRADE,
        **options: bool | DataNormalizationMode,
    ) -> SubscriptionDataConfig:
        """Build a config with the time zones of the symbol's market-hours entry."""
        ticker = symbol.id.symbol
        entry = self.market_hours.get_entry(symbol.id.market, ticker, symbol.security_type)
        return SubscriptionDataConfig(
            symbol,
            resolution,
            tick_type,
            entry.data_time_zone,
            entry.exchange_hours.time_zone,
            **options,  # type: ignore[arg-type]
        )

    # -- reading ------------------------------------------------------------------------------
    def read(
        self,
        config: SubscriptionDataConfig,
        start: datetime,
        end: datetime,
        fill_forward_span: timedelta | None = None,
    ) -> SubscriptionData:
        """Return the subscription's bars with end times in [start, end] (exchange-local times)."""
        if config.tick_type == TickType.OPEN_INTEREST:
            hours = self.exchange_hours(config.symbol)
            frame, missing = self.read_days(config, hours, start.date() - timedelta(days=1), end.date())
            return SubscriptionData(config, frame, tuple(missing))
        stream = SubscriptionStream(self, config, start, end, fill_forward_span)
        stream.advance(END_OF_STREAM)
        return SubscriptionData(config, stream.take(END_OF_STREAM), tuple(stream.missing_days))

    def read_days(
        self, config: SubscriptionDataConfig, hours: SecurityExchangeHours, first: date, last: date
    ) -> tuple[Frame, list[date]]:
        """Read the files of the days [first, last] (all history for hour and daily data).

        Returns the raw file rows, before normalisation, and the open days without a file.
        """
        if is_hour_or_daily(config.resolution):
            return self._read_whole_files(config, first, last), []
        frames: list[Frame] = []
        missing: list[date] = []
        for request in self.day_requests(config, hours, first, last):
            try:
                frames.append(read_frame(request, self.cache))
            except MissingDataError as error:
                logger.warning("no data file for %s on %s: %s", config.symbol, request.day, error.path)
                assert request.day is not None
                missing.append(request.day)
        return concat_frames(config, frames), missing

    def day_requests(
        self, config: SubscriptionDataConfig, hours: SecurityExchangeHours, first: date, last: date
    ) -> list[ReadRequest]:
        """Return the day files `read_days` opens for [first, last]: open days the ticker traded on.

        Empty for hour and daily data, which is read a whole file at a time.
        """
        if is_hour_or_daily(config.resolution):
            return []
        requests = []
        day = first
        while day <= last:
            if hours.is_date_open(day, config.extended_market_hours):
                trades, path_ticker = self._path_ticker(config.symbol, day)
                if trades:
                    requests.append(self._request(config, day, path_ticker))
            day += timedelta(days=1)
        return requests

    def _read_whole_files(self, config: SubscriptionDataConfig, first: date, last: date) -> Frame:
        """Read hour or daily data, from the file of each ticker the map file gives over [first, last].

        A renamed equity's history is spread over one file per ticker; each contributes the days
        its ticker was in use, as LEAN's reader switches files when the mapped ticker changes.
        """
        segments = self._ticker_segments(config.symbol, first, last)
        if segments is None:
            return self._read_whole_file(config, None)
        frames: list[Frame] = []
        for ticker, since, until in segments:
            frame = self._read_whole_file(config, ticker.lower())
            if isinstance(frame, OpenInterestFrame):
                continue  # equities have none
            days = local_day_numbers(frame.time, config.data_time_zone)
            frames.append(frame.select((days >= _day_number(since)) & (days <= _day_number(until))))
        return concat_frames(config, frames)

    def _read_whole_file(self, config: SubscriptionDataConfig, path_ticker: str | None) -> Frame:
        try:
            return read_frame(self._request(config, None, path_ticker), self.cache)
        except MissingDataError as error:
            # LEAN reads nothing and carries on (a benchmark without data stays at zero).
            logger.warning("no data file for %s: %s", config.symbol, error.path)
            return concat_frames(config, [])

    def _ticker_segments(
        self, symbol: Symbol, first: date, last: date
    ) -> list[tuple[str, date, date]] | None:
        """Return (ticker, first day, last day) runs of an equity's map file over [first, last].

        None for a security without a map file: its one file holds everything.
        """
        if symbol.security_type != SecurityType.EQUITY:
            return None
        map_file = self.map_files.resolve_symbol(symbol)
        if map_file is None or not len(map_file):
            return None
        segments: list[tuple[str, date, date]] = []
        since = map_file.first_date
        for row in map_file.rows:
            low, high = max(since, first), min(row.date, last)
            if low <= high:
                if segments and segments[-1][0] == row.ticker and segments[-1][2] + timedelta(days=1) == low:
                    segments[-1] = (row.ticker, segments[-1][1], high)
                else:
                    segments.append((row.ticker, low, high))
            since = row.date + timedelta(days=1)
        return segments

    def _request(
        self, config: SubscriptionDataConfig, day: date | None, path_ticker: str | None
    ) -> ReadRequest:
        return ReadRequest(
            self.data_folder,
            config.symbol,
            config.resolution,
            config.tick_type,
            day,
            config.data_time_zone,
            path_ticker,
        )

    def _path_ticker(self, symbol: Symbol, day: date) -> tuple[bool, str | None]:
        """Return whether an equity traded on `day` and the ticker its files use then (map file)."""
        if symbol.security_type != SecurityType.EQUITY:
            return True, None
        map_file = self.map_files.resolve_symbol(symbol)
        if map_file is None:
            return True, None
        ticker = map_file.ticker_on(day)
        return ticker is not None, ticker.lower() if ticker else None

    def normalize(self, config: SubscriptionDataConfig, frame: Frame) -> Frame:
        """Apply the subscription's price normalisation (factor file rows of each bar's day)."""
        if config.symbol.security_type != SecurityType.EQUITY or not len(frame):
            return frame
        if config.data_normalization_mode == DataNormalizationMode.RAW:
            return frame
        map_file = self.map_files.resolve_symbol(config.symbol)
        factor_file = self.factor_files.get(map_file.permtick if map_file else config.symbol.permtick)
        local = utc_ns_to_local_ns(frame.time, config.exchange_time_zone)
        factors = row_factors(
            factor_file, (local // _NS_PER_DAY).astype(np.int64), config.data_normalization_mode
        )
        if isinstance(frame, TradeBarFrame):
            return adjust_trade_bars(frame, factors)
        if isinstance(frame, QuoteBarFrame):
            return adjust_quote_bars(frame, factors)
        if isinstance(frame, TickFrame):
            return adjust_ticks(frame, factors)
        return frame


def _day_number(day: date) -> int:
    """Return a date as days since 1970-01-01."""
    return day.toordinal() - _EPOCH_ORDINAL
