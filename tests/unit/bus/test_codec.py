"""Wire encoding: messages round-trip through msgpack; frames through packed columns."""

from __future__ import annotations

from decimal import Decimal

import msgspec
import numpy as np
import pytest

from lean_core.bus import messages as m
from lean_core.bus.codec import decode, encode, pack_frame, unpack_frame, unpack_rows
from lean_core.bus.subjects import Stream, all_runs, subject
from lean_core.data.bars import TradeBarFrame
from lean_core.enums import OrderType, SecurityType
from lean_core.symbols import Symbol


def test_order_request_round_trips_with_exact_decimals() -> None:
    request = m.SubmitOrderRequest(
        run_id="r1",
        utc_ns=1_381_152_660_000_000_000,
        symbol_id="SPY R735QTJ8XC9X",
        symbol_value="SPY",
        order_type=OrderType.LIMIT,
        quantity=Decimal("688"),
        limit_price=Decimal("144.77307790400"),
    )

    decoded = decode(encode(request))

    assert decoded == request
    assert isinstance(decoded, m.SubmitOrderRequest) and str(decoded.limit_price) == "144.77307790400"


@pytest.mark.parametrize("garbage", [b"", b"\x00\x01\x02", msgspec.msgpack.encode({"type": "NoSuchMessage"})])
def test_malformed_bytes_raise_a_msgspec_error(garbage: bytes) -> None:
    with pytest.raises(msgspec.MsgspecError):
        decode(garbage)


def test_trade_frame_round_trips_through_packed_columns() -> None:
    symbol = Symbol.create("SPY", SecurityType.EQUITY, "usa")
    frame = TradeBarFrame(
        symbol,
        np.array([0, 60], dtype=np.int64),
        np.array([60, 120], dtype=np.int64),
        np.array([1.0, 2.0]),
        np.array([1.5, 2.5]),
        np.array([0.5, 1.5]),
        np.array([1.25, 2.25]),
        np.array([100.0, 200.0]),
    )

    packed = pack_frame(3, frame, np.array([0, -1, 1], dtype=np.int64))
    restored = unpack_frame(decode_frame(packed), symbol)

    assert isinstance(restored, TradeBarFrame)
    np.testing.assert_array_equal(restored.close, frame.close)
    np.testing.assert_array_equal(unpack_rows(packed), [0, -1, 1])


def decode_frame(packed: m.FrameColumns) -> m.FrameColumns:
    return msgspec.msgpack.decode(msgspec.msgpack.encode(packed), type=m.FrameColumns)


def test_subjects_are_per_run_and_reject_wildcards() -> None:
    assert subject("abc123", Stream.ORDER_EVENTS) == "lean.abc123.orders.events"
    assert all_runs(Stream.ORDER_EVENTS) == "lean.*.orders.events"
    with pytest.raises(ValueError, match="run id"):
        subject("a.b", Stream.SLICES)
