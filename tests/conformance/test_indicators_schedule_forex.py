"""LEAN regression algorithms for indicators, scheduled events, warm-up, consolidators and crypto.

Each algorithm is re-created under tests/conformance/algorithms/ and run on LEAN's sample data; the
statistics must equal LEAN's published ExpectedStatistics (Algorithm.CSharp/<Name>.cs).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance.expected_statistics import BASIC_TEMPLATE, no_orders
from tests.conformance.regression import assert_matches_lean, known_gap, run_regression

pytestmark = pytest.mark.lean_data

# LEAN's ExpectedStatistics, verbatim.
MACD_TREND = {
    "Total Orders": "85",
    "Average Win": "4.78%",
    "Average Loss": "-4.16%",
    "Compounding Annual Return": "2.952%",
    "Drawdown": "34.900%",
    "Expectancy": "0.228",
    "Start Equity": "100000",
    "End Equity": "137751.04",
    "Net Profit": "37.751%",
    "Sharpe Ratio": "0.029",
    "Sortino Ratio": "0.022",
    "Probabilistic Sharpe Ratio": "0.005%",
    "Loss Rate": "43%",
    "Win Rate": "57%",
    "Profit-Loss Ratio": "1.15",
    "Alpha": "-0.015",
    "Beta": "0.411",
    "Annual Standard Deviation": "0.103",
    "Annual Variance": "0.011",
    "Information Ratio": "-0.34",
    "Tracking Error": "0.123",
    "Treynor Ratio": "0.007",
    "Total Fees": "$468.54",
    "Estimated Strategy Capacity": "$950000000.00",
    "Lowest Capacity Asset": "SPY R735QTJ8XC9X",
    "Portfolio Turnover": "2.09%",
    "Drawdown Recovery": "1931",
    "OrderListHash": "0257edfddd889d6fe3779883138aebc5",
}

DISPLACED_MOVING_AVERAGE_RIBBON = {
    "Total Orders": "7",
    "Average Win": "19.17%",
    "Average Loss": "0%",
    "Compounding Annual Return": "16.731%",
    "Drawdown": "12.400%",
    "Expectancy": "0",
    "Start Equity": "100000",
    "End Equity": "253075.04",
    "Net Profit": "153.075%",
    "Sharpe Ratio": "1.05",
    "Sortino Ratio": "1.078",
    "Probabilistic Sharpe Ratio": "48.708%",
    "Loss Rate": "0%",
    "Win Rate": "100%",
    "Profit-Loss Ratio": "0",
    "Alpha": "0.051",
    "Beta": "0.507",
    "Annual Standard Deviation": "0.107",
    "Annual Variance": "0.011",
    "Information Ratio": "-0.083",
    "Tracking Error": "0.105",
    "Treynor Ratio": "0.221",
    "Total Fees": "$49.40",
    "Estimated Strategy Capacity": "$1100000000.00",
    "Lowest Capacity Asset": "SPY R735QTJ8XC9X",
    "Portfolio Turnover": "0.32%",
    "Drawdown Recovery": "268",
    "OrderListHash": "1ea790ca8afdcad02b98c70e89652562",
}

# The same trade as BasicTemplateAlgorithm, scheduled: LEAN publishes the same figures.
SECURITY_TO_SYMBOL = BASIC_TEMPLATE

# Runs without orders: LEAN's figures differ only in the benchmark-only two.
ON_WARMUP_FINISHED = no_orders("-57.739", "0.178")
CONSOLIDATOR_ROLLING_WINDOW = no_orders("-8.91", "0.223")
CONSOLIDATOR_START_TIME = no_orders("0", "0")

BASIC_TEMPLATE_CRYPTO = {
    "Total Orders": "12",
    "Average Win": "0%",
    "Average Loss": "0%",
    "Compounding Annual Return": "0%",
    "Drawdown": "0%",
    "Expectancy": "0",
    "Start Equity": "31592.84",
    "End Equity": "30866.71",
    "Net Profit": "0%",
    "Sharpe Ratio": "0",
    "Sortino Ratio": "0",
    "Probabilistic Sharpe Ratio": "0%",
    "Loss Rate": "0%",
    "Win Rate": "0%",
    "Profit-Loss Ratio": "0",
    "Alpha": "0",
    "Beta": "0",
    "Annual Standard Deviation": "0",
    "Annual Variance": "0",
    "Information Ratio": "0",
    "Tracking Error": "0",
    "Treynor Ratio": "0",
    "Total Fees": "$85.34",
    "Estimated Strategy Capacity": "$0",
    "Lowest Capacity Asset": "BTCEUR 2XR",
    "Portfolio Turnover": "118.08%",
    "Drawdown Recovery": "0",
    "OrderListHash": "26b9a07ace86b6a0e0eb2ff8c168cee0",
}


CASES = [
    pytest.param(
        "macd_trend_algorithm.py",
        MACD_TREND,
        id="MACDTrendAlgorithm",
        marks=known_gap(
            "Total Orders 84 vs LEAN's 85 (and so OrderListHash); every other statistic, End Equity "
            "and capacity included, matches, so LEAN's extra order never changed the portfolio; not "
            "yet pinned down"
        ),
    ),
    pytest.param(
        "displaced_moving_average_ribbon.py",
        DISPLACED_MOVING_AVERAGE_RIBBON,
        id="DisplacedMovingAverageRibbon",
    ),
    pytest.param(
        "security_to_symbol_regression_algorithm.py",
        SECURITY_TO_SYMBOL,
        id="SecurityToSymbol",
    ),
    pytest.param(
        "on_warmup_finished_regression_algorithm.py",
        ON_WARMUP_FINISHED,
        id="OnWarmupFinished",
        marks=known_gap(
            "after a time warm-up Information Ratio is -190.766 vs LEAN's -57.739 and "
            "Tracking Error 0.179 vs 0.178: the daily benchmark series around the warm-up boundary differs"
        ),
    ),
    pytest.param(
        "consolidator_rolling_window_regression_algorithm.py",
        CONSOLIDATOR_ROLLING_WINDOW,
        id="ConsolidatorRollingWindow",
    ),
    pytest.param(
        "consolidator_start_time_regression_algorithm.py",
        CONSOLIDATOR_START_TIME,
        id="ConsolidatorStartTime",
    ),
    pytest.param(
        "basic_template_crypto_algorithm.py",
        BASIC_TEMPLATE_CRYPTO,
        id="BasicTemplateCryptoAlgorithm",
    ),
]


@pytest.mark.parametrize(("file_name", "expected"), CASES)
def test_statistics_match_lean(
    file_name: str, expected: dict[str, str], lean_data_folder: Path, tmp_path: Path
) -> None:
    assert_matches_lean(file_name, expected, lean_data_folder, tmp_path)


def test_basic_template_crypto_counts_lean_s_data_points(lean_data_folder: Path, tmp_path: Path) -> None:
    # LEAN's 12965 include the internal EURUSD feed that converts the EUR balance, and the
    # engine's own point.
    result = run_regression("basic_template_crypto_algorithm.py", lean_data_folder, tmp_path)

    assert result.data_points + 1 == 12965
