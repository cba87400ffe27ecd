"""The public names of leanbus's algorithm API, re-exported by `AlgorithmImports`.

Every indicator `lean_core.indicators` exports is part of it, bar the few names that package
exports only to type its own modules.
"""

from __future__ import annotations

import importlib.util
import math
import sys
from datetime import date, datetime, time, timedelta
from types import ModuleType

import numpy as np

from lean_core import indicators
from lean_core.algorithm.order_ticket import OrderResponse, OrderTicket, UpdateOrderFields
from lean_core.algorithm.qc_algorithm import QCAlgorithm
from lean_core.algorithm.time_span import TimeSpan
from lean_core.data.bars import Bar, QuoteBar, Tick, TradeBar
from lean_core.data.consolidators import (
    Calendar,
    IdentityDataConsolidator,
    QuoteBarConsolidator,
    TradeBarConsolidator,
)
from lean_core.data.custom_data import (
    DynamicData,
    Extensions,
    FileFormat,
    Globals,
    PythonData,
    SubscriptionDataSource,
    SubscriptionTransportMedium,
)
from lean_core.data.slice import QuoteBars, Slice, Ticks, TradeBars
from lean_core.data.subscription import SubscriptionDataConfig
from lean_core.enums import (
    AccountType,
    DataNormalizationMode,
    Market,
    OrderDirection,
    OrderStatus,
    OrderType,
    Resolution,
    SecurityType,
    TickType,
    TimeInForce,
)
from lean_core.indicators import *  # noqa: F403
from lean_core.orders.events import OrderEvent
from lean_core.orders.orders import Order
from lean_core.scheduling.date_rules import DayOfWeek
from lean_core.securities.brokerage_model import BrokerageName
from lean_core.symbols import Symbol
from lean_core.symbols.symbol_properties import SymbolProperties
from lean_core.time.exchange_hours import SecurityExchangeHours
from lean_core.time.time_zones import TimeZones

# what lean_core.indicators exports for typing its own modules, not for algorithms
_INDICATOR_INTERNALS = frozenset(
    {
        "BaseDataLike",
        "DataBar",
        "IndicatorUpdatedEvent",
        "RiskFreeInterestRateModel",
        "TradeBarLike",
        "UpdatedHandler",
        "as_indicator",
    }
)


def _lazy_module(name: str) -> ModuleType:
    """Return module `name`, executed on its first attribute access rather than now.

    `pd` is part of the API, yet most algorithms never touch pandas, whose import costs about a
    third of a second of every run.
    """
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot find module {name}")
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


pd = _lazy_module("pandas")

__all__ = [
    "AccountType",
    "Bar",
    "BrokerageName",
    "Calendar",
    "DataNormalizationMode",
    "DayOfWeek",
    "DynamicData",
    "Extensions",
    "FileFormat",
    "Globals",
    "IdentityDataConsolidator",
    "Market",
    "Order",
    "OrderDirection",
    "OrderEvent",
    "OrderResponse",
    "OrderStatus",
    "OrderTicket",
    "OrderType",
    "PythonData",
    "QCAlgorithm",
    "QuoteBar",
    "QuoteBarConsolidator",
    "QuoteBars",
    "Resolution",
    "SecurityExchangeHours",
    "SecurityType",
    "Slice",
    "SubscriptionDataConfig",
    "SubscriptionDataSource",
    "SubscriptionTransportMedium",
    "Symbol",
    "SymbolProperties",
    "Tick",
    "TickType",
    "Ticks",
    "TimeInForce",
    "TimeSpan",
    "TimeZones",
    "TradeBar",
    "TradeBarConsolidator",
    "TradeBars",
    "UpdateOrderFields",
    "date",
    "datetime",
    "math",
    "np",
    "pd",
    "time",
    "timedelta",
]
__all__ += [name for name in indicators.__all__ if name not in _INDICATOR_INTERNALS]
