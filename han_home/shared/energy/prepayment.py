"""Prepayment credit state: emergency credit, debt recovery, low-credit warning, days left."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class PrepaymentState:
    credit_gbp: Decimal
    emergency_credit_limit_gbp: Decimal = ZERO  # set by the supplier, e.g. 5-10 GBP
    emergency_credit_threshold_gbp: Decimal = ZERO  # offered when credit falls below this
    emergency_credit_in_use: bool = False
    emergency_credit_remaining_gbp: Decimal = ZERO
    debt_gbp: Decimal = ZERO
    debt_recovery_gbp_per_day: Decimal = ZERO
    low_credit_threshold_gbp: Decimal = ZERO

    @property
    def emergency_available(self) -> bool:
        """Emergency credit can be taken: credit is below the threshold and it is not in use."""
        return (
            not self.emergency_credit_in_use
            and self.emergency_credit_limit_gbp > 0
            and self.credit_gbp < self.emergency_credit_threshold_gbp
        )

    @property
    def available_gbp(self) -> Decimal:
        """Money the occupier can still spend: credit plus emergency credit in use."""
        emergency = self.emergency_credit_remaining_gbp if self.emergency_credit_in_use else ZERO
        return max(self.credit_gbp, ZERO) + emergency

    @property
    def is_low(self) -> bool:
        """Running on emergency credit, or credit below the low-credit alert threshold."""
        return self.emergency_credit_in_use or self.credit_gbp < self.low_credit_threshold_gbp

    def days_left(self, average_daily_spend_gbp: Decimal) -> Decimal | None:
        """Days until available money runs out at this spend plus daily debt recovery.

        Recovery is taken only while debt remains, so the draw drops once the debt is paid.
        None when nothing is drawn (no spend and no recovery): the credit never runs out.
        """
        spend = Decimal(average_daily_spend_gbp)
        recovery = self.debt_recovery_gbp_per_day if self.debt_gbp > 0 else ZERO
        money = self.available_gbp
        if spend <= 0 and recovery <= 0:
            return None
        if money <= 0:
            return ZERO
        draw = spend + recovery
        if recovery > 0:
            debt_days = self.debt_gbp / recovery
            if money <= draw * debt_days:  # runs out while debt is still being recovered
                return money / draw
            if spend <= 0:
                return None  # debt cleared, then nothing drains the rest
            return debt_days + (money - draw * debt_days) / spend
        return money / spend

    def activate_emergency_credit(self) -> PrepaymentState:
        """A new state with emergency credit in use (full limit remaining)."""
        if self.emergency_credit_in_use:
            raise ValueError("emergency credit is already in use")
        if self.emergency_credit_limit_gbp <= 0:
            raise ValueError("no emergency credit is offered on this meter")
        if not self.emergency_available:
            raise ValueError(
                f"emergency credit is only available when credit is below "
                f"GBP {self.emergency_credit_threshold_gbp} (credit is GBP {self.credit_gbp})"
            )
        return replace(
            self,
            emergency_credit_in_use=True,
            emergency_credit_remaining_gbp=self.emergency_credit_limit_gbp,
        )
