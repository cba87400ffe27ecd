"""`history()`: past bars as pandas DataFrames shaped like LEAN's."""

from __future__ import annotations

from lean_core.algorithm.core import AlgorithmCore


class HistoryMixin(AlgorithmCore):
    """The part of `QCAlgorithm` that requests history."""
