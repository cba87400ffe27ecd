"""Heikin-Ashi: bars averaged with their predecessors to smooth out the noise."""

from __future__ import annotations

from lean_core.indicators.base import BarIndicator, Identity
from lean_core.indicators.data_point import DataBar

__all__ = ["HeikinAshi"]


class HeikinAshi(BarIndicator):
    """Heikin-Ashi bars as sub-indicators `open`, `high`, `low`, `close`, `volume`; the value is the close.

    The close is the bar's (open + high + low + close) / 4 and the open the mean of the previous
    Heikin-Ashi open and close; high and low stretch to cover both.
    """

    __slots__ = ("close", "high", "low", "open", "volume")

    def __init__(self, name: str = "HA") -> None:
        super().__init__(name)
        self.open = Identity(name + "_Open")
        self.high = Identity(name + "_High")
        self.low = Identity(name + "_Low")
        self.close = Identity(name + "_Close")
        self.volume = Identity(name + "_Volume")
        self.warm_up_period = 2

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        for line in (self.open, self.high, self.low, self.close, self.volume):
            line.reset()
        super().reset()

    def _compute_next_value(self, input: DataBar) -> float:
        time = input.end_time
        average = (input.open + input.high + input.low + input.close) / 4
        if not self.is_ready:
            self.open.update(time, (input.open + input.close) / 2)
            self.close.update(time, average)
            self.high.update(time, input.high)
            self.low.update(time, input.low)
        else:
            self.open.update(time, (self.open.current.value + self.close.current.value) / 2)
            self.close.update(time, average)
            ha_open, ha_close = self.open.current.value, self.close.current.value
            self.high.update(time, max(input.high, ha_open, ha_close))
            self.low.update(time, min(input.low, ha_open, ha_close))
        self.volume.update(time, float(getattr(input, "volume", 0.0)))
        return self.close.current.value
