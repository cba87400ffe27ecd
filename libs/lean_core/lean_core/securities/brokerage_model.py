"""Brokerage models: the fee, fill, margin and settlement models a brokerage gives each security.

The models live in `default_brokerage_model` (LEAN's default and Interactive Brokers) and
`crypto_brokerage_models` (Coinbase, Binance); this module names them and builds one from a name.
"""

from __future__ import annotations

from typing import Final

from lean_core.enums import AccountType
from lean_core.securities.brokerage_name import BrokerageName, trading_days_per_year
from lean_core.securities.crypto_brokerage_models import (
    BinanceBrokerageModel,
    BinanceUSBrokerageModel,
    BybitBrokerageModel,
    CoinbaseBrokerageModel,
)
from lean_core.securities.default_brokerage_model import (
    DefaultBrokerageModel,
    InteractiveBrokersBrokerageModel,
)

__all__ = [
    "BinanceBrokerageModel",
    "BinanceUSBrokerageModel",
    "BrokerageModel",
    "BrokerageName",
    "BybitBrokerageModel",
    "CoinbaseBrokerageModel",
    "DefaultBrokerageModel",
    "InteractiveBrokersBrokerageModel",
    "brokerage_model_for",
    "trading_days_per_year",
]

#: LEAN's interface name for any brokerage model.
BrokerageModel = DefaultBrokerageModel

_MODELS: Final[dict[BrokerageName, type[DefaultBrokerageModel]]] = {
    BrokerageName.DEFAULT: DefaultBrokerageModel,
    BrokerageName.INTERACTIVE_BROKERS_BROKERAGE: InteractiveBrokersBrokerageModel,
    BrokerageName.COINBASE: CoinbaseBrokerageModel,
    BrokerageName.GDAX: CoinbaseBrokerageModel,
    BrokerageName.BINANCE: BinanceBrokerageModel,
    BrokerageName.BINANCE_US: BinanceUSBrokerageModel,
    BrokerageName.BYBIT: BybitBrokerageModel,
}


def brokerage_model_for(
    name: BrokerageName | str, account_type: AccountType | None = None
) -> DefaultBrokerageModel:
    """Return the brokerage model LEAN builds for a name (enum or text, see `BrokerageName.parse`).

    The account type defaults to the brokerage's own (margin; cash for Coinbase and Binance). Raise
    `NotImplementedError` for brokerages not modelled yet.
    """
    if isinstance(name, str):
        name = BrokerageName.parse(name)
    model_type = _MODELS.get(name)
    if model_type is None:
        raise NotImplementedError(f"the {name.name} brokerage model is not implemented yet")
    if account_type is None:
        return model_type()
    return model_type(account_type)
