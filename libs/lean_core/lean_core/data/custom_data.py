"""Custom data as LEAN's Python users write it: `PythonData` subclasses with `get_source` and `reader`.

A subclass tells where its data lives for a date (`get_source` returns a `SubscriptionDataSource`)
and turns one line of it into a data point (`reader`). A data point carries LEAN's base fields
(`symbol`, `time`, `end_time`, `value`) and any number of dynamic properties set by index
(`point["Close"] = 7.5`), read back case-insensitively by index, by `get_property`, or as an
attribute (`point.close`, and `point.volume_btc` for a property named "VolumeBTC").

The engine never calls these classes across services: the data feed reads them into columns
(`lean_core.data.custom_frame`), and the algorithm rebuilds instances of the user's own class.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from enum import IntEnum
from types import ModuleType
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from lean_core.enums import Resolution, TickType
from lean_core.errors import LeanError
from lean_core.namespaces import subclasses_in
from lean_core.symbols import Symbol
from lean_core.time.time_zones import TimeZones

__all__ = [
    "BASE_FIELDS",
    "CustomDataError",
    "CustomDataTypes",
    "DynamicData",
    "Extensions",
    "FileFormat",
    "Globals",
    "PythonData",
    "SubscriptionDataSource",
    "SubscriptionTransportMedium",
    "to_snake_case",
]

#: LEAN's `DateTime.MinValue`: a data point whose end time stays here is dropped by the reader.
MIN_TIME = datetime.min
#: Attribute names the engine carries itself; everything else in an instance's `__dict__` is user state.
BASE_FIELDS = frozenset({"symbol", "time", "_end_time", "value", "is_fill_forward", "_storage", "_names"})
# Dynamic property names that LEAN redirects to the base fields.
_REDIRECTED = {"time": "time", "endtime": "end_time", "end_time": "end_time", "value": "value"}
_SNAKE_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


class CustomDataError(LeanError):
    """A custom data type or source cannot be used as asked."""


class FileFormat(IntEnum):
    """How a source's content is laid out (LEAN's `FileFormat`)."""

    CSV = 0
    BINARY = 1
    ZIP_ENTRY_NAME = 2
    UNFOLDING_COLLECTION = 3
    INDEX = 4
    FOLDING_COLLECTION = 5


class SubscriptionTransportMedium(IntEnum):
    """Where a source is fetched from (LEAN's `SubscriptionTransportMedium`)."""

    LOCAL_FILE = 0
    REMOTE_FILE = 1
    REST = 2
    STREAMING = 3
    OBJECT_STORE = 4


def to_snake_case(name: str) -> str:
    """Return `name` in snake case ("VolumeBTC" -> "volume_btc", "WeightedPrice" -> "weighted_price")."""
    return _SNAKE_BOUNDARY.sub("_", name).lower()


class SubscriptionDataSource:
    """Where a custom data type's data comes from for one date, and how it is laid out."""

    def __init__(
        self,
        source: str,
        transport_medium: SubscriptionTransportMedium | None = None,
        format: FileFormat = FileFormat.CSV,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
    ) -> None:
        self.source = str(source)
        self.transport_medium = _default_medium(self.source) if transport_medium is None else transport_medium
        self.format = format
        pairs = headers.items() if isinstance(headers, Mapping) else (headers or ())
        self.headers: list[tuple[str, str]] = [(str(k), str(v)) for k, v in pairs]
        # LEAN sorts a source's points by end time only when asked: files are expected in order.
        self.sort = False

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SubscriptionDataSource):
            return NotImplemented
        return (self.source, self.transport_medium, self.headers) == (
            other.source,
            other.transport_medium,
            other.headers,
        )

    def __hash__(self) -> int:
        return hash((self.source, self.transport_medium))

    def __repr__(self) -> str:
        return f"{self.transport_medium.name}: {self.format.name} {self.source}"


def _default_medium(source: str) -> SubscriptionTransportMedium:
    if source.lower().startswith(("http://", "https://")):
        return SubscriptionTransportMedium.REMOTE_FILE
    return SubscriptionTransportMedium.LOCAL_FILE


class DynamicData:
    """A data point with LEAN's base fields and dynamic properties.

    Class-level defaults stand in for a constructor, so a subclass whose `__init__` does not
    call `super().__init__()` still works, as it does in LEAN.
    """

    symbol: Symbol | None = None
    time: datetime = MIN_TIME
    value: float = 0.0
    is_fill_forward: bool = False
    _end_time: datetime | None = None

    # -- base fields ---------------------------------------------------------------------------
    @property
    def end_time(self) -> datetime:
        """Return when the point is known: the end time set, else `time` (LEAN's PythonData)."""
        end = self._end_time
        return self.time if end is None or end == MIN_TIME else end

    @end_time.setter
    def end_time(self, moment: datetime) -> None:
        self._end_time = moment
        if self.time == MIN_TIME:
            self.time = moment

    @property
    def price(self) -> float:
        """Return the value (LEAN's `BaseData.Price`)."""
        return self.value

    @property
    def period(self) -> timedelta:
        """Return the span the point covers (end time minus time)."""
        return self.end_time - self.time

    # -- dynamic properties --------------------------------------------------------------------
    def _stores(self) -> tuple[dict[str, Any], dict[str, str]]:
        """Return the values by lower-case name and the names as the user wrote them."""
        state = self.__dict__
        if "_storage" not in state:
            state["_storage"], state["_names"] = {}, {}
        return state["_storage"], state["_names"]

    def set_property(self, name: str, value: Any) -> Any:
        """Set a dynamic property; "time", "end_time" and "value" also set the base fields."""
        key = name.lower()
        base = _REDIRECTED.get(key)
        if base is not None:
            setattr(self, base, value)
        elif key == "symbol" and isinstance(value, Symbol):
            self.symbol = value
        self.restore_property(name, value)
        return value

    def restore_property(self, name: str, value: Any) -> None:
        """Store a dynamic property without touching the base fields (the engine rebuilding a point)."""
        storage, names = self._stores()
        storage[name.lower()] = value
        names[name.lower()] = name

    def property_name(self, key: str) -> str:
        """Return a property's name as it was set (`key` is its lower-case form)."""
        return self._stores()[1].get(key, key)

    def get_property(self, name: str) -> Any:
        """Return a property by name, ignoring case (snake case also works); KeyError if absent."""
        key = name.lower()
        if key in ("time", "endtime", "end_time", "value", "symbol", "price"):
            return getattr(self, "end_time" if key == "endtime" else key)
        storage, names = self._stores()
        if key in storage:
            return storage[key]
        for lower, written in names.items():
            if to_snake_case(written) == key:
                return storage[lower]
        known = ", ".join(storage)
        raise KeyError(f"Property with name '{key}' does not exist. Properties: Time, Symbol, Value {known}")

    def has_property(self, name: str) -> bool:
        """Tell whether a dynamic property of that name was set."""
        return name.lower() in self._stores()[0]

    def get_storage_dictionary(self) -> dict[str, Any]:
        """Return the dynamic properties by lower-case name."""
        return self._stores()[0]

    def __getitem__(self, name: str) -> Any:
        return self.get_property(name)

    def __setitem__(self, name: str, value: Any) -> None:
        self.set_property(name, value)

    def __getattr__(self, name: str) -> Any:
        # Only reached when normal lookup fails: fall back to the dynamic properties.
        if name.startswith("__") or name in ("_storage", "_names"):
            raise AttributeError(name)
        try:
            return self.get_property(name)
        except KeyError:
            raise AttributeError(
                f"{type(self).__name__} has no attribute or property {name!r}; "
                f"properties: {', '.join(self.get_storage_dictionary()) or 'none'}"
            ) from None

    def clone(self) -> DynamicData:
        """Return a copy with its own property dictionaries."""
        copy = type(self).__new__(type(self))
        copy.__dict__.update(self.__dict__)
        storage, names = self._stores()
        copy.__dict__["_storage"], copy.__dict__["_names"] = dict(storage), dict(names)
        return copy

    def __repr__(self) -> str:
        symbol = self.symbol.value if isinstance(self.symbol, Symbol) else self.symbol
        return f"{symbol}: {self.value}"


class PythonData(DynamicData):
    """The base of a LEAN Python custom data type: override `get_source` and `reader`."""

    def get_source(self, config: Any, date: datetime, is_live_mode: bool) -> SubscriptionDataSource | None:
        """Return where the data for `date` lives."""
        raise CustomDataError(f"{type(self).__name__} must define get_source(config, date, is_live_mode)")

    def reader(self, config: Any, line: str, date: datetime, is_live_mode: bool) -> DynamicData | None:
        """Turn one line of the source into a data point (None to skip the line)."""
        raise CustomDataError(f"{type(self).__name__} must define reader(config, line, date, is_live_mode)")

    def default_resolution(self) -> Resolution:
        """Return the resolution `add_data` uses when none is given."""
        return Resolution.MINUTE

    def supported_resolutions(self) -> list[Resolution]:
        """Return the resolutions this type can be subscribed at."""
        return list(Resolution)

    def is_sparse_data(self) -> bool:
        """Tell whether gaps are expected (missing files are then not worth a warning)."""
        return True

    def requires_mapping(self) -> bool:
        """Tell whether the ticker follows an equity's renames (it must then be added first)."""
        return False

    def data_time_zone(self) -> ZoneInfo:
        """Return the zone the data is stamped in, and the exchange's (always open) zone."""
        return TimeZones.NEW_YORK


class Globals:
    """LEAN's process-wide settings that custom data sources use."""

    data_folder: ClassVar[str] = os.environ.get("LEAN_DATA_FOLDER", "data")


class Extensions:
    """The few LEAN extension methods custom data readers call."""

    @staticmethod
    def convert_to(moment: datetime, from_zone: ZoneInfo, to_zone: ZoneInfo) -> datetime:
        """Convert a naive time from one zone to another (naive result)."""
        if from_zone == to_zone:
            return moment
        return moment.replace(tzinfo=from_zone).astimezone(to_zone).replace(tzinfo=None)

    @staticmethod
    def tick_type_to_lower(tick_type: TickType) -> str:
        """Return the tick type as LEAN writes it in file names ("trade", "quote", "openinterest")."""
        return tick_type.file_name

    @staticmethod
    def to_date(moment: datetime | date) -> date:
        """Return the date part."""
        return moment.date() if isinstance(moment, datetime) else moment


class CustomDataTypes:
    """The custom data classes a run can read, by class name (LEAN keys custom types by name).

    The data feed gets one injected: it may run in its own process, so it loads the algorithm's
    module itself (`from_module`) rather than reaching into the algorithm object.
    """

    def __init__(self, classes: Iterable[type[PythonData]] = ()) -> None:
        self._classes: dict[str, type[PythonData]] = {}
        for cls in classes:
            self.add(cls)

    @classmethod
    def from_module(cls, module: ModuleType | None) -> CustomDataTypes:
        """Collect every `PythonData` subclass a module defines or imports at its top level."""
        return cls.from_namespace(vars(module) if module is not None else {})

    @classmethod
    def from_namespace(cls, namespace: Mapping[str, object]) -> CustomDataTypes:
        """Collect every `PythonData` subclass among a module's global names."""
        return cls(subclasses_in(namespace.values(), PythonData))

    @classmethod
    def beside(cls, algorithm_class: type) -> CustomDataTypes:
        """Collect the custom data classes of the module that defines `algorithm_class`."""
        module = sys.modules.get(algorithm_class.__module__)
        if module is not None:
            return cls.from_module(module)
        # a module imported and then dropped from sys.modules still has its globals
        initialize = getattr(algorithm_class, "initialize", None)
        return cls.from_namespace(getattr(initialize, "__globals__", {}))

    def add(self, data_class: type[PythonData]) -> None:
        """Make a class resolvable by its name."""
        self._classes[data_class.__name__] = data_class

    def resolve(self, name: str) -> type[PythonData]:
        """Return the class of that name, or raise a CustomDataError saying where it must be defined."""
        found = self._classes.get(name)
        if found is None:
            known = ", ".join(sorted(self._classes)) or "none"
            raise CustomDataError(
                f"custom data type {name!r} is unknown to the data feed (known: {known}); define it "
                "at the top level of the algorithm's module"
            )
        return found

    def __contains__(self, name: object) -> bool:
        return name in self._classes

    def __len__(self) -> int:
        return len(self._classes)
