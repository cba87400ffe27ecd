"""`slice[symbol]` shows what LEAN's does: an equity's trade data, any other security's quote bar."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lean_core.data.slice import QuoteBars, Slice, Ticks, TradeBars
from tests.unit.securities.builders import EURUSD, SPY, quote_bar, quote_tick, trade_bar, trade_tick

_END = datetime(2013, 10, 7, 11, 0)


def _slice(bars: TradeBars, quotes: QuoteBars, ticks: Ticks | None = None) -> Slice:
    return Slice(_END, _END.replace(tzinfo=UTC), bars, quotes, ticks or Ticks())


def test_equity_with_trade_and_quote_bars_shows_the_trade_bar() -> None:
    bar, quote = trade_bar(SPY, _END, 1, 2, 0.5, 1.5), quote_bar(SPY, _END, 1.4, 1.6)
    data = _slice(TradeBars({SPY: bar}), QuoteBars({SPY: quote}))

    assert data["SPY"] is bar
    assert data.quote_bars["SPY"] is quote


def test_equity_with_only_a_quote_bar_is_not_in_the_slice() -> None:
    data = _slice(TradeBars(), QuoteBars({SPY: quote_bar(SPY, _END, 1.4, 1.6)}))

    assert not data.contains_key(SPY)
    assert data.get(SPY) is None
    with pytest.raises(KeyError, match="SPY"):
        data[SPY]


def test_forex_shows_its_quote_bar_even_beside_a_trade_bar() -> None:
    bar, quote = trade_bar(EURUSD, _END, 1, 1, 1, 1), quote_bar(EURUSD, _END, 1.1, 1.2)
    data = _slice(TradeBars({EURUSD: bar}), QuoteBars({EURUSD: quote}))

    assert data[EURUSD] is quote


def test_equity_ticks_show_trades_only() -> None:
    trade, quote = trade_tick(SPY, _END, 145.0), quote_tick(SPY, _END, 144.9, 145.1)
    data = _slice(TradeBars(), QuoteBars(), Ticks({SPY: [trade, quote]}))

    assert data[SPY] == [trade]
