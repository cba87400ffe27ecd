"""LEAN's custom data regression algorithms that read local files, re-created, on LEAN's sample data.

The expected values are LEAN's published `ExpectedStatistics` (Algorithm.CSharp/<Name>.cs).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance.regression import (
    assert_matches_lean,
    run_regression,
)

pytestmark = pytest.mark.lean_data

CUSTOM_DATA_PROPERTIES = {
    "Total Orders": "1",
    "Average Win": "0%",
    "Average Loss": "0%",
    "Compounding Annual Return": "-45.767%",
    "Drawdown": "4.000%",
    "Expectancy": "0",
    "Start Equity": "100000",
    "End Equity": "98999.21",
    "Net Profit": "-1.001%",
    "Sharpe Ratio": "0.907",
    "Sortino Ratio": "3.722",
    "Probabilistic Sharpe Ratio": "48.665%",
    "Loss Rate": "0%",
    "Win Rate": "0%",
    "Profit-Loss Ratio": "0",
    "Alpha": "0.514",
    "Beta": "0.649",
    "Annual Standard Deviation": "0.5",
    "Annual Variance": "0.25",
    "Information Ratio": "1.127",
    "Tracking Error": "0.485",
    "Treynor Ratio": "0.699",
    "Total Fees": "$0.00",
    "Estimated Strategy Capacity": "$0",
    "Lowest Capacity Asset": "BTC.Bitcoin 2S",
    "Portfolio Turnover": "16.93%",
    "Drawdown Recovery": "2",
    "OrderListHash": "b9aecea6ebe672324d20a389ac004b1e",
}

BYBIT_CUSTOM_DATA_CRYPTO = {
    "Total Orders": "2",
    "Average Win": "0%",
    "Average Loss": "0%",
    "Compounding Annual Return": "0%",
    "Drawdown": "0%",
    "Expectancy": "0",
    "Start Equity": "100000.00",
    "End Equity": "99981.72",
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
    "Total Fees": "₮0.00",
    "Estimated Strategy Capacity": "₮0",
    "Lowest Capacity Asset": "BTCUSDT.CustomCryptoData 2US",
    "Portfolio Turnover": "34.30%",
    "Drawdown Recovery": "0",
    "OrderListHash": "52ddb7dfcaaf1ea4f70cc614c49f0cd0",
}

CUSTOM_BENCHMARK = {
    "Total Orders": "1",
    "Average Win": "0%",
    "Average Loss": "0%",
    "Compounding Annual Return": "34.768%",
    "Drawdown": "2.300%",
    "Expectancy": "0",
    "Start Equity": "100000",
    "End Equity": "100382.23",
    "Net Profit": "0.382%",
    "Sharpe Ratio": "5.446",
    "Sortino Ratio": "0",
    "Probabilistic Sharpe Ratio": "59.920%",
    "Loss Rate": "0%",
    "Win Rate": "0%",
    "Profit-Loss Ratio": "0",
    "Alpha": "-0.001",
    "Beta": "0.997",
    "Annual Standard Deviation": "0.179",
    "Annual Variance": "0.032",
    "Information Ratio": "-7.724",
    "Tracking Error": "0",
    "Treynor Ratio": "0.978",
    "Total Fees": "$32.11",
    "Estimated Strategy Capacity": "$66000000.00",
    "Lowest Capacity Asset": "AAPL R735QTJ8XC9X",
    "Portfolio Turnover": "20.08%",
    "Drawdown Recovery": "2",
    "OrderListHash": "fa51af977e55213dc007a38a3d681b62",
}

CASES = [
    pytest.param(
        "custom_data_properties_regression_algorithm.py",
        CUSTOM_DATA_PROPERTIES,
        id="CustomDataPropertiesRegressionAlgorithm",
    ),
    pytest.param(
        "bybit_custom_data_crypto_regression_algorithm.py",
        BYBIT_CUSTOM_DATA_CRYPTO,
        id="BybitCustomDataCryptoRegressionAlgorithm",
    ),
    pytest.param(
        "custom_benchmark_regression_algorithm.py",
        CUSTOM_BENCHMARK,
        id="CustomBenchmarkRegressionAlgorithm",
    ),
]


@pytest.mark.parametrize(("file_name", "expected"), CASES)
def test_statistics_match_lean(
    file_name: str, expected: dict[str, str], lean_data_folder: Path, tmp_path: Path
) -> None:
    assert_matches_lean(file_name, expected, lean_data_folder, tmp_path)


def test_custom_data_properties_counts_lean_s_data_points_but_the_engine_s_own(
    lean_data_folder: Path, tmp_path: Path
) -> None:
    # LEAN's 50: SPY's 35 hourly benchmark bars, 7 daily points for each of the two custom
    # subscriptions (04-04's point ends at the start and is kept), and the engine's own point.
    result = run_regression("custom_data_properties_regression_algorithm.py", lean_data_folder, tmp_path)

    assert result.data_points + 1 == 50
