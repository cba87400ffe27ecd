from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lean_core.data.bars import Bar, QuoteBar
from lean_core.enums import Resolution, TickType
from lean_core.securities.security import Security
from tests.unit.securities.builders import (
    BTCUSD,
    ONE_MINUTE,
    SPY,
    SPY_FACTOR,
    cash_book,
    crypto,
    deci_cents,
    equity,
    forex,
    new_york,
    quote_bar,
    quote_tick,
    trade_bar,
    trade_tick,
)

OPEN_END = new_york(2013, 10, 7, 9, 31)


def spy_with_factor() -> Security:
    security = equity(cash_book())
    security.price_factor = SPY_FACTOR
    return security


class TestEquityExactPrices:
    def test_rebuilds_leans_decimal_from_the_adjusted_float(self) -> None:
        security = spy_with_factor()
        price = deci_cents(1674400, SPY_FACTOR)
        security.update_trade_bar(trade_bar(SPY, OPEN_END, price, price, price, price))

        assert security.exact_price == Decimal("144.77307790400")
        assert str(security.exact_price) == "144.77307790400"
        assert security.price == 144.773077904

    def test_quote_sides_get_the_same_reconstruction(self) -> None:
        security = spy_with_factor()
        bid, ask = deci_cents(1674400, SPY_FACTOR), deci_cents(1674500, SPY_FACTOR)
        security.update_quote_bar(quote_bar(SPY, OPEN_END, bid, ask))

        assert str(security.exact_ask_price) == "144.78172417000"
        assert str(security.exact_bid_price) == "144.77307790400"

    def test_raw_prices_keep_four_decimals(self) -> None:
        security = equity(cash_book())
        security.update_trade_bar(trade_bar(SPY, OPEN_END, 167.44, 167.44, 167.44, 167.44))

        assert str(security.exact_price) == "167.4400"


class TestTradeAndQuoteBars:
    def test_trade_bar_sets_ohlc_price_and_volume(self) -> None:
        security = equity(cash_book())
        security.update_trade_bar(trade_bar(SPY, OPEN_END, 10.0, 12.0, 9.0, 11.0, volume=500))

        assert (security.open, security.high, security.low, security.close) == (10.0, 12.0, 9.0, 11.0)
        assert security.price == 11.0
        assert security.volume == 500.0
        assert security.has_data

    def test_equity_quote_bar_sets_bid_and_ask_but_not_the_price(self) -> None:
        security = equity(cash_book())
        security.update_trade_bar(trade_bar(SPY, OPEN_END, 10.0, 10.0, 10.0, 10.0))
        security.update_quote_bar(quote_bar(SPY, OPEN_END, 9.99, 10.01))

        assert security.price == 10.0
        assert (security.bid_price, security.ask_price) == (9.99, 10.01)
        assert security.cache.last_data is security.cache.last_trade_bar

    def test_bid_and_ask_fall_back_on_the_price_without_quotes(self) -> None:
        security = equity(cash_book())
        security.update_trade_bar(trade_bar(SPY, OPEN_END, 10.0, 10.0, 10.0, 10.0))

        assert (security.bid_price, security.ask_price) == (10.0, 10.0)

    @pytest.mark.parametrize("quote_first", [True, False])
    def test_crypto_quote_bar_wins_over_a_trade_bar_ending_together(self, quote_first: bool) -> None:
        security = crypto(cash_book())
        end = datetime(2020, 1, 1, 0, 1)
        trade = trade_bar(BTCUSD, end, 100.0, 100.0, 100.0, 100.0)
        quote = quote_bar(BTCUSD, end, 101.0, 103.0)
        for bar in (quote, trade) if quote_first else (trade, quote):
            security.set_market_price(bar)

        assert security.exact_close == Decimal(102)
        assert security.cache.exact_last_data is not None
        assert security.cache.exact_last_data.value == Decimal(102)
        # LEAN's Crypto.Price is the last trade bar's close all the same.
        assert security.exact_price == Decimal("100.0")

    def test_crypto_price_without_trade_bars_is_the_quote_mid(self) -> None:
        security = crypto(cash_book())
        security.set_market_price(quote_bar(BTCUSD, datetime(2020, 1, 1, 0, 1), 101.0, 103.0))

        assert security.exact_price == Decimal(102)

    def test_forex_price_is_the_exact_mid(self) -> None:
        security = forex(cash_book())
        security.update_quote_bar(quote_bar(security.symbol, datetime(2020, 1, 1, 0, 1), 1.10005, 1.1001))

        assert security.exact_price == Decimal("1.100075")

    def test_fill_forward_bars_change_nothing(self) -> None:
        security = equity(cash_book())
        security.update_trade_bar(trade_bar(SPY, OPEN_END, 10.0, 10.0, 10.0, 10.0))
        later = OPEN_END + ONE_MINUTE
        security.update_trade_bar(trade_bar(SPY, later, 11.0, 11.0, 11.0, 11.0, fill_forward=True))
        security.update_quote_bar(quote_bar(SPY, later, 10.5, 10.6, fill_forward=True))

        assert security.price == 10.0
        assert security.cache.exact_trade_bar is not None
        assert security.cache.exact_trade_bar.end_time == OPEN_END
        assert security.cache.exact_quote_bar is None

    def test_zero_values_do_not_overwrite_known_ones(self) -> None:
        security = equity(cash_book())
        security.update_trade_bar(trade_bar(SPY, OPEN_END, 10.0, 10.0, 10.0, 10.0, volume=5))
        security.update_trade_bar(trade_bar(SPY, OPEN_END + ONE_MINUTE, 0.0, 0.0, 0.0, 0.0, volume=0))

        assert security.price == 10.0
        assert security.volume == 5.0


class TestLazyExactViews:
    def test_quote_bar_read_after_a_factor_change_keeps_its_own_factor(self) -> None:
        security = spy_with_factor()
        low, high = deci_cents(1674400, SPY_FACTOR), deci_cents(1674500, SPY_FACTOR)
        security.update_quote_bar(quote_bar(SPY, OPEN_END, (low, high, low, low), high))
        security.price_factor = Decimal("0.5")  # the next day's factor, before the view is read

        exact = security.cache.exact_quote_bar
        assert exact is not None and exact.bid is not None and exact.ask is not None
        assert str(exact.bid.high) == str(exact.ask.close) == "144.78172417000"
        assert str(exact.bid.open) == str(exact.bid.close) == "144.77307790400"

    def test_views_and_bars_are_built_once(self) -> None:
        security = equity(cash_book())
        bar = trade_bar(SPY, OPEN_END, 10.0, 12.0, 9.0, 11.0)
        security.update_trade_bar(bar)
        security.update_quote_bar(quote_bar(SPY, OPEN_END, 9.99, 10.01))

        assert security.cache.last_trade_bar is bar
        assert security.cache.exact_trade_bar is security.cache.exact_trade_bar
        assert security.cache.exact_quote_bar is security.cache.exact_quote_bar
        assert security.cache.exact_last_data is security.cache.exact_trade_bar

    def test_a_zero_bar_is_the_last_bar_but_leaves_the_prices(self) -> None:
        security = equity(cash_book())
        security.update_trade_bar(trade_bar(SPY, OPEN_END, 10.0, 12.0, 9.0, 11.0, volume=5))
        security.update_trade_bar(trade_bar(SPY, OPEN_END + ONE_MINUTE, 0.0, 13.0, 0.0, 0.0, volume=0))
        security.update_quote_bar(quote_bar(SPY, OPEN_END + ONE_MINUTE, 0.0, None))

        exact = security.cache.exact_trade_bar
        assert exact is not None and (exact.open, exact.high, exact.close) == (0, Decimal("13.0000"), 0)
        assert (security.open, security.high, security.low, security.price) == (10.0, 13.0, 9.0, 11.0)
        assert (security.volume, security.cache.bid_price, security.cache.ask_price) == (5.0, 0.0, 0.0)
        quote = security.cache.exact_quote_bar
        assert quote is not None and quote.ask is None and quote.bid is not None and quote.bid.close == 0

    def test_crypto_price_reads_the_trade_close_without_building_the_view(self) -> None:
        security = crypto(cash_book())
        security.set_market_price(trade_bar(BTCUSD, datetime(2020, 1, 1, 0, 1), 99.0, 101.0, 98.0, 100.0))

        assert security.exact_price == Decimal("100.0")
        assert security.cache._trade is not None and security.cache._trade._exact is None

    @pytest.mark.parametrize(
        ("bid", "ask"), [(1.10005, 1.1001), (0.0, 1.1001), (1.10005, 0.0), (None, 1.1001), (1.10005, None)]
    )
    def test_last_value_is_the_last_exact_view_s_value(self, bid: float | None, ask: float | None) -> None:
        security = forex(cash_book())
        security.update_quote_bar(quote_bar(security.symbol, datetime(2020, 1, 1, 0, 1), bid, ask))

        exact = security.cache.exact_last_data
        assert exact is not None and security.exact_last_data_price == exact.value
        assert str(security.exact_last_data_price) == str(exact.value)

    def test_zero_sizes_leave_the_last_known_ones(self) -> None:
        security = equity(cash_book())
        bid, ask, later = Bar(1, 1, 1, 1), Bar(2, 2, 2, 2), OPEN_END + ONE_MINUTE
        security.update_quote_bar(QuoteBar(SPY, OPEN_END, OPEN_END, bid, ask, 300, 200))
        security.update_quote_bar(QuoteBar(SPY, later, later, bid, ask, 0.0, 100))

        assert (security.bid_size, security.ask_size) == (300.0, 100.0)
        assert str(security.cache.exact_value("bid_size")) == "300"
        exact = security.cache.exact_quote_bar
        assert exact is not None and (exact.last_bid_size, exact.last_ask_size) == (0, 100)

    def test_settle_builds_what_waits_for_a_read(self) -> None:
        security = equity(cash_book())
        security.update_trade_bar(trade_bar(SPY, OPEN_END, 10.0, 12.0, 9.0, 11.0, volume=500))

        security.cache.settle()

        assert security.cache._exact["volume"] == Decimal(500)  # a decimal now, not its converter
        assert security.cache.exact["volume"] == Decimal(500)


class TestTicks:
    def test_trade_tick_sets_price_and_volume(self) -> None:
        security = crypto(cash_book())
        security.update_tick(trade_tick(BTCUSD, datetime(2020, 1, 1), 100.5, quantity=2))

        assert security.price == 100.5
        assert security.volume == 2.0

    def test_quote_tick_sets_bid_ask_and_the_mid_price(self) -> None:
        security = crypto(cash_book())
        security.update_tick(quote_tick(BTCUSD, datetime(2020, 1, 1), 100.0, 101.0))

        assert (security.bid_price, security.ask_price, security.price) == (100.0, 101.0, 100.5)

    def test_a_steps_ticks_are_kept_by_type(self) -> None:
        security = crypto(cash_book())
        security.update_ticks([trade_tick(BTCUSD, datetime(2020, 1, 1), p) for p in (1.0, 2.0)])
        security.update_ticks([quote_tick(BTCUSD, datetime(2020, 1, 1), 1.0, 2.0)])

        assert [t.tick_type for t in security.cache.ticks] == [TickType.TRADE, TickType.TRADE, TickType.QUOTE]


class TestSubscriptionsAndHours:
    @pytest.mark.parametrize(
        ("resolution", "expected"),
        [
            (Resolution.MINUTE, [TickType.TRADE, TickType.QUOTE]),
            (Resolution.DAILY, [TickType.TRADE]),
            (Resolution.HOUR, [TickType.TRADE]),
        ],
    )
    def test_equity_default_subscriptions_follow_lean(
        self, resolution: Resolution, expected: list[TickType]
    ) -> None:
        security = equity(cash_book(), resolution=resolution)

        assert [c.tick_type for c in security.subscriptions] == expected

    def test_forex_subscribes_quotes_only(self) -> None:
        assert [c.tick_type for c in forex(cash_book()).subscriptions] == [TickType.QUOTE]

    def test_default_subscriptions_follow_later_changes_to_the_security(self) -> None:
        security = equity(cash_book(), resolution=Resolution.MINUTE)
        assert [c.tick_type for c in security.subscriptions] == [TickType.TRADE, TickType.QUOTE]

        security.resolution = Resolution.DAILY
        security.fill_forward = False
        security.is_internal = True

        configs = security.subscriptions
        assert [(c.resolution, c.tick_type) for c in configs] == [(Resolution.DAILY, TickType.TRADE)]
        assert not configs[0].fill_forward
        assert configs[0].is_internal

    def test_default_subscriptions_are_a_new_list_each_time(self) -> None:
        security = equity(cash_book())
        security.subscriptions.clear()

        assert len(security.subscriptions) == 2

    @pytest.mark.parametrize(
        ("utc", "extended", "expected"),
        [
            (datetime(2013, 10, 7, 13, 30, tzinfo=UTC), False, True),
            (datetime(2013, 10, 7, 13, 29, tzinfo=UTC), False, False),
            (datetime(2013, 10, 7, 13, 29, tzinfo=UTC), True, True),
            (datetime(2013, 10, 5, 15, 0, tzinfo=UTC), True, False),
        ],
    )
    def test_is_market_open_reads_utc_in_exchange_time(
        self, utc: datetime, extended: bool, expected: bool
    ) -> None:
        assert equity(cash_book()).is_market_open(utc, extended) is expected

    def test_set_leverage_changes_the_buying_power_model(self) -> None:
        security = equity(cash_book())
        security.set_leverage(4)

        assert security.leverage == 4.0
        assert security.buying_power_model.initial_margin_requirement == Decimal("0.25")


@settings(max_examples=200, deadline=None)
@given(
    raw=st.lists(st.integers(min_value=-3, max_value=30), min_size=1, max_size=40),
    factors=st.lists(st.sampled_from(["1", "0.8646266", "0.8646266", "0.1428572"]), min_size=1, max_size=40),
    is_tick=st.booleans(),
)
def test_exact_prices_remembered_across_factor_changes_equal_fresh_conversions(
    raw: list[int], factors: list[str], is_tick: bool
) -> None:
    remembered, fresh = equity(cash_book()), equity(cash_book())
    parsed = {text: Decimal(text) for text in factors}  # one object per factor, as a batch parses them
    for index, price in enumerate(raw):
        factor = parsed[factors[index % len(factors)]]
        value = price / 10000  # the same floats recur under other factors
        remembered.price_factor = fresh.price_factor = factor
        fresh._exact_memo.clear()
        converted = remembered.to_exact(value, is_tick)
        expected = fresh.to_exact(value, is_tick)
        assert converted == expected and str(converted) == str(expected), (price, factor)
