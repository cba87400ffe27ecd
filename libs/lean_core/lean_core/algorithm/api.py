"""The public names of leanbus's algorithm API, re-exported by `AlgorithmImports`."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd

from lean_core.algorithm.order_ticket import OrderResponse, OrderTicket, UpdateOrderFields
from lean_core.algorithm.qc_algorithm import QCAlgorithm
from lean_core.data.bars import Bar, QuoteBar, Tick, TradeBar
from lean_core.data.consolidators import (
    Calendar,
    IdentityDataConsolidator,
    QuoteBarConsolidator,
    TradeBarConsolidator,
)
from lean_core.data.slice import QuoteBars, Slice, Ticks, TradeBars
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
from lean_core.indicators import (
    AverageTrueRange,
    BollingerBands,
    ExponentialMovingAverage,
    IndicatorDataPoint,
    Momentum,
    MovingAverageConvergenceDivergence,
    MovingAverageType,
    RateOfChange,
    RelativeStrengthIndex,
    RollingWindow,
    SimpleMovingAverage,
    StandardDeviation,
)
from lean_core.orders.events import OrderEvent
from lean_core.orders.orders import Order
from lean_core.scheduling.date_rules import DayOfWeek
from lean_core.securities.brokerage_model import BrokerageName
from lean_core.symbols import Symbol

__all__ = [
    "AccountType",
    "AverageTrueRange",
    "Bar",
    "BollingerBands",
    "BrokerageName",
    "Calendar",
    "DataNormalizationMode",
    "DayOfWeek",
    "ExponentialMovingAverage",
    "IdentityDataConsolidator",
    "IndicatorDataPoint",
    "Market",
    "Momentum",
    "MovingAverageConvergenceDivergence",
    "MovingAverageType",
    "Order",
    "OrderDirection",
    "OrderEvent",
    "OrderResponse",
    "OrderStatus",
    "OrderTicket",
    "OrderType",
    "QCAlgorithm",
    "QuoteBar",
    "QuoteBarConsolidator",
    "QuoteBars",
    "RateOfChange",
    "RelativeStrengthIndex",
    "Resolution",
    "RollingWindow",
    "SecurityType",
    "SimpleMovingAverage",
    "Slice",
    "StandardDeviation",
    "Symbol",
    "Tick",
    "TickType",
    "Ticks",
    "TimeInForce",
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
