"""The batch path: indicators computed a whole batch of inputs at a time by numba kernels.

Values and states are those of the streaming path (`IndicatorBase.update`) to the bit; see
`runner.IndicatorBatch` for how the engine publishes them step by step.
"""

from lean_core.indicators.batch.adapters import BatchAdapter
from lean_core.indicators.batch.registry import ADAPTERS, adapter_for
from lean_core.indicators.batch.runner import IndicatorBatch, compute_batch, update_batch

__all__ = ["ADAPTERS", "BatchAdapter", "IndicatorBatch", "adapter_for", "compute_batch", "update_batch"]
