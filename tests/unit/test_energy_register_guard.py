"""The register plausibility and replay rules: what is counted, what is refused, and why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from han_home.shared.energy.readings import Fuel
from han_home.shared.energy.register_guard import (
    REBASE_AFTER,
    GuardLimits,
    RegisterGuard,
    Verdict,
)

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
E = Fuel.ELECTRICITY
D = Decimal


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def fed(guard: RegisterGuard, *readings: tuple[float, str]) -> Decimal:
    """Total energy the guard lets through for (minute, register) readings."""
    return sum((guard.check(E, at(m), D(v)).delta for m, v in readings), D(0))


def test_normal_use_is_counted_exactly() -> None:
    guard = RegisterGuard()
    assert fed(guard, (0, "100.000"), (1, "100.050"), (2, "100.120")) == D("0.120")
    assert not guard.rejected


def test_a_spoofed_jump_is_quarantined_and_never_billed() -> None:
    guard = RegisterGuard()
    total = fed(guard, (0, "100.000"), (1, "100.050"))
    spoof = guard.check(E, at(2), D("1100.050"))  # 1000 kWh in a minute: 60 MW
    assert spoof.verdict == Verdict.IMPLAUSIBLE and spoof.delta == 0
    assert "more than the supply can deliver" in spoof.reason
    total += fed(guard, (3, "100.150"))
    assert total == D("0.150")  # the real meter's use, nothing of the spoof
    assert guard.rejected[(E, Verdict.IMPLAUSIBLE)] == 1


def test_a_replayed_old_frame_does_not_reset_or_double_count() -> None:
    guard = RegisterGuard()
    total = fed(guard, (0, "100.000"), (60, "101.000"), (600, "104.300"))
    replay = guard.check(E, at(601), D("101.000"))  # the 11:00 frame, re-sent at 20:01
    assert replay.verdict == Verdict.BACKWARDS and replay.delta == 0
    total += fed(guard, (602, "104.310"))
    assert total == D("4.310")


def test_readings_not_newer_than_the_last_are_ignored() -> None:
    guard = RegisterGuard()
    fed(guard, (0, "100.000"), (5, "100.100"))
    for minute in (5, 4):
        assert guard.check(E, at(minute), D("100.200")).verdict == Verdict.OLDER
    assert fed(guard, (6, "100.120")) == D("0.020")


def test_the_supply_limit_scales_with_elapsed_time() -> None:
    guard = RegisterGuard({E: GuardLimits(D(23), D(10**9), slack=D(0))})
    fed(guard, (0, "0"))
    assert guard.check(E, at(60), D("23.000")).verdict == Verdict.ACCEPTED  # 23 kW for 1 h
    assert guard.check(E, at(61), D("23.400")).verdict == Verdict.IMPLAUSIBLE  # 24 kW


def test_rollover_at_the_registers_width_is_counted_as_the_small_step() -> None:
    limits = GuardLimits.for_fuel(E, multiplier=1, divisor=1000)
    guard = RegisterGuard({E: limits})
    near_top = limits.register_max - D("0.010")
    guard.check(E, at(0), near_top)
    after = guard.check(E, at(1), D("0.020"))
    assert after.verdict == Verdict.ROLLOVER
    assert after.delta == D("0.031")  # 0.010 to the top, one count to zero, 0.020 after


def test_backwards_is_never_negative_and_a_real_exchange_rebases_without_billing_the_step() -> None:
    guard = RegisterGuard()
    fed(guard, (0, "5000.000"))
    # a new meter starts near zero and keeps counting: rejected until it is consistent
    decisions = [guard.check(E, at(m), D(v)) for m, v in ((1, "0.010"), (2, "0.020"), (3, "0.030"))]
    assert [d.verdict for d in decisions[:-1]] == [Verdict.BACKWARDS] * (REBASE_AFTER - 1)
    assert decisions[-1].verdict == Verdict.REBASED
    assert all(d.delta == 0 for d in decisions)
    assert decisions[-1].unbilled_step == D("-4999.990")
    assert fed(guard, (4, "0.050")) == D("0.020")  # use after the exchange is counted


def test_scattered_spoofs_never_add_up_to_a_rebase() -> None:
    guard = RegisterGuard()
    total = fed(guard, (0, "100.000"))
    for minute in range(1, 13):
        if minute % 2:
            guard.check(E, at(minute), D(9000 + minute * 500))  # each wildly unlike the last
        else:
            total += guard.check(E, at(minute), D("100.000") + D("0.01") * minute).delta
    assert total == D("0.12")
    assert guard.rejected[(E, Verdict.IMPLAUSIBLE)] == 6


def test_gas_has_its_own_limit() -> None:
    guard = RegisterGuard()
    guard.check(Fuel.GAS, at(0), D("10.000"))
    assert guard.check(Fuel.GAS, at(30), D("12.900")).verdict == Verdict.ACCEPTED  # 5.8 m3/h
    assert guard.check(Fuel.GAS, at(60), D("20.000")).verdict == Verdict.IMPLAUSIBLE
