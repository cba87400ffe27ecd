from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from lean_core.data.bars import Tick
from lean_core.enums import OrderStatus, OrderType, Resolution, TickType
from lean_core.orders.fill_models import EquityFillModel, Fill, FillModel, trailing_stop_price
from lean_core.orders.orders import Order
from lean_core.orders.slippage_models import ConstantSlippageModel
from lean_core.securities.security import Security
from tests.unit.securities.builders import (
    EURUSD,
    SPY,
    cash_book,
    equity,
    forex,
    new_york,
    order,
    quote_bar,
    quote_tick,
    trade_bar,
    utc_of_new_york,
)

D = Decimal
MONDAY = (2013, 10, 7)
Bars = tuple[float, float, float, float]


def ny(hour: int, minute: int = 0, day: int = 7) -> datetime:
    return new_york(2013, 10, day, hour, minute)


def utc(hour: int, minute: int = 0, day: int = 7) -> datetime:
    return utc_of_new_york(ny(hour, minute, day))


def spy(resolution: Resolution = Resolution.MINUTE) -> Security:
    return equity(cash_book(), resolution=resolution)


def feed(
    security: Security,
    end: datetime,
    trade: Bars | None = None,
    bid: float | None = None,
    ask: float | None = None,
    period: timedelta = timedelta(minutes=1),
) -> None:
    if trade is not None:
        security.update_trade_bar(trade_bar(security.symbol, end, *trade, period=period))
    if bid is not None or ask is not None:
        security.update_quote_bar(quote_bar(security.symbol, end, bid, ask, period=period))


def fill_at(
    security: Security, placed: Order, moment: datetime, updates: list[Order] | None = None
) -> Fill | None:
    on_update = updates.append if updates is not None else None
    return security.fill_model.fill(security, placed, moment, on_order_updated=on_update)


class TestEquityMarketOrders:
    @pytest.mark.parametrize(("quantity", "expected"), [(10, D("100.02")), (-10, D("99.98"))])
    def test_buys_at_the_ask_and_sells_at_the_bid(self, quantity: int, expected: Decimal) -> None:
        security = spy()
        feed(security, ny(9, 31), trade=(100, 100.1, 99.9, 100), bid=99.98, ask=100.02)

        fill = fill_at(security, order(SPY, quantity, OrderType.MARKET, utc(9, 31)), utc(9, 31))

        assert fill == Fill(OrderStatus.FILLED, expected, D(quantity), "")

    def test_no_fill_while_the_regular_session_is_closed(self) -> None:
        security = spy()
        feed(security, ny(8, 0), trade=(100, 100, 100, 100), bid=99.9, ask=100.1)

        assert fill_at(security, order(SPY, 10, OrderType.MARKET, utc(8)), utc(8)) is None

    def test_waits_when_minute_quotes_are_more_than_a_bar_behind(self) -> None:
        security = spy()
        feed(security, ny(9, 31), trade=(100, 100, 100, 100), bid=99.9, ask=100.1)

        assert fill_at(security, order(SPY, 10, OrderType.MARKET, utc(11)), utc(11)) is None

    def test_tick_data_fills_a_stale_quote_with_a_warning(self) -> None:
        security = spy(Resolution.TICK)
        security.update_ticks([quote_tick(SPY, ny(9, 31), 99.9, 100.1)])

        fill = fill_at(security, order(SPY, 10, OrderType.MARKET, utc(11)), utc(11))

        assert fill is not None
        assert fill.fill_price == D("100.1")
        assert fill.message == (
            "Warning: fill at stale price (10/07/2013 09:31:00 America/New_York), using Quote Tick data."
        )

    def test_trade_only_data_fills_at_the_close_with_a_warning(self) -> None:
        security = spy(Resolution.HOUR)
        feed(security, ny(10), trade=(100, 101, 99, 100.5), period=timedelta(hours=1))

        fill = fill_at(security, order(SPY, 10, OrderType.MARKET, utc(10)), utc(10))

        assert fill is not None
        assert fill.fill_price == D("100.5")
        assert fill.message == (
            "Warning: No quote information available at 10/07/2013 10:00:00 America/New_York, "
            "order filled using TradeBar data"
        )

    def test_slippage_moves_the_price_against_the_order(self) -> None:
        security = spy()
        security.set_slippage_model(ConstantSlippageModel(D("0.01")))
        feed(security, ny(9, 31), trade=(100, 100, 100, 100), bid=99.98, ask=100.02)

        fill = fill_at(security, order(SPY, 1, OrderType.MARKET, utc(9, 31)), utc(9, 31))

        assert fill is not None
        assert fill.fill_price == D("101.02")

    def test_canceled_orders_never_fill(self) -> None:
        security = spy()
        feed(security, ny(9, 31), trade=(100, 100, 100, 100), bid=99.98, ask=100.02)
        placed = order(SPY, 1, OrderType.MARKET, utc(9, 31))
        placed.status = OrderStatus.CANCELED

        assert fill_at(security, placed, utc(9, 31)) is None


class TestEquityLimitOrders:
    @pytest.mark.parametrize(
        ("quantity", "bar", "expected_price", "gap"),
        [
            (10, (100.0, 100.5, 98.5, 99.0), D(99), False),  # buy: low crosses the limit
            (10, (98.0, 98.5, 97.5, 98.0), D(98), True),  # buy: opens below the limit
            (-10, (100.0, 101.5, 99.5, 101.0), D(101), False),  # sell: high crosses the limit
            (-10, (102.0, 102.5, 101.5, 102.0), D(102), True),  # sell: opens above the limit
        ],
    )
    def test_fills_at_the_limit_or_at_a_better_open(
        self, quantity: int, bar: Bars, expected_price: Decimal, gap: bool
    ) -> None:
        security = spy()
        limit = D(99) if quantity > 0 else D(101)
        placed = order(SPY, quantity, OrderType.LIMIT, utc(9, 31), limit_price=limit)
        feed(security, ny(9, 32), trade=bar)

        fill = fill_at(security, placed, utc(9, 32))

        assert fill is not None
        assert fill.fill_price == expected_price
        assert fill.message.startswith("Due to a favorable gap at 10/07/2013 09:32:00") is gap

    def test_no_fill_when_the_price_stays_away(self) -> None:
        security = spy()
        placed = order(SPY, 10, OrderType.LIMIT, utc(9, 31), limit_price=D(99))
        feed(security, ny(9, 32), trade=(100, 100.5, 99, 100))

        assert fill_at(security, placed, utc(9, 32)) is None

    def test_no_fill_on_the_bar_the_order_was_placed_on(self) -> None:
        security = spy()
        feed(security, ny(9, 31), trade=(100, 100.5, 90, 100))

        placed = order(SPY, 10, OrderType.LIMIT, utc(9, 31), limit_price=D(99))

        assert fill_at(security, placed, utc(9, 31)) is None


class TestEquityStopOrders:
    @pytest.mark.parametrize(
        ("quantity", "bar", "expected_price", "gap"),
        [
            (-10, (100.0, 100.0, 94.0, 95.0), D(95), False),  # sell: low reaches the stop
            (-10, (94.0, 94.5, 93.0, 94.0), D(94), True),  # sell: opens below the stop
            (10, (100.0, 106.0, 100.0, 105.0), D(105), False),  # buy: high reaches the stop
            (10, (106.0, 107.0, 105.5, 106.0), D(106), True),  # buy: opens above the stop
        ],
    )
    def test_stop_market_fills_at_the_stop_or_a_worse_open(
        self, quantity: int, bar: Bars, expected_price: Decimal, gap: bool
    ) -> None:
        security = spy()
        stop = D(95) if quantity < 0 else D(105)
        placed = order(SPY, quantity, OrderType.STOP_MARKET, utc(9, 31), stop_price=stop)
        feed(security, ny(9, 32), trade=bar)

        fill = fill_at(security, placed, utc(9, 32))

        assert fill is not None
        assert fill.fill_price == expected_price
        assert fill.message.startswith("Due to an unfavorable gap") is gap

    def test_stop_limit_triggers_then_fills_inside_the_limit(self) -> None:
        security = spy()
        updates: list[Order] = []
        placed = order(SPY, 10, OrderType.STOP_LIMIT, utc(9, 31), stop_price=D(101), limit_price=D(102))
        # The ask trades through the stop but closes above the limit: triggered, not filled.
        feed(
            security,
            ny(9, 32),
            trade=(100, 103, 100, 103),
            bid=(100, 102.9, 100, 102.9),
            ask=(100, 103, 100, 103),
        )
        assert fill_at(security, placed, utc(9, 32), updates) is None
        assert placed.stop_triggered
        assert updates == [placed]

        feed(
            security,
            ny(9, 33),
            trade=(102, 102, 101, 101),
            bid=(102, 102, 100.9, 100.9),
            ask=(102, 102.5, 101, 101),
        )
        fill = fill_at(security, placed, utc(9, 33), updates)

        assert fill is not None
        assert fill.fill_price == D(102)
        assert len(updates) == 1

    def test_trailing_stop_trails_the_high_then_fills(self) -> None:
        security = spy()
        updates: list[Order] = []
        placed = order(SPY, -10, OrderType.TRAILING_STOP, utc(9, 31), stop_price=D(95), trailing_amount=D(5))
        feed(security, ny(9, 32), trade=(100, 102, 99, 101), bid=(100, 102, 99, 101), ask=(100, 102, 99, 101))
        assert fill_at(security, placed, utc(9, 32), updates) is None
        assert placed.stop_price == D(97)
        assert updates == [placed]

        feed(security, ny(9, 33), trade=(99, 99, 96, 96.5), bid=(99, 99, 96, 96.5), ask=(99, 99, 96, 96.6))
        fill = fill_at(security, placed, utc(9, 33), updates)

        assert fill is not None
        assert fill.fill_price == D("96.5")

    @pytest.mark.parametrize(
        ("market", "stop", "amount", "percent", "quantity", "expected"),
        [
            (D(110), D(100), D(5), False, -1, D(105)),
            (D(104), D(100), D(5), False, -1, None),
            (D(90), D(100), D("0.05"), True, 1, D("94.50")),
        ],
    )
    def test_trailing_stop_price_moves_only_past_the_amount(
        self,
        market: Decimal,
        stop: Decimal,
        amount: Decimal,
        percent: bool,
        quantity: int,
        expected: Decimal | None,
    ) -> None:
        direction = order(SPY, quantity, OrderType.TRAILING_STOP, utc(9)).direction

        assert trailing_stop_price(market, stop, amount, percent, direction) == expected


class TestEquityLimitIfTouched:
    def test_touch_then_fill_at_the_ask_within_the_limit(self) -> None:
        security = spy()
        placed = order(
            SPY, 10, OrderType.LIMIT_IF_TOUCHED, utc(9, 31), trigger_price=D(99), limit_price=D(100)
        )
        feed(security, ny(9, 32), trade=(100, 100, 98.5, 99.5), bid=99.4, ask=99.6)

        fill = fill_at(security, placed, utc(9, 32))

        assert placed.trigger_touched
        assert fill == Fill(OrderStatus.FILLED, D("99.6"), D(10), "")

    def test_untouched_trigger_does_nothing(self) -> None:
        security = spy()
        placed = order(
            SPY, 10, OrderType.LIMIT_IF_TOUCHED, utc(9, 31), trigger_price=D(95), limit_price=D(100)
        )
        feed(security, ny(9, 32), trade=(100, 100, 98.5, 99.5), bid=99.4, ask=99.6)

        assert fill_at(security, placed, utc(9, 32)) is None
        assert not placed.trigger_touched


class TestEquityOpenAndClose:
    def test_market_on_open_fills_at_the_next_sessions_first_bar_open(self) -> None:
        security = spy()
        placed = order(SPY, 10, OrderType.MARKET_ON_OPEN, utc(16, 30, day=4))  # Friday after the close
        feed(security, ny(9, 31), trade=(100.5, 101, 100, 100.8), bid=100.7, ask=100.9)

        fill = fill_at(security, placed, utc(9, 31))

        assert fill == Fill(OrderStatus.FILLED, D("100.5"), D(10), "")

    def test_market_on_open_sent_in_session_waits_for_the_next_day(self) -> None:
        security = spy()
        placed = order(SPY, 10, OrderType.MARKET_ON_OPEN, utc(10))
        feed(security, ny(10, 1), trade=(100, 100, 100, 100))
        assert fill_at(security, placed, utc(10, 1)) is None

        feed(security, ny(9, 31, day=8), trade=(101, 101, 101, 101))
        fill = fill_at(security, placed, utc(9, 31, day=8))

        assert fill is not None
        assert fill.fill_price == D(101)

    def test_market_on_close_waits_for_the_close(self) -> None:
        security = spy()
        placed = order(SPY, -10, OrderType.MARKET_ON_CLOSE, utc(10))
        feed(security, ny(15, 59), trade=(100, 100, 100, 100))
        assert fill_at(security, placed, utc(15, 59)) is None

        feed(security, ny(16), trade=(100, 100.5, 99.5, 100.25))
        fill = fill_at(security, placed, utc(16))

        assert fill == Fill(OrderStatus.FILLED, D("100.25"), D(-10), "")


class TestBaseFillModel:
    def _eurusd(self) -> Security:
        security = forex(cash_book())
        security.update_quote_bar(
            quote_bar(
                EURUSD,
                datetime(2020, 1, 6, 15, 1),
                (1.1, 1.102, 1.098, 1.1),
                (1.1002, 1.1022, 1.0982, 1.1002),
            )
        )
        return security

    def test_forex_uses_the_base_model(self) -> None:
        assert type(self._eurusd().fill_model) is FillModel
        assert not isinstance(self._eurusd().fill_model, EquityFillModel)

    @pytest.mark.parametrize(("quantity", "expected"), [(1000, D("1.1002")), (-1000, D("1.1"))])
    def test_market_fills_on_the_quote_side(self, quantity: int, expected: Decimal) -> None:
        security = self._eurusd()
        moment = datetime(2020, 1, 6, 15, 1)

        fill = fill_at(security, order(EURUSD, quantity, OrderType.MARKET, moment), moment)

        assert fill is not None
        assert fill.fill_price == expected

    def test_limit_buy_fills_at_the_limit_inside_the_ask_bar(self) -> None:
        security = self._eurusd()
        placed = order(EURUSD, 1000, OrderType.LIMIT, datetime(2020, 1, 6, 15), limit_price=D("1.1"))

        fill = fill_at(security, placed, datetime(2020, 1, 6, 15, 1))

        assert fill is not None
        assert fill.fill_price == D("1.1")

    def test_market_on_open_is_refused_where_the_market_never_closes(self) -> None:
        security = self._eurusd()
        placed = order(EURUSD, 1000, OrderType.MARKET_ON_OPEN, datetime(2020, 1, 6, 15))

        with pytest.raises(ValueError, match="Market never closes"):
            fill_at(security, placed, datetime(2020, 1, 6, 15, 1))


class TestEquityAuctionPrints:
    def _tick_spy(self) -> Security:
        security = spy(Resolution.TICK)
        security.primary_exchange = "P"  # type: ignore[attr-defined]
        return security

    def test_market_on_open_fills_at_the_official_opening_print(self) -> None:
        security = self._tick_spy()
        placed = order(SPY, 10, OrderType.MARKET_ON_OPEN, utc(16, 30, day=4))
        opening = Tick(
            SPY, ny(9, 30), TickType.TRADE, value=100.25, quantity=500, exchange="P", sale_condition="40"
        )
        other = Tick(
            SPY, ny(9, 30), TickType.TRADE, value=100.5, quantity=5, exchange="Q", sale_condition="40"
        )
        security.update_ticks([other, opening])

        fill = fill_at(security, placed, utc(9, 30))

        assert fill == Fill(OrderStatus.FILLED, D("100.25"), D(10), "")

    def test_market_on_open_waits_a_minute_for_the_opening_print(self) -> None:
        security = self._tick_spy()
        placed = order(SPY, 10, OrderType.MARKET_ON_OPEN, utc(16, 30, day=4))
        security.update_ticks([Tick(SPY, ny(9, 30), TickType.TRADE, value=100.5, quantity=5, exchange="Q")])

        assert fill_at(security, placed, utc(9, 30)) is None

    def test_market_on_close_without_a_closing_print_takes_the_last_trade(self) -> None:
        security = self._tick_spy()
        placed = order(SPY, -10, OrderType.MARKET_ON_CLOSE, utc(10))
        security.update_ticks([Tick(SPY, ny(16), TickType.TRADE, value=101.5, quantity=5, exchange="Q")])

        fill = fill_at(security, placed, utc(16))

        assert fill is not None
        assert fill.fill_price == D("101.5")
        assert fill.message == (
            "No trade with the OfficialClose or ClosingPrints flag for data that does not include extended "
            "market hours. Fill with last Trade data."
        )
