"""LEAN's runtime statistics: the banner figures of a running or finished backtest."""

from __future__ import annotations

from decimal import Decimal

from lean_core.statistics import runtime_statistics


def basic_template_runtime(**overrides: object) -> dict[str, str]:
    arguments: dict[str, object] = {
        "total_portfolio_value": Decimal("101691.9198"),
        "starting_portfolio_value": Decimal(100000),
        "total_fees": Decimal("3.44"),
        "total_net_profit": Decimal("-3.44"),
        "total_holdings_value": Decimal("101305.1860"),
        "total_sale_volume": Decimal("99609.82622896"),
        "unrealized_profit": Decimal("1695.3591"),
        "summary": {"Probabilistic Sharpe Ratio": "67.459%"},
    }
    arguments.update(overrides)
    return runtime_statistics(**arguments)  # type: ignore[arg-type]


def test_formats_money_fees_and_return_like_lean() -> None:
    assert basic_template_runtime() == {
        "Equity": "$101,691.92",
        "Fees": "-$3.44",
        "Holdings": "$101,305.19",
        "Net Profit": "$-3.44",
        "Probabilistic Sharpe Ratio": "67.459%",
        "Return": "1.69 %",
        "Unrealized": "$1,695.36",
        "Volume": "$99,609.83",
    }


def test_keys_are_sorted_and_user_statistics_kept() -> None:
    result = basic_template_runtime(user_statistics={"Average Hold": "2d"})

    assert list(result)[:2] == ["Average Hold", "Equity"]


def test_missing_summary_gives_zero_psr_and_zero_capital_gives_zero_return() -> None:
    result = basic_template_runtime(summary=None, starting_portfolio_value=Decimal(0))

    assert result["Probabilistic Sharpe Ratio"] == "0%"
    assert result["Return"] == "0.00 %"
