"""Wilder's parabolic stop and reverse, and its extended form with separate long and short factors."""

from __future__ import annotations

from typing import cast

from lean_core.indicators.base import BarIndicator, format_parameter, name_first
from lean_core.indicators.data_point import DataBar

__all__ = ["ParabolicStopAndReverse", "ParabolicStopAndReverseExtended"]


class ParabolicStopAndReverseExtended(BarIndicator):
    """SAREXT: the parabolic SAR with its own acceleration factors for long and short trends.

    The value is positive while long and negative while short (TA-Lib's convention). A
    non-zero `sar_start` fixes the first SAR and direction (positive: long); `offset_on_reverse`
    widens the SAR by that fraction at each reversal.
    """

    __slots__ = (
        "_af_increment_long",
        "_af_increment_short",
        "_af_init_long",
        "_af_init_short",
        "_af_long",
        "_af_max_long",
        "_af_max_short",
        "_af_short",
        "_extreme_point",
        "_is_long",
        "_offset_on_reverse",
        "_output_sar",
        "_previous_bar",
        "_sar",
        "_sar_init",
    )

    @name_first
    def __init__(
        self,
        sar_start: float = 0.0,
        offset_on_reverse: float = 0.0,
        af_start_short: float = 0.02,
        af_increment_short: float = 0.02,
        af_max_short: float = 0.2,
        af_start_long: float = 0.02,
        af_increment_long: float = 0.02,
        af_max_long: float = 0.2,
        *,
        name: str | None = None,
    ) -> None:
        parameters = [sar_start, offset_on_reverse, af_start_short, af_increment_short, af_max_short]
        parameters += [af_start_long, af_increment_long, af_max_long]
        name = name if name is not None else f"SAREXT({','.join(map(format_parameter, parameters))})"
        super().__init__(name)
        self._sar_init = float(sar_start)
        self._offset_on_reverse = float(offset_on_reverse)
        self._af_init_short = float(af_start_short)
        self._af_increment_short = float(af_increment_short)
        self._af_max_short = float(af_max_short)
        self._af_init_long = float(af_start_long)
        self._af_increment_long = float(af_increment_long)
        self._af_max_long = float(af_max_long)
        self.warm_up_period = 2
        self._clear()

    def _clear(self) -> None:
        self._af_short = self._af_init_short
        self._af_long = self._af_init_long
        self._is_long = False
        self._previous_bar: DataBar | None = None
        self._sar = 0.0
        self._extreme_point = 0.0
        self._output_sar = 0.0

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        self._clear()
        super().reset()

    def _compute_next_value(self, input: DataBar) -> float:
        if self.samples == 1:
            self._previous_bar = input
            return self._sar_init if self._sar_init != 0 else input.close
        if self.samples == 2:
            self._start(input)
        if self._is_long:
            self._step_long(input)
        else:
            self._step_short(input)
        self._previous_bar = input
        return self._output_sar

    def _start(self, bar: DataBar) -> None:
        previous = cast(DataBar, self._previous_bar)  # set by the first bar
        if self._sar_init > 0:
            self._is_long, self._sar = True, self._sar_init
        elif self._sar_init < 0:
            self._is_long, self._sar = False, abs(self._sar_init)
        else:
            # long unless the second bar moved down more than up
            falls = bar.low < previous.low and bar.high - previous.high < previous.low - bar.low
            self._is_long = not falls
            self._sar = previous.low if self._is_long else previous.high
        self._extreme_point = bar.high if self._is_long else bar.low
        self._previous_bar = bar

    def _step_long(self, bar: DataBar) -> None:
        previous = cast(DataBar, self._previous_bar)
        if bar.low <= self._sar:
            # reverse to short: the SAR jumps to the extreme point, kept above both highs
            self._is_long = False
            sar = max(self._extreme_point, previous.high, bar.high)
            if self._offset_on_reverse != 0:
                sar += sar * self._offset_on_reverse
            self._output_sar = -sar
            self._af_short = self._af_init_short
            self._extreme_point = bar.low
            sar += self._af_short * (self._extreme_point - sar)
            self._sar = max(sar, previous.high, bar.high)
            return
        self._output_sar = self._sar
        if bar.high > self._extreme_point:
            self._extreme_point = bar.high
            self._af_long = min(self._af_long + self._af_increment_long, self._af_max_long)
        sar = self._sar + self._af_long * (self._extreme_point - self._sar)
        self._sar = min(sar, previous.low, bar.low)

    def _step_short(self, bar: DataBar) -> None:
        previous = cast(DataBar, self._previous_bar)
        if bar.high >= self._sar:
            # reverse to long: the SAR jumps to the extreme point, kept below both lows
            self._is_long = True
            sar = min(self._extreme_point, previous.low, bar.low)
            if self._offset_on_reverse != 0:
                sar -= sar * self._offset_on_reverse
            self._output_sar = sar
            self._af_long = self._af_init_long
            self._extreme_point = bar.high
            sar += self._af_long * (self._extreme_point - sar)
            self._sar = min(sar, previous.low, bar.low)
            return
        self._output_sar = -self._sar
        if bar.low < self._extreme_point:
            self._extreme_point = bar.low
            self._af_short = min(self._af_short + self._af_increment_short, self._af_max_short)
        sar = self._sar + self._af_short * (self._extreme_point - self._sar)
        self._sar = max(sar, previous.high, bar.high)


class ParabolicStopAndReverse(ParabolicStopAndReverseExtended):
    """PSAR: Wilder's parabolic stop and reverse, the same factors for long and short trends."""

    __slots__ = ()

    @name_first
    def __init__(
        self,
        af_start: float = 0.02,
        af_increment: float = 0.02,
        af_max: float = 0.2,
        *,
        name: str | None = None,
    ) -> None:
        parameters = ",".join(map(format_parameter, (af_start, af_increment, af_max)))
        name = name if name is not None else f"PSAR({parameters})"
        super().__init__(0.0, 0.0, af_start, af_increment, af_max, af_start, af_increment, af_max, name=name)

    def _compute_next_value(self, input: DataBar) -> float:
        return abs(super()._compute_next_value(input))
