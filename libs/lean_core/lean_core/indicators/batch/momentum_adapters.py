"""Batch adapters of the momentum family: momentum and rates of change, RSI, MACD and its oscillators.

RSI and MACD run their averages through the averages' own adapters and kernels, so they take any
average `averages.py` lists and give its bits; their state is that module's packed layout.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from lean_core.indicators.base import IndicatorBase, WindowIndicator
from lean_core.indicators.batch import momentum_kernels as kernels
from lean_core.indicators.batch.adapters import (
    BatchAdapter,
    CompositeAdapter,
    FedInputs,
    KernelState,
    export_point_window,
    feed_point_window,
)
from lean_core.indicators.batch.averages import (
    has_kernels,
    import_average,
    pack,
    run_average,
    smoothing_kinds,
    take_last_input,
    unpack,
)
from lean_core.indicators.data_point import IndicatorDataPoint, new_point
from lean_core.indicators.momentum import (
    AbsolutePriceOscillator,
    Momentum,
    MomentumPercent,
    MovingAverageConvergenceDivergence,
    PercentagePriceOscillator,
    RateOfChange,
    RateOfChangePercent,
    RateOfChangeRatio,
    RelativeStrengthIndex,
)
from lean_core.symbols import Symbol

__all__ = ["MOMENTUM_ADAPTERS"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


# --------------------------------------------------------------------------------------------
# Momentum and the rates of change
# --------------------------------------------------------------------------------------------
class _ChangeAdapter(BatchAdapter[WindowIndicator[IndicatorDataPoint]]):
    """Momentum and the rates of change: state = (ring of the window's values, [oldest slot, samples]).

    The ring only feeds the kernel: the indicator's window of points is rebuilt from the inputs.
    """

    def __init__(self, kernel: Callable[[FloatArray, FloatArray, IntArray, FloatArray], None]) -> None:
        self._kernel = kernel

    def export_state(self, indicator: WindowIndicator[IndicatorDataPoint]) -> KernelState:
        return export_point_window(indicator._inputs)

    def import_state(
        self, indicator: WindowIndicator[IndicatorDataPoint], state: KernelState, fed: FedInputs
    ) -> None:
        feed_point_window(indicator._inputs, fed.symbol, fed.times, fed.inputs)

    def run(self, state: KernelState, inputs: FloatArray, out: FloatArray) -> None:
        ring, ints = state
        self._kernel(inputs, ring, ints, out)


# --------------------------------------------------------------------------------------------
# RSI
# --------------------------------------------------------------------------------------------
def _price_changes(prices: FloatArray, previous: float | None) -> tuple[FloatArray, FloatArray, int]:
    """Return the gains and losses RSI feeds its averages, and how many prices had no change (0 or 1).

    Gains and losses are the price changes split by sign; the first price has no change when
    there is no previous one.
    """
    if previous is None:
        changes = prices[1:] - prices[:-1]
        skipped = min(1, len(prices))
    else:
        changes = np.diff(prices, prepend=previous)
        skipped = 0
    rising = changes >= 0  # a change of 0 is a gain of 0, as in the streaming update
    return np.where(rising, changes, 0.0), np.where(rising, 0.0, -changes), skipped


class RelativeStrengthIndexAdapter(CompositeAdapter[RelativeStrengthIndex]):
    """RSI over averages with kernels: outputs = RSI, average gain, average loss (NaN: no update).

    Own state: ([previous price, average gain, average loss], [whether there is a previous price]).
    """

    outputs: ClassVar[int] = 3

    def accepts(self, indicator: RelativeStrengthIndex) -> bool:
        return has_kernels(indicator.average_gain, indicator.average_loss)

    def parts(self, indicator: RelativeStrengthIndex) -> tuple[IndicatorBase[Any], ...]:
        return indicator.average_gain, indicator.average_loss

    def export_state(self, indicator: RelativeStrengthIndex) -> KernelState:
        previous = indicator._previous_input
        gain, loss = indicator.average_gain, indicator.average_loss
        floats = [previous.value if previous is not None else 0.0, gain.current.value, loss.current.value]
        own = (np.array(floats, dtype=np.float64), np.array([previous is not None], dtype=np.int64))
        return pack(own, (gain, loss))

    def run(self, state: KernelState, inputs: FloatArray, out: FloatArray) -> None:
        kinds = smoothing_kinds(state)
        if kinds is not None:  # one kernel for the changes, both averages and RSI
            _, floats, ints, gain_floats, gain_ints, loss_floats, loss_ints = state
            gain_kind, loss_kind = kinds
            kernels.rsi_kernel(
                inputs,
                floats,
                ints,
                gain_floats,
                gain_ints,
                loss_floats,
                loss_ints,
                out,
                gain_kind,
                loss_kind,
            )
            return
        (floats, ints), (gain, loss) = unpack(state)
        gains, losses, skipped = _price_changes(inputs, float(floats[0]) if ints[0] else None)
        average_gains, average_losses = run_average(gain, gains), run_average(loss, losses)
        kernels.rsi_values(average_gains, average_losses, skipped, floats[1:], out)
        if len(inputs):
            floats[0] = inputs[-1]
            ints[0] = 1

    def import_state(self, indicator: RelativeStrengthIndex, state: KernelState, fed: FedInputs) -> None:
        if not len(fed.times):
            return
        _, (gain, loss) = unpack(state)
        previous = indicator._previous_input  # still the batch's first: publishing leaves it
        gains, losses, skipped = _price_changes(fed.inputs, None if previous is None else previous.value)
        times, rows = fed.times[skipped:], fed.outputs[skipped:]
        import_average(gain, indicator.average_gain, FedInputs(None, times, gains, rows[:, 1:2]))
        import_average(loss, indicator.average_loss, FedInputs(None, times, losses, rows[:, 2:3]))
        indicator._previous_input = new_point(fed.symbol, fed.times[-1], float(fed.inputs[-1]))

    def publish_parts(
        self, indicator: RelativeStrengthIndex, symbol: Symbol | None, time: datetime, row: Sequence[float]
    ) -> None:
        if not math.isnan(row[1]):
            indicator.average_gain._publish(None, time, row[1])
            indicator.average_loss._publish(None, time, row[2])


# --------------------------------------------------------------------------------------------
# MACD and the price oscillators
# --------------------------------------------------------------------------------------------
class MovingAverageConvergenceDivergenceAdapter(CompositeAdapter[MovingAverageConvergenceDivergence]):
    """MACD over averages with kernels (and APO, a MACD by another name).

    Outputs: MACD, fast, slow, signal, histogram (NaN: not updated at that input). Own state:
    ([samples, warm-up period] of the fast, slow and signal averages), which say when the signal
    and the histogram update.
    """

    outputs: ClassVar[int] = 5
    #: whether the value is the MACD in percent of the slow average (a PPO's), not the MACD
    percent: ClassVar[bool] = False

    def accepts(self, indicator: MovingAverageConvergenceDivergence) -> bool:
        return has_kernels(indicator.fast, indicator.slow, indicator.signal)

    def parts(self, indicator: MovingAverageConvergenceDivergence) -> tuple[IndicatorBase[Any], ...]:
        return indicator.fast, indicator.slow, indicator.signal, indicator.histogram

    def export_state(self, indicator: MovingAverageConvergenceDivergence) -> KernelState:
        averages = (indicator.fast, indicator.slow, indicator.signal)
        counts = [number for average in averages for number in (average.samples, average.warm_up_period)]
        return pack((np.array(counts, dtype=np.int64),), averages)

    def run(self, state: KernelState, inputs: FloatArray, out: FloatArray) -> None:
        kinds = smoothing_kinds(state)
        if kinds is not None:  # one kernel for the three averages and the MACD's arithmetic
            _, counts, fast_floats, fast_ints, slow_floats, slow_ints, signal_floats, signal_ints = state
            fast_kind, slow_kind, signal_kind = kinds
            kernels.macd_kernel(
                inputs,
                counts,
                fast_floats,
                fast_ints,
                slow_floats,
                slow_ints,
                signal_floats,
                signal_ints,
                out,
                (fast_kind, slow_kind, signal_kind),
                self.percent,
            )
            return
        (counts,), (fast_part, slow_part, signal_part) = unpack(state)
        fast, slow = run_average(fast_part, inputs), run_average(slow_part, inputs)
        macd = fast - slow
        # the signal takes the MACD once both averages are ready, the histogram once it is
        both_ready = _ready_after(counts[0:2], len(inputs)) & _ready_after(counts[2:4], len(inputs))
        signal_inputs = macd[both_ready]
        signal = run_average(signal_part, signal_inputs)
        histogram = np.where(_ready_after(counts[4:6], len(signal)), signal_inputs - signal, np.nan)
        out[:, 0] = self._value(macd, slow)
        out[:, 1] = fast
        out[:, 2] = slow
        out[:, 3:5] = np.nan
        out[both_ready, 3] = signal
        out[both_ready, 4] = histogram
        counts[0] += len(inputs)
        counts[2] += len(inputs)
        counts[4] += len(signal)

    def _value(self, macd: FloatArray, slow: FloatArray) -> FloatArray:
        """Return the indicator's own value from the MACD and the slow average."""
        return macd

    def import_state(
        self, indicator: MovingAverageConvergenceDivergence, state: KernelState, fed: FedInputs
    ) -> None:
        if not len(fed.times):
            return
        _, (fast, slow, signal) = unpack(state)
        rows = fed.outputs
        import_average(fast, indicator.fast, fed._replace(outputs=rows[:, 1:2]))
        import_average(slow, indicator.slow, fed._replace(outputs=rows[:, 2:3]))
        fed_signal = np.flatnonzero(~np.isnan(rows[:, 3]))
        times = [fed.times[index] for index in fed_signal.tolist()]
        macd = rows[fed_signal, 1] - rows[fed_signal, 2]  # what the signal took (a PPO's value is not it)
        import_average(signal, indicator.signal, FedInputs(None, times, macd, rows[fed_signal, 3:4]))
        fed_histogram = np.flatnonzero(~np.isnan(rows[:, 4]))
        if len(fed_histogram):  # the histogram (an Identity) keeps no state but its last input
            last = int(fed_histogram[-1])
            take_last_input(indicator.histogram, None, fed.times[last], float(rows[last, 4]))

    def publish_parts(
        self,
        indicator: MovingAverageConvergenceDivergence,
        symbol: Symbol | None,
        time: datetime,
        row: Sequence[float],
    ) -> None:
        indicator.fast._publish(symbol, time, row[1])
        indicator.slow._publish(symbol, time, row[2])
        if not math.isnan(row[3]):
            indicator.signal._publish(None, time, row[3])
            if not math.isnan(row[4]):
                indicator.histogram._publish(None, time, row[4])


class PercentagePriceOscillatorAdapter(MovingAverageConvergenceDivergenceAdapter):
    """PPO: the MACD's parts, and as its value the MACD in percent of the slow average (0 if none)."""

    percent = True

    def _value(self, macd: FloatArray, slow: FloatArray) -> FloatArray:
        value = np.zeros_like(macd)
        nonzero = slow != 0
        # Past the float range the streaming division gives an infinity (or NaN), as Python floats do,
        # without a warning: so here.
        with np.errstate(over="ignore", invalid="ignore"):
            value[nonzero] = 100 * macd[nonzero] / slow[nonzero]  # (100 * difference) / slow, as streaming
        return value


def _ready_after(counts: npt.NDArray[np.int64], inputs: int) -> npt.NDArray[np.bool_]:
    """Return whether an average of [samples, warm-up period] is ready after each of `inputs` more."""
    samples, warm_up_period = int(counts[0]), int(counts[1])
    return np.arange(samples + 1, samples + inputs + 1) >= warm_up_period


MOMENTUM_ADAPTERS: dict[type[IndicatorBase[Any]], BatchAdapter[Any]] = {
    Momentum: _ChangeAdapter(kernels.momentum_kernel),
    RateOfChange: _ChangeAdapter(kernels.rate_of_change_kernel),
    RateOfChangePercent: _ChangeAdapter(kernels.rate_of_change_percent_kernel),
    MomentumPercent: _ChangeAdapter(kernels.rate_of_change_percent_kernel),
    RateOfChangeRatio: _ChangeAdapter(kernels.rate_of_change_ratio_kernel),
    RelativeStrengthIndex: RelativeStrengthIndexAdapter(),
    MovingAverageConvergenceDivergence: MovingAverageConvergenceDivergenceAdapter(),
    AbsolutePriceOscillator: MovingAverageConvergenceDivergenceAdapter(),
    PercentagePriceOscillator: PercentagePriceOscillatorAdapter(),
}
