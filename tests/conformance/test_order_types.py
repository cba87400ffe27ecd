"""LEAN's order-type regression algorithms, re-created, on LEAN's sample data.

The expected values are LEAN's published `ExpectedStatistics` (Algorithm.CSharp/<Name>.cs).
"Estimated Strategy Capacity" and "Lowest Capacity Asset" are left out here; the capacity estimate
is checked against LEAN in test_basic_template_algorithms.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance.regression import assert_matches_lean, known_gap

pytestmark = pytest.mark.lean_data

LIMIT_FILL = {
    "Total Orders": "35",
    "Average Win": "0.01%",
    "Average Loss": "-0.01%",
    "Compounding Annual Return": "-5.250%",
    "Drawdown": "0.300%",
    "Expectancy": "-0.200",
    "Start Equity": "100000",
    "End Equity": "99931.07",
    "Net Profit": "-0.069%",
    "Sharpe Ratio": "-1.105",
    "Sortino Ratio": "-1.712",
    "Probabilistic Sharpe Ratio": "40.992%",
    "Loss Rate": "50%",
    "Win Rate": "50%",
    "Profit-Loss Ratio": "0.60",
    "Alpha": "-0.223",
    "Beta": "0.1",
    "Annual Standard Deviation": "0.023",
    "Annual Variance": "0.001",
    "Information Ratio": "-9.985",
    "Tracking Error": "0.2",
    "Treynor Ratio": "-0.254",
    "Total Fees": "$34.00",
    "Portfolio Turnover": "9.86%",
    "Drawdown Recovery": "0",
    "OrderListHash": "b25621656830fb81b093f3c315830ea3",
}

STOP_LIMIT_ORDER = {
    "Total Orders": "2",
    "Average Win": "1.28%",
    "Average Loss": "0%",
    "Compounding Annual Return": "0.318%",
    "Drawdown": "1.500%",
    "Expectancy": "0",
    "Start Equity": "100000",
    "End Equity": "101277.61",
    "Net Profit": "1.278%",
    "Sharpe Ratio": "-0.791",
    "Sortino Ratio": "-0.433",
    "Probabilistic Sharpe Ratio": "0.000%",
    "Loss Rate": "0%",
    "Win Rate": "100%",
    "Profit-Loss Ratio": "0",
    "Alpha": "-0.009",
    "Beta": "0.03",
    "Annual Standard Deviation": "0.008",
    "Annual Variance": "0",
    "Information Ratio": "-0.963",
    "Tracking Error": "0.104",
    "Treynor Ratio": "-0.199",
    "Total Fees": "$2.00",
    "Portfolio Turnover": "0.02%",
    "Drawdown Recovery": "39",
    "OrderListHash": "f315858f3f9e6a983cfcf887237f70fd",
}

TRAILING_STOP_ORDER = {
    "Total Orders": "2",
    "Average Win": "0.02%",
    "Average Loss": "0%",
    "Compounding Annual Return": "1.833%",
    "Drawdown": "0.000%",
    "Expectancy": "0",
    "Start Equity": "100000",
    "End Equity": "100023.22",
    "Net Profit": "0.023%",
    "Sharpe Ratio": "3.926",
    "Sortino Ratio": "0",
    "Probabilistic Sharpe Ratio": "66.249%",
    "Loss Rate": "0%",
    "Win Rate": "100%",
    "Profit-Loss Ratio": "0",
    "Alpha": "-0.007",
    "Beta": "0.007",
    "Annual Standard Deviation": "0.002",
    "Annual Variance": "0",
    "Information Ratio": "-8.907",
    "Tracking Error": "0.221",
    "Treynor Ratio": "1.031",
    "Total Fees": "$2.00",
    "Portfolio Turnover": "5.79%",
    "Drawdown Recovery": "0",
    "OrderListHash": "d56bac89a568c3a45cac595e69a35875",
}

LIMIT_IF_TOUCHED = {
    "Total Orders": "75",
    "Average Win": "0%",
    "Average Loss": "0%",
    "Compounding Annual Return": "-0.601%",
    "Drawdown": "0.000%",
    "Expectancy": "0",
    "Start Equity": "100000",
    "End Equity": "99992.29",
    "Net Profit": "-0.008%",
    "Sharpe Ratio": "-34.372",
    "Sortino Ratio": "-110.972",
    "Probabilistic Sharpe Ratio": "0%",
    "Loss Rate": "0%",
    "Win Rate": "0%",
    "Profit-Loss Ratio": "0",
    "Alpha": "-0.01",
    "Beta": "-0.001",
    "Annual Standard Deviation": "0",
    "Annual Variance": "0",
    "Information Ratio": "-8.919",
    "Tracking Error": "0.223",
    "Treynor Ratio": "8.667",
    "Total Fees": "$3.00",
    "Portfolio Turnover": "0.09%",
    "Drawdown Recovery": "0",
    "OrderListHash": "70e29c5d9168728385ee48b92f2ef56c",
}

COMPLETE_ORDER_TAG_UPDATE = {
    "Total Orders": "2",
    "Average Win": "0%",
    "Average Loss": "0%",
    "Compounding Annual Return": "21.706%",
    "Drawdown": "0.300%",
    "Expectancy": "0",
    "Start Equity": "100000",
    "End Equity": "100251.47",
    "Net Profit": "0.251%",
    "Sharpe Ratio": "5.078",
    "Sortino Ratio": "0",
    "Probabilistic Sharpe Ratio": "66.448%",
    "Loss Rate": "0%",
    "Win Rate": "0%",
    "Profit-Loss Ratio": "0",
    "Alpha": "-0.122",
    "Beta": "0.144",
    "Annual Standard Deviation": "0.032",
    "Annual Variance": "0.001",
    "Information Ratio": "-9.515",
    "Tracking Error": "0.191",
    "Treynor Ratio": "1.13",
    "Total Fees": "$1.00",
    "Portfolio Turnover": "2.89%",
    "Drawdown Recovery": "3",
    "OrderListHash": "8fba4f724843997ef421cf26ccabe51b",
}


@pytest.mark.parametrize(
    ("file_name", "expected"),
    [
        pytest.param(
            "limit_fill_regression_algorithm.py",
            LIMIT_FILL,
            id="LimitFill",
            # second-resolution data: about 17 s, against ~1 s for the others
            marks=pytest.mark.slow,
        ),
        pytest.param("stop_limit_order_regression_algorithm.py", STOP_LIMIT_ORDER, id="StopLimitOrder"),
        pytest.param(
            "trailing_stop_order_regression_algorithm.py", TRAILING_STOP_ORDER, id="TrailingStopOrder"
        ),
        pytest.param(
            "limit_if_touched_regression_algorithm.py",
            LIMIT_IF_TOUCHED,
            id="LimitIfTouched",
            marks=known_gap(
                "every statistic matches LEAN (End Equity 99992.29, the three fills with LEAN's "
                "event ids 399/156/380) but OrderListHash differs (ours "
                "278c462f1bfc470e752c4326aff8256d); variants of triggerTouched, lastUpdateTime "
                "and the CancelOpenOrders tag were tried and none gives LEAN's hash"
            ),
        ),
        pytest.param(
            "complete_order_tag_update_algorithm.py", COMPLETE_ORDER_TAG_UPDATE, id="CompleteOrderTagUpdate"
        ),
    ],
)
def test_order_type_statistics_match_lean(
    file_name: str, expected: dict[str, str], lean_data_folder: Path, tmp_path: Path
) -> None:
    assert_matches_lean(file_name, expected, lean_data_folder, tmp_path)
