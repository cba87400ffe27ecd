from datetime import UTC, datetime
from decimal import Decimal

import pytest

from lean_core.enums import Market, SecurityType
from lean_core.securities.security import SecurityManager
from lean_core.symbols import Symbol
from tests.unit.securities.builders import SPY, cash_book, equity

QQQ = Symbol.create("QQQ", SecurityType.EQUITY, Market.USA)


class TestSecurityManager:
    def test_lookups_take_symbol_ticker_or_identifier(self) -> None:
        manager = SecurityManager()
        security = manager.add(equity(cash_book()))

        assert manager[SPY] is manager["spy"] is manager[str(SPY.id)] is security
        assert manager.get("QQQ") is None
        assert manager.contains_key("SPY")
        assert list(manager.keys()) == [SPY]

    def test_adding_a_symbol_twice_keeps_the_first(self) -> None:
        manager = SecurityManager()
        first = manager.add(equity(cash_book()))

        assert manager.add(equity(cash_book())) is first
        assert len(manager) == 1

    def test_missing_symbol_explains(self) -> None:
        with pytest.raises(KeyError, match=r"\(QQQ\) was not found in your security list"):
            SecurityManager()["QQQ"]

    def test_time_reaches_every_security_added_before_or_after(self) -> None:
        manager = SecurityManager()
        security = manager.add(equity(cash_book()))
        manager.set_utc_time(datetime(2013, 10, 7, 13, 31, tzinfo=UTC))
        later = manager.add(equity(cash_book(), QQQ))

        assert security.local_time == datetime(2013, 10, 7, 9, 31)
        assert security.exchange.exchange_open
        assert later.utc_time == manager.utc_time

    def test_held_lists_the_securities_with_a_position_in_the_order_they_were_added(self) -> None:
        manager = SecurityManager()
        book = cash_book()
        spy = manager.add(equity(book))
        qqq = manager.add(equity(book, QQQ))
        assert manager.held() == ()

        qqq.holdings.set_holdings(Decimal(300), Decimal(5))
        spy.holdings.set_holdings(Decimal(400), Decimal(-2))
        assert manager.held() == (spy, qqq)

        qqq.holdings.set_holdings(Decimal(0), Decimal(0))
        assert manager.held() == (spy,)

    def test_a_security_holding_a_position_before_it_is_added_counts_as_held(self) -> None:
        manager = SecurityManager()
        spy = equity(cash_book())
        spy.holdings.set_holdings(Decimal(400), Decimal(10))
        manager.add(spy)

        assert manager.held() == (spy,)
