"""Margin and buying power (LEAN's `BuyingPowerModel`, `SecurityMarginModel`).

Margin is computed at the security's price (the trade close for equities): initial margin of a
quantity = conversion rate x multiplier x price x quantity / leverage. An order is refused when its
initial margin plus fee exceeds the margin remaining (total portfolio value minus unsettled cash and the
maintenance margin of every position, plus what the order frees when it reverses a position). Orders
that only reduce a position always pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from lean_core.enums import OrderDirection, OrderType
from lean_core.errors import LeanError
from lean_core.orders.orders import Order
from lean_core.securities.decimals import (
    ONE,
    ZERO,
    discretely_round_by,
    format_decimal,
    format_normalized,
    to_decimal,
)
from lean_core.securities.order_value import order_value
from lean_core.statistics.formatting import smart_round

if TYPE_CHECKING:
    from lean_core.orders.fee_models import FeeModel
    from lean_core.securities.portfolio import SecurityPortfolioManager
    from lean_core.securities.security import Security

__all__ = [
    "BuyingPowerError",
    "BuyingPowerModel",
    "GetMaximumOrderQuantityResult",
    "HasSufficientBuyingPowerForOrderResult",
    "PortfolioSizingSettings",
    "SecurityMarginModel",
    "calculate_order_quantity",
    "calculate_order_quantity_result",
    "insufficient_buying_power_message",
    "zero_price_message",
]


class BuyingPowerError(LeanError):
    """The order sizing loop could not converge (LEAN throws an `ArgumentException`)."""


@dataclass(frozen=True, slots=True)
class HasSufficientBuyingPowerForOrderResult:
    """Whether an order can be afforded, and LEAN's reason when it cannot."""

    is_sufficient: bool
    reason: str = ""


@dataclass(frozen=True, slots=True)
class GetMaximumOrderQuantityResult:
    """An order quantity with LEAN's reason when it is zero; `is_error` marks a real failure."""

    quantity: Decimal
    reason: str = ""
    is_error: bool | None = None

    def __post_init__(self) -> None:
        if self.is_error is None:
            object.__setattr__(self, "is_error", bool(self.reason))


def insufficient_buying_power_message(
    orders: Sequence[tuple[Order, Security]], result: HasSufficientBuyingPowerForOrderResult
) -> str:
    """Return LEAN's text for an order refused for buying power (event message and algorithm error)."""
    ids = ",".join(str(order.id) for order, _ in orders)
    values = ",".join(format_decimal(smart_round(order_value(order, security))) for order, security in orders)
    return (
        f"Order Error: ids: [{ids}], Insufficient buying power to complete orders (Value:[{values}]), "
        f"Reason: {result.reason}."
    )


class BuyingPowerModel:
    """Margin requirements as fractions of the position value."""

    def __init__(
        self,
        initial_margin_requirement: Decimal = ONE,
        maintenance_margin_requirement: Decimal = ONE,
        required_free_buying_power_percent: Decimal = ZERO,
    ) -> None:
        for name, value in (
            ("Initial margin requirement", initial_margin_requirement),
            ("Maintenance margin requirement", maintenance_margin_requirement),
            ("Free Buying Power Percent requirement", required_free_buying_power_percent),
        ):
            if not ZERO <= value <= ONE:
                raise ValueError(f"{name} must be between 0 and 1")
        self.initial_margin_requirement = initial_margin_requirement
        self.maintenance_margin_requirement = maintenance_margin_requirement
        self.required_free_buying_power_percent = required_free_buying_power_percent

    @classmethod
    def from_leverage(
        cls, leverage: Decimal, required_free_buying_power_percent: Decimal = ZERO
    ) -> BuyingPowerModel:
        """Build a model whose initial and maintenance margins are 1 / leverage."""
        model = cls()
        model.set_leverage(None, leverage)
        model.required_free_buying_power_percent = required_free_buying_power_percent
        return model

    # -- leverage -----------------------------------------------------------------------------------------
    def get_leverage(self, security: Security | None) -> Decimal:
        """Return 1 / initial margin requirement."""
        return ONE / self.initial_margin_requirement

    def set_leverage(self, security: Security | None, leverage: Decimal) -> None:
        """Set both margin requirements to 1 / leverage (leverage must be at least 1)."""
        if leverage < 1:
            raise ValueError("Leverage must be greater than or equal to 1.")
        margin = ONE / leverage
        self.initial_margin_requirement = margin
        self.maintenance_margin_requirement = margin

    # -- margins ------------------------------------------------------------------------------------------
    def get_initial_margin_requirement(self, security: Security, quantity: Decimal) -> Decimal:
        """Return the signed initial margin of `quantity` at the current price, in the account currency."""
        return (
            security.quote_currency.exact_conversion_rate
            * security.symbol_properties.contract_multiplier
            * security.exact_price
            * quantity
            * self.initial_margin_requirement
        )

    def get_initial_margin_required_for_order(
        self, security: Security, order: Order, portfolio: SecurityPortfolioManager
    ) -> Decimal:
        """Return the order's initial margin plus its fee (with the margin's sign)."""
        fee = security.fee_model.get_order_fee(security, order)
        fee_in_account = portfolio.cash_book.convert_to_account_currency(fee.amount, fee.currency)
        margin = self.get_initial_margin_requirement(security, order.quantity)
        sign = (margin > 0) - (margin < 0)
        return margin + sign * fee_in_account

    def get_maintenance_margin(self, security: Security, quantity: Decimal | None = None) -> Decimal:
        """Return the maintenance margin of the position (or of `quantity` at the current price)."""
        holdings = security.holdings
        if quantity is None:
            value = holdings.exact_absolute_holdings_value
        else:
            value = abs(holdings.get_quantity_value(quantity).in_account_currency)
        return value * self.maintenance_margin_requirement

    def get_reserved_buying_power_for_position(self, security: Security) -> Decimal:
        """Return the margin the current position uses."""
        return self.get_maintenance_margin(security)

    def get_margin_remaining(
        self, portfolio: SecurityPortfolioManager, security: Security, direction: OrderDirection
    ) -> Decimal:
        """Return the margin available to an order in `direction` (a reversal frees the position's margin)."""
        total = portfolio.exact_total_portfolio_value
        result = portfolio.exact_margin_remaining_at(total)
        holdings = security.holdings
        if holdings.is_reduced_by(direction):
            result += self.get_maintenance_margin(security)
            result += self.get_initial_margin_requirement(security, abs(holdings.exact_quantity))
        result -= total * self.required_free_buying_power_percent
        return max(result, ZERO)

    def get_buying_power(
        self, portfolio: SecurityPortfolioManager, security: Security, direction: OrderDirection
    ) -> Decimal:
        """Return the buying power for an order in `direction`, in the account currency."""
        return self.get_margin_remaining(portfolio, security, direction)

    # -- order checks -------------------------------------------------------------------------------------
    def has_sufficient_buying_power_for_order(
        self, portfolio: SecurityPortfolioManager, security: Security, order: Order
    ) -> HasSufficientBuyingPowerForOrderResult:
        """Tell whether the unfilled part of `order` fits the margin remaining, with LEAN's reason if not."""
        if order.quantity == 0:
            return HasSufficientBuyingPowerForOrderResult(True)
        held = security.holdings.exact_quantity
        if held * order.quantity < 0 and abs(held) >= abs(order.quantity):
            return HasSufficientBuyingPowerForOrderResult(True)
        free_margin = self.get_margin_remaining(portfolio, security, order.direction)
        required = self.get_initial_margin_required_for_order(security, order, portfolio)
        filled = abs(portfolio.order_provider.get_quantity_filled(order.id))
        unfilled_fraction = (abs(order.quantity) - filled) / abs(order.quantity)
        required_for_remainder = unfilled_fraction * required
        if abs(required_for_remainder) > free_margin:
            reason = (
                f"Id: {order.id}, Initial Margin: {format_normalized(required_for_remainder)}, "
                f"Free Margin: {format_normalized(free_margin)}"
            )
            return HasSufficientBuyingPowerForOrderResult(False, reason)
        return HasSufficientBuyingPowerForOrderResult(True)

    # -- sizing -------------------------------------------------------------------------------------------
    def get_maximum_order_quantity_for_target_buying_power(
        self,
        portfolio: SecurityPortfolioManager,
        security: Security,
        target: Decimal,
        order_fee_model: FeeModel | None = None,
        *,
        minimum_order_margin_portfolio_percentage: Decimal = ZERO,
        silence_non_error_reasons: bool = False,
    ) -> GetMaximumOrderQuantityResult:
        """Return the order quantity that brings the position's margin to `target` x TPV, fees included.

        `target` is a fraction of the total portfolio value in margin terms (a weight / leverage).
        """
        fee_model = order_fee_model or security.fee_model
        total = portfolio.exact_total_portfolio_value
        target_margin = target * (total - total * self.required_free_buying_power_percent)
        if target_margin == 0:
            return GetMaximumOrderQuantityResult(-security.holdings.exact_quantity, "", is_error=False)
        current_margin = self.get_initial_margin_requirement(security, security.holdings.exact_quantity)
        unit_margin = self.get_initial_margin_requirement(security, ONE)
        if unit_margin == 0:
            return GetMaximumOrderQuantityResult(ZERO, zero_price_message(security))
        difference = abs(target_margin - current_margin)
        if not portfolio.above_minimum_order_margin(minimum_order_margin_portfolio_percentage, difference):
            reason = ""
            if not silence_non_error_reasons:
                minimum = total * minimum_order_margin_portfolio_percentage
                reason = f"The target order margin {difference} is less than the minimum {minimum}."
            return GetMaximumOrderQuantityResult(ZERO, reason, is_error=False)
        return self._converge_on_target(portfolio, security, target, target_margin, unit_margin, fee_model)

    def _converge_on_target(
        self,
        portfolio: SecurityPortfolioManager,
        security: Security,
        target: Decimal,
        target_margin: Decimal,
        unit_margin: Decimal,
        fee_model: FeeModel,
    ) -> GetMaximumOrderQuantityResult:
        # Re-size until the position's margin, after the order's fee, is within the target (LEAN's loop).
        total = portfolio.exact_total_portfolio_value
        last_quantity = ZERO
        while True:
            quantity, holdings_margin = self.get_amount_to_order(security, target_margin, unit_margin)
            if quantity == 0:
                lot = security.symbol_properties.lot_size
                current = self.get_initial_margin_requirement(security, security.holdings.exact_quantity)
                reason = (
                    f"The order quantity is less than the lot size of {lot} and has been rounded to zero. "
                    f"Target order margin {target_margin - current}. "
                )
                return GetMaximumOrderQuantityResult(ZERO, reason, is_error=False)
            order = Order(
                0, security.symbol, quantity, OrderType.MARKET, portfolio.current_utc_time(security)
            )
            fee = fee_model.get_order_fee(security, order)
            fees = portfolio.cash_book.convert_to_account_currency(fee.amount, fee.currency)
            target_margin = (total - fees - total * self.required_free_buying_power_percent) * target
            if last_quantity == quantity:
                raise BuyingPowerError(
                    f"GetMaximumOrderQuantityForTargetBuyingPower failed to converge on the target margin: "
                    f"{target_margin}; Security : {security.symbol.id}; Order Fee: {fees}; "
                    f"Target Percentage: %{target * 100};"
                )
            last_quantity = quantity
            if abs(holdings_margin) <= abs(target_margin):
                return GetMaximumOrderQuantityResult(quantity)

    def get_amount_to_order(
        self, security: Security, target_margin: Decimal, margin_for_one_unit: Decimal
    ) -> tuple[Decimal, Decimal]:
        """Return (order quantity, final position margin) for a target margin, in lots, never overshooting."""
        lot = security.symbol_properties.lot_size
        held = security.holdings.exact_quantity
        size = -held + target_margin / margin_for_one_unit
        # A long target rounds down, a short one up, so the position ends inside the target.
        size = discretely_round_by(size, lot, toward_negative=target_margin >= 0)
        final_margin = self.get_initial_margin_requirement(security, size + held)
        difference = final_margin - target_margin
        while (target_margin < 0 and difference < 0) or (target_margin > 0 and difference > 0):
            size += lot if target_margin < 0 else -lot
            final_margin = self.get_initial_margin_requirement(security, size + held)
            new_difference = final_margin - target_margin
            if abs(new_difference) > abs(difference) and (new_difference > 0) == (difference > 0):
                raise BuyingPowerError(
                    "BuyingPowerModel().GetAmountToOrder(): Margin is being adjusted in the wrong direction. "
                    f"Target Margin: {target_margin}; MarginForOneUnit: {margin_for_one_unit}; "
                    f"Security Holdings: {held} @ {security.holdings.exact_average_price}; LotSize: {lot}"
                )
            difference = new_difference
        return size, final_margin


class SecurityMarginModel(BuyingPowerModel):
    """A margin model set by leverage (LEAN's default for equities, forex, CFDs)."""

    def __init__(self, leverage: Decimal = ONE, required_free_buying_power_percent: Decimal = ZERO) -> None:
        super().__init__(required_free_buying_power_percent=required_free_buying_power_percent)
        self.set_leverage(None, leverage)


def zero_price_message(security: Security) -> str:
    """Return LEAN's message for a security without a price (code names as printed for Python)."""
    return (
        f"{security.symbol.value}: The security does not have an accurate price as it has not yet received "
        "a bar of data. Before placing a trade (or using set_holdings) warm up your algorithm with "
        "set_warmup, or use slice.contains(symbol) to confirm the Slice object has price before using the "
        "data. Data does not necessarily all arrive at the same time so your algorithm should confirm the "
        "data is ready before using it. In live trading this can mean you do not have an active subscription "
        "to the asset class you're trying to trade. If using custom data make sure you've set the 'Value' "
        "property."
    )


# -- set_holdings sizing -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PortfolioSizingSettings:
    """The algorithm settings `set_holdings` sizing reads, with LEAN's defaults."""

    free_portfolio_value_percentage: Decimal = Decimal("0.0025")
    minimum_order_margin_portfolio_percentage: Decimal = Decimal("0.001")
    free_portfolio_value: Decimal | None = None
    max_absolute_portfolio_target_percentage: Decimal = Decimal(1_000_000_000)
    min_absolute_portfolio_target_percentage: Decimal = Decimal("0.0000000001")


_DEFAULT_SIZING = PortfolioSizingSettings()


def _setting(settings: object, name: str) -> Decimal | None:
    value = getattr(settings, name, getattr(_DEFAULT_SIZING, name))
    return None if value is None else to_decimal(value)


def _required_setting(settings: object, name: str) -> Decimal:
    value = _setting(settings, name)
    if value is None:
        default: Decimal = getattr(_DEFAULT_SIZING, name)
        return default
    return value


def calculate_order_quantity_result(
    portfolio: SecurityPortfolioManager,
    security: Security,
    target_percent: Decimal | float,
    settings: object | None = None,
) -> GetMaximumOrderQuantityResult:
    """Return the order quantity that takes `security` to `target_percent` of the portfolio (LEAN's
    `PortfolioTarget.Percent` with a delta quantity); `is_error` results carry the text LEAN logs as an error.

    `settings` is any object with LEAN's setting names (`free_portfolio_value_percentage`,
    `minimum_order_margin_portfolio_percentage`, `free_portfolio_value`, ...); missing ones take
    LEAN's defaults.
    """
    percent = to_decimal(target_percent)
    maximum = _required_setting(settings, "max_absolute_portfolio_target_percentage")
    minimum = _required_setting(settings, "min_absolute_portfolio_target_percentage")
    if abs(percent) > maximum or (percent != 0 and abs(percent) < minimum):
        reason = (
            f"The portfolio target percent: {percent}, does not comply with the current "
            f"'self.settings.max_absolute_portfolio_target_percentage': {maximum} or "
            f"'self.settings.min_absolute_portfolio_target_percentage': {minimum}. Skipping"
        )
        return GetMaximumOrderQuantityResult(ZERO, reason, is_error=True)
    if security.exact_price == 0:
        return GetMaximumOrderQuantityResult(ZERO, zero_price_message(security), is_error=True)
    target = _target_margin_fraction(portfolio, security, percent, settings)
    model = security.buying_power_model
    result = model.get_maximum_order_quantity_for_target_buying_power(
        portfolio,
        security,
        target,
        minimum_order_margin_portfolio_percentage=_required_setting(
            settings, "minimum_order_margin_portfolio_percentage"
        ),
    )
    if result.is_error:
        reason = (
            f"Unable to compute order quantity of {security.symbol.value}. Reason: {result.reason} "
            "Returning null."
        )
        return GetMaximumOrderQuantityResult(ZERO, reason, is_error=True)
    lot = security.symbol_properties.lot_size
    return GetMaximumOrderQuantityResult(result.quantity / lot * lot, result.reason, is_error=False)


def _target_margin_fraction(
    portfolio: SecurityPortfolioManager, security: Security, percent: Decimal, settings: object | None
) -> Decimal:
    # The weight leaves FreePortfolioValue(Percentage) aside, then becomes margin by dividing by the leverage.
    total = portfolio.exact_total_portfolio_value
    if total == 0:
        return ZERO
    free_value = _setting(settings, "free_portfolio_value")
    if free_value is None:
        free_value = total * _required_setting(settings, "free_portfolio_value_percentage")
    adjusted = percent * (total - free_value) / total
    return adjusted / security.buying_power_model.get_leverage(security)


def calculate_order_quantity(
    portfolio: SecurityPortfolioManager,
    security: Security,
    target_percent: Decimal | float,
    settings: object | None = None,
) -> Decimal:
    """Return the order quantity `set_holdings(symbol, target_percent)` sends (0 when LEAN would skip it)."""
    return calculate_order_quantity_result(portfolio, security, target_percent, settings).quantity
