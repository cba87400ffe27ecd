"""The SMA(10)/SMA(30) crossover on NautilusTrader's BacktestEngine, whole shares, default fees.

    python -m bench.peer_nautilus BARS.npz [--quantity 10] [--max-orders N]

One simulated venue (XNAS, cash account, netting), one `Equity` per symbol, 1-minute LAST bars built
from pandas frames with `BarDataWrangler`, and one strategy holding a SimpleMovingAverage(10) and (30)
per instrument. Timed from the bars in memory (numpy arrays) to the end of `engine.run()`: building
the frames and the Bar objects is inside the timing (the engine is not disposed of).

nautilus_trader 1.221.0 (the last release with CPython 3.11 wheels) needs pandas < 3, so it may live
in a venv of its own; this module imports nothing of leanbus.
"""

from __future__ import annotations

from decimal import Decimal

import nautilus_trader
import pandas as pd
from nautilus_trader.backtest.engine import BacktestEngine, BacktestEngineConfig
from nautilus_trader.config import LoggingConfig, StrategyConfig
from nautilus_trader.indicators import SimpleMovingAverage
from nautilus_trader.model.currencies import USD
from nautilus_trader.model.data import Bar, BarType
from nautilus_trader.model.enums import AccountType, OmsType, OrderSide
from nautilus_trader.model.identifiers import InstrumentId, Symbol, Venue
from nautilus_trader.model.instruments import Equity
from nautilus_trader.model.objects import Money, Price, Quantity
from nautilus_trader.persistence.wranglers import BarDataWrangler
from nautilus_trader.trading.strategy import Strategy

from bench.peer_io import SymbolBars, peer_main

_VENUE = Venue("XNAS")


class SmaCrossConfig(StrategyConfig, frozen=True):
    """The bar types to trade and the shares per entry."""

    bar_types: tuple[str, ...]
    quantity: int = 10
    max_orders: int | None = None
    fast: int = 10
    slow: int = 30


class SmaCross(Strategy):
    """Per instrument: buy `quantity` shares when SMA(10) > SMA(30) and flat; close when below and long."""

    def __init__(self, config: SmaCrossConfig) -> None:
        super().__init__(config)
        self.bar_types = [BarType.from_str(text) for text in config.bar_types]
        self.averages = {
            bar_type.instrument_id: (SimpleMovingAverage(config.fast), SimpleMovingAverage(config.slow))
            for bar_type in self.bar_types
        }
        self.orders = 0

    def on_start(self) -> None:
        for bar_type in self.bar_types:
            fast, slow = self.averages[bar_type.instrument_id]
            self.register_indicator_for_bars(bar_type, fast)
            self.register_indicator_for_bars(bar_type, slow)
            self.subscribe_bars(bar_type)

    def on_bar(self, bar: Bar) -> None:
        instrument_id = bar.bar_type.instrument_id
        fast, slow = self.averages[instrument_id]
        if not slow.initialized:
            return
        if self.config.max_orders is not None and self.orders >= self.config.max_orders:
            return
        if fast.value > slow.value and self.portfolio.is_flat(instrument_id):
            order = self.order_factory.market(
                instrument_id, OrderSide.BUY, Quantity.from_int(self.config.quantity)
            )
            self.submit_order(order)
            self.orders += 1
        elif fast.value < slow.value and self.portfolio.is_net_long(instrument_id):
            self.close_all_positions(instrument_id)
            self.orders += 1


def _equity(ticker: str) -> Equity:
    return Equity(
        instrument_id=InstrumentId(Symbol(ticker), _VENUE),
        raw_symbol=Symbol(ticker),
        currency=USD,
        price_precision=4,  # LEAN stores prices in deci-cents
        price_increment=Price.from_str("0.0001"),
        lot_size=Quantity.from_int(1),
        ts_event=0,
        ts_init=0,
    )


def _bars(item: SymbolBars, instrument: Equity) -> tuple[BarType, list[Bar]]:
    bar_type = BarType.from_str(f"{instrument.id}-1-MINUTE-LAST-EXTERNAL")
    frame = pd.DataFrame(
        {name: getattr(item, name) for name in ("open", "high", "low", "close", "volume")},
        index=pd.to_datetime(item.end_time, unit="ns", utc=True),  # Nautilus stamps a bar at its close
    )
    return bar_type, BarDataWrangler(bar_type, instrument).process(frame)


def run(bars: list[SymbolBars], quantity: int, max_orders: int | None) -> int:
    """Run the crossover over every symbol's bars in one BacktestEngine; return the orders sent."""
    engine = BacktestEngine(
        BacktestEngineConfig(
            trader_id="BENCH-001", logging=LoggingConfig(log_level="ERROR"), run_analysis=False
        )
    )
    engine.add_venue(
        venue=_VENUE,
        oms_type=OmsType.NETTING,
        account_type=AccountType.CASH,
        base_currency=USD,
        starting_balances=[Money(Decimal(10_000_000), USD)],
    )
    bar_types = []
    for index, item in enumerate(bars):
        instrument = _equity(item.ticker)
        engine.add_instrument(instrument)
        bar_type, data = _bars(item, instrument)
        engine.add_data(data, sort=index == len(bars) - 1)  # one sort by time, once all are in
        bar_types.append(str(bar_type))
    strategy = SmaCross(SmaCrossConfig(bar_types=tuple(bar_types), quantity=quantity, max_orders=max_orders))
    engine.add_strategy(strategy)
    engine.run()
    return int(strategy.orders)


if __name__ == "__main__":
    peer_main("nautilus", nautilus_trader.__version__, run)
