"""LEAN's strategy capacity estimate: its rules, and BasicTemplate's figures rebuilt from the sample data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lean_core.data.bars import TradeBarFrame
from lean_core.data.map_files import MapFileProvider
from lean_core.data.normalization import adjusted_price_decimal, scale_volume_decimal
from lean_core.data.subscription import SubscriptionDataReader
from lean_core.enums import DataNormalizationMode, OrderStatus, Resolution, SecurityType
from lean_core.statistics import dotnet
from lean_core.statistics.capacity import (
    CapacityBar,
    CapacityEstimator,
    CapacityPosition,
    PortfolioState,
    _AverageDollarVolume,
    _timeout_minutes,
    fast_trading_discount,
    resolution_from_period,
    resolution_scale_factor,
)
from lean_core.statistics.formatting import format_capacity

NEW_YORK = ZoneInfo("America/New_York")
MINUTE = timedelta(minutes=1)
KEY = "AAA 2T"
OTHER = "BBB 2T"
T0 = datetime(2020, 1, 6, 15, tzinfo=UTC)
FAR_END = date(2020, 3, 31)
_ZERO_VOLUME = Decimal(0)


def fill(
    estimator: CapacityEstimator,
    at: datetime,
    price: str = "100",
    quantity: str = "10",
    key: str = KEY,
    status: OrderStatus = OrderStatus.FILLED,
) -> None:
    estimator.on_order_event(
        symbol_key=key, status=status, utc_time=at, fill_price=Decimal(price), fill_quantity=Decimal(quantity)
    )


def minute_bar(close: str, volume: str) -> CapacityBar:
    return CapacityBar.from_trade_bar(Decimal(close), Decimal(volume), MINUTE)


def portfolio(value: str = "1000", used: str = "0", invested: bool = False) -> PortfolioState:
    return PortfolioState(Decimal(value), {KEY: CapacityPosition(invested, Decimal(used))})


NOBODY = portfolio()


class TestRules:
    @pytest.mark.parametrize(
        ("minutes", "expected"),
        [("0", "0.20"), ("39", "0.2"), ("20", "0.20"), ("97.5", "0.5"), ("195", "1"), ("1440", "1")],
    )
    def test_fast_trade_discount_is_clamped_between_a_fifth_and_one(
        self, minutes: str, expected: str
    ) -> None:
        assert fast_trading_discount(Decimal(minutes)) == Decimal(expected)

    @pytest.mark.parametrize(
        ("period", "expected"),
        [
            (timedelta(0), Resolution.TICK),
            (timedelta(seconds=1), Resolution.SECOND),
            (timedelta(minutes=1), Resolution.MINUTE),
            (timedelta(minutes=5), Resolution.MINUTE),
            (timedelta(hours=1), Resolution.HOUR),
            (timedelta(hours=6, minutes=30), Resolution.HOUR),
            (timedelta(days=1), Resolution.DAILY),
        ],
    )
    def test_bar_period_rounds_up_to_a_resolution(self, period: timedelta, expected: Resolution) -> None:
        assert resolution_from_period(period) == expected

    @pytest.mark.parametrize(
        ("resolution", "expected"),
        [
            (Resolution.DAILY, "0.02"),
            (Resolution.HOUR, "0.05"),
            (Resolution.MINUTE, "0.20"),
            (Resolution.SECOND, "0.50"),
            (Resolution.TICK, "0.50"),
        ],
    )
    def test_resolution_scale_factors(self, resolution: Resolution, expected: str) -> None:
        assert resolution_scale_factor(resolution) == Decimal(expected)

    @pytest.mark.parametrize(
        ("security_type", "expected"),
        [(SecurityType.EQUITY, "200"), (SecurityType.FOREX, "25000000"), (SecurityType.CFD, "200")],
    )
    def test_quote_bars_use_the_average_quote_size_or_a_fixed_estimate(
        self, security_type: SecurityType, expected: str
    ) -> None:
        bar = CapacityBar.from_quote_bar(Decimal("1.1"), Decimal(100), Decimal(300), MINUTE, security_type)

        assert bar.volume == Decimal(expected)

    def test_fill_forward_trade_bar_has_no_volume(self) -> None:
        bar = CapacityBar.from_trade_bar(Decimal(10), Decimal(500), MINUTE, is_fill_forward=True)

        assert bar.volume == 0


class TestMarketVolumeWindow:
    def test_minute_window_lasts_six_million_over_the_average_dollar_volume_minutes(self) -> None:
        estimator = CapacityEstimator(date(2020, 1, 6), FAR_END)
        fill(estimator, T0)

        # First bar: average $100,000 a minute; later ones count both bars: $200,000 -> k = 30.
        steps = [T0 + MINUTE * n for n in range(40)]
        finished_at = None
        for step in steps:
            estimator.update_market_capacity(step, {KEY: minute_bar("1", "100000")}, NOBODY)
            if finished_at is None and KEY not in estimator.monitored_symbols:
                finished_at = step
        symbol = estimator.symbol_capacity(KEY)

        assert finished_at == T0 + MINUTE * 31
        assert symbol is not None
        assert symbol.market_capacity_dollar_volume == Decimal(31 * 100000) * Decimal("0.2")

    @given(
        closes=st.lists(st.decimals(Decimal("0.0001"), Decimal("100000"), places=4), min_size=1, max_size=12),
        volume=st.decimals(Decimal(1), Decimal(10**9), places=0),
        gap_minutes=st.integers(1, 3000),
        one=st.sampled_from([Decimal(1), Decimal("1.0"), Decimal("1.0000")]),
    )
    def test_a_factor_of_one_adds_what_the_full_product_adds(
        self, closes: list[Decimal], volume: Decimal, gap_minutes: int, one: Decimal
    ) -> None:
        """The rate and multiplier are skipped at one: the sum must equal the four C# products in value."""
        estimator = CapacityEstimator(date(2020, 1, 6), FAR_END)
        fill(estimator, T0 - MINUTE * gap_minutes)
        fill(estimator, T0)
        discount = fast_trading_discount(Decimal(gap_minutes))
        expected = Decimal(0)
        for minute, close in enumerate(closes):
            bar = CapacityBar.from_trade_bar(
                close, volume, MINUTE, conversion_rate=one, contract_multiplier=one
            )
            estimator.update_market_capacity(T0 + MINUTE * minute, {KEY: bar}, NOBODY)
            if KEY not in estimator.monitored_symbols:
                break
            product = dotnet.multiply(dotnet.multiply(close, discount), volume)
            product = dotnet.multiply(dotnet.multiply(product, one), one)
            expected = dotnet.add(expected, product)
        symbol = estimator.symbol_capacity(KEY)

        assert symbol is not None
        assert symbol.market_capacity_dollar_volume == dotnet.multiply(expected, Decimal("0.20"))

    def test_bars_without_volume_neither_count_nor_end_the_window(self) -> None:
        estimator = CapacityEstimator(date(2020, 1, 6), FAR_END)
        fill(estimator, T0)

        estimator.update_market_capacity(T0, {KEY: minute_bar("50", "0")}, NOBODY)
        estimator.update_market_capacity(T0 + MINUTE * 500, {}, NOBODY)
        symbol = estimator.symbol_capacity(KEY)

        assert KEY in estimator.monitored_symbols
        assert symbol is not None
        assert symbol.market_capacity_dollar_volume == 0

    def test_hour_bar_counts_only_at_the_fill_time_rounded_up_to_the_hour(self) -> None:
        estimator = CapacityEstimator(date(2020, 1, 6), FAR_END)
        fill(estimator, T0 + timedelta(minutes=10))
        hour_bar = CapacityBar.from_trade_bar(Decimal(10), Decimal(1000), timedelta(hours=1))

        estimator.update_market_capacity(T0 + timedelta(hours=1), {KEY: hour_bar}, NOBODY)
        symbol = estimator.symbol_capacity(KEY)
        assert symbol is not None
        assert symbol.market_capacity_dollar_volume == Decimal(10000) * Decimal("0.05")

        estimator.update_market_capacity(T0 + timedelta(hours=2), {KEY: hour_bar}, NOBODY)
        assert KEY not in estimator.monitored_symbols

    def test_daily_bar_counts_on_the_day_after_an_intraday_fill(self) -> None:
        estimator = CapacityEstimator(date(2020, 1, 6), FAR_END)
        fill(estimator, T0)
        daily_bar = CapacityBar.from_trade_bar(Decimal(10), Decimal(1000), timedelta(days=1))

        estimator.update_market_capacity(datetime(2020, 1, 7, 5, tzinfo=UTC), {KEY: daily_bar}, NOBODY)
        symbol = estimator.symbol_capacity(KEY)
        assert symbol is not None
        assert symbol.market_capacity_dollar_volume == Decimal(10000) * Decimal("0.02")

        estimator.update_market_capacity(datetime(2020, 1, 8, 5, tzinfo=UTC), {KEY: daily_bar}, NOBODY)
        assert KEY not in estimator.monitored_symbols

    def test_quick_second_fill_discounts_the_volume_it_captures(self) -> None:
        estimator = CapacityEstimator(date(2020, 1, 6), FAR_END)
        fill(estimator, T0)
        estimator.update_market_capacity(T0, {KEY: minute_bar("10", "1000000")}, NOBODY)
        estimator.update_market_capacity(T0 + MINUTE * 5, {KEY: minute_bar("10", "1000000")}, NOBODY)
        before = estimator.symbol_capacity(KEY)
        assert before is not None
        first = before.market_capacity_dollar_volume

        fill(estimator, T0 + MINUTE * 39)
        estimator.update_market_capacity(T0 + MINUTE * 39, {KEY: minute_bar("10", "1000000")}, NOBODY)
        after = estimator.symbol_capacity(KEY)

        assert first == Decimal(10_000_000) * Decimal("0.2")
        assert after is not None
        assert after.trades == 2
        assert after.market_capacity_dollar_volume == first + Decimal(10_000_000) * Decimal("0.2") * Decimal(
            "0.2"
        )

    def test_only_fills_and_partial_fills_are_tracked(self) -> None:
        estimator = CapacityEstimator(date(2020, 1, 6), FAR_END)
        fill(estimator, T0, status=OrderStatus.SUBMITTED)
        fill(estimator, T0, key=OTHER, status=OrderStatus.PARTIALLY_FILLED)

        assert estimator.monitored_symbols == frozenset({OTHER})


def snapshot_scenario() -> CapacityEstimator:
    """Fill once and capture one minute bar of $10M: $2M of capacity at the minute factor."""
    estimator = CapacityEstimator(date(2020, 1, 6), FAR_END)
    fill(estimator, T0)
    estimator.update_market_capacity(T0, {KEY: minute_bar("100", "100000")}, NOBODY)
    return estimator


class TestWindowLengthDecision:
    """The window's minutes come from a double estimate of k unless k is too close to call."""

    @staticmethod
    def exact_minutes(average: _AverageDollarVolume, scale: Decimal, minimum: int) -> int:
        return _timeout_minutes(average.k(scale), minimum)

    @given(
        close=st.decimals(Decimal("0.0001"), Decimal("100000"), places=4),
        volume=st.decimals(Decimal(1), Decimal(10**9), places=0),
        previous=st.decimals(Decimal(0), Decimal(10**9), places=0),
        minutes=st.integers(0, 3000),
        rate=st.sampled_from([Decimal(1), Decimal("1.2345"), Decimal("0.0067")]),
        second=st.booleans(),
    )
    def test_estimate_gives_the_exact_decimal_minutes(
        self, close: Decimal, volume: Decimal, previous: Decimal, minutes: int, rate: Decimal, second: bool
    ) -> None:
        bar = CapacityBar(close, volume, MINUTE, conversion_rate=rate)
        average = _AverageDollarVolume(bar, previous, MINUTE * minutes)
        scale, minimum = (Decimal(100_000), 5) if second else (Decimal(6_000_000), 1)

        assert average.timeout_minutes(scale, minimum) == self.exact_minutes(average, scale, minimum)

    @pytest.mark.parametrize("k", [1, 2, 3, 7, 30, 119, 120, 121])
    @pytest.mark.parametrize("close", ["1", "0.54", "0.56", "0.14", "37.1"])
    @pytest.mark.parametrize("places", [None, 12, 0])
    def test_k_at_or_a_hair_from_a_whole_number_is_decided_exactly(
        self, k: int, close: str, places: int | None
    ) -> None:
        # One bar, no previous volume: average = close x volume, so this volume makes k whole, or
        # a rounding away from it; in doubles, k then often lands on the other side of the integer.
        volume = dotnet.divide(Decimal(6_000_000), dotnet.multiply(Decimal(close), Decimal(k)))
        if places is not None:
            volume = volume.quantize(Decimal(1).scaleb(-places))
        average = _AverageDollarVolume(CapacityBar(Decimal(close), volume, MINUTE), _ZERO_VOLUME, None)

        assert average.timeout_minutes(Decimal(6_000_000), 1) == self.exact_minutes(
            average, Decimal(6_000_000), 1
        )


class TestSnapshots:
    def test_first_snapshot_divides_by_the_sale_volume_share(self) -> None:
        estimator = snapshot_scenario()

        estimator.update_market_capacity(T0 + MINUTE, {}, portfolio("1000", "400", True), force=True)

        assert estimator.capacity == Decimal(2_000_000)
        assert estimator.lowest_capacity_asset == KEY

    def test_later_snapshots_blend_a_third_of_the_new_value_with_two_thirds_of_the_old(self) -> None:
        estimator = snapshot_scenario()
        held = portfolio("1000", "500", True)
        estimator.update_market_capacity(T0 + MINUTE, {}, held, force=True)

        # No fill since: sale volume is zero, so the holdings (50% of the portfolio) scale it.
        estimator.update_market_capacity(T0 + MINUTE * 2, {}, held, force=True)

        assert estimator.unrounded_capacity == Decimal("0.33") * 4_000_000 + Decimal("0.66") * 2_000_000
        assert estimator.capacity == Decimal(2_640_000)

    def test_capacity_rounds_to_the_nearest_thousand_half_away_from_zero(self) -> None:
        estimator = CapacityEstimator(date(2020, 1, 6), FAR_END)
        fill(estimator, T0)
        estimator.update_market_capacity(T0, {KEY: minute_bar("2.5", "1000")}, NOBODY)

        estimator.update_market_capacity(T0 + MINUTE, {}, NOBODY, force=True)

        assert estimator.unrounded_capacity == 500
        assert estimator.capacity == 1000

    def test_lowest_capacity_asset_is_the_smallest_market_volume(self) -> None:
        estimator = CapacityEstimator(date(2020, 1, 6), FAR_END)
        fill(estimator, T0)
        fill(estimator, T0, key=OTHER)
        bars = {KEY: minute_bar("100", "100000"), OTHER: minute_bar("100", "1000")}
        estimator.update_market_capacity(T0, bars, NOBODY)

        estimator.update_market_capacity(T0 + MINUTE, {}, NOBODY, force=True)

        # Half of all sale volume was OTHER's: $20,000 of captured volume / 0.5.
        assert estimator.lowest_capacity_asset == OTHER
        assert estimator.capacity == Decimal(40_000)

    def test_snapshots_wait_for_the_period_then_repeat_after_it(self) -> None:
        estimator = CapacityEstimator(date(2020, 1, 6), date(2020, 1, 10))
        fill(estimator, T0)
        estimator.update_market_capacity(T0, {KEY: minute_bar("100", "100000")}, NOBODY)

        # Period: max(1, min(7, 4.99999 - 1)) days, compared with each step's UTC date.
        estimator.update_market_capacity(datetime(2020, 1, 9, 23, 59, tzinfo=UTC), {}, NOBODY)
        assert estimator.capacity == 0
        estimator.update_market_capacity(datetime(2020, 1, 10, 0, 1, tzinfo=UTC), {}, NOBODY)
        assert estimator.capacity == Decimal(2_000_000)

        fill(estimator, T0 + timedelta(days=4))
        estimator.update_market_capacity(T0 + timedelta(days=4), {KEY: minute_bar("100", "50000")}, NOBODY)
        estimator.update_market_capacity(datetime(2020, 1, 13, 23, 59, tzinfo=UTC), {}, NOBODY)
        assert estimator.capacity == Decimal(2_000_000)
        estimator.update_market_capacity(datetime(2020, 1, 14, 0, 1, tzinfo=UTC), {}, NOBODY)
        assert estimator.capacity == Decimal("0.33") * 1_000_000 + Decimal("0.66") * 2_000_000

    def test_a_completed_run_ends_with_two_forced_snapshots(self) -> None:
        estimator = snapshot_scenario()
        held = portfolio("1000", "500", True)
        estimator.update_market_capacity(T0 + MINUTE, {}, held, force=True)

        # After on_end_of_algorithm and again as the results exit: $4M blended in twice.
        estimator.finish(T0 + MINUTE * 2, {}, held)

        once = Decimal("0.33") * 4_000_000 + Decimal("0.66") * 2_000_000
        assert estimator.unrounded_capacity == Decimal("0.33") * 4_000_000 + Decimal("0.66") * once
        assert estimator.capacity == Decimal(3_062_000)

    def test_a_run_stopped_by_an_error_ends_with_one_forced_snapshot(self) -> None:
        estimator = snapshot_scenario()
        held = portfolio("1000", "500", True)
        estimator.update_market_capacity(T0 + MINUTE, {}, held, force=True)

        estimator.finish(T0 + MINUTE * 2, {}, held, ran_to_end=False)

        assert estimator.unrounded_capacity == Decimal("0.33") * 4_000_000 + Decimal("0.66") * 2_000_000

    def test_no_snapshot_without_portfolio_value(self) -> None:
        estimator = snapshot_scenario()

        estimator.update_market_capacity(T0 + MINUTE, {}, portfolio("0"), force=True)

        assert estimator.capacity == 0
        assert estimator.lowest_capacity_asset == ""

    def test_symbols_not_held_are_dropped_thirty_days_after_their_last_fill(self) -> None:
        estimator = snapshot_scenario()

        estimator.update_market_capacity(T0 + timedelta(days=29), {}, NOBODY, force=True)
        kept = estimator.symbol_capacity(KEY)
        estimator.update_market_capacity(T0 + timedelta(days=30), {}, NOBODY, force=True)

        assert kept is not None
        assert estimator.symbol_capacity(KEY) is None


# -- LEAN's regression algorithms -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SpyBar:
    end_utc: datetime
    period: timedelta
    open: Decimal
    close: Decimal
    volume: Decimal


@dataclass
class Account:
    """The single SPY position the BasicTemplate algorithms buy and hold (margin account, leverage 2)."""

    cash: Decimal = Decimal(100000)
    quantity: Decimal = Decimal(0)
    price: Decimal = Decimal(0)

    def buy(self, quantity: Decimal, fill_price: Decimal, fee: Decimal) -> None:
        self.cash -= quantity * fill_price + fee
        self.quantity += quantity

    def state(self, key: str) -> PortfolioState:
        holdings_value = self.quantity * self.price
        # Reserved buying power = |holdings value| x maintenance requirement (1 / leverage), x leverage.
        used = abs(holdings_value) * Decimal("0.5") * 2
        return PortfolioState(self.cash + holdings_value, {key: CapacityPosition(self.quantity != 0, used)})


def read_spy(folder: Path, resolution: Resolution, first: date, last: date) -> tuple[str, list[SpyBar]]:
    """Read SPY bars, adjusted with LEAN's exact decimals (raw deci-cents x the day's factor)."""
    reader = SubscriptionDataReader(folder)
    symbol = MapFileProvider(folder).create_equity_symbol("SPY", "usa", date.today())
    config = reader.create_config(symbol, resolution, data_normalization_mode=DataNormalizationMode.RAW)
    frame = reader.read(config, datetime.combine(first, time()), datetime.combine(last, time(23, 59)))
    factor_file = reader.factor_files.get("SPY")
    assert factor_file is not None
    assert isinstance(frame.frame, TradeBarFrame)
    bars = []
    for index in range(len(frame.frame)):
        bar = frame.frame.bar(index, NEW_YORK)
        factor = factor_file.scaling_factors(bar.time.date()).price_scale_factor
        volume = Decimal(0) if bar.is_fill_forward else scale_volume_decimal(Decimal(int(bar.volume)), factor)
        bars.append(
            SpyBar(
                bar.end_time.replace(tzinfo=NEW_YORK).astimezone(UTC),
                bar.end_time - bar.time,
                adjusted_price_decimal(round(bar.open * 10000), factor),
                adjusted_price_decimal(round(bar.close * 10000), factor),
                volume,
            )
        )
    return str(symbol.id), bars


def replay(
    estimator: CapacityEstimator,
    key: str,
    bars: list[SpyBar],
    fills: dict[datetime, tuple[Decimal, Decimal, Decimal]],
    *,
    finish: bool = True,
) -> None:
    """Drive the estimator as LEAN's engine does: fills in the step, the end-of-step update, the end."""
    account = Account()
    step_bars: dict[str, CapacityBar] = {}
    for bar in bars:
        account.price = bar.close
        if bar.end_utc in fills:
            quantity, price, fee = fills[bar.end_utc]
            account.buy(quantity, price, fee)
            estimator.on_order_event(
                symbol_key=key,
                status=OrderStatus.FILLED,
                utc_time=bar.end_utc,
                fill_price=price,
                fill_quantity=quantity,
            )
        step_bars = {key: CapacityBar.from_trade_bar(bar.close, bar.volume, bar.period)}
        estimator.update_market_capacity(bar.end_utc, step_bars, account.state(key))
    if finish:
        estimator.finish(bars[-1].end_utc, step_bars, account.state(key))


@pytest.mark.lean_data
class TestBasicTemplateAlgorithm:
    """SPY minute bars 2013-10-07..11; 688 shares bought at the 09:31 ask and held."""

    def test_estimated_capacity_matches_lean(self, lean_data_folder: Path) -> None:
        key, bars = read_spy(lean_data_folder, Resolution.MINUTE, date(2013, 10, 7), date(2013, 10, 11))
        estimator = CapacityEstimator(date(2013, 10, 7), date(2013, 10, 11))
        fills = {bars[0].end_utc: (Decimal(688), Decimal("144.78172417"), Decimal("3.44"))}

        replay(estimator, key, bars, fills)

        assert format_capacity(estimator.capacity) == "$56000000.00"
        assert estimator.lowest_capacity_asset == "SPY R735QTJ8XC9X"

    def test_friday_snapshot_holds_the_two_minutes_after_the_fill(self, lean_data_folder: Path) -> None:
        key, bars = read_spy(lean_data_folder, Resolution.MINUTE, date(2013, 10, 7), date(2013, 10, 11))
        estimator = CapacityEstimator(date(2013, 10, 7), date(2013, 10, 11))
        fills = {bars[0].end_utc: (Decimal(688), Decimal("144.78172417"), Decimal("3.44"))}
        before_friday = [bar for bar in bars if bar.end_utc.date() < date(2013, 10, 11)]
        friday_open = bars[len(before_friday)]

        replay(estimator, key, [*before_friday, friday_open], fills, finish=False)

        # k = 6e6 / (~$140M a minute) < 1, so the window is one minute: the 09:31 and 09:32 bars.
        captured = sum(bar.close * bar.volume for bar in bars[:2]) * Decimal("0.2")
        assert bars[0].volume == 944284
        assert estimator.capacity == round(captured / 1000) * 1000


@pytest.mark.lean_data
class TestBasicTemplateDailyAlgorithm:
    """SPY daily bars 2013-10-08..17; 697 shares bought market-on-open on 10-09, filled at that bar's end."""

    def test_estimated_capacity_matches_lean(self, lean_data_folder: Path) -> None:
        key, bars = read_spy(lean_data_folder, Resolution.DAILY, date(2013, 10, 8), date(2013, 10, 17))
        estimator = CapacityEstimator(date(2013, 10, 8), date(2013, 10, 17))
        filled = bars[1]
        fills = {filled.end_utc: (Decimal(697), filled.open, Decimal("3.485"))}

        replay(estimator, key, bars, fills)

        # Strict end times make the bar 09:30-16:00, so it counts as an hour bar (factor 0.05).
        assert bars[1].period == timedelta(hours=6, minutes=30)
        assert format_capacity(estimator.capacity) == "$1200000000.00"
        assert estimator.lowest_capacity_asset == "SPY R735QTJ8XC9X"
