"""Closed-trade profit and loss, and LEAN's win/loss statistics built from it.

LEAN's transaction manager keeps one record per position-closing fill (realised profit minus
twice that fill's fee), keyed by UTC time; a second record at the same time moves on by one
millisecond. The portfolio statistics then measure each profit against the capital running at
that moment: starting capital plus every earlier profit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from lean_core.statistics import dotnet

__all__ = ["TradeRecord", "TransactionRecord", "WinLossStatistics", "win_loss_statistics"]

_ZERO = Decimal(0)
_ONE_MILLISECOND = timedelta(milliseconds=1)


@dataclass(frozen=True, slots=True)
class TradeRecord:
    """The profit or loss of one closing fill; `is_win` is LEAN's flag (profit > 0, bar option exercises)."""

    utc_time: datetime
    profit_loss: Decimal
    is_win: bool


class TransactionRecord:
    """LEAN's transaction record: one entry per closing fill, with unique times."""

    def __init__(self) -> None:
        self._records: dict[datetime, TradeRecord] = {}

    def add(self, utc_time: datetime, profit_loss: Decimal, is_win: bool | None = None) -> TradeRecord:
        """Record a closing fill; a taken time moves on by 1 ms until free. Return the stored record."""
        key = utc_time
        while key in self._records:
            key += _ONE_MILLISECOND
        record = TradeRecord(key, profit_loss, profit_loss > 0 if is_win is None else is_win)
        self._records[key] = record
        return record

    def __len__(self) -> int:
        return len(self._records)

    @property
    def records(self) -> list[TradeRecord]:
        """Return the records in time order."""
        return [self._records[key] for key in sorted(self._records)]

    def profit_loss(self) -> dict[datetime, Decimal]:
        """Return time -> profit or loss, in time order (the result JSON's "profitLoss")."""
        return {record.utc_time: record.profit_loss for record in self.records}


@dataclass(frozen=True, slots=True)
class WinLossStatistics:
    """LEAN's trade-based portfolio statistics (fractions, not percentages)."""

    average_win_rate: Decimal = _ZERO
    average_loss_rate: Decimal = _ZERO
    profit_loss_ratio: Decimal = _ZERO
    win_rate: Decimal = _ZERO
    loss_rate: Decimal = _ZERO
    expectancy: Decimal = _ZERO


def win_loss_statistics(
    records: Iterable[TradeRecord],
    starting_capital: Decimal,
    win_count: int | None = None,
    loss_count: int | None = None,
) -> WinLossStatistics:
    """Return average win/loss (each profit over the capital running then), ratios and expectancy.

    A profit of zero or less is a loss in the averages; the win and loss rates use `win_count`
    and `loss_count` when given (LEAN counts records by their `is_win` flag), otherwise the
    same split as the averages.
    """
    running_capital = starting_capital
    total_profit = total_loss = _ZERO
    wins = losses = 0
    for record in sorted(records, key=lambda r: r.utc_time):
        share = dotnet.divide(record.profit_loss, running_capital)
        if record.profit_loss > 0:
            total_profit, wins = dotnet.add(total_profit, share), wins + 1
        else:
            total_loss, losses = dotnet.add(total_loss, share), losses + 1
        running_capital = dotnet.add(running_capital, record.profit_loss)
    average_win = _ZERO if wins == 0 else dotnet.divide(total_profit, Decimal(wins))
    average_loss = _ZERO if losses == 0 else dotnet.divide(total_loss, Decimal(losses))
    ratio = _ZERO if average_loss == 0 else dotnet.divide(average_win, abs(average_loss))
    if win_count is not None and loss_count is not None:
        wins, losses = win_count, loss_count
    trades = wins + losses
    win_rate = _ZERO if trades == 0 else dotnet.divide(Decimal(wins), Decimal(trades))
    loss_rate = _ZERO if trades == 0 else dotnet.divide(Decimal(losses), Decimal(trades))
    expectancy = dotnet.subtract(dotnet.multiply(win_rate, ratio), loss_rate)
    return WinLossStatistics(average_win, average_loss, ratio, win_rate, loss_rate, expectancy)
