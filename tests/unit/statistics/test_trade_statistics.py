"""LEAN's transaction record and the win/loss statistics measured against running capital."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from lean_core.statistics import TradeRecord, TransactionRecord, win_loss_statistics

NOON = datetime(2013, 10, 8, 16, tzinfo=UTC)


class TestTransactionRecord:
    def test_records_at_a_taken_time_move_on_by_a_millisecond(self) -> None:
        record = TransactionRecord()

        times = [record.add(NOON, Decimal(pnl)).utc_time for pnl in ("10", "-5", "3")]

        assert times == [NOON, NOON + timedelta(milliseconds=1), NOON + timedelta(milliseconds=2)]
        assert list(record.profit_loss().values()) == [Decimal(10), Decimal(-5), Decimal(3)]

    def test_a_win_is_a_positive_profit_unless_flagged(self) -> None:
        record = TransactionRecord()

        flags = [record.add(NOON, Decimal(pnl)).is_win for pnl in ("1", "0", "-1")]
        flagged = record.add(NOON, Decimal(-1), is_win=True)

        assert flags == [True, False, False]
        assert flagged.is_win


class TestWinLossStatistics:
    def test_averages_use_the_capital_running_at_each_trade(self) -> None:
        records = [
            TradeRecord(NOON, Decimal(1000), True),
            TradeRecord(NOON + timedelta(days=1), Decimal(-1010), False),
            TradeRecord(NOON + timedelta(days=2), Decimal(2000), True),
        ]

        result = win_loss_statistics(records, Decimal(100000))

        # 1000/100000 and 2000/99990 average to 0.0150...; -1010/101000 = -0.01.
        assert result.average_win_rate == Decimal("0.01500100010001000100010001")
        assert result.average_loss_rate == Decimal("-0.01")
        assert result.win_rate == Decimal("0.6666666666666666666666666667")
        assert result.loss_rate == Decimal("0.3333333333333333333333333333")
        # 2/3 x 1.5001 - 1/3, in C# decimals (28 significant digits at most).
        assert result.expectancy == Decimal("0.6667333400006667333400006668")

    def test_no_losses_leave_the_profit_loss_ratio_at_zero(self) -> None:
        result = win_loss_statistics([TradeRecord(NOON, Decimal(5), True)], Decimal(100))

        assert (result.profit_loss_ratio, result.win_rate, result.expectancy) == (
            Decimal(0),
            Decimal(1),
            Decimal(-0),
        )

    def test_given_win_and_loss_counts_replace_the_split_in_the_rates(self) -> None:
        records = [TradeRecord(NOON, Decimal(-5), True)]

        result = win_loss_statistics(records, Decimal(100), win_count=1, loss_count=0)

        assert (result.average_loss_rate, result.win_rate, result.loss_rate) == (
            Decimal("-0.05"),
            Decimal(1),
            Decimal(0),
        )
