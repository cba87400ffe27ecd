"""Packing between in-memory frames and wire messages, and the msgpack encoder and decoder.

Columns travel as raw little-endian buffers; unpacking uses `np.frombuffer`, so an
in-process receiver reads the sender's memory without a copy.
"""

from __future__ import annotations

from typing import Any

import msgspec
import numpy as np
import numpy.typing as npt

from lean_core.bus import messages as m
from lean_core.data.bars import (
    QUOTE_COLUMNS,
    TICK_COLUMNS,
    TRADE_COLUMNS,
    QuoteBarFrame,
    TickFrame,
    TradeBarFrame,
)
from lean_core.data.custom_frame import CustomDataFrame, decode_objects, encode_objects
from lean_core.enums import TickType
from lean_core.symbols import Symbol

BarFrame = TradeBarFrame | QuoteBarFrame | TickFrame
AnyFrame = BarFrame | CustomDataFrame
CUSTOM_KIND = "custom"
_CUSTOM_BASE = ("time", "end_time", "value", "is_fill_forward")
_TEXT = ("exchange", "sale_condition")
_KIND_COLUMNS = {"trade": TRADE_COLUMNS, "quote": QUOTE_COLUMNS}
_TICK_KINDS = {"tick_trade": TickType.TRADE, "tick_quote": TickType.QUOTE}


def _dtype(name: str) -> npt.DTypeLike:
    if name in ("time", "end_time"):
        return np.int64
    if name in ("is_fill_forward", "suspicious"):
        return np.bool_
    return np.float64


def pack_array(array: npt.NDArray[Any]) -> bytes:
    """Return the array's buffer (contiguous, native little-endian on every supported host)."""
    return np.ascontiguousarray(array).tobytes()


def unpack_array(buffer: bytes, dtype: npt.DTypeLike) -> npt.NDArray[Any]:
    """Return a read-only view of a packed buffer."""
    return np.frombuffer(buffer, dtype=dtype)


def frame_kind(frame: AnyFrame) -> str:
    """Name the kind of a frame on the wire."""
    if isinstance(frame, CustomDataFrame):
        return CUSTOM_KIND
    if isinstance(frame, TradeBarFrame):
        return "trade"
    if isinstance(frame, QuoteBarFrame):
        return "quote"
    return "tick_trade" if frame.tick_type == TickType.TRADE else "tick_quote"


def pack_frame(
    subscription: int,
    frame: AnyFrame,
    step_rows: npt.NDArray[np.int64],
    price_factors: list[tuple[int, str]] | None = None,
) -> m.FrameColumns:
    """Pack a frame and its step rows."""
    if isinstance(frame, CustomDataFrame):
        return _pack_custom(subscription, frame, step_rows)
    kind = frame_kind(frame)
    names = TICK_COLUMNS if isinstance(frame, TickFrame) else _KIND_COLUMNS[kind]
    columns = {name: pack_array(getattr(frame, name)) for name in names if name not in _TEXT}
    text = (
        {name: [str(x) for x in getattr(frame, name)] for name in _TEXT}
        if isinstance(frame, TickFrame)
        else {}
    )
    return m.FrameColumns(
        subscription=subscription,
        kind=kind,
        length=len(frame),
        columns=columns,
        step_rows=pack_array(step_rows.astype(np.int64, copy=False)),
        text_columns=text,
        price_factors=price_factors or [],
    )


def _pack_custom(
    subscription: int, frame: CustomDataFrame, step_rows: npt.NDArray[np.int64]
) -> m.FrameColumns:
    columns = {name: pack_array(getattr(frame, name)) for name in _CUSTOM_BASE}
    columns.update({key: pack_array(column) for key, column in frame.numbers.items()})
    return m.FrameColumns(
        subscription=subscription,
        kind=CUSTOM_KIND,
        length=len(frame),
        columns=columns,
        step_rows=pack_array(step_rows.astype(np.int64, copy=False)),
        custom_type=frame.type_name,
        object_columns={key: encode_objects(values, key) for key, values in frame.objects.items()},
    )


def _unpack_custom(packed: m.FrameColumns, symbol: Symbol) -> CustomDataFrame:
    base = {name: unpack_array(packed.columns[name], _dtype(name)) for name in _CUSTOM_BASE}
    numbers = {
        key: unpack_array(buffer, np.float64)
        for key, buffer in packed.columns.items()
        if key not in _CUSTOM_BASE
    }
    objects = {key: decode_objects(data) for key, data in packed.object_columns.items()}
    return CustomDataFrame(
        symbol,
        packed.custom_type,
        base["time"],
        base["end_time"],
        base["value"],
        numbers,
        objects,
        base["is_fill_forward"],
    )


def unpack_frame(packed: m.FrameColumns, symbol: Symbol) -> AnyFrame:
    """Rebuild a frame from its packed columns (custom frames as generic `PythonData` points)."""
    if packed.kind == CUSTOM_KIND:
        return _unpack_custom(packed, symbol)
    arrays = {name: unpack_array(buffer, _dtype(name)) for name, buffer in packed.columns.items()}
    if packed.kind in _TICK_KINDS:
        for name, values in packed.text_columns.items():
            arrays[name] = np.asarray(values, dtype=np.str_)
        return TickFrame(symbol, _TICK_KINDS[packed.kind], *(arrays[name] for name in TICK_COLUMNS))
    if packed.kind == "trade":
        return TradeBarFrame(symbol, *(arrays[name] for name in TRADE_COLUMNS))
    if packed.kind == "quote":
        return QuoteBarFrame(symbol, *(arrays[name] for name in QUOTE_COLUMNS))
    raise ValueError(f"unknown frame kind {packed.kind!r} for subscription {packed.subscription}")


def unpack_rows(packed: m.FrameColumns) -> npt.NDArray[np.int64]:
    """Return a frame's step rows."""
    return unpack_array(packed.step_rows, np.int64)


def unpack_times(batch: m.DataBatch) -> npt.NDArray[np.int64]:
    """Return a batch's step times (UTC ns)."""
    return unpack_array(batch.times, np.int64)


AnyMessage = (
    m.AlgorithmInitialized
    | m.DataBatchRequest
    | m.DataBatch
    | m.DataFeedFinished
    | m.HistoryRequest
    | m.HistoryReply
    | m.ScheduleEventRequest
    | m.RemoveScheduledEventRequest
    | m.ScheduleAcknowledged
    | m.ClockEventsRequest
    | m.ClockEventsReply
    | m.SubmitOrderRequest
    | m.UpdateOrderRequest
    | m.CancelOrderRequest
    | m.ScanOrdersRequest
    | m.OrderReply
    | m.OrderEvents
    | m.OrdersFinished
    | m.AlgorithmProgress
    | m.AlgorithmFinished
    | m.ResultsWritten
    | m.RunSubmitted
    | m.RunAccepted
    | m.JoinRun
    | m.RunJoined
    | m.ServiceFailed
    | m.Heartbeat
)

_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(AnyMessage)


def encode(message: m.Message) -> bytes:
    """Encode any message as msgpack."""
    return _encoder.encode(message)


def decode(data: bytes) -> m.Message:
    """Decode a msgpack message; raises msgspec.ValidationError or DecodeError when malformed."""
    message: m.Message = _decoder.decode(data)
    return message
