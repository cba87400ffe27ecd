"""Lazy prices and slices give exactly what applying every row of every step eagerly gives."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lean_core.data.bars import QuoteBar, QuoteBarFrame, TradeBar, TradeBarFrame, local_to_ns
from lean_core.data.slice import FeedFrame, build_slice_batch
from lean_core.engine.security_updates import update_security
from lean_core.engine.step_data import BatchSteps, FrameRows
from lean_core.securities.security import Security
from lean_core.symbols import Symbol
from tests.unit.securities.builders import BTCUSD, NEW_YORK, SPY, cash_book, crypto, equity, new_york

_START = local_to_ns(new_york(2013, 10, 7, 9, 31).replace(tzinfo=None), NEW_YORK)
_MINUTE = 60 * 10**9
prices = st.sampled_from([0.0, 101.25, 101.5, 102.0, 99.75])
sizes = st.sampled_from([0.0, 100.0, 300.0])


@st.composite
def frames(draw: st.DrawFn, symbol: Symbol) -> tuple[TradeBarFrame, QuoteBarFrame]:
    """Trade and quote frames over the same minutes with gaps, zeros, NaN sides and fill-forward rows."""
    steps = draw(st.integers(min_value=1, max_value=12))
    trade_rows = sorted(draw(st.sets(st.integers(0, steps - 1), min_size=1)))
    quote_rows = sorted(draw(st.sets(st.integers(0, steps - 1))))
    return _trade_frame(draw, symbol, trade_rows), _quote_frame(draw, symbol, quote_rows)


def _ends(rows: list[int]) -> np.ndarray:
    return _START + np.array(rows, dtype=np.int64) * _MINUTE


def _column(draw: st.DrawFn, count: int, values: st.SearchStrategy[float]) -> np.ndarray:
    return np.array(draw(st.lists(values, min_size=count, max_size=count)), dtype=np.float64)


def _fill_forward(draw: st.DrawFn, count: int) -> np.ndarray:
    return np.array(draw(st.lists(st.booleans(), min_size=count, max_size=count)), dtype=np.bool_)


def _trade_frame(draw: st.DrawFn, symbol: Symbol, rows: list[int]) -> TradeBarFrame:
    count, ends = len(rows), _ends(rows)
    ohlc = [_column(draw, count, prices) for _ in range(4)]
    return TradeBarFrame(
        symbol, ends - _MINUTE, ends, *ohlc, _column(draw, count, sizes), _fill_forward(draw, count)
    )


def _quote_frame(draw: st.DrawFn, symbol: Symbol, rows: list[int]) -> QuoteBarFrame:
    count, ends = len(rows), _ends(rows)
    sides = []
    for _ in range(2):
        side = [_column(draw, count, prices) for _ in range(4)]
        missing = _fill_forward(draw, count)  # a side absent from some rows
        sides.append([np.where(missing, np.nan, column) for column in side])
        sides[-1].append(_column(draw, count, sizes))
    (bid_o, bid_h, bid_l, bid_c, bid_s), (ask_o, ask_h, ask_l, ask_c, ask_s) = sides
    return QuoteBarFrame(
        symbol, ends - _MINUTE, ends, bid_o, bid_h, bid_l, bid_c, bid_s, ask_o, ask_h, ask_l, ask_c, ask_s,
        _fill_forward(draw, count),
    )  # fmt: skip


def _state(security: Security) -> tuple[object, ...]:
    cache = security.cache
    return (
        dict(cache.exact),
        cache.exact_last_data,
        cache.exact_trade_bar,
        cache.exact_quote_bar,
        cache.last_trade_bar,
        cache.last_quote_bar,
        security.price_factor,
    )


def _check(make: Callable[[], Security], symbol: Symbol, data: st.DataObject) -> None:
    trade, quote = data.draw(frames(symbol))
    layout = build_slice_batch([FeedFrame(trade, NEW_YORK), FeedFrame(quote, NEW_YORK)])
    factors = [(0, Decimal("0.8646266"))]
    eager, lazy = make(), make()
    steps = BatchSteps(
        [
            FrameRows(lazy, trade, layout.rows[0], factors, False),
            FrameRows(lazy, quote, layout.rows[1], factors, False),
        ],
        len(layout.times),
    )
    steps.attach()
    reads = data.draw(st.sets(st.integers(0, len(layout.times) - 1)))
    for step in range(len(layout.times)):
        for frame, rows in ((trade, layout.rows[0]), (quote, layout.rows[1])):
            if rows[step] >= 0:
                update_security(eager, frame, int(rows[step]), factors)
        steps.advance(step)
        if step in reads:
            assert _state(lazy) == _state(eager), step
    assert _state(lazy) == _state(eager)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_equity_catch_up_equals_eager_updates(data: st.DataObject) -> None:
    _check(lambda: equity(cash_book()), SPY, data)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_crypto_catch_up_equals_eager_updates(data: st.DataObject) -> None:
    _check(lambda: crypto(cash_book()), BTCUSD, data)


def test_slice_builds_its_bars_only_when_read_and_finds_one_symbol() -> None:
    spy = equity(cash_book())
    ends = _ends([0, 1])
    trade = TradeBarFrame(SPY, ends - _MINUTE, ends, *(np.array([101.0, 102.0]),) * 4, np.array([5.0, 6.0]))

    layout = build_slice_batch([FeedFrame(trade, NEW_YORK)])
    frame = FrameRows(spy, trade, layout.rows[0], [], False)
    steps = BatchSteps([frame], len(layout.times))
    data = steps.slice(1, new_york(2013, 10, 7, 9, 32), new_york(2013, 10, 7, 9, 32))

    found = data.trade_bar_of(SPY)
    assert isinstance(found, TradeBar) and found.close == 102.0
    assert data.quote_bar_of(SPY) is None
    assert data.has_data
    assert data.bars[SPY] is found  # one object, shared by the slice and the security's cache
    assert not isinstance(data.bars[SPY], QuoteBar)
