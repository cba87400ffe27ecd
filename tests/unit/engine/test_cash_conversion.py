"""Cash conversion rates in the engine: internal feeds, rates at each step, the transaction handler's."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from lean_core.algorithm.qc_algorithm import QCAlgorithm
from lean_core.bus import messages as m
from lean_core.bus.codec import unpack_times
from lean_core.data.bars import local_to_ns, ns_to_local
from lean_core.data.subscription import SubscriptionDataReader
from lean_core.engine.data_feed import DataFeedHandler
from lean_core.engine.embedded import BacktestRun
from lean_core.engine.result_handler import ResultHandler
from lean_core.engine.transaction_handler import _submission_data
from lean_core.enums import AccountType, Market, OrderStatus, Resolution, SecurityType, TickType
from lean_core.securities.brokerage_name import BrokerageName
from lean_core.symbols import Symbol
from lean_core.time.time_zones import TimeZones
from tests.unit.engine.builders import initialized
from tests.unit.securities.builders import BTCUSD, cash_book, crypto, quote_bar, trade_bar

NY = TimeZones.NEW_YORK
EURUSD = Symbol.create("EURUSD", SecurityType.FOREX, Market.OANDA)


# -- the data feed -------------------------------------------------------------------------------
def _initialized(
    specs: list[m.SubscriptionSpec], starting_value: Decimal | None = None
) -> m.AlgorithmInitialized:
    return initialized(
        local_to_ns(datetime(2018, 4, 4), NY),
        local_to_ns(datetime(2018, 4, 4, 23, 59, 59), NY),
        specs,
        starting_cash=Decimal(10000),
        account_type=AccountType.CASH,
        brokerage="GDAX",
        trading_days_per_year=365,
        cash_book={"USD": Decimal(10000), "EUR": Decimal(10000)},
        starting_portfolio_value=starting_value,
    )


def _eurusd(*, converts_currency: bool) -> m.SubscriptionSpec:
    return m.SubscriptionSpec(
        index=0,
        symbol_id=str(EURUSD.id),
        symbol_value="EURUSD",
        resolution=Resolution.MINUTE,
        tick_type=TickType.QUOTE,
        fill_forward=converts_currency,
        is_internal=True,
        converts_currency=converts_currency,
    )


@pytest.mark.lean_data
@pytest.mark.parametrize(("converts_currency", "first"), [(True, datetime(2018, 4, 4)), (False, None)])
def test_a_conversion_feed_starts_with_the_run_where_the_benchmark_starts_a_day_early(
    lean_data_folder: Path, converts_currency: bool, first: datetime | None
) -> None:
    feed = DataFeedHandler(SubscriptionDataReader(lean_data_folder), "r")
    assert feed.on_initialized(_initialized([_eurusd(converts_currency=converts_currency)])) == []

    batch = feed.on_batch_request(m.DataBatchRequest(run_id="r", count=1))[0][1]

    assert isinstance(batch, m.DataBatch)
    opening = ns_to_local(int(unpack_times(batch)[0]), NY)
    if first is not None:  # the bar ending at the start, as for the algorithm's own feeds
        assert opening == first
    else:
        assert opening < datetime(2018, 4, 4)  # the previous trading day's bars prime it


# -- the result handler --------------------------------------------------------------------------
def test_the_statistics_start_from_the_seeded_starting_value(tmp_path: Path) -> None:
    handler = ResultHandler("r", data_folder=tmp_path, output_folder=tmp_path)

    handler.on_initialized(_initialized([], Decimal("31592.845")))

    assert handler._recorder is not None
    assert handler._recorder.starting_portfolio_value == Decimal("31592.845")


def test_without_a_seeded_value_the_cash_amounts_are_summed(tmp_path: Path) -> None:
    handler = ResultHandler("r", data_folder=tmp_path, output_folder=tmp_path)

    handler.on_initialized(_initialized([]))

    assert handler._recorder is not None and handler._recorder.starting_portfolio_value == Decimal(20000)


# -- submission data -----------------------------------------------------------------------------
def test_submission_data_keeps_the_close_not_a_crypto_s_trade_price() -> None:
    security = crypto(cash_book())
    end = datetime(2020, 1, 1, 0, 1)
    security.set_market_price(trade_bar(BTCUSD, end, 100.0, 100.0, 100.0, 100.0))
    security.set_market_price(quote_bar(BTCUSD, end, 101.0, 103.0))

    data = _submission_data(security)

    assert security.exact_price == Decimal("100.0")
    assert (data.bid_price, data.ask_price, data.last_price) == (
        Decimal("101.0"),
        Decimal("103.0"),
        Decimal(102),
    )


# -- end to end ----------------------------------------------------------------------------------
class EuroBuyer(QCAlgorithm):
    """Holds euros with no EUR pair of its own; buys BTCEUR at noon and watches the EUR rate."""

    def initialize(self) -> None:
        self.set_start_date(2018, 4, 4)
        self.set_end_date(2018, 4, 4)
        self.set_cash(10000)
        self.set_cash("EUR", 10000)
        self.set_brokerage_model(BrokerageName.GDAX, AccountType.CASH)
        self.add_crypto("BTCEUR", Resolution.MINUTE)
        self.seen: dict[datetime, float] = {}
        self.symbols_seen: set[str] = set()

    def on_data(self, data: Any) -> None:
        self.symbols_seen.update(symbol.value for symbol in data.keys())  # noqa: SIM118 - a Slice
        if self.time.minute == 0:
            self.seen[self.time] = self.portfolio.cash_book["EUR"].conversion_rate
        if self.time == datetime(2018, 4, 4, 12):
            self.ticket = self.market_order("BTCEUR", 1)


@pytest.mark.lean_data
def test_the_rate_follows_the_internal_pair_and_the_transaction_handler_uses_it(
    lean_data_folder: Path, tmp_path: Path
) -> None:
    algorithm = EuroBuyer()
    run = BacktestRun(algorithm, data_folder=lean_data_folder, output_folder=tmp_path)

    result = run.run()

    assert result.status == "Completed", result.error
    assert algorithm.symbols_seen == {"BTCEUR"}  # the EURUSD feed never reaches on_data
    # the mid of EURUSD's bar ending at 05:00 UTC (01:00 in New York)
    assert algorithm.seen[datetime(2018, 4, 4, 1)] == (1.22775 + 1.22789) / 2
    assert len(set(algorithm.seen.values())) > 10
    # the transaction handler took the rate the noon order was sent with
    assert run.transactions.orders[1].status == OrderStatus.FILLED
    noon = algorithm.seen[datetime(2018, 4, 4, 12)]
    assert float(run.transactions.cash_book["EUR"].exact_conversion_rate) == noon
