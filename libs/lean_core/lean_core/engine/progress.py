"""How far a run got, from its progress messages: what every reporter of progress shows."""

from __future__ import annotations

import numpy as np

from lean_core.bus import messages as m
from lean_core.bus.codec import unpack_array

__all__ = ["last_step_ns", "run_fraction"]


def last_step_ns(progress: m.AlgorithmProgress) -> int | None:
    """Return the UTC time of the last step a progress message covers (None: it covers none)."""
    times = unpack_array(progress.step_times, np.int64)
    return int(times[-1]) if len(times) else None


def run_fraction(start_ns: int, end_ns: int, at_ns: int) -> float | None:
    """Return the share of the run's span done at `at_ns`, within [0, 1] (None: the span is empty)."""
    if end_ns <= start_ns:
        return None
    return min(max((at_ns - start_ns) / (end_ns - start_ns), 0.0), 1.0)
