"""The algorithm's clock and zone during initialize(): LEAN's SetStartDate and SetTimeZone."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from lean_core.algorithm.qc_algorithm import QCAlgorithm
from lean_core.engine.embedded import BacktestRun
from lean_core.enums import Resolution


def test_the_clock_starts_at_lean_s_default_start_read_as_utc() -> None:
    algorithm = QCAlgorithm()

    assert algorithm.utc_time == datetime(1998, 1, 1)
    assert algorithm.time == datetime(1997, 12, 31, 19)


def test_set_start_date_moves_the_clock_to_the_start_in_the_algorithm_zone() -> None:
    algorithm = QCAlgorithm()

    algorithm.set_start_date(2013, 10, 7)

    assert algorithm.time == datetime(2013, 10, 7)
    assert algorithm.utc_time == datetime(2013, 10, 7, 4)


def test_set_time_zone_reads_the_start_date_in_the_new_zone() -> None:
    algorithm = QCAlgorithm()
    algorithm.set_start_date(2013, 10, 7)

    algorithm.set_time_zone("Europe/London")

    assert algorithm.time == datetime(2013, 10, 7)
    assert algorithm.utc_time == datetime(2013, 10, 6, 23)


def test_time_read_before_set_time_zone_follows_the_new_zone_after_it() -> None:
    algorithm = QCAlgorithm()
    algorithm.set_start_date(2013, 10, 7)
    algorithm.set_end_date(2013, 10, 8)
    assert algorithm.time == datetime(2013, 10, 7)  # read in New York first

    algorithm.set_time_zone("Asia/Tokyo")

    assert algorithm.time == datetime(2013, 10, 7)
    assert algorithm.utc_time == datetime(2013, 10, 6, 15)


def test_set_time_zone_updates_the_rules_already_built() -> None:
    algorithm = QCAlgorithm()
    algorithm.set_start_date(2013, 10, 7)
    before = algorithm.time_rules.at(9, 30)  # builds the helpers in New York

    algorithm.set_time_zone("Asia/Tokyo")

    assert before.time_zone == "America/New_York"  # a rule keeps the zone it was made in, as in LEAN
    assert algorithm.time_rules.at(9, 30).time_zone == "Asia/Tokyo"
    # `today` reads the clock in the new zone: 2013-10-07 00:00 in Tokyo.
    assert algorithm.date_rules.today.days == (datetime(2013, 10, 7).date(),)


class LondonOpen(QCAlgorithm):
    """Schedules an event at 9:30 after switching to London, having touched the rules in New York."""

    def initialize(self) -> None:
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 7)
        self.rule_built_in_new_york = self.time_rules.at(0, 0)
        self.set_time_zone("Europe/London")
        self.initialize_time = self.time
        self.add_equity("SPY", Resolution.MINUTE)
        self.fired: list[datetime] = []
        self.schedule.on(self.date_rules.every_day(), self.time_rules.at(9, 30), self._record)

    def _record(self) -> None:
        self.fired.append(self.time)

    def on_data(self, data: Any) -> None:
        pass


def test_an_event_at_9_30_fires_at_9_30_in_the_zone_set_after_the_rules_were_built(
    lean_data_folder: Path, tmp_path: Path
) -> None:
    algorithm = LondonOpen()

    result = BacktestRun(algorithm, data_folder=lean_data_folder, output_folder=tmp_path).run()

    assert result.status == "Completed", result.error
    assert algorithm.initialize_time == datetime(2013, 10, 7)
    assert algorithm.fired == [datetime(2013, 10, 7, 9, 30)]  # London time, 04:30 in New York
