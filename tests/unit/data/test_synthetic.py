"""The synthetic data generator: settings, realism of the tape, corporate actions, calendar, whole folders."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import msgspec
import numpy as np
import pytest

from lean_core.data.bars import Frame, QuoteBarFrame, TickFrame, TradeBarFrame, ns_to_local
from lean_core.data.factor_files import read_factor_file
from lean_core.data.map_files import read_map_file
from lean_core.data.readers import ReadRequest, read_frame
from lean_core.data.synthetic import (
    BENCHMARK_TICKER,
    DataDensity,
    GeneratorSettings,
    build_model,
    resolve_tickers,
    symbol_generator,
)
from lean_core.data.synthetic_folder import factor_file_rows, generate_data_folder
from lean_core.data.synthetic_paths import CorporateEvent, SymbolSimulation, SyntheticDay
from lean_core.data.synthetic_reference import (
    market_hours_entry,
    market_hours_key,
    nyse_early_closes,
    nyse_holidays,
)
from lean_core.enums import Resolution, SecurityType, TickType
from lean_core.errors import ConfigurationError
from lean_core.symbols import Symbol
from lean_core.symbols.symbol_properties import SymbolPropertiesDatabase
from lean_core.time import MarketHoursDatabase, MarketHoursEntry

NEW_YORK = ZoneInfo("America/New_York")
MARKETS = {SecurityType.EQUITY: "usa", SecurityType.FOREX: "oanda", SecurityType.CRYPTO: "coinbase"}


def settings(security_type: SecurityType = SecurityType.EQUITY, **overrides: object) -> GeneratorSettings:
    fields: dict[str, object] = {
        "start": date(2024, 1, 2),
        "end": date(2024, 1, 5),
        "security_type": security_type,
        "market": MARKETS[security_type],
        "seed": 7,
        "tickers": ("SPY",),
    }
    fields.update(overrides)
    return GeneratorSettings(**fields)  # type: ignore[arg-type]


def market_hours(security_type: SecurityType, years: range = range(2024, 2025)) -> MarketHoursEntry:
    market = MARKETS[security_type]
    raw = {
        market_hours_key(security_type, market): msgspec.Raw(
            json.dumps(market_hours_entry(security_type, years))
        )
    }
    return MarketHoursDatabase(raw).get_entry(market, None, security_type)


def simulate(config: GeneratorSettings, ticker: str) -> tuple[SymbolSimulation, list[SyntheticDay]]:
    rng = symbol_generator(config.seed, ticker, config.security_type)
    model = build_model(config, ticker, rng)
    symbol = Symbol.create(ticker, config.security_type, config.market)
    simulation = SymbolSimulation(config, model, symbol, market_hours(config.security_type), rng)
    return simulation, list(simulation.run(config.resolution))


def local_times(frame: Frame, zone: ZoneInfo = NEW_YORK) -> list[datetime]:
    return [ns_to_local(int(ns), zone) for ns in frame.time]


class TestSettings:
    def test_end_before_start_is_refused_naming_the_end_option(self) -> None:
        with pytest.raises(ConfigurationError) as raised:
            settings(end=date(2024, 1, 1))
        assert raised.value.key == "end"

    @pytest.mark.parametrize("security_type", [SecurityType.OPTION, SecurityType.FUTURE])
    def test_security_types_it_cannot_generate_are_refused(self, security_type: SecurityType) -> None:
        with pytest.raises(ConfigurationError) as raised:
            GeneratorSettings(
                start=date(2024, 1, 2),
                end=date(2024, 1, 3),
                security_type=security_type,
                market="usa",
                seed=1,
            )
        assert raised.value.key == "security-type"

    def test_forex_without_tickers_or_count_is_refused(self) -> None:
        with pytest.raises(ConfigurationError):
            settings(SecurityType.FOREX, tickers=())

    @pytest.mark.parametrize(
        ("text", "density"),
        [
            ("Dense", DataDensity.DENSE),
            ("sparse", DataDensity.SPARSE),
            ("VerySparse", DataDensity.VERY_SPARSE),
        ],
    )
    def test_data_density_reads_lean_cli_spellings(self, text: str, density: DataDensity) -> None:
        assert DataDensity.parse(text) is density


class TestTickers:
    def test_equity_generation_always_includes_the_benchmark(self) -> None:
        assert resolve_tickers(settings(tickers=("AAPL", "msft"))) == (BENCHMARK_TICKER, "AAPL", "MSFT")

    def test_random_tickers_depend_only_on_the_seed(self) -> None:
        first = resolve_tickers(settings(tickers=(), symbol_count=5))
        assert first == resolve_tickers(settings(tickers=(), symbol_count=5))
        assert first != resolve_tickers(settings(tickers=(), symbol_count=5, seed=8))
        assert len(first) == 6 and all(ticker.isalpha() and ticker.isupper() for ticker in first)

    def test_random_forex_tickers_are_currency_pairs(self) -> None:
        pairs = resolve_tickers(settings(SecurityType.FOREX, tickers=(), symbol_count=6))
        assert len(pairs) == 6 and all(len(pair) == 6 for pair in pairs)


@pytest.fixture(scope="module")
def days() -> list[SyntheticDay]:
    return simulate(settings(tickers=("SPY",)), "SPY")[1]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("generated")
    generate_data_folder(settings(tickers=("SPY", "ABC"), dividends_percentage=100.0), target)
    return target


class TestTape:
    def test_trade_bars_have_consistent_ohlc_and_positive_volume(self, days: list[SyntheticDay]) -> None:
        for day in days:
            bars = day.frames[0]
            assert isinstance(bars, TradeBarFrame) and len(bars)
            assert (bars.low <= np.minimum(bars.open, bars.close)).all()
            assert (bars.high >= np.maximum(bars.open, bars.close)).all()
            assert (bars.volume > 0).all()

    def test_quote_bars_keep_the_bid_below_the_ask(self, days: list[SyntheticDay]) -> None:
        for day in days:
            quotes = day.frames[1]
            assert isinstance(quotes, QuoteBarFrame)
            for side in ("bid", "ask"):
                low, high = getattr(quotes, f"{side}_low"), getattr(quotes, f"{side}_high")
                assert (low <= getattr(quotes, f"{side}_open")).all() and (
                    getattr(quotes, f"{side}_close") <= high
                ).all()
            assert (quotes.bid_close < quotes.ask_close).all() and (quotes.bid_high < quotes.ask_high).all()

    def test_trades_print_inside_the_quote_of_their_minute(self, days: list[SyntheticDay]) -> None:
        bars, quotes = days[0].frames
        assert isinstance(bars, TradeBarFrame) and isinstance(quotes, QuoteBarFrame)
        index = np.searchsorted(quotes.time, bars.time)
        assert np.array_equal(quotes.time[index], bars.time)  # every trade minute has a quote
        assert (bars.low >= quotes.bid_low[index]).all() and (bars.high <= quotes.ask_high[index]).all()

    def test_equity_prices_are_whole_cents(self, days: list[SyntheticDay]) -> None:
        for frame in days[0].frames:
            for name in ("open", "close", "bid_low", "ask_high"):
                if hasattr(frame, name):
                    prices = getattr(frame, name)
                    assert np.array_equal(np.rint(prices * 100) / 100, prices)

    def test_minute_files_span_extended_hours_with_a_full_regular_session(
        self, days: list[SyntheticDay]
    ) -> None:
        times = local_times(days[0].frames[0])
        assert times[0] >= datetime(2024, 1, 2, 4) and times[-1] < datetime(2024, 1, 2, 20)
        regular = [t for t in times if datetime(2024, 1, 2, 9, 30) <= t < datetime(2024, 1, 2, 16)]
        assert len(regular) == 390 and len(times) > 390

    def test_volume_is_heavier_at_the_open_and_close_than_at_midday(self, days: list[SyntheticDay]) -> None:
        bars = days[0].frames[0]
        assert isinstance(bars, TradeBarFrame)
        minutes = np.array([t.hour * 60 + t.minute for t in local_times(bars)])
        open_volume = bars.volume[(minutes >= 570) & (minutes < 600)].mean()
        midday = bars.volume[(minutes >= 720) & (minutes < 780)].mean()
        assert open_volume > 1.5 * midday

    def test_the_same_seed_gives_the_same_tape_and_another_seed_does_not(self) -> None:
        first = simulate(settings(), "SPY")[1][0].frames[0]
        again = simulate(settings(), "SPY")[1][0].frames[0]
        other = simulate(settings(seed=8), "SPY")[1][0].frames[0]
        assert (
            isinstance(first, TradeBarFrame)
            and isinstance(again, TradeBarFrame)
            and isinstance(other, TradeBarFrame)
        )
        assert np.array_equal(first.close, again.close) and np.array_equal(first.volume, again.volume)
        assert not np.array_equal(first.close[:50], other.close[:50])

    def test_daily_bar_summarises_the_regular_session(self) -> None:
        simulation, days = simulate(settings(), "SPY")
        daily = simulation.aggregates(Resolution.DAILY)[0]
        bars = days[0].frames[0]
        assert isinstance(daily, TradeBarFrame) and isinstance(bars, TradeBarFrame)
        times = local_times(bars)
        regular = np.array([datetime(2024, 1, 2, 9, 30) <= t < datetime(2024, 1, 2, 16) for t in times])
        assert len(daily) == len(days) == 4
        assert daily.open[0] == bars.open[regular][0] and daily.close[0] == bars.close[regular][-1]
        assert daily.high[0] == bars.high[regular].max() and daily.volume[0] == bars.volume[regular].sum()
        assert local_times(daily)[0] == datetime(2024, 1, 2)

    def test_hour_bars_are_labelled_by_the_hour_they_start_in(self) -> None:
        hours = simulate(settings(), "SPY")[0].aggregates(Resolution.HOUR)[0]
        labels = [t.strftime("%H:%M") for t in local_times(hours)[:7]]
        assert labels == ["09:00", "10:00", "11:00", "12:00", "13:00", "14:00", "15:00"]


class TestCalendar:
    def test_holidays_and_weekends_have_no_data(self) -> None:
        days = simulate(settings(start=date(2024, 1, 12), end=date(2024, 1, 16)), "SPY")[1]
        assert [day.day for day in days] == [date(2024, 1, 12), date(2024, 1, 16)]  # MLK day is Jan 15

    def test_an_early_close_ends_the_day_at_one_pm(self) -> None:
        days = simulate(settings(start=date(2024, 7, 3), end=date(2024, 7, 3)), "SPY")[1]
        assert local_times(days[0].frames[0])[-1] < datetime(2024, 7, 3, 13)

    def test_forex_follows_oandas_week_in_utc_files(self) -> None:
        config = settings(
            SecurityType.FOREX, tickers=("EURUSD",), start=date(2024, 1, 5), end=date(2024, 1, 8)
        )
        days = simulate(config, "EURUSD")[1]
        assert [day.day for day in days] == [date(2024, 1, 5), date(2024, 1, 7), date(2024, 1, 8)]
        sunday = local_times(days[1].frames[0], ZoneInfo("UTC"))
        assert sunday[0] == datetime(2024, 1, 7, 22, 3)  # 17:03 in New York
        assert len(days[0].frames) == 1 and isinstance(days[0].frames[0], QuoteBarFrame)

    def test_nyse_rules_match_leans_market_hours_database(self, lean_data_folder: Path) -> None:
        path = lean_data_folder / "market-hours" / "market-hours-database.json"
        entry = json.loads(path.read_text())["entries"]["Equity-usa-[*]"]

        def parse(text: str) -> date:
            month, day, year = (int(part) for part in text.split("/"))
            return date(year, month, day)

        holidays = {parse(text) for text in entry["holidays"]}
        early = {parse(text) for text in entry["earlyCloses"]}
        for year in range(1999, 2028):
            assert set(nyse_holidays(year)) == {d for d in holidays if d.year == year and d.weekday() < 5}
            assert set(nyse_early_closes(year)) == {d for d in early if d.year == year and d.weekday() < 5}


class TestDensityAndTicks:
    def test_sparse_density_keeps_about_a_fifth_of_the_steps(self) -> None:
        dense = simulate(settings(SecurityType.CRYPTO, tickers=("BTCUSD",)), "BTCUSD")[1]
        sparse = simulate(
            settings(SecurityType.CRYPTO, tickers=("BTCUSD",), data_density=DataDensity.SPARSE), "BTCUSD"
        )[1]
        ratio = len(sparse[0].frames[0]) / len(dense[0].frames[0])
        assert 0.12 < ratio < 0.3

    def test_ticks_are_time_ordered_inside_the_session(self) -> None:
        days = simulate(settings(resolution=Resolution.TICK, end=date(2024, 1, 2)), "SPY")[1]
        trades, quotes = days[0].frames
        assert isinstance(trades, TickFrame) and trades.tick_type == TickType.TRADE
        assert isinstance(quotes, TickFrame) and (quotes.bid_price < quotes.ask_price).all()
        assert (np.diff(trades.time) >= 0).all()
        times = local_times(trades)
        assert times[0] >= datetime(2024, 1, 2, 4) and times[-1] < datetime(2024, 1, 2, 20)


class TestCorporateActions:
    def test_factor_rows_fold_later_events_into_earlier_dates(self) -> None:
        events = [
            CorporateEvent(date(2024, 3, 8), date(2024, 3, 11), Decimal("100"), Decimal(1), Decimal("1")),
            CorporateEvent(date(2024, 6, 7), date(2024, 6, 10), Decimal("200"), Decimal("0.5"), Decimal(0)),
        ]
        rows = factor_file_rows(events, date(2024, 1, 2))
        assert [row.to_csv() for row in rows] == [
            "20240102,0.99,0.5,1",
            "20240308,0.99,0.5,100",
            "20240607,1,0.5,200",
            "20501231,1,1,0",
        ]

    def test_a_split_divides_the_raw_price_overnight(self) -> None:
        config = settings(
            tickers=("ABC",), start=date(2024, 1, 2), end=date(2024, 3, 29), splits_percentage=100.0
        )
        simulation = simulate(config, "ABC")[0]
        splits = [event for event in simulation.events if event.split_factor != 1]
        assert len(splits) == 1
        daily = simulation.aggregates(Resolution.DAILY)[0]
        assert isinstance(daily, TradeBarFrame)
        closes = dict(zip([t.date() for t in local_times(daily)], daily.close, strict=True))
        opens = dict(zip([t.date() for t in local_times(daily)], daily.open, strict=True))
        jump = opens[splits[0].ex_day] / closes[splits[0].previous_day]
        assert jump == pytest.approx(float(splits[0].split_factor), rel=0.1)
        assert Decimal(repr(float(closes[splits[0].previous_day]))) == splits[0].reference_price


class TestFolder:
    def test_folder_holds_every_file_a_backtest_reads(self, folder: Path) -> None:
        for relative in (
            "market-hours/market-hours-database.json",
            "symbol-properties/symbol-properties-database.csv",
            "equity/usa/map_files/spy.csv",
            "equity/usa/factor_files/abc.csv",
            "alternative/interest-rate/usa/interest-rate.csv",
            "equity/usa/minute/spy/20240102_trade.zip",
            "equity/usa/minute/abc/20240105_quote.zip",
            "equity/usa/hour/spy.zip",
            "equity/usa/daily/abc.zip",
        ):
            assert (folder / relative).is_file(), relative
        assert (
            (folder / "alternative/interest-rate/usa/interest-rate.csv")
            .read_text()
            .startswith("DATE,PCREDIT8\n")
        )

    def test_reference_files_read_back_through_lean_core(self, folder: Path) -> None:
        hours = MarketHoursDatabase.from_data_folder(folder).get_exchange_hours(
            "usa", "SPY", SecurityType.EQUITY
        )
        assert not hours.is_date_open(date(2024, 7, 4)) and hours.early_closes[
            date(2024, 11, 29)
        ] == timedelta(hours=13)
        properties = SymbolPropertiesDatabase.from_data_folder(folder).get("usa", "SPY", SecurityType.EQUITY)
        assert properties.minimum_price_variation == Decimal("0.01")
        assert read_map_file(folder / "equity/usa/map_files/spy.csv").first_date == date(1998, 1, 2)
        assert read_factor_file(folder / "equity/usa/factor_files/spy.csv").rows[-1].date == date(
            2050, 12, 31
        )

    def test_an_existing_market_hours_entry_is_left_alone(self, tmp_path: Path) -> None:
        path = tmp_path / "market-hours" / "market-hours-database.json"
        path.parent.mkdir(parents=True)
        entry = market_hours_entry(SecurityType.EQUITY, range(2024, 2025)) | {"holidays": ["1/3/2024"]}
        original = json.dumps({"entries": {"Equity-usa-[*]": entry}})
        path.write_text(original)
        generate_data_folder(settings(), tmp_path)
        assert path.read_text() == original
        assert not (tmp_path / "equity/usa/minute/spy/20240103_trade.zip").exists()

    def test_a_missing_entry_is_added_beside_existing_ones(self, tmp_path: Path) -> None:
        generate_data_folder(settings(), tmp_path)
        generate_data_folder(settings(SecurityType.CRYPTO, tickers=("BTCUSD",)), tmp_path)
        keys = json.loads((tmp_path / "market-hours/market-hours-database.json").read_text())["entries"]
        assert set(keys) == {"Equity-usa-[*]", "Crypto-coinbase-[*]"}
        lines = (tmp_path / "symbol-properties/symbol-properties-database.csv").read_text().splitlines()
        assert lines[1:] == [
            "usa,[*],equity,,USD,1,0.01,1",
            "coinbase,BTCUSD,crypto,BTC-USD,USD,1,0.01,0.00000001,BTC-USD,0.00000001",
        ]

    def test_daily_files_keep_rows_of_earlier_runs(self, tmp_path: Path) -> None:
        generate_data_folder(settings(end=date(2024, 1, 3)), tmp_path)
        generate_data_folder(settings(start=date(2024, 1, 4)), tmp_path)
        symbol = Symbol.create("SPY", SecurityType.EQUITY, "usa")
        daily = read_frame(ReadRequest(tmp_path, symbol, Resolution.DAILY, TickType.TRADE, None, NEW_YORK))
        assert [t.day for t in local_times(daily)] == [2, 3, 4, 5]

    def test_a_later_run_keeps_the_earlier_dividends_in_the_factor_file(self, tmp_path: Path) -> None:
        quarterly = {"tickers": ("SPY",), "dividends_percentage": 100.0}
        generate_data_folder(settings(start=date(2024, 3, 1), end=date(2024, 3, 15), **quarterly), tmp_path)
        first = read_factor_file(tmp_path / "equity/usa/factor_files/spy.csv").rows
        generate_data_folder(settings(start=date(2024, 6, 3), end=date(2024, 6, 14), **quarterly), tmp_path)
        rows = read_factor_file(tmp_path / "equity/usa/factor_files/spy.csv").rows
        assert [row.date for row in rows] == [
            date(2024, 3, 1),
            date(2024, 3, 8),
            date(2024, 6, 7),
            date(2050, 12, 31),
        ]
        june = rows[2].price_factor
        assert june < 1
        assert rows[1].price_factor == pytest.approx(first[1].price_factor * june, abs=Decimal("1e-7"))

    def test_the_same_seed_writes_byte_identical_folders(self, tmp_path: Path) -> None:
        config = settings(tickers=("SPY", "ABC"), end=date(2024, 1, 3))
        summaries = [generate_data_folder(config, tmp_path / name) for name in ("one", "two")]
        files = sorted(
            path.relative_to(tmp_path / "one") for path in (tmp_path / "one").rglob("*") if path.is_file()
        )
        assert files and all(
            (tmp_path / "one" / f).read_bytes() == (tmp_path / "two" / f).read_bytes() for f in files
        )
        assert summaries[0].rows == summaries[1].rows > 0 and summaries[0].files == 2 * 2 * 2 + 2 * 2

    def test_worker_processes_write_the_same_files(self, tmp_path: Path) -> None:
        config = settings(tickers=("SPY", "ABC", "XYZ"), end=date(2024, 1, 2))
        generate_data_folder(config, tmp_path / "one")
        summary = generate_data_folder(config, tmp_path / "many", workers=2)
        files = sorted(
            path.relative_to(tmp_path / "one") for path in (tmp_path / "one").rglob("*") if path.is_file()
        )
        assert all((tmp_path / "one" / f).read_bytes() == (tmp_path / "many" / f).read_bytes() for f in files)
        assert summary.symbols == ("SPY", "ABC", "XYZ") and summary.files == 3 * 4

    def test_prices_follow_the_folders_own_tick_size(self, tmp_path: Path) -> None:
        path = tmp_path / "symbol-properties" / "symbol-properties-database.csv"
        path.parent.mkdir(parents=True)
        path.write_text(
            "market,symbol,type,description,quote_currency,contract_multiplier,minimum_price_variation,lot_size\n"
            "coinbase,BTCUSD,crypto,,USD,1,1,0.001\n"
        )
        generate_data_folder(
            settings(SecurityType.CRYPTO, tickers=("BTCUSD",), end=date(2024, 1, 2)), tmp_path
        )
        symbol = Symbol.create("BTCUSD", SecurityType.CRYPTO, "coinbase")
        day = date(2024, 1, 2)
        bars = read_frame(
            ReadRequest(tmp_path, symbol, Resolution.MINUTE, TickType.TRADE, day, ZoneInfo("UTC"))
        )
        assert isinstance(bars, TradeBarFrame)
        assert np.array_equal(np.rint(bars.close), bars.close)
        assert np.array_equal(np.rint(bars.volume * 1000) / 1000, bars.volume)


def test_models_put_forex_and_crypto_prices_on_plausible_grids() -> None:
    config = settings(SecurityType.FOREX, tickers=("EURUSD",))
    eurusd = build_model(config, "EURUSD", symbol_generator(1, "EURUSD", SecurityType.FOREX))
    usdjpy = build_model(config, "USDJPY", symbol_generator(1, "USDJPY", SecurityType.FOREX))
    assert (eurusd.minimum_price_variation, usdjpy.minimum_price_variation) == (
        Decimal("0.00001"),
        Decimal("0.001"),
    )
    assert 0.9 < eurusd.initial_price < 1.3 and 100 < usdjpy.initial_price < 200
    assert replace(eurusd, price_decimals=2).minimum_price_variation == Decimal("0.01")
