"""Custom data points as columns: what the data feed sends and the algorithm turns back into objects.

A `CustomDataFrame` holds one subscription's points: times (UTC ns), value, and one column per
piece of state the user's reader set. Float state (the usual `point["Close"] = 7.5`) travels as a
float64 column with NaN where a point lacks it (LEAN stores such values as decimals, which cannot be
NaN); any other value (ints, text, dates, decimals, lists) travels in an object column, encoded by
`encode_objects`. Column keys say what they restore: `p:<Name>` a dynamic property set by index,
`a:<name>` a plain attribute of the instance.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Final
from zoneinfo import ZoneInfo

import msgspec
import numpy as np
import numpy.typing as npt

from lean_core.data.bars import BoolArray, FloatArray, Int64Array, local_to_ns, ns_to_local
from lean_core.data.custom_data import BASE_FIELDS, CustomDataError, DynamicData, PythonData
from lean_core.symbols import Symbol

__all__ = ["CustomDataFrame", "decode_objects", "encode_objects"]

PROPERTY: Final = "p:"
ATTRIBUTE: Final = "a:"
_ABSENT: Final = msgspec.msgpack.Ext(0, b"")
_DECIMAL, _DATETIME, _DATE, _TIMEDELTA, _SYMBOL = 1, 2, 3, 4, 5
_encoder = msgspec.msgpack.Encoder()


class _Missing:
    """A row that lacks a column's value."""

    def __repr__(self) -> str:
        return "<absent>"


MISSING: Final = _Missing()


@dataclass(frozen=True, slots=True)
class CustomDataFrame:
    """One custom data subscription's points as arrays; `data_class` rebuilds them as objects."""

    symbol: Symbol
    type_name: str
    time: Int64Array
    end_time: Int64Array
    value: FloatArray
    numbers: dict[str, FloatArray] = field(default_factory=dict)
    objects: dict[str, list[Any]] = field(default_factory=dict)
    is_fill_forward: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=np.bool_))
    data_class: type[DynamicData] = field(default=PythonData, compare=False)

    def __post_init__(self) -> None:
        if len(self.is_fill_forward) != len(self.time):
            object.__setattr__(self, "is_fill_forward", np.zeros(len(self.time), dtype=np.bool_))

    def __len__(self) -> int:
        return len(self.time)

    # -- building -------------------------------------------------------------------------------
    @classmethod
    def empty(cls, symbol: Symbol, type_name: str) -> CustomDataFrame:
        """Return a frame with no points."""
        none = np.zeros(0, dtype=np.int64)
        return cls(symbol, type_name, none, none.copy(), np.zeros(0, dtype=np.float64))

    @classmethod
    def from_points(
        cls, symbol: Symbol, points: Sequence[DynamicData], time_zone: ZoneInfo, type_name: str = ""
    ) -> CustomDataFrame:
        """Turn reader output (times naive in `time_zone`) into columns."""
        name = type_name or (type(points[0]).__name__ if points else "PythonData")
        if not points:
            return cls.empty(symbol, name)
        states = [_state(point) for point in points]
        numbers, objects = _columns(states)
        return cls(
            symbol,
            name,
            np.array([local_to_ns(p.time, time_zone) for p in points], dtype=np.int64),
            np.array([local_to_ns(p.end_time, time_zone) for p in points], dtype=np.int64),
            np.array([_float(p.value, "value", name) for p in points], dtype=np.float64),
            numbers,
            objects,
            np.array([bool(p.is_fill_forward) for p in points], dtype=np.bool_),
            type(points[0]),
        )

    def with_class(self, data_class: type[DynamicData]) -> CustomDataFrame:
        """Return the frame rebuilding its points as `data_class` instances."""
        return replace(self, data_class=data_class)

    # -- rows -----------------------------------------------------------------------------------
    def select(self, index: slice | npt.NDArray[np.intp] | npt.NDArray[np.bool_]) -> CustomDataFrame:
        """Return the rows picked by a slice, an index array or a mask."""
        rows = np.arange(len(self.time))[index]
        return CustomDataFrame(
            self.symbol,
            self.type_name,
            self.time[index],
            self.end_time[index],
            self.value[index],
            {key: column[index] for key, column in self.numbers.items()},
            {key: [column[int(row)] for row in rows] for key, column in self.objects.items()},
            self.is_fill_forward[index],
            self.data_class,
        )

    def point(self, index: int, time_zone: ZoneInfo) -> DynamicData:
        """Return row `index` as an instance of `data_class`, times naive in `time_zone`."""
        point = self.data_class.__new__(self.data_class)
        state = point.__dict__
        state["symbol"] = self.symbol
        state["time"] = ns_to_local(int(self.time[index]), time_zone)
        state["_end_time"] = ns_to_local(int(self.end_time[index]), time_zone)
        state["value"] = float(self.value[index])
        state["is_fill_forward"] = bool(self.is_fill_forward[index])
        for key, column in self.numbers.items():
            number = float(column[index])
            if not math.isnan(number):  # NaN marks a point without this value
                _restore(point, key, number)
        for key, values in self.objects.items():
            if values[index] is not MISSING:
                _restore(point, key, values[index])
        return point


def _state(point: DynamicData) -> dict[str, Any]:
    """Return a point's user state by column key."""
    state = {f"{PROPERTY}{point.property_name(key)}": v for key, v in point.get_storage_dictionary().items()}
    for name, value in vars(point).items():
        if name not in BASE_FIELDS and not name.startswith("__"):
            state[f"{ATTRIBUTE}{name}"] = value
    return state


def _columns(states: list[dict[str, Any]]) -> tuple[dict[str, FloatArray], dict[str, list[Any]]]:
    keys = list(dict.fromkeys(key for state in states for key in state))
    numbers: dict[str, FloatArray] = {}
    objects: dict[str, list[Any]] = {}
    for key in keys:
        values = [state.get(key, MISSING) for state in states]
        if all(v is MISSING or isinstance(v, float | np.floating) for v in values):
            numbers[key] = np.array([np.nan if v is MISSING else v for v in values], dtype=np.float64)
        else:
            objects[key] = values
    return numbers, objects


def _restore(point: DynamicData, key: str, value: Any) -> None:
    if key.startswith(PROPERTY):
        point.restore_property(key[len(PROPERTY) :], value)
    else:
        point.__dict__[key[len(ATTRIBUTE) :]] = value


def _float(value: Any, what: str, type_name: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise CustomDataError(f"{type_name}.{what} must be a number, got {value!r}") from None


# -- object columns on the wire ------------------------------------------------------------------
def encode_objects(values: Iterable[Any], column: str) -> bytes:
    """Encode an object column for the wire (numbers, text, dates, decimals, symbols, lists, dicts)."""
    return _encoder.encode([_wire(value, column) for value in values])


def decode_objects(data: bytes) -> list[Any]:
    """Decode an object column; rows that lacked the value come back as `MISSING`."""
    values: list[Any] = msgspec.msgpack.decode(data, ext_hook=_from_ext)
    return values


# Values msgpack has no type for travel as extension types: (code, how to write one as text).
_EXTENSIONS: Final[list[tuple[type, int, Callable[[Any], str]]]] = [
    (Decimal, _DECIMAL, str),
    (datetime, _DATETIME, datetime.isoformat),  # before date: a datetime is a date
    (date, _DATE, date.isoformat),
    (timedelta, _TIMEDELTA, lambda span: str(span // timedelta(microseconds=1))),
    (Symbol, _SYMBOL, lambda symbol: f"{symbol.id}\n{symbol.value}"),
]


def _wire(value: Any, column: str) -> Any:
    if value is MISSING:
        return _ABSENT
    if value is None or isinstance(value, bool | int | float | str | bytes):
        return value
    for kind, code, text in _EXTENSIONS:
        if isinstance(value, kind):
            return msgspec.msgpack.Ext(code, text(value).encode())
    if isinstance(value, np.generic):
        return _wire(value.item(), column)
    if isinstance(value, list | tuple):
        return [_wire(item, column) for item in value]
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {key: _wire(item, column) for key, item in value.items()}
    raise CustomDataError(
        f"custom data {column[2:]!r} holds a {type(value).__name__}, which cannot travel between "
        "services: keep numbers, text, dates, decimals, symbols, lists and dicts of them"
    )


def _from_ext(code: int, data: memoryview) -> Any:
    text = bytes(data).decode()
    if code == 0:
        return MISSING
    if code == _DECIMAL:
        return Decimal(text)
    if code == _DATETIME:
        return datetime.fromisoformat(text)
    if code == _DATE:
        return date.fromisoformat(text)
    if code == _TIMEDELTA:
        return timedelta(microseconds=int(text))
    if code == _SYMBOL:
        sid, _, value = text.partition("\n")
        return Symbol.parse(sid, value)
    raise ValueError(f"unknown custom data value code {code}")
