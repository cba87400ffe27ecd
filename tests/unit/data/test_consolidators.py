"""Trade and quote bar consolidators: LEAN's period, count, mixed and calendar cases re-created."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from lean_core.data.bars import Bar, QuoteBar, Tick, TradeBar
from lean_core.data.consolidators import (
    Calendar,
    CalendarInfo,
    IdentityDataConsolidator,
    QuoteBarConsolidator,
    TradeBarConsolidator,
    create_consolidator,
)
from lean_core.enums import Resolution, SecurityType, TickType
from lean_core.symbols import Symbol

SPY = Symbol.create("SPY", SecurityType.EQUITY)
AAPL = Symbol.create("AAPL", SecurityType.EQUITY)
MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)
REFERENCE = datetime(2014, 12, 1, 10, 0)


def trade_bar(
    time: datetime = REFERENCE,
    period: timedelta = MINUTE,
    *,
    symbol: Symbol = SPY,
    ohlc: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0),
    volume: float = 0.0,
) -> TradeBar:
    """Return a trade bar; LEAN's default period is one minute."""
    return TradeBar(symbol, time, time + period, *ohlc, volume)


def quote_bar(
    time: datetime,
    bid: Bar | None,
    ask: Bar | None = None,
    *,
    bid_size: float = 0.0,
    ask_size: float = 0.0,
    period: timedelta = MINUTE,
    symbol: Symbol = SPY,
) -> QuoteBar:
    return QuoteBar(symbol, time, time + period, bid, ask, bid_size, ask_size)


class Recorder:
    """Collect what a consolidator emits."""

    def __init__(self) -> None:
        self.bars: list[object] = []
        self.senders: list[object] = []

    def __call__(self, sender: object, bar: object) -> None:
        self.senders.append(sender)
        self.bars.append(bar)

    @property
    def last(self) -> object | None:
        return self.bars[-1] if self.bars else None


def subscribe(consolidator: TradeBarConsolidator | QuoteBarConsolidator) -> Recorder:
    recorder = Recorder()
    consolidator.data_consolidated += recorder
    return recorder


class TestCountMode:
    @pytest.mark.parametrize("count", [0, 1])
    def test_count_of_zero_or_one_emits_every_bar(self, count: int) -> None:
        consolidator = TradeBarConsolidator(count)
        recorder = subscribe(consolidator)

        consolidator.update(trade_bar())

        assert len(recorder.bars) == 1

    def test_count_of_two_emits_every_other_bar(self) -> None:
        consolidator = TradeBarConsolidator(2)
        recorder = subscribe(consolidator)

        emitted = []
        for minute in range(4):
            consolidator.update(trade_bar(REFERENCE + minute * MINUTE))
            emitted.append(len(recorder.bars))

        assert emitted == [0, 1, 1, 2]

    def test_count_mode_consolidates_ohlcv(self) -> None:
        consolidator = TradeBarConsolidator(3)
        recorder = subscribe(consolidator)

        consolidator.update(trade_bar(ohlc=(10, 100, 1, 50), volume=75))
        consolidator.update(trade_bar(ohlc=(50, 123, 35, 75), volume=100))
        consolidator.update(trade_bar(ohlc=(75, 100, 50, 83), volume=125))

        bar = recorder.last
        assert isinstance(bar, TradeBar)
        assert (bar.symbol, bar.open, bar.high, bar.low, bar.close, bar.volume) == (SPY, 10, 123, 1, 83, 300)

    def test_count_mode_bar_spans_from_first_start_to_last_end(self) -> None:
        consolidator = TradeBarConsolidator(2)
        recorder = subscribe(consolidator)
        reference = datetime(2015, 4, 13)

        for day in range(4):
            consolidator.update(trade_bar(reference + day * DAY, DAY))

        assert [bar.period for bar in recorder.bars if isinstance(bar, TradeBar)] == [2 * DAY, 2 * DAY]
        assert isinstance(recorder.last, TradeBar)
        assert recorder.last.time == reference + 2 * DAY

    def test_different_symbols_are_refused(self) -> None:
        consolidator = TradeBarConsolidator(2)
        consolidator.update(trade_bar(symbol=AAPL))

        with pytest.raises(ValueError, match="is not the same"):
            consolidator.update(trade_bar(symbol=SPY))


class TestTimeSpanMode:
    def test_zero_period_refuses_longer_data(self) -> None:
        consolidator = TradeBarConsolidator(timedelta(0))

        with pytest.raises(ValueError, match="longer period"):
            consolidator.update(trade_bar(datetime(2014, 12, 1, 1, 1), DAY))

    def test_period_shorter_than_data_is_refused(self) -> None:
        consolidator = TradeBarConsolidator(timedelta(hours=1))

        with pytest.raises(ValueError, match="longer period"):
            consolidator.update(trade_bar(datetime(2015, 4, 13), DAY))

    def test_bar_time_is_the_period_start_covering_each_point(self) -> None:
        consolidator = TradeBarConsolidator(timedelta(minutes=2))
        recorder = subscribe(consolidator)
        expected_after = {
            0: None,
            1: None,
            2: REFERENCE,
            3: None,
            5: REFERENCE + 2 * MINUTE,
            8: REFERENCE + 4 * MINUTE,
        }

        for minute, expected in expected_after.items():
            count = len(recorder.bars)
            consolidator.update(trade_bar(REFERENCE + minute * MINUTE))
            emitted = recorder.last if len(recorder.bars) > count else None
            assert (emitted.time if isinstance(emitted, TradeBar) else None) == expected, minute

    def test_points_after_the_last_emit_within_a_period_only_aggregate(self) -> None:
        consolidator = TradeBarConsolidator(timedelta(minutes=2))
        recorder = subscribe(consolidator)
        for minute in (0, 1, 2, 3, 5, 8):
            consolidator.update(trade_bar(REFERENCE + minute * MINUTE))
        emitted = len(recorder.bars)

        consolidator.update(trade_bar(REFERENCE + 8 * MINUTE + timedelta(seconds=1), timedelta(seconds=1)))
        consolidator.update(trade_bar(REFERENCE + 9 * MINUTE))

        assert len(recorder.bars) == emitted

    def test_period_is_closed_left_open_right(self) -> None:
        consolidator = TradeBarConsolidator(timedelta(minutes=3))
        recorder = subscribe(consolidator)

        for minute in range(10):
            consolidator.update(trade_bar(REFERENCE + minute * MINUTE))
            if minute < 3:
                assert not recorder.bars
            elif minute % 3 == 0:
                assert isinstance(recorder.last, TradeBar)
                assert recorder.last.time == REFERENCE + (minute - 3) * MINUTE

    def test_thirty_minute_bars_start_on_period_boundaries(self) -> None:
        consolidator = TradeBarConsolidator(timedelta(minutes=30))
        recorder = subscribe(consolidator)
        start = datetime(2013, 10, 7, 9, 31)

        for minute in range(60):
            consolidator.update(trade_bar(start + minute * MINUTE))

        first = recorder.bars[0]
        assert isinstance(first, TradeBar)
        assert (first.time, first.end_time) == (datetime(2013, 10, 7, 9, 30), datetime(2013, 10, 7, 10, 0))

    def test_periods_longer_than_a_day_start_at_the_first_point(self) -> None:
        consolidator = TradeBarConsolidator(2 * DAY)
        recorder = subscribe(consolidator)
        reference = datetime(2015, 4, 13)

        for day in range(5):
            consolidator.update(trade_bar(reference + day * DAY, DAY))

        assert [bar.time for bar in recorder.bars if isinstance(bar, TradeBar)] == [
            reference,
            reference + 2 * DAY,
        ]
        assert all(bar.period == 2 * DAY for bar in recorder.bars if isinstance(bar, TradeBar))

    def test_consolidates_across_a_gap_between_days(self) -> None:
        consolidator = TradeBarConsolidator(timedelta(hours=1))
        recorder = subscribe(consolidator)
        day_one = [datetime(2014, 1, 1, 15, 30) + minute * MINUTE for minute in range(30)]
        day_two = [datetime(2014, 1, 2, 9, 30) + minute * MINUTE for minute in range(31)]

        for time in day_one + day_two:
            consolidator.update(trade_bar(time))

        assert [bar.time for bar in recorder.bars if isinstance(bar, TradeBar)] == [
            datetime(2014, 1, 1, 15),
            datetime(2014, 1, 2, 9),
        ]


class TestMixedMode:
    def test_count_or_period_whichever_first(self) -> None:
        consolidator = TradeBarConsolidator(3, timedelta(minutes=3))
        recorder = subscribe(consolidator)

        times = []
        for minute in (0, 1, 2, 3, 6, 8):
            consolidator.update(trade_bar(REFERENCE + minute * MINUTE))
            times.append(recorder.last.time if isinstance(recorder.last, TradeBar) else None)

        assert times == [
            None,
            None,
            REFERENCE,
            REFERENCE,
            REFERENCE + 3 * MINUTE,
            REFERENCE + 8 * MINUTE,
        ]


class TestScan:
    def test_scan_emits_when_the_period_has_passed(self) -> None:
        consolidator = TradeBarConsolidator(2 * DAY)
        recorder = subscribe(consolidator)
        reference = datetime(2015, 4, 13)
        consolidator.update(trade_bar(reference, DAY))

        consolidator.scan(reference + 2 * DAY)

        assert isinstance(recorder.last, TradeBar)
        assert recorder.last.time == reference

    def test_same_period_as_data_emits_on_scan_at_bar_end(self) -> None:
        consolidator = TradeBarConsolidator(DAY)
        recorder = subscribe(consolidator)
        bar = trade_bar(datetime(2015, 4, 13), DAY)
        consolidator.update(bar)
        assert not recorder.bars

        consolidator.scan(bar.end_time)

        assert isinstance(recorder.last, TradeBar)
        assert (recorder.last.time, recorder.last.period) == (bar.time, DAY)

    def test_scan_before_the_period_end_does_nothing(self) -> None:
        consolidator = TradeBarConsolidator(timedelta(minutes=2))
        recorder = subscribe(consolidator)
        consolidator.update(trade_bar(REFERENCE))

        consolidator.scan(REFERENCE + MINUTE)

        assert not recorder.bars

    def test_scan_with_data_of_several_resolutions(self) -> None:
        period = timedelta(minutes=2)
        consolidator = TradeBarConsolidator(period)
        recorder = subscribe(consolidator)
        reference = datetime(2015, 4, 13, 10, 20)
        second = timedelta(seconds=1)
        time = reference
        for _ in range(10):
            consolidator.update(trade_bar(time, second))
            time += second
            consolidator.scan(time)
        assert not recorder.bars

        consolidator.update(trade_bar(time, MINUTE))
        time = reference + period
        consolidator.scan(time)
        assert isinstance(recorder.last, TradeBar)
        assert (recorder.last.time, recorder.last.period) == (reference, period)

        consolidator.update(trade_bar(time, second))
        consolidator.scan(time + second)
        consolidator.update(trade_bar(time, MINUTE))
        consolidator.scan(time + MINUTE)
        assert len(recorder.bars) == 1

        consolidator.update(trade_bar(time + MINUTE, MINUTE))
        consolidator.scan(time + 2 * MINUTE)
        assert len(recorder.bars) == 2
        assert isinstance(recorder.last, TradeBar)
        assert (recorder.last.time, recorder.last.period) == (reference + period, period)


class TestCalendar:
    @pytest.mark.parametrize(
        ("function", "time", "start", "period"),
        [
            (Calendar.WEEKLY, datetime(2022, 1, 5, 13), datetime(2022, 1, 3), timedelta(days=7)),
            (Calendar.WEEKLY, datetime(2022, 1, 9, 13), datetime(2022, 1, 3), timedelta(days=7)),
            (Calendar.MONTHLY, datetime(2020, 2, 15), datetime(2020, 2, 1), timedelta(days=29)),
            (Calendar.QUARTERLY, datetime(2020, 12, 31), datetime(2020, 10, 1), timedelta(days=92)),
            (Calendar.YEARLY, datetime(2020, 7, 1), datetime(2020, 1, 1), timedelta(days=366)),
        ],
    )
    def test_calendar_gives_the_period_holding_a_time(
        self, function: object, time: datetime, start: datetime, period: timedelta
    ) -> None:
        assert callable(function)
        assert function(time) == CalendarInfo(start, period)

    def test_weekly_consolidator_emits_monday_to_monday_bars(self) -> None:
        consolidator = TradeBarConsolidator(Calendar.WEEKLY)
        recorder = subscribe(consolidator)
        days = [datetime(2022, 1, 3) + day * DAY for day in range(14) if (day % 7) < 5]

        for day in days:
            consolidator.update(trade_bar(day, DAY, ohlc=(day.day, day.day, day.day, day.day)))
        consolidator.scan(datetime(2022, 1, 17))

        bars = [bar for bar in recorder.bars if isinstance(bar, TradeBar)]
        assert [(bar.time, bar.end_time, bar.open, bar.close) for bar in bars] == [
            (datetime(2022, 1, 3), datetime(2022, 1, 10), 3, 7),
            (datetime(2022, 1, 10), datetime(2022, 1, 17), 10, 14),
        ]

    def test_calendar_returning_a_later_start_is_refused(self) -> None:
        with pytest.raises(ValueError, match="start of the bar"):
            TradeBarConsolidator(lambda time: CalendarInfo(time + DAY, DAY))


class TestQuoteBars:
    def test_count_mode_merges_sides_and_sizes(self) -> None:
        consolidator = QuoteBarConsolidator(4)
        recorder = subscribe(consolidator)
        time = datetime(2022, 6, 6)
        bars = [
            quote_bar(time, Bar(1, 2, 0.75, 1.25), bid_size=3),
            quote_bar(time + MINUTE, Bar(1.1, 2.2, 0.9, 2.1), Bar(2.2, 4.4, 3.3, 3.3), bid_size=3),
            quote_bar(time + 2 * MINUTE, Bar(1, 2, 0.5, 1.75), bid_size=3),
            quote_bar(time + 3 * MINUTE, None, Bar(1, 7, 0.5, 4.4), ask_size=4),
        ]

        for bar in bars:
            consolidator.update(bar)

        out = recorder.last
        assert isinstance(out, QuoteBar)
        assert out.bid == Bar(1, 2.2, 0.5, 1.75)
        assert out.ask == Bar(2.2, 7, 0.5, 4.4)
        assert (out.last_bid_size, out.last_ask_size) == (3, 4)
        assert (out.time, out.end_time) == (time, time + 4 * MINUTE)

    def test_time_span_mode_merges_sides(self) -> None:
        consolidator = QuoteBarConsolidator(timedelta(minutes=2))
        recorder = subscribe(consolidator)
        time = datetime(2022, 6, 6)

        consolidator.update(quote_bar(time, Bar(1, 2, 0.75, 1.25), bid_size=3))
        consolidator.update(quote_bar(time + MINUTE, Bar(1.1, 2.2, 0.9, 2.1), Bar(2.2, 4.4, 3.3, 3.3)))
        assert not recorder.bars
        consolidator.update(quote_bar(time + 2 * MINUTE, Bar(1, 2, 0.5, 1.75), bid_size=3))

        out = recorder.last
        assert isinstance(out, QuoteBar)
        assert (out.time, out.end_time) == (time, time + 2 * MINUTE)
        assert out.bid == Bar(1, 2.2, 0.75, 2.1)
        assert out.ask == Bar(2.2, 4.4, 3.3, 3.3)
        assert out.close == pytest.approx((2.1 + 3.3) / 2)

    def test_next_bar_opens_at_previous_closes(self) -> None:
        consolidator = QuoteBarConsolidator(timedelta(minutes=2))
        recorder = subscribe(consolidator)
        time = datetime(2022, 6, 6)
        consolidator.update(quote_bar(time, Bar(1, 2, 0.75, 1.25), bid_size=3))
        consolidator.update(quote_bar(time + MINUTE, None, Bar(2.2, 4.4, 3.3, 3.3), ask_size=10))
        consolidator.update(quote_bar(time + 2 * MINUTE, Bar(1, 2, 0.5, 1.75), bid_size=3))

        consolidator.scan(time + 4 * MINUTE)

        out = recorder.last
        assert isinstance(out, QuoteBar)
        assert (out.end_time, out.period) == (time + 4 * MINUTE, 2 * MINUTE)
        assert out.bid is not None and out.ask is not None
        assert (out.bid.open, out.ask.open) == (1.25, 3.3)
        assert out.bid == Bar(1.25, 2, 0.5, 1.75)
        assert (out.last_bid_size, out.last_ask_size) == (3, 10)

    def test_day_consolidator_takes_hour_bars_after_a_day_bar(self) -> None:
        consolidator = QuoteBarConsolidator(DAY)
        recorder = subscribe(consolidator)
        first = quote_bar(datetime(2022, 6, 6), Bar(1, 2, 0.75, 1.25), bid_size=3, period=DAY)
        consolidator.update(first)
        consolidator.scan(first.end_time)
        assert len(recorder.bars) == 1

        previous_end = first.end_time
        for hour in range(25):
            bar = quote_bar(previous_end, Bar(1, 2, 0.75, 1.25), bid_size=3, period=timedelta(hours=1))
            consolidator.update(bar)
            previous_end = bar.end_time
            assert len(recorder.bars) == (1 if hour < 24 else 2), hour

    def test_count_of_one_passes_a_day_bar_through(self) -> None:
        consolidator = QuoteBarConsolidator(1)
        recorder = subscribe(consolidator)
        bar = quote_bar(datetime(2022, 6, 6, 13, 30, 1), Bar(1, 2, 0.75, 1.25), bid_size=3, period=DAY)

        consolidator.update(bar)

        out = recorder.last
        assert isinstance(out, QuoteBar)
        assert (out.time, out.end_time, out.bid, out.ask, out.last_bid_size) == (
            bar.time,
            bar.end_time,
            bar.bid,
            None,
            3,
        )

    def test_trade_bars_are_refused(self) -> None:
        consolidator = QuoteBarConsolidator(2)

        with pytest.raises(TypeError, match="expects QuoteBar"):
            consolidator.update(trade_bar())  # type: ignore[arg-type]


class TestEventsAndWindow:
    def test_handlers_get_the_consolidator_and_can_be_removed(self) -> None:
        consolidator = TradeBarConsolidator(1)
        recorder = Recorder()
        consolidator.data_consolidated += recorder
        consolidator.update(trade_bar())
        consolidator.data_consolidated -= recorder

        consolidator.update(trade_bar(REFERENCE + MINUTE))

        assert recorder.senders == [consolidator]
        assert len(consolidator.data_consolidated) == 0

    def test_consolidated_and_window_hold_the_latest_outputs(self) -> None:
        consolidator = TradeBarConsolidator(1)
        seen_in_handler: list[object] = []
        consolidator.data_consolidated += lambda sender, bar: seen_in_handler.append(sender.consolidated)

        for minute in range(3):
            consolidator.update(trade_bar(REFERENCE + minute * MINUTE))

        assert isinstance(consolidator.consolidated, TradeBar)
        assert consolidator.consolidated.time == REFERENCE + 2 * MINUTE
        assert consolidator[0] is consolidator.current is consolidator.consolidated
        assert isinstance(consolidator.previous, TradeBar)
        assert consolidator.previous.time == REFERENCE + MINUTE
        assert len(consolidator.window) == 2
        assert seen_in_handler[-1] is consolidator.consolidated

    def test_working_data_is_a_copy_of_the_bar_in_progress(self) -> None:
        consolidator = TradeBarConsolidator(timedelta(minutes=5))
        consolidator.update(trade_bar(ohlc=(1, 3, 0.5, 2), volume=10))

        working = consolidator.working_data
        assert isinstance(working, TradeBar)
        working.close = 99

        assert consolidator.working_bar is not None
        assert consolidator.working_bar.close == 2
        assert (working.time, working.end_time) == (REFERENCE, REFERENCE + timedelta(minutes=5))

    def test_reset_forgets_the_symbol_and_the_bar(self) -> None:
        consolidator = TradeBarConsolidator(2)
        consolidator.update(trade_bar(symbol=AAPL))

        consolidator.reset()
        consolidator.update(trade_bar(symbol=SPY))

        assert consolidator.working_data is not None
        assert consolidator.consolidated is None


class TestIdentityAndFactory:
    def test_identity_passes_points_skipping_repeated_end_times(self) -> None:
        consolidator: IdentityDataConsolidator[TradeBar] = IdentityDataConsolidator()
        recorder = Recorder()
        consolidator.data_consolidated += recorder
        first = trade_bar()

        consolidator.update(first)
        consolidator.update(trade_bar())
        consolidator.update(trade_bar(REFERENCE + MINUTE))

        assert len(recorder.bars) == 2
        assert recorder.bars[0] is first

    def test_identity_passes_every_tick(self) -> None:
        consolidator: IdentityDataConsolidator[Tick] = IdentityDataConsolidator()
        recorder = Recorder()
        consolidator.data_consolidated += recorder

        for _ in range(3):
            consolidator.update(Tick(SPY, REFERENCE, TickType.TRADE, value=1.0))

        assert len(recorder.bars) == 3

    def test_factory_picks_the_consolidator_of_the_data_type(self) -> None:
        assert isinstance(create_consolidator(timedelta(minutes=5), TradeBar), TradeBarConsolidator)
        assert isinstance(create_consolidator(Resolution.HOUR, QuoteBar), QuoteBarConsolidator)
        assert TradeBarConsolidator.from_resolution(Resolution.HOUR).period == timedelta(hours=1)
