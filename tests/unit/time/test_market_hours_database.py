"""The market-hours database: LEAN's sample file, key fallbacks, merges and malformed entries."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from lean_core.enums import MarketHoursState, SecurityType
from lean_core.errors import MarketHoursError, MissingDataError
from lean_core.time.market_hours import MarketHoursDatabase, MarketHoursEntry, MarketHoursSegment
from lean_core.time.time_zones import TimeZones


@pytest.fixture(scope="module")
def database(lean_data_folder: Path) -> MarketHoursDatabase:
    return MarketHoursDatabase.from_data_folder(lean_data_folder)


def hm(hours: float) -> timedelta:
    return timedelta(hours=hours)


class TestUsEquity:
    def test_entry_is_the_usa_wildcard_in_new_york(self, database: MarketHoursDatabase) -> None:
        entry = database.get_entry("usa", "SPY", SecurityType.EQUITY)

        assert entry.data_time_zone == TimeZones.NEW_YORK
        assert entry.exchange_hours.time_zone == TimeZones.NEW_YORK
        assert entry.exchange_hours.key == "Equity-usa-[*]"

    def test_regular_and_extended_hours(self, database: MarketHoursDatabase) -> None:
        hours = database.get_exchange_hours("usa", "SPY", SecurityType.EQUITY)
        monday = date(2013, 10, 7)

        assert hours.segments(monday) == [MarketHoursSegment(hm(9.5), hm(16), MarketHoursState.MARKET)]
        extended = hours.segments(monday, extended_market_hours=True)
        assert (extended[0].start, extended[-1].end) == (hm(4), hm(20))

    @pytest.mark.parametrize("holiday", [date(2013, 11, 28), date(2013, 12, 25), date(2014, 1, 1)])
    def test_us_holidays_are_closed(self, database: MarketHoursDatabase, holiday: date) -> None:
        hours = database.get_exchange_hours("usa", "SPY", SecurityType.EQUITY)

        assert not hours.is_date_open(holiday)
        assert not hours.is_open(datetime.combine(holiday, datetime.min.time()) + hm(12), True)

    def test_day_after_thanksgiving_closes_at_one(self, database: MarketHoursDatabase) -> None:
        hours = database.get_exchange_hours("usa", "SPY", SecurityType.EQUITY)

        assert hours.early_closes[date(2013, 11, 29)] == hm(13)
        assert hours.get_next_market_close(datetime(2013, 11, 29, 10), False) == datetime(2013, 11, 29, 13)
        assert hours.get_next_market_close(datetime(2013, 11, 29, 10), True) == datetime(2013, 11, 29, 13)
        assert not hours.is_open(datetime(2013, 11, 29, 14), True)

    def test_next_open_from_friday_evening_is_monday_morning(self, database: MarketHoursDatabase) -> None:
        hours = database.get_exchange_hours("usa", "SPY", SecurityType.EQUITY)

        assert hours.get_next_market_open(datetime(2013, 10, 4, 18), False) == datetime(2013, 10, 7, 9, 30)
        assert hours.get_next_market_open(datetime(2013, 10, 4, 18), True) == datetime(2013, 10, 7, 4)

    def test_lookup_ignores_case(self, database: MarketHoursDatabase) -> None:
        entry = database.get_entry("USA", "spy", SecurityType.EQUITY)

        assert entry is database.get_entry("usa", "SPY", SecurityType.EQUITY)


class TestOtherMarkets:
    def test_oanda_forex_trades_sunday_evening_to_friday_afternoon_new_york(
        self, database: MarketHoursDatabase
    ) -> None:
        entry = database.get_entry("oanda", "EURUSD", SecurityType.FOREX)
        hours = entry.exchange_hours

        assert entry.data_time_zone == TimeZones.UTC
        assert hours.time_zone == TimeZones.NEW_YORK
        assert hours.get_next_market_open(datetime(2013, 10, 5, 12), False) == datetime(2013, 10, 6, 17, 3)
        assert hours.get_next_market_close(datetime(2013, 10, 7, 12), False) == datetime(2013, 10, 7, 16, 58)
        assert not hours.is_open(datetime(2013, 10, 7, 17, 0), False)

    def test_coinbase_crypto_is_always_open_in_utc(self, database: MarketHoursDatabase) -> None:
        entry = database.get_entry("coinbase", "BTCUSD", SecurityType.CRYPTO)

        assert entry.exchange_hours.is_always_open
        assert entry.data_time_zone == TimeZones.UTC
        assert entry.exchange_hours.is_open(datetime(2013, 12, 25, 3), False)

    def test_es_future_trades_overnight_with_a_daily_break(self, database: MarketHoursDatabase) -> None:
        entry = database.get_entry("cme", "ES", SecurityType.FUTURE)
        hours = entry.exchange_hours

        assert entry.exchange_hours.key == "Future-cme-ES"
        assert (entry.data_time_zone, hours.time_zone) == (TimeZones.UTC, TimeZones.NEW_YORK)
        assert hours.is_open(datetime(2013, 10, 6, 19), True)
        assert not hours.is_open(datetime(2013, 10, 6, 19), False)
        assert not hours.is_open(datetime(2013, 10, 7, 17, 30), True)
        assert hours.get_next_market_open(datetime(2013, 10, 7, 17, 30), True) == datetime(2013, 10, 7, 18)

    def test_es_inherits_the_cme_wildcard_holidays(self, database: MarketHoursDatabase) -> None:
        hours = database.get_exchange_hours("cme", "ES", SecurityType.FUTURE)

        assert date(2013, 12, 25) in hours.holidays
        assert not hours.is_date_open(date(2013, 12, 25))

    def test_es_thanksgiving_closes_early_and_reopens_in_the_evening(
        self, database: MarketHoursDatabase
    ) -> None:
        hours = database.get_exchange_hours("cme", "ES", SecurityType.FUTURE)

        segments = hours.segments(date(2013, 11, 28), extended_market_hours=True)

        assert [(s.start, s.end) for s in segments] == [
            (hm(0), hm(9.5)),
            (hm(9.5), hm(11.5)),
            (hm(18), hm(24)),
        ]

    def test_entry_listed_before_its_wildcard_keeps_only_its_own_dates(
        self, database: MarketHoursDatabase
    ) -> None:
        # LEAN merges a market's [*] dates only into entries converted after it, i.e. later in the file.
        assert database.get_exchange_hours("eurex", "DAX", SecurityType.INDEX).holidays == frozenset()

    def test_equity_option_borrows_the_equity_holidays(self, database: MarketHoursDatabase) -> None:
        hours = database.get_exchange_hours("usa", "SPY", SecurityType.OPTION)

        assert hours.key == "Option-usa-[*]"
        assert not hours.is_date_open(date(2013, 11, 28))
        assert hours.early_closes[date(2013, 11, 29)] == hm(13)

    def test_index_option_borrows_its_index_holidays(self, database: MarketHoursDatabase) -> None:
        hours = database.get_exchange_hours("usa", "SPXW", SecurityType.INDEX_OPTION)

        assert hours.key == "IndexOption-usa-SPXW"
        assert date(2013, 12, 25) in hours.holidays

    def test_future_option_falls_back_on_its_future(self, database: MarketHoursDatabase) -> None:
        hours = database.get_exchange_hours("comex", "OG", SecurityType.FUTURE_OPTION)

        assert hours.key == "Future-comex-GC"

    def test_every_sample_entry_parses(self, database: MarketHoursDatabase) -> None:
        for key in database.keys:
            type_name, market, ticker = key.split("-")

            entry = database.get_entry(market, ticker, SecurityType.parse(type_name))

            assert entry.exchange_hours.key.lower() == key.lower()


class TestMissingEntries:
    def test_unknown_market_raises_naming_the_key(self, database: MarketHoursDatabase) -> None:
        with pytest.raises(MarketHoursError, match="Equity-nowhere-SPY") as raised:
            database.get_entry("nowhere", "SPY", SecurityType.EQUITY)

        assert raised.value.key == "Equity-nowhere-SPY"

    def test_future_in_usa_market_hints_at_the_exchange(self, database: MarketHoursDatabase) -> None:
        with pytest.raises(MarketHoursError, match="cme"):
            database.get_entry("usa", "ES", SecurityType.FUTURE)

    def test_contains_key_does_not_fall_back(self, database: MarketHoursDatabase) -> None:
        assert database.contains_key("usa", None, SecurityType.EQUITY)
        assert not database.contains_key("usa", "SPY", SecurityType.EQUITY)

    def test_always_open_entry_serves_custom_data(self) -> None:
        entry = MarketHoursDatabase.always_open(TimeZones.NEW_YORK)

        assert entry == MarketHoursEntry(TimeZones.NEW_YORK, entry.exchange_hours)
        assert entry.exchange_hours.is_always_open


def good_entry(**changes: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "dataTimeZone": "America/New_York",
        "exchangeTimeZone": "America/New_York",
        "monday": [{"start": "09:30:00", "end": "16:00:00", "state": "market"}],
        "holidays": ["11/28/2013"],
        "earlyCloses": {"11/29/2013": "13:00:00"},
    }
    entry.update(changes)
    return entry


def write_database(folder: Path, entries: dict[str, Any]) -> Path:
    path = folder / "market-hours-database.json"
    path.write_text(json.dumps({"entries": entries}))
    return path


class TestMalformedEntries:
    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"monday": [{"start": "09:30:00", "end": "25:00:00", "state": "market"}]}, "monday[0].end"),
            ({"monday": [{"start": "9h30", "end": "16:00:00", "state": "market"}]}, "monday[0].start"),
            ({"monday": [{"start": "09:30:00", "end": "16:00:00", "state": "open"}]}, "monday[0].state"),
            ({"monday": [{"start": "16:00:00", "end": "09:30:00", "state": "market"}]}, "monday[0]"),
            ({"holidays": ["13/45/2013"]}, "holidays[0]"),
            ({"earlyCloses": {"11/29/2013": "1pm"}}, "earlyCloses['11/29/2013']"),
            ({"lateOpens": {"2013-11-29": "10:00:00"}}, "lateOpens['2013-11-29']"),
            ({"exchangeTimeZone": "Mars/Olympus_Mons"}, "exchangeTimeZone"),
            ({"dataTimeZone": 5}, "dataTimeZone"),
            ({"tuesday": "all day"}, "tuesday"),
        ],
    )
    def test_malformed_field_raises_naming_key_and_field(
        self, tmp_path: Path, changes: dict[str, Any], field: str
    ) -> None:
        path = write_database(tmp_path, {"Equity-usa-[*]": good_entry(**changes)})
        database = MarketHoursDatabase.from_file(path)

        with pytest.raises(MarketHoursError, match="Equity-usa-\\[\\*\\]") as raised:
            database.get_entry("usa", "SPY", SecurityType.EQUITY)

        assert field in str(raised.value)
        assert raised.value.key == "Equity-usa-[*]"
        assert raised.value.path == path

    def test_missing_required_field_is_named(self, tmp_path: Path) -> None:
        entry = good_entry()
        del entry["dataTimeZone"]
        database = MarketHoursDatabase.from_file(write_database(tmp_path, {"Equity-usa-[*]": entry}))

        with pytest.raises(MarketHoursError, match="dataTimeZone"):
            database.get_entry("usa", "SPY", SecurityType.EQUITY)

    def test_malformed_entry_does_not_spoil_the_others(self, tmp_path: Path) -> None:
        entries = {"Equity-usa-[*]": good_entry(), "Forex-oanda-[*]": good_entry(holidays=["x"])}
        database = MarketHoursDatabase.from_file(write_database(tmp_path, entries))

        assert database.get_exchange_hours("usa", "SPY", SecurityType.EQUITY).holidays == {date(2013, 11, 28)}

    @pytest.mark.parametrize(
        ("text", "expected"),
        [("22:0:00", hm(22)), ("8:15:00", hm(8.25)), ("1:00:00:00", hm(24)), ("1.00:00:00", hm(24))],
    )
    def test_time_spans_are_read_as_dotnet_writes_them(
        self, tmp_path: Path, text: str, expected: timedelta
    ) -> None:
        entry = good_entry(monday=[{"start": "00:00:00", "end": text, "state": "market"}])
        database = MarketHoursDatabase.from_file(write_database(tmp_path, {"Equity-usa-[*]": entry}))

        hours = database.get_exchange_hours("usa", "SPY", SecurityType.EQUITY)

        assert hours.segments(date(2013, 10, 7))[0].end == expected

    def test_keys_of_unknown_security_types_are_skipped_as_lean_does(self, tmp_path: Path) -> None:
        database = MarketHoursDatabase.from_file(write_database(tmp_path, {"Bond-usa-[*]": good_entry()}))

        assert database.keys == []

    def test_file_that_is_not_a_database_raises(self, tmp_path: Path) -> None:
        path = tmp_path / "market-hours-database.json"
        path.write_text("[1, 2")

        with pytest.raises(MarketHoursError, match="not a market-hours database"):
            MarketHoursDatabase.from_file(path)

    def test_missing_file_raises_missing_data(self, tmp_path: Path) -> None:
        with pytest.raises(MissingDataError):
            MarketHoursDatabase.from_data_folder(tmp_path)
