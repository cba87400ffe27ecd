"""The SMA(10)/SMA(30) crossover on backtrader: one PandasData feed per symbol, whole shares, no commission.

    python -m bench.peer_backtrader BARS.npz [--quantity 10] [--max-orders N]

Timed from the bars in memory (numpy arrays) to the end of `cerebro.run()`; building the pandas frames
is inside the timing. Cerebro runs with its defaults (preload, vectorised indicators) but without the
standard observers, which only draw charts.
"""

from __future__ import annotations

from typing import Any

import backtrader as bt
import pandas as pd

from bench.peer_io import SymbolBars, peer_main


class SmaCross(bt.Strategy):
    """Per feed: buy `quantity` shares when SMA(10) > SMA(30) and flat; close when below and long."""

    params = (("fast", 10), ("slow", 30), ("quantity", 10), ("max_orders", None))

    def __init__(self) -> None:
        self.averages = [
            (
                bt.indicators.SMA(data.close, period=self.p.fast),
                bt.indicators.SMA(data.close, period=self.p.slow),
            )
            for data in self.datas
        ]
        self.orders = 0

    def next(self) -> None:
        for data, (fast, slow) in zip(self.datas, self.averages, strict=True):
            if self.p.max_orders is not None and self.orders >= self.p.max_orders:
                return
            invested = self.getposition(data).size != 0
            if fast[0] > slow[0] and not invested:
                self.buy(data=data, size=self.p.quantity)
                self.orders += 1
            elif fast[0] < slow[0] and invested:
                self.close(data=data)
                self.orders += 1


def _frame(item: SymbolBars) -> pd.DataFrame:
    columns: dict[str, Any] = {
        name: getattr(item, name) for name in ("open", "high", "low", "close", "volume")
    }
    return pd.DataFrame(columns, index=pd.to_datetime(item.time, unit="ns"))


def run(bars: list[SymbolBars], quantity: int, max_orders: int | None) -> int:
    """Run the crossover over every symbol's bars in one Cerebro; return the orders sent."""
    cerebro = bt.Cerebro(stdstats=False)
    cerebro.broker.setcash(1_000_000_000.0)
    for item in bars:
        cerebro.adddata(bt.feeds.PandasData(dataname=_frame(item), openinterest=None), name=item.ticker)
    cerebro.addstrategy(SmaCross, quantity=quantity, max_orders=max_orders)
    (strategy,) = cerebro.run()
    return int(strategy.orders)


if __name__ == "__main__":
    peer_main("backtrader", bt.__version__, run)
