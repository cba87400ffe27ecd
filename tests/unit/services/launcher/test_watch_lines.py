"""What `leanbus watch` prints for each message: plain functions, no server."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import numpy as np

from lean_core.bus import codec
from lean_core.bus import messages as m
from lean_core.bus.codec import pack_array
from lean_core.enums import OrderDirection, OrderStatus
from lean_core.orders.events import OrderEvent
from services.launcher.watch_command import RunView, format_order_event, format_progress, watched_subjects
from tests.unit.engine.builders import initialized

RUN = "abc123"


def _ns(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=UTC).timestamp()) * 1_000_000_000


def _fill() -> OrderEvent:
    return OrderEvent(
        order_id=1,
        id=2,
        symbol_id="SPY R735QTJ8XC9X",
        symbol_value="SPY",
        utc_time_ns=_ns(2013, 10, 7, 13, 31),
        status=OrderStatus.FILLED,
        direction=OrderDirection.BUY,
        quantity=Decimal("688"),
        fill_price=Decimal("144.78172417000"),
        fill_quantity=Decimal("688"),
        order_fee_amount=Decimal("3.44"),
    )


def _initialized() -> m.AlgorithmInitialized:
    return initialized(_ns(2013, 10, 7), _ns(2013, 10, 11), run_id=RUN, name="BasicTemplateAlgorithm")


def _progress(*times_ns: int) -> m.AlgorithmProgress:
    return m.AlgorithmProgress(
        run_id=RUN,
        step_times=pack_array(np.asarray(times_ns, dtype=np.int64)),
        step_values=pack_array(np.zeros(len(times_ns))),
        data_points=3942,
    )


def test_a_fill_shows_symbol_direction_status_price_and_fee_without_trailing_zeros() -> None:
    line = format_order_event(_fill())

    assert line == (
        "2013-10-07 13:31:00 UTC order 1 SPY Buy Filled quantity 688 "
        "filled 688 @ 144.78172417 USD fee 3.44 USD"
    )


def test_a_submission_shows_no_fill_or_fee() -> None:
    submitted = OrderEvent(
        order_id=3,
        id=1,
        symbol_id="SPY R735QTJ8XC9X",
        symbol_value="SPY",
        utc_time_ns=_ns(2013, 10, 8, 14),
        status=OrderStatus.PARTIALLY_FILLED,
        direction=OrderDirection.SELL,
        quantity=Decimal("-10"),
        message="half done",
    )

    assert format_order_event(submitted) == (
        "2013-10-08 14:00:00 UTC order 3 SPY Sell PartiallyFilled quantity -10 (half done)"
    )


def test_progress_has_a_percentage_only_once_the_run_span_is_known() -> None:
    progress = _progress(_ns(2013, 10, 7, 20), _ns(2013, 10, 9))

    assert format_progress(progress, None) == "progress 2013-10-09 3,942 data points"
    assert format_progress(progress, (_ns(2013, 10, 7), _ns(2013, 10, 11))) == (
        "progress 50.0% 2013-10-09 3,942 data points"
    )
    assert format_progress(_progress(), None) is None


def test_the_view_learns_the_span_from_the_initialization_and_marks_written_runs() -> None:
    view = RunView()
    statistics = {"Total Orders": "1", "End Equity": "101691.92"}
    written = m.ResultsWritten(
        run_id=RUN, status="Completed", statistics=statistics, runtime_statistics={}, files=["/r/a.json"]
    )

    started = view.lines(_initialized())
    progress = view.lines(_progress(_ns(2013, 10, 9)))
    results = view.lines(written)

    assert started == [
        "started BasicTemplateAlgorithm: 2013-10-07 to 2013-10-11, cash 100000 USD, 0 subscriptions"
    ]
    assert progress == ["progress 50.0% 2013-10-09 3,942 data points"]
    assert results == [
        "STATISTICS:: status Completed",
        "Total Orders  1",
        "End Equity    101691.92",
        "file /r/a.json",
    ]
    assert view.written == {RUN}


def test_received_lines_carry_the_run_id_and_failures_name_the_service() -> None:
    view = RunView()
    failed = m.ServiceFailed(run_id=RUN, role="data-feed", service_id="data-feed-1", error="gone")
    finished = m.AlgorithmFinished(
        run_id=RUN, status="RuntimeError", start_equity=Decimal(1), end_utc_ns=0, error="bad signal"
    )

    assert view.receive("lean.abc123.control", codec.encode(failed)) == [
        "[abc123] the data-feed service (data-feed-1) failed: gone"
    ]
    assert view.receive("lean.abc123.control", codec.encode(finished)) == [
        "[abc123] algorithm finished: RuntimeError: bad signal"
    ]
    assert view.receive(
        "lean.abc123.orders.events", codec.encode(m.OrderEvents(run_id=RUN, events=[_fill()]))
    )


def test_a_malformed_message_is_a_warning_line_and_messages_it_does_not_show_give_none() -> None:
    view = RunView()

    warning = view.receive("lean.abc123.results", b"\x93not a message")
    quiet = view.receive("lean.abc123.control", codec.encode(m.DataBatchRequest(run_id=RUN)))

    assert len(warning) == 1 and warning[0].startswith("warning: malformed message on lean.abc123.results")
    assert quiet == []


def test_subjects_are_the_run_streams_or_wildcards_for_every_run() -> None:
    assert watched_subjects(RUN) == [
        "lean.abc123.control",
        "lean.abc123.results",
        "lean.abc123.orders.events",
    ]
    assert watched_subjects("*") == ["lean.*.control", "lean.*.results", "lean.*.orders.events"]
