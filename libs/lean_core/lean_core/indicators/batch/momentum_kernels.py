"""Numba kernels of the momentum family: changes over a window, RSI and MACD.

As in `kernels.py`, each repeats the streaming path's float operations in the same order, so the
batch path gives the same bits. A window is a ring laid out as `RollingWindow` lays out its items
(`rings`). Over exponential or Wilder's averages (their defaults) RSI and MACD run in one kernel
each, their averages stepped by `kernels.smooth`; over other averages their adapters run the
averages' own kernels (see `averages.py`), and `rsi_values` is RSI's own arithmetic on their values.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

from lean_core.indicators.batch.kernels import (
    Smoothing,
    SmoothingConstants,
    settled,
    smooth,
    smoothed,
    smoothing_constants,
    smoothing_of,
    store_smoothing,
)
from lean_core.indicators.batch.rings import add_newest

# RSI's threshold below which the average loss counts as none: the streaming path's constant
from lean_core.indicators.momentum import _LOSS_ROUNDS_TO_ZERO

__all__ = [
    "macd_kernel",
    "momentum_kernel",
    "rate_of_change_kernel",
    "rate_of_change_percent_kernel",
    "rate_of_change_ratio_kernel",
    "rsi_kernel",
    "rsi_values",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# what a change kernel computes from a value and the value `period` inputs back
_MOMENTUM = 0
_RATE_OF_CHANGE = 1
_RATE_OF_CHANGE_PERCENT = 2
_RATE_OF_CHANGE_RATIO = 3


@numba.njit(cache=True, error_model="numpy")
def momentum_kernel(
    inputs: FloatArray, ring: FloatArray, ints: IntArray, out: FloatArray
) -> None:  # pragma: no cover - compiled
    """Advance `Momentum`: value - reference (see `_changes`)."""
    _changes(inputs, ring, ints, out, _MOMENTUM)


@numba.njit(cache=True, error_model="numpy")
def rate_of_change_kernel(
    inputs: FloatArray, ring: FloatArray, ints: IntArray, out: FloatArray
) -> None:  # pragma: no cover - compiled
    """Advance `RateOfChange`: (value - reference) / reference, 0 for a zero reference."""
    _changes(inputs, ring, ints, out, _RATE_OF_CHANGE)


@numba.njit(cache=True, error_model="numpy")
def rate_of_change_percent_kernel(
    inputs: FloatArray, ring: FloatArray, ints: IntArray, out: FloatArray
) -> None:  # pragma: no cover - compiled
    """Advance `RateOfChangePercent` (and `MomentumPercent`): 100 times the rate of change."""
    _changes(inputs, ring, ints, out, _RATE_OF_CHANGE_PERCENT)


@numba.njit(cache=True, error_model="numpy")
def rate_of_change_ratio_kernel(
    inputs: FloatArray, ring: FloatArray, ints: IntArray, out: FloatArray
) -> None:  # pragma: no cover - compiled
    """Advance `RateOfChangeRatio`: the rate of change plus 1, 0 for a rate of 0."""
    _changes(inputs, ring, ints, out, _RATE_OF_CHANGE_RATIO)


@numba.njit(cache=True, inline="always")
def _changes(
    inputs: FloatArray, ring: FloatArray, ints: IntArray, out: FloatArray, mode: int
) -> None:  # pragma: no cover - compiled
    # Inlined with `mode` a constant, so the loop over the inputs has no branch on it. State: ring
    # = the window's values (`rings`), ints = [slot of the oldest once full, values seen]. An
    # input's reference is the value `len(ring)` inputs back, or the first value while fewer were
    # seen: the ring's for the first `len(ring)` inputs, an earlier input's after those, so the
    # changes do not depend on each other and overlap. They go into column 0 of `out` in place:
    # a 1-D view of it would let numba store several at a time, but making it costs a batch of
    # the engine's size more than that saves.
    size = len(ring)
    seen = ints[1]
    count = len(inputs)
    first = ring[0] if seen else inputs[0] if count else 0.0
    for index in range(min(count, size)):
        back = seen + index - size  # the reference's slot in the ring, once there is one
        reference = first if back < 0 else ring[back % size]
        out[index, 0] = _change(inputs[index], reference, mode)
    for index in range(size, count):
        at = np.uint64(index)  # unsigned indices: numba then skips its negative-index fix-up
        out[at, 0] = _change(inputs[at], inputs[at - np.uint64(size)], mode)
    ints[0] = add_newest(ring, seen, inputs)
    ints[1] = seen + count


@numba.njit(cache=True, inline="always")
def _change(value: float, reference: float, mode: int) -> float:  # pragma: no cover - compiled
    # Momentum, RateOfChange and its percent and ratio subclasses, step by step as they compute
    if mode == _MOMENTUM:
        return value - reference
    rate = 0.0 if reference == 0.0 else (value - reference) / reference
    if mode == _RATE_OF_CHANGE:
        return rate
    if mode == _RATE_OF_CHANGE_PERCENT:
        return 100.0 * rate
    return rate + 1.0 if rate != 0.0 else 0.0


@numba.njit(cache=True, error_model="numpy")
def rsi_kernel(
    inputs: FloatArray,
    floats: FloatArray,
    ints: IntArray,
    gain_floats: FloatArray,
    gain_ints: IntArray,
    loss_floats: FloatArray,
    loss_ints: IntArray,
    out: FloatArray,
    gain_kind: int,
    loss_kind: int,
) -> None:  # pragma: no cover - compiled
    """Advance RSI over smoothed averages (exponential or Wilder's, by kind) in one pass.

    Outputs: RSI, average gain, average loss (NaN: no update). Own state: floats = [previous
    price, average gain, average loss], ints = [whether there is a previous price]; the
    averages' arrays as their own adapters lay them out. The first price ever has no change: the
    averages keep their values at it.
    """
    states = (smoothing_of(gain_floats, gain_ints), smoothing_of(loss_floats, loss_ints))
    constants = (
        smoothing_constants(gain_kind, gain_floats, gain_ints),
        smoothing_constants(loss_kind, loss_floats, loss_ints),
    )
    count = len(inputs)
    skipped = 0 if ints[0] or not count else 1
    if skipped:
        floats[0] = inputs[0]
        out[0, 1] = np.nan
        out[0, 2] = np.nan
    # the averages' values into arrays of their own too, which RSI's pass reads several at a time
    gains, losses = np.empty(count - skipped, dtype=np.float64), np.empty(count - skipped, dtype=np.float64)
    index = skipped
    previous = floats[0]
    while index < count and not (settled(states[0], constants[0]) and settled(states[1], constants[1])):
        value = inputs[index]
        gain, loss = _gain_and_loss(value - previous)
        previous = value
        states = (smooth(states[0], constants[0], gain), smooth(states[1], constants[1], loss))
        out[index, 1] = gains[index - skipped] = states[0][1]
        out[index, 2] = losses[index - skipped] = states[1][1]
        index += 1
    states = _rsi_settled_run(inputs, index, previous, states, constants, out, gains, losses)
    _rsi_values(gains, losses, skipped, floats[1], floats[2], out)
    if count:
        floats[0], floats[1], floats[2] = inputs[count - 1], states[0][1], states[1][1]
        ints[0] = 1
    store_smoothing(states[0], gain_floats, gain_ints)
    store_smoothing(states[1], loss_floats, loss_ints)


@numba.njit(cache=True, inline="always")
def _gain_and_loss(change: float) -> tuple[float, float]:  # pragma: no cover - compiled
    # The streaming update's split, a change of 0 being a gain of 0 (and a loss of +0.0):
    #   gain = change if change >= 0 else 0.0;  loss = 0.0 if change >= 0 else -change
    # spelled as a maximum and a minimum (maxsd, minsd: the sign of a change is a coin toss, and a
    # branch on it mispredicts). For a finite change these give the same bits, zeros included:
    # 0.0 > -0.0 is false, so -0.0 stays a gain of -0.0, and 0.0 - (a change of 0) is +0.0.
    gain = 0.0 if change < 0.0 else change
    loss = 0.0 - (0.0 if change > 0.0 else change)
    return gain, loss


@numba.njit(cache=True, error_model="numpy")
def _rsi_settled_run(
    inputs: FloatArray,
    start: int,
    previous: float,
    states: tuple[Smoothing, Smoothing],
    constants: tuple[SmoothingConstants, SmoothingConstants],
    out: FloatArray,
    gains: FloatArray,
    losses: FloatArray,
) -> tuple[Smoothing, Smoothing]:  # pragma: no cover - compiled
    # The inputs from `start` once both averages are settled: their smoothing alone, their
    # samples after. Their values into `out`'s columns 1 and 2, and into `gains` and `losses`
    # (which hold one value per input but the first price ever: `skipped` before `start`).
    (gain_first, gain, gain_samples), (loss_first, loss, loss_samples) = states
    count = len(inputs)
    skipped = count - len(gains)
    for index in range(start, count):
        row = np.uint64(index)  # unsigned indices: numba then skips its negative-index fix-up
        at = np.uint64(index - skipped)
        value = inputs[row]
        up, down = _gain_and_loss(value - previous)
        previous = value
        gain = smoothed(gain, up, constants[0])
        loss = smoothed(loss, down, constants[1])
        out[row, 1] = gains[at] = gain
        out[row, 2] = losses[at] = loss
    steps = count - start
    return (gain_first, gain, gain_samples + steps), (loss_first, loss, loss_samples + steps)


@numba.njit(cache=True, error_model="numpy")
def _rsi_values(
    gains: FloatArray, losses: FloatArray, skipped: int, gain: float, loss: float, out: FloatArray
) -> None:  # pragma: no cover - compiled
    # RSI into column 0: from `gain` and `loss` for the first `skipped` inputs, then from the
    # averages' values. A pass of its own between arrays of their own (a column of `out` is
    # strided): the divisions do not depend on each other, so it runs several at a time.
    for index in range(skipped):
        out[index, 0] = _rsi(gain, loss)
    values = np.empty(len(gains), dtype=np.float64)
    for index in range(len(gains)):
        values[index] = _rsi(gains[index], losses[index])
    out[skipped:, 0] = values


@numba.njit(cache=True, inline="always")
def _rsi(gain: float, loss: float) -> float:  # pragma: no cover - compiled
    # max(x, 0.0) as Python takes it: x unless 0.0 is greater (a NaN stays NaN, -0.0 stays)
    average_loss = 0.0 if loss < 0.0 else loss
    average_gain = 0.0 if gain < 0.0 else gain
    if average_loss < _LOSS_ROUNDS_TO_ZERO:
        return 100.0
    return 100.0 - 100.0 / (1.0 + average_gain / average_loss)


@numba.njit(cache=True, error_model="numpy")
def macd_kernel(
    inputs: FloatArray,
    counts: IntArray,
    fast_floats: FloatArray,
    fast_ints: IntArray,
    slow_floats: FloatArray,
    slow_ints: IntArray,
    signal_floats: FloatArray,
    signal_ints: IntArray,
    out: FloatArray,
    kinds: tuple[int, int, int],
    percent: bool,
) -> None:  # pragma: no cover - compiled
    """Advance a MACD over smoothed averages (exponential or Wilder's, by kind) in one pass.

    Outputs: the value (the MACD; with `percent`, a PPO's: the MACD in percent of the slow
    average, 0 if that is 0), fast, slow, signal, histogram (NaN: not updated at that input).
    Own state: counts = [samples, warm-up period] of the fast, slow and signal averages: the
    signal takes the MACD once both averages are ready, the histogram once the signal is.
    """
    states = (
        smoothing_of(fast_floats, fast_ints),
        smoothing_of(slow_floats, slow_ints),
        smoothing_of(signal_floats, signal_ints),
    )
    constants = (
        smoothing_constants(kinds[0], fast_floats, fast_ints),
        smoothing_constants(kinds[1], slow_floats, slow_ints),
        smoothing_constants(kinds[2], signal_floats, signal_ints),
    )
    count = len(inputs)
    index = 0
    while index < count and not _macd_settled(states, constants, counts):
        states = _macd_step(inputs[index], states, constants, counts, out[index], percent)
        index += 1
    fast, slow, signal = _macd_settled_run(inputs[index:], states, constants, out[index:], percent)
    steps = count - index  # the settled run's: every average took each input
    counts[0] += steps
    counts[2] += steps
    counts[4] += steps
    store_smoothing(fast, fast_floats, fast_ints)
    store_smoothing(slow, slow_floats, slow_ints)
    store_smoothing(signal, signal_floats, signal_ints)


MacdStates = tuple[Smoothing, Smoothing, Smoothing]
MacdConstants = tuple[SmoothingConstants, SmoothingConstants, SmoothingConstants]


@numba.njit(cache=True, inline="always")
def _macd_step(
    value: float,
    states: MacdStates,
    constants: MacdConstants,
    counts: IntArray,
    row: FloatArray,
    percent: bool,
) -> MacdStates:  # pragma: no cover - compiled
    # One input, as the streaming update takes it: both averages, then the signal once they are
    # ready, the histogram once the signal is
    fast = smooth(states[0], constants[0], value)
    slow = smooth(states[1], constants[1], value)
    signal = states[2]
    counts[0] += 1
    counts[2] += 1
    macd = fast[1] - slow[1]
    row[1], row[2], row[3], row[4] = fast[1], slow[1], np.nan, np.nan
    if counts[0] >= counts[1] and counts[2] >= counts[3]:
        signal = smooth(signal, constants[2], macd)
        counts[4] += 1
        row[3] = signal[1]
        if counts[4] >= counts[5]:
            row[4] = macd - signal[1]
    row[0] = _macd_value(macd, slow[1], percent)
    return fast, slow, signal


@numba.njit(cache=True, inline="always")
def _macd_settled(states: MacdStates, constants: MacdConstants, counts: IntArray) -> bool:  # pragma: no cover
    # whether each next input only smooths the three averages and updates signal and histogram
    return (
        settled(states[0], constants[0])
        and settled(states[1], constants[1])
        and settled(states[2], constants[2])
        and counts[0] >= counts[1]
        and counts[2] >= counts[3]
        and counts[4] >= counts[5]
    )


@numba.njit(cache=True, error_model="numpy")
def _macd_settled_run(
    inputs: FloatArray, states: MacdStates, constants: MacdConstants, out: FloatArray, percent: bool
) -> MacdStates:  # pragma: no cover - compiled
    # `_macd_step` once every average is settled: their smoothing alone, their samples after
    (
        (fast_first, fast, fast_samples),
        (slow_first, slow, slow_samples),
        (signal_first, signal, signal_samples),
    ) = states
    fasts, slows, signals = constants
    count = len(inputs)
    for index in range(count):
        at = np.uint64(index)  # unsigned indices: numba then skips its negative-index fix-up
        value = inputs[at]
        fast = smoothed(fast, value, fasts)
        slow = smoothed(slow, value, slows)
        macd = fast - slow
        signal = smoothed(signal, macd, signals)
        out[at, 0] = _macd_value(macd, slow, percent)
        out[at, 1] = fast
        out[at, 2] = slow
        out[at, 3] = signal
        out[at, 4] = macd - signal
    return (
        (fast_first, fast, fast_samples + count),
        (slow_first, slow, slow_samples + count),
        (signal_first, signal, signal_samples + count),
    )


@numba.njit(cache=True, inline="always")
def _macd_value(macd: float, slow: float, percent: bool) -> float:  # pragma: no cover - compiled
    # the indicator's value: the MACD, or a PPO's (100 * difference) / slow, 0 for a zero slow
    if not percent:
        return macd
    return 100 * macd / slow if slow != 0 else 0.0


@numba.njit(cache=True, error_model="numpy")
def rsi_values(
    gains: FloatArray, losses: FloatArray, skipped: int, floats: FloatArray, out: FloatArray
) -> None:  # pragma: no cover - compiled
    """Write RSI and its averages' values per input, from the averages' values per price change.

    For averages `rsi_kernel` does not fuse. The first `skipped` inputs (0 or 1) had no previous
    price, so no change: the averages keep `floats` = [average gain, average loss] as they were
    (NaN in their columns: no update).
    """
    out[:skipped, 1:3] = np.nan
    out[skipped:, 1] = gains
    out[skipped:, 2] = losses
    _rsi_values(gains, losses, skipped, floats[0], floats[1], out)
    if len(gains):
        floats[0] = gains[-1]
        floats[1] = losses[-1]
