from decimal import Decimal

import pytest

from han_home.shared.energy.prepayment import PrepaymentState

D = Decimal


def state(**kw: object) -> PrepaymentState:
    base: dict[str, object] = dict(
        credit_gbp=D("3.00"),
        emergency_credit_limit_gbp=D("10"),
        emergency_credit_threshold_gbp=D("5"),
        low_credit_threshold_gbp=D("4"),
    )
    base.update(kw)
    return PrepaymentState(**base)  # type: ignore[arg-type]


def test_emergency_available_below_threshold_only() -> None:
    assert state().emergency_available
    assert not state(credit_gbp=D("6")).emergency_available
    assert not state(emergency_credit_limit_gbp=D(0)).emergency_available


def test_activate_emergency_credit() -> None:
    s = state().activate_emergency_credit()
    assert s.emergency_credit_in_use
    assert s.emergency_credit_remaining_gbp == D(10)
    assert s.available_gbp == D(13)
    assert not s.emergency_available
    assert s.is_low
    with pytest.raises(ValueError, match="already in use"):
        s.activate_emergency_credit()
    with pytest.raises(ValueError, match="below GBP 5"):
        state(credit_gbp=D(20)).activate_emergency_credit()


def test_is_low() -> None:
    assert state(credit_gbp=D("3.99")).is_low
    assert not state(credit_gbp=D("4.00")).is_low


def test_days_left_simple_and_none() -> None:
    assert state(credit_gbp=D(10)).days_left(D("2.5")) == D(4)
    assert state().days_left(D(0)) is None


def test_days_left_includes_debt_recovery_and_emergency() -> None:
    s = PrepaymentState(
        credit_gbp=D(8), emergency_credit_in_use=True, emergency_credit_remaining_gbp=D(4),
        debt_gbp=D(100), debt_recovery_gbp_per_day=D(1),
    )
    # 12 GBP available, 3 GBP a day (2 spend + 1 recovery) -> 4 days
    assert s.days_left(D(2)) == D(4)


def test_days_left_recovery_stops_when_debt_paid() -> None:
    s = PrepaymentState(credit_gbp=D(20), debt_gbp=D(2), debt_recovery_gbp_per_day=D(1))
    # 2 days at 3/day = 6, then 14 left at 2/day = 7 more days
    assert s.days_left(D(2)) == D(9)
    # spend 0: recovery drains 2 GBP then nothing drains the rest
    assert s.days_left(D(0)) is None
    assert PrepaymentState(credit_gbp=D(0)).days_left(D(1)) == 0
