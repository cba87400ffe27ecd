"""LEAN's BasicTemplateAlgorithm and BasicTemplateDailyAlgorithm, re-created, on LEAN's sample data."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance.regression import run_regression, statistics_differences

pytestmark = pytest.mark.lean_data

# LEAN's published expected statistics (Algorithm.CSharp/BasicTemplate*Algorithm.cs, ExpectedStatistics).
BASIC_TEMPLATE = {
    "Total Orders": "1",
    "Average Win": "0%",
    "Average Loss": "0%",
    "Compounding Annual Return": "271.453%",
    "Drawdown": "2.200%",
    "Expectancy": "0",
    "Start Equity": "100000",
    "End Equity": "101691.92",
    "Net Profit": "1.692%",
    "Sharpe Ratio": "8.854",
    "Sortino Ratio": "0",
    "Probabilistic Sharpe Ratio": "67.459%",
    "Loss Rate": "0%",
    "Win Rate": "0%",
    "Profit-Loss Ratio": "0",
    "Alpha": "-0.005",
    "Beta": "0.996",
    "Annual Standard Deviation": "0.222",
    "Annual Variance": "0.049",
    "Information Ratio": "-14.565",
    "Tracking Error": "0.001",
    "Treynor Ratio": "1.97",
    "Total Fees": "$3.44",
    "Estimated Strategy Capacity": "$56000000.00",
    "Lowest Capacity Asset": "SPY R735QTJ8XC9X",
    "Portfolio Turnover": "19.93%",
    "Drawdown Recovery": "3",
    "OrderListHash": "3da9fa60bf95b9ed148b95e02e0cfc9e",
}

BASIC_TEMPLATE_DAILY = {
    "Total Orders": "1",
    "Average Win": "0%",
    "Average Loss": "0%",
    "Compounding Annual Return": "424.375%",
    "Drawdown": "0.800%",
    "Expectancy": "0",
    "Start Equity": "100000",
    "End Equity": "104486.22",
    "Net Profit": "4.486%",
    "Sharpe Ratio": "17.304",
    "Sortino Ratio": "35.217",
    "Probabilistic Sharpe Ratio": "96.710%",
    "Loss Rate": "0%",
    "Win Rate": "0%",
    "Profit-Loss Ratio": "0",
    "Alpha": "-0.249",
    "Beta": "1.015",
    "Annual Standard Deviation": "0.141",
    "Annual Variance": "0.02",
    "Information Ratio": "-19",
    "Tracking Error": "0.011",
    "Treynor Ratio": "2.403",
    "Total Fees": "$3.49",
    "Estimated Strategy Capacity": "$1200000000.00",
    "Lowest Capacity Asset": "SPY R735QTJ8XC9X",
    "Portfolio Turnover": "10.01%",
    "Drawdown Recovery": "1",
    "OrderListHash": "70f21e930175a2ec9d465b21edc1b6d9",
}


@pytest.mark.parametrize(
    ("file_name", "expected"),
    [
        ("basic_template_algorithm.py", BASIC_TEMPLATE),
        ("basic_template_daily_algorithm.py", BASIC_TEMPLATE_DAILY),
    ],
)
def test_every_statistic_and_the_order_hash_match_lean(
    file_name: str, expected: dict[str, str], lean_data_folder: Path, tmp_path: Path
) -> None:
    result = run_regression(file_name, lean_data_folder, tmp_path)

    assert result.status == "Completed", result.error
    assert statistics_differences(result.statistics, expected) == {}


def test_result_files_are_written_like_lean(lean_data_folder: Path, tmp_path: Path) -> None:
    result = run_regression("basic_template_algorithm.py", lean_data_folder, tmp_path)

    names = sorted(Path(path).name for path in result.files)
    run_id = result.run_id
    assert names == sorted(
        [f"{run_id}.json", f"{run_id}-summary.json", f"{run_id}-order-events.json", f"{run_id}-log.txt"]
    )
    events = (tmp_path / f"{run_id}-order-events.json").read_text()
    assert '"status":"submitted"' in events and '"status":"filled"' in events
    assert '"orderFeeAmount":3.44' in events
    assert "Purchased Stock" in (tmp_path / f"{run_id}-log.txt").read_text()
