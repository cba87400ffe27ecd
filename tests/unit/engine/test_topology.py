"""The routing tables: which handler method takes which message, and when a role is done with a run."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from lean_core.algorithm.security_factory import SecurityFactory
from lean_core.bus import messages as m
from lean_core.bus.codec import pack_array
from lean_core.bus.subjects import Stream
from lean_core.data.readers import FrameCache
from lean_core.data.subscription import SubscriptionDataReader
from lean_core.engine.data_feed import DataFeedHandler
from lean_core.engine.topology import Role, RoleEndpoint, roles_done_by, server_of
from lean_core.engine.transaction_handler import TransactionHandler
from lean_core.enums import OrderType

RUN = "run1"


def _finished() -> m.AlgorithmFinished:
    return m.AlgorithmFinished(run_id=RUN, status="Completed", start_equity=Decimal(0), end_utc_ns=0)


def test_the_run_is_over_for_each_role_with_its_own_last_message() -> None:
    assert roles_done_by(_finished()) == [Role.DATA_FEED, Role.REALTIME, Role.ALGORITHM]
    assert roles_done_by(m.OrdersFinished(run_id=RUN, orders=[])) == [Role.TRANSACTION]
    written = m.ResultsWritten(run_id=RUN, status="Completed", statistics={}, runtime_statistics={})
    assert roles_done_by(written) == [Role.RESULT]
    assert roles_done_by(m.DataBatchRequest(run_id=RUN)) == []


def test_each_request_stream_has_one_serving_role() -> None:
    assert server_of(Stream.ORDER_REQUESTS) is Role.TRANSACTION
    assert server_of(Stream.CLOCK_REQUESTS) is Role.REALTIME
    assert server_of(Stream.DATA_REQUESTS) is Role.DATA_FEED
    assert server_of(Stream.SLICES) is None


def test_an_endpoint_takes_a_type_only_on_the_stream_its_table_names(lean_data_folder: Path) -> None:
    feed = DataFeedHandler(SubscriptionDataReader(lean_data_folder, cache=FrameCache()), RUN)
    endpoint = RoleEndpoint(Role.DATA_FEED, feed, RUN)
    request = m.DataBatchRequest(run_id=RUN)

    assert endpoint.consumes(Stream.DATA_REQUESTS, request)
    assert not endpoint.consumes(Stream.CONTROL, request)
    assert endpoint.serves(
        Stream.DATA_REQUESTS, m.HistoryRequest(run_id=RUN, subscriptions=[], start_ns=0, end_ns=1)
    )
    assert not endpoint.serves(Stream.DATA_REQUESTS, request)
    assert endpoint.subjects() == [f"lean.{RUN}.control", f"lean.{RUN}.data.requests"]


def test_the_feed_is_done_once_the_algorithm_finished(lean_data_folder: Path) -> None:
    feed = DataFeedHandler(SubscriptionDataReader(lean_data_folder, cache=FrameCache()), RUN)
    endpoint = RoleEndpoint(Role.DATA_FEED, feed, RUN)

    assert endpoint.deliver(Stream.CONTROL, _finished()) == []
    assert endpoint.done


def test_an_order_request_waits_until_its_batch_reached_the_transaction_handler(
    lean_data_folder: Path,
) -> None:
    endpoint = RoleEndpoint(Role.TRANSACTION, TransactionHandler(SecurityFactory(lean_data_folder), RUN), RUN)
    request = m.SubmitOrderRequest(
        run_id=RUN, utc_ns=1, symbol_id="SPY R735QTJ8XC9X", symbol_value="SPY",
        order_type=OrderType.MARKET, quantity=Decimal(1), batch_index=0,
    )  # fmt: skip
    batch = m.DataBatch(run_id=RUN, index=0, times=pack_array(np.array([1], dtype=np.int64)), frames=[])

    assert endpoint.ready_for(m.ScanOrdersRequest(run_id=RUN, utc_ns=0))  # made before any batch
    assert not endpoint.ready_for(request)
    endpoint.deliver(Stream.SLICES, batch)
    assert endpoint.ready_for(request)


def test_an_endpoint_refuses_to_answer_what_its_table_does_not_list(lean_data_folder: Path) -> None:
    endpoint = RoleEndpoint(Role.TRANSACTION, TransactionHandler(SecurityFactory(lean_data_folder), RUN), RUN)

    with pytest.raises(TypeError, match="transaction does not answer ClockEventsRequest"):
        endpoint.answer(Stream.ORDER_REQUESTS, m.ClockEventsRequest(run_id=RUN, after_ns=0, until_ns=1))
