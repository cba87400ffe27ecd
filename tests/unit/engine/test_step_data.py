"""Lazy prices and slices give exactly what applying every row of every step eagerly gives."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lean_core.data.bars import QuoteBar, QuoteBarFrame, TradeBar, TradeBarFrame, local_to_ns
from lean_core.data.slice import FeedFrame, build_slice_batch
from lean_core.engine import frame_rows
from lean_core.engine.frame_rows import FrameRows
from lean_core.engine.security_updates import PriceFactors, update_security
from lean_core.engine.step_data import BatchSteps, PendingRows
from lean_core.securities.security import Security
from lean_core.symbols import Symbol
from tests.unit.securities.builders import (
    BTCUSD,
    NEW_YORK,
    SPY,
    SPY_FACTOR,
    cash_book,
    crypto,
    equity,
    new_york,
)

_START = local_to_ns(new_york(2013, 10, 7, 9, 31).replace(tzinfo=None), NEW_YORK)
_MINUTE = 60 * 10**9
prices = st.sampled_from([0.0, 101.25, 101.5, 102.0, 99.75])
sizes = st.sampled_from([0.0, 100.0, 300.0])
_FACTORS = {text: Decimal(text) for text in ("0.8646266", "0.9", "1")}  # one object per factor, as batches


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


def _state(security: Security, *, with_factor: bool = True) -> tuple[object, ...]:
    cache = security.cache
    return (
        dict(cache.exact),
        cache.exact_last_data,
        cache.exact_trade_bar,
        cache.exact_quote_bar,
        cache.last_trade_bar,
        cache.last_quote_bar,
        security.price_factor if with_factor else None,
    )


@st.composite
def factor_runs(draw: st.DrawFn, rows: int) -> PriceFactors:
    """A frame's (first row, factor) runs: one factor, or a few changes within the frame."""
    starts = sorted(draw(st.sets(st.integers(1, max(rows - 1, 1)), max_size=3)))
    texts = draw(
        st.lists(st.sampled_from(sorted(_FACTORS)), min_size=len(starts) + 1, max_size=len(starts) + 1)
    )
    return [(start, _FACTORS[text]) for start, text in zip([0, *starts], texts, strict=True)]


def _check(make: Callable[[], Security], symbol: Symbol, data: st.DataObject) -> None:
    """Lazy catch-up equals eager updates, reading all, only the price, or nothing at each step.

    Frames may change factor between rows (a quote bar read after a trade row moved the security's
    factor must keep its own), and switch to list columns at any row (`_ROWS_BEFORE_LISTS`).
    """
    ordered: list[TradeBarFrame | QuoteBarFrame] = list(data.draw(frames(symbol)))
    if data.draw(st.booleans(), label="quotes first"):  # a trade bar then ties with its step's quote
        ordered.reverse()
    vary = data.draw(st.booleans(), label="factors change")
    factors = [data.draw(factor_runs(len(frame))) if vary else [(0, SPY_FACTOR)] for frame in ordered]
    layout = build_slice_batch([FeedFrame(frame, NEW_YORK) for frame in ordered])
    eager, lazy = make(), make()
    steps = BatchSteps(
        [FrameRows(lazy, frame, layout.rows[i], factors[i], False) for i, frame in enumerate(ordered)],
        len(layout.times),
    )
    steps.attach()
    step_numbers = st.integers(0, len(layout.times) - 1)
    reads, price_reads = data.draw(st.sets(step_numbers)), data.draw(st.sets(step_numbers))
    # A catch-up over only filled-forward rows leaves the factor of the last real row (see `_replay_start`).
    with_factor = not vary
    with patch.object(frame_rows, "_ROWS_BEFORE_LISTS", data.draw(st.sampled_from([0, 3, 16]))):
        for step in range(len(layout.times)):
            for index, (frame, rows) in enumerate(zip(ordered, layout.rows, strict=True)):
                if rows[step] >= 0:
                    update_security(eager, frame, int(rows[step]), factors[index])
            steps.advance(step)
            if step in price_reads:
                assert lazy.exact_price == eager.exact_price, step
            if step in reads:
                assert _state(lazy, with_factor=with_factor) == _state(eager, with_factor=with_factor), step
        assert _state(lazy, with_factor=with_factor) == _state(eager, with_factor=with_factor)


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


def _two_symbol_steps(
    data: st.DataObject, make: Callable[[Symbol], Security], first: Symbol, second: Symbol
) -> tuple[BatchSteps, int]:
    frames_by_symbol = [data.draw(frames(symbol)) for symbol in (first, second)]
    flat = [frame for pair in frames_by_symbol for frame in pair]
    layout = build_slice_batch([FeedFrame(frame, NEW_YORK) for frame in flat])
    securities = [make(first), make(second)]
    rows = [
        FrameRows(securities[index // 2], frame, layout.rows[index], [], False)
        for index, frame in enumerate(flat)
    ]
    return BatchSteps(rows, len(layout.times)), len(layout.times)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), crypto_pair=st.booleans())
def test_slice_lookup_of_one_symbol_equals_the_materialised_slice(
    data: st.DataObject, crypto_pair: bool
) -> None:
    make = (lambda _: crypto(cash_book())) if crypto_pair else (lambda _: equity(cash_book()))
    first = BTCUSD if crypto_pair else SPY
    second = Symbol.create("ETHUSD", first.security_type, first.id.market)
    steps, count = _two_symbol_steps(data, make, first, second)
    moment = new_york(2013, 10, 7, 9, 32)
    for step in range(count):
        lazy, eager = steps.slice(step, moment, moment), steps.slice(step, moment, moment)
        eager.bars  # noqa: B018 (materialises the whole slice)
        for symbol in (first, second):
            # contains_key looks at rows only; get() builds the point it shows
            assert lazy.contains_key(symbol) == (eager.get(symbol) is not None), (step, symbol)
            assert lazy.get(symbol) is eager.get(symbol), (step, symbol)
            assert lazy.points_of(symbol) == eager.points_of(symbol), (step, symbol)


def test_contains_key_builds_no_bar() -> None:
    spy = equity(cash_book())
    ends = _ends([0, 1])
    trade = TradeBarFrame(SPY, ends - _MINUTE, ends, *(np.array([101.0, 102.0]),) * 4, np.array([5.0, 6.0]))
    layout = build_slice_batch([FeedFrame(trade, NEW_YORK)])
    frame = FrameRows(spy, trade, layout.rows[0], [], False)
    steps = BatchSteps([frame], len(layout.times))
    data = steps.slice(1, new_york(2013, 10, 7, 9, 32), new_york(2013, 10, 7, 9, 32))

    assert data.contains_key(SPY)
    assert SPY in data
    assert frame._points == {}


def test_slice_lookup_builds_only_the_asked_symbol_s_points() -> None:
    spy, aapl = equity(cash_book()), equity(cash_book())
    aapl_symbol = Symbol.create("AAPL", SPY.security_type, SPY.id.market)
    ends = _ends([0])
    columns = (np.array([101.0]),) * 4
    trade = TradeBarFrame(SPY, ends - _MINUTE, ends, *columns, np.array([5.0]))
    other = TradeBarFrame(aapl_symbol, ends - _MINUTE, ends, *columns, np.array([7.0]))
    layout = build_slice_batch([FeedFrame(trade, NEW_YORK), FeedFrame(other, NEW_YORK)])
    aapl_rows = FrameRows(aapl, other, layout.rows[1], [], False)
    steps = BatchSteps([FrameRows(spy, trade, layout.rows[0], [], False), aapl_rows], len(layout.times))
    data = steps.slice(0, new_york(2013, 10, 7, 9, 31), new_york(2013, 10, 7, 9, 31))

    assert data.contains_key(SPY) and data[SPY].volume == 5.0
    assert aapl_rows._points == {}  # AAPL's bar was never built
    assert data[aapl_symbol].volume == 7.0


@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_bars_built_from_list_columns_equal_the_frame_s_own(data: st.DataObject) -> None:
    rows = list(range(40))  # past the rows a frame builds from its arrays before copying to lists
    trade, quote = _trade_frame(data.draw, SPY, rows), _quote_frame(data.draw, SPY, rows)
    spy = equity(cash_book())
    for frame in (trade, quote):
        layout = build_slice_batch([FeedFrame(frame, NEW_YORK)])
        frame_rows = FrameRows(spy, frame, layout.rows[0], [], False)
        built = [frame_rows.point(row) for row in rows]
        assert frame_rows._lists is not None
        assert built == [frame.bar(row, NEW_YORK) for row in rows]


@pytest.mark.parametrize("lists_after", [0, 16])
def test_first_catch_up_keeps_the_older_trade_bar_a_quote_tie_leaves_in_place(lists_after: int) -> None:
    # Quotes are applied before trades here, so the trade bar of a step with a quote bar does not
    # replace the cache's last data: after steps 0-1 it is still step 0's bar, as eager updates say.
    ends = _ends([0, 1])
    trade = TradeBarFrame(SPY, ends - _MINUTE, ends, *(np.array([101.0, 102.0]),) * 4, np.array([5.0, 6.0]))
    quote_ends = _ends([1])
    quote_columns = (np.array([101.5]),) * 4 + (np.array([300.0]),)
    quote = QuoteBarFrame(SPY, quote_ends - _MINUTE, quote_ends, *quote_columns, *quote_columns)
    layout = build_slice_batch([FeedFrame(quote, NEW_YORK), FeedFrame(trade, NEW_YORK)])
    eager, lazy = equity(cash_book()), equity(cash_book())
    frames_in_order = [(quote, layout.rows[0]), (trade, layout.rows[1])]
    steps = BatchSteps(
        [FrameRows(lazy, f, rows, [], False) for f, rows in frames_in_order], len(layout.times)
    )
    steps.attach()
    for step in range(len(layout.times)):
        for frame, rows in frames_in_order:
            if rows[step] >= 0:
                update_security(eager, frame, int(rows[step]), [])
    steps.advance(len(layout.times) - 1)

    with patch.object(frame_rows, "_ROWS_BEFORE_LISTS", lists_after):
        assert _state(lazy) == _state(eager)
    last = lazy.cache.last_data
    assert isinstance(last, TradeBar) and last.close == 101.0


def _spy_minutes(count: int) -> tuple[TradeBarFrame, QuoteBarFrame]:
    """SPY trade and quote bars for `count` minutes: enough rows for the list columns."""
    ends = _ends(list(range(count)))
    closes = 100.0 + np.arange(count) / 4
    trade = TradeBarFrame(
        SPY, ends - _MINUTE, ends, closes, closes + 1, closes - 1, closes, np.full(count, 5.0)
    )
    sides = (closes - 0.25, closes, closes - 0.5, closes - 0.25, np.full(count, 300.0))
    quote = QuoteBarFrame(SPY, ends - _MINUTE, ends, *sides, *sides)
    return trade, quote


def _spy_steps(count: int) -> tuple[Security, BatchSteps, list[FrameRows]]:
    spy = equity(cash_book())
    frames = _spy_minutes(count)
    layout = build_slice_batch([FeedFrame(frame, NEW_YORK) for frame in frames])
    rows = [FrameRows(spy, frame, layout.rows[i], [(0, SPY_FACTOR)], False) for i, frame in enumerate(frames)]
    steps = BatchSteps(rows, len(layout.times))
    steps.attach()
    return spy, steps, rows


@pytest.mark.parametrize("lists_after", [0, 16])
def test_reading_the_price_each_step_builds_no_bar_object(lists_after: int) -> None:
    spy, steps, rows = _spy_steps(40)
    with patch.object(frame_rows, "_ROWS_BEFORE_LISTS", lists_after):
        for step in range(40):
            steps.advance(step)
            assert spy.exact_price == spy.to_exact_at(100.0 + step / 4, False, SPY_FACTOR)

    assert all(not frame._points for frame in rows)


def test_an_equity_price_read_applies_no_row_and_a_bar_read_applies_them_all() -> None:
    spy, steps, _ = _spy_steps(40)
    for step in range(30):
        steps.advance(step)
        assert spy.exact_price == spy.to_exact_at(100.0 + step / 4, False, SPY_FACTOR)
    assert spy.cache._trade is None  # the price came from the trade column alone

    bar = spy.cache.exact_trade_bar
    assert bar is not None
    assert bar.close == spy.to_exact(100.0 + 29 / 4)  # the catch-up made the row's factor the security's
    assert spy.exact_price == bar.close


@pytest.mark.parametrize("slice_first", [True, False])
def test_cache_and_slice_share_one_bar_whichever_is_read_first(slice_first: bool) -> None:
    spy, steps, _ = _spy_steps(40)
    moment = new_york(2013, 10, 7, 10, 0)
    for step in range(40):
        steps.advance(step)
        data = steps.slice(step, moment, moment)
        if slice_first:
            bar, quote = data.bars[SPY], data.quote_bars[SPY]
            assert spy.cache.last_trade_bar is bar and spy.cache.last_quote_bar is quote, step
        else:
            bar, quote = spy.cache.last_trade_bar, spy.cache.last_quote_bar
            assert data.bars[SPY] is bar and data.quote_bars[SPY] is quote, step
        assert spy.cache.last_data is bar


def test_detach_leaves_the_cache_holding_nothing_of_the_batch() -> None:
    spy, steps, rows = _spy_steps(40)
    with patch.object(frame_rows, "_ROWS_BEFORE_LISTS", 0):
        steps.advance(39)
        assert spy.exact_price > 0
        steps.detach()

    cache = spy.cache
    assert all(isinstance(value, Decimal) for value in cache._exact.values())
    assert cache._trade is not None and isinstance(cache._trade._point, TradeBar)
    assert cache._quote is not None and isinstance(cache._quote._point, QuoteBar)
    assert cache.last_trade_bar is rows[0]._points[39]  # the bar the slice had


@settings(max_examples=200, deadline=None)
@given(data=st.data(), crypto_pair=st.booleans())
def test_one_step_replay_start_is_the_range_rule_for_one_step(data: st.DataObject, crypto_pair: bool) -> None:
    symbol = BTCUSD if crypto_pair else SPY
    security = crypto(cash_book()) if crypto_pair else equity(cash_book())
    ordered = data.draw(frames(symbol))
    layout = build_slice_batch([FeedFrame(frame, NEW_YORK) for frame in ordered])
    frame_rows = [FrameRows(security, frame, layout.rows[i], [], False) for i, frame in enumerate(ordered)]
    steps = BatchSteps(frame_rows, len(layout.times))
    steps.attach()
    pending = PendingRows(security, frame_rows, steps.cursor)
    for step in range(len(layout.times)):
        assert pending._one_step_start(step) == pending._range_start(step, step), step
        steps.advance(step)
        security.cache.exact_value("price")  # the cache's last data changes as steps apply


def test_one_kind_of_bar_read_from_the_slice_builds_only_that_kind() -> None:
    _, steps, (trades, quotes) = _spy_steps(3)
    moment = new_york(2013, 10, 7, 9, 32)

    bar = steps.slice(1, moment, moment).trade_bar_of(SPY)
    quote = steps.slice(2, moment, moment).quote_bar_of(SPY)

    assert isinstance(bar, TradeBar) and isinstance(quote, QuoteBar)
    assert set(trades._points) == {1}
    assert set(quotes._points) == {2}
