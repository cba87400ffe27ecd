"""`QCAlgorithm`: LEAN's algorithm API in its snake_case Python form.

User algorithms subclass it and override `initialize` and the event methods.
"""

from __future__ import annotations

from lean_core.algorithm.core import AlgorithmCore, AlgorithmSetupError
from lean_core.algorithm.history import HistoryMixin
from lean_core.algorithm.indicator_helpers import IndicatorHelpersMixin
from lean_core.algorithm.scheduling_api import SchedulingMixin
from lean_core.algorithm.securities_api import SecuritiesMixin
from lean_core.algorithm.trading import TradingMixin

__all__ = ["AlgorithmSetupError", "QCAlgorithm"]


class QCAlgorithm(
    TradingMixin, SecuritiesMixin, SchedulingMixin, HistoryMixin, IndicatorHelpersMixin, AlgorithmCore
):
    """Base class of every algorithm."""
