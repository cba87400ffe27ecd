# Re-creation of LEAN's DisplacedMovingAverageRibbon: six copies of a 15-day SMA of SPY,
# each delayed by a further 5 days; buy when the ribbon is ordered one way, sell the other.
from AlgorithmImports import *


class DisplacedMovingAverageRibbon(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2009, 1, 1)
        self.set_end_date(2015, 1, 1)
        self._spy = self.add_equity("SPY", Resolution.DAILY).symbol

        base = SimpleMovingAverage(15)
        self._ribbon = []
        for step in range(1, 7):
            displaced = IndicatorExtensions.of(Delay(5 * step), base)
            self.register_indicator(self._spy, displaced, Resolution.DAILY)
            self._ribbon.append(displaced)
        self._last_day = None

    def on_data(self, data):
        if not data[self._spy]:
            return
        if not all(line.is_ready for line in self._ribbon):
            return
        today = self.time.date()
        if self._last_day == today:
            return

        levels = [line.current.value for line in self._ribbon]
        quantity = self.portfolio[self._spy].quantity
        if quantity <= 0 and _never_rising(levels):
            self.set_holdings(self._spy, 1.0)
        elif quantity > 0 and _never_falling(levels):
            self.liquidate(self._spy)

        self._last_day = today


def _never_rising(levels):
    # LEAN's helper skips a leading zero value the same way ("if not last").
    previous = None
    for level in levels:
        if not previous:
            previous = level
            continue
        if previous < level:
            return False
        previous = level
    return True


def _never_falling(levels):
    previous = None
    for level in levels:
        if not previous:
            previous = level
            continue
        if previous > level:
            return False
        previous = level
    return True
