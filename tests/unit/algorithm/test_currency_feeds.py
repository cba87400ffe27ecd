"""The cash book's conversion pairs and seeded rates after initialize() (LEAN's SetupCurrencyConversions)."""

from __future__ import annotations

import logging
from decimal import Decimal
from pathlib import Path

import pytest

from lean_core.algorithm.qc_algorithm import QCAlgorithm
from lean_core.bus import messages as m
from lean_core.engine.embedded import BacktestRun
from lean_core.enums import AccountType, Market, Resolution, TickType
from lean_core.securities.brokerage_name import BrokerageName

pytestmark = pytest.mark.lean_data


class CryptoCash(QCAlgorithm):
    """BasicTemplateCryptoAlgorithm's set-up: four currencies besides USD, no pair for EUR."""

    def initialize(self) -> None:
        self.set_start_date(2018, 4, 4)
        self.set_end_date(2018, 4, 4)
        self.set_cash(10000)
        self.set_cash("EUR", 10000)
        self.set_cash("BTC", 1)
        self.set_cash("ETH", 5)
        self.set_brokerage_model(BrokerageName.GDAX, AccountType.CASH)
        for ticker in ("BTCUSD", "ETHUSD", "BTCEUR", "LTCUSD"):
            self.add_crypto(ticker, Resolution.MINUTE)


class UsdtCash(QCAlgorithm):
    """BybitCustomDataCryptoRegressionAlgorithm's set-up: a USDT account holding no BTC yet."""

    def initialize(self) -> None:
        self.set_start_date(2022, 12, 13)
        self.set_end_date(2022, 12, 13)
        self.set_account_currency("USDT")
        self.set_cash(100000)
        self.set_brokerage_model(BrokerageName.BYBIT, AccountType.CASH)
        self.add_crypto("BTCUSDT")


def start(algorithm: QCAlgorithm, folder: Path, output: Path) -> m.AlgorithmInitialized:
    """Run initialize() and the set-up after it; return the message every handler starts from."""
    run = BacktestRun(algorithm, data_folder=folder, output_folder=output)
    outbox = run.algorithm.start()
    initialized = outbox[0][1]
    assert isinstance(initialized, m.AlgorithmInitialized)
    return initialized


def test_a_currency_without_a_held_pair_gets_an_internal_feed(lean_data_folder: Path, tmp_path: Path) -> None:
    algorithm = CryptoCash()

    initialized = start(algorithm, lean_data_folder, tmp_path)

    feeds = [spec for spec in initialized.subscriptions if spec.converts_currency]
    assert [(spec.symbol_value, spec.resolution, spec.tick_type, spec.is_internal) for spec in feeds] == [
        ("EURUSD", Resolution.MINUTE, TickType.QUOTE, True)
    ]
    assert feeds[0].symbol_id.startswith("EURUSD ") and "EURUSD" not in algorithm.securities
    book = algorithm.cash_book
    assert [security.symbol.value for security in book["BTC"].conversion_securities] == ["BTCUSD"]
    assert [security.symbol.value for security in book["EUR"].conversion_securities] == ["EURUSD"]
    assert book["EUR"].conversion_securities[0].symbol.id.market == Market.OANDA


def test_rates_are_seeded_from_the_last_bars_before_the_start(lean_data_folder: Path, tmp_path: Path) -> None:
    algorithm = CryptoCash()

    initialized = start(algorithm, lean_data_folder, tmp_path)

    # 03:59-04:00 UTC bars; a crypto's quote bar comes after its trade bar, so the rate is the mid.
    rates = {code: cash.exact_conversion_rate for code, cash in algorithm.cash_book.items()}
    assert rates == {
        "USD": Decimal(1),
        "EUR": Decimal("1.22821"),
        "BTC": Decimal("7295.995"),
        "ETH": Decimal("402.95"),
        "LTC": Decimal("129.305"),
    }
    assert initialized.starting_portfolio_value == Decimal("31592.845")  # LEAN prints 31592.84
    # The seed bars are the securities' prices until the run's own data arrives.
    assert algorithm.securities["BTCUSD"].exact_price == Decimal("7291.99")


def test_a_zero_balance_carries_its_rate_s_decimal_places_into_the_start(
    lean_data_folder: Path, tmp_path: Path
) -> None:
    algorithm = UsdtCash()

    initialized = start(algorithm, lean_data_folder, tmp_path)

    book = algorithm.cash_book
    assert book["BTC"].exact_conversion_rate == Decimal("17170.735")
    # the Bybit benchmark books USDC, a stable coin Bybit lists without a pair: rate 1
    assert book["USDC"].exact_conversion_rate == 1 and book["USDC"].conversion_securities == ()
    assert str(initialized.starting_portfolio_value) == "100000.000"


class UnknownCurrency(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 7)
        self.set_cash("XYZ", 10, 2)
        self.add_equity("SPY")


def test_a_currency_no_pair_converts_keeps_its_constant_rate(
    lean_data_folder: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    algorithm = UnknownCurrency()

    with caplog.at_level(logging.WARNING):
        initialized = start(algorithm, lean_data_folder, tmp_path)

    assert algorithm.cash_book["XYZ"].exact_conversion_rate == 2
    assert not any(spec.converts_currency for spec in initialized.subscriptions)
    assert "no tradable pair converts XYZ to USD" in caplog.text
    assert initialized.starting_portfolio_value == Decimal(100020)
