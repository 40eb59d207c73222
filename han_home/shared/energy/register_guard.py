"""Which register readings may be counted: the plausibility and replay rules.

A meter's cumulative register (CurrentSummationDelivered, uint48) is the only source of
billed energy, so a frame that carries a wrong one must not reach the history:

* **Older or repeated**: a reading timed at or before the last accepted one is ignored
  (a replayed frame, or reports crossing on the air).
* **Backwards**: a register lower than the last accepted one is never counted as negative
  use, nor taken as a meter reset on its own say-so. The register's own rollover (from near
  its 48-bit maximum back to near zero) is counted as the small step it really is.
* **Implausible jump**: more energy than the supply can deliver in the elapsed time (by
  default a 100 A single-phase supply at 230 V, 23 kW, plus a small allowance for report
  timing) is quarantined: not billed, kept for the discrepancy notice.
* **Re-basing**: a meter that really was exchanged or reset goes on reporting from its new
  value. After `REBASE_AFTER` consecutive rejected readings that are plausible among
  themselves, the guard takes the new value as its baseline; the step itself is never
  billed (it is reported as a discrepancy), only the use after it.

Every rejection is counted by reason and described in words for the log.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from han_home.shared.energy.readings import Fuel

REBASE_AFTER = 3
UINT48_MAX_RAW = (1 << 48) - 1
# 100 A single phase at 230 V; a domestic U6 gas meter passes at most 6 m3/h.
DEFAULT_MAX_KW = Decimal(23)
DEFAULT_MAX_GAS_M3_PER_H = Decimal(6)
# Reports are stamped on arrival, so a delta can cover a little more than the time between
# two stamps: allow this much energy (register units) on top of the supply limit.
DEFAULT_SLACK = Decimal("0.05")


class Verdict(StrEnum):
    ACCEPTED = "accepted"
    ROLLOVER = "rollover"  # accepted: the register wrapped at its width
    FIRST = "first"  # accepted as the baseline: nothing is counted before it
    REBASED = "rebased"  # accepted as a new baseline after consistent rejected readings
    OLDER = "older"  # rejected: timed at or before the last accepted reading
    BACKWARDS = "backwards"  # rejected: lower than the last accepted register
    IMPLAUSIBLE = "implausible"  # rejected: more than the supply can deliver

    @property
    def counted(self) -> bool:
        return self in (Verdict.ACCEPTED, Verdict.ROLLOVER)

    @property
    def accepted(self) -> bool:
        return self in (Verdict.ACCEPTED, Verdict.ROLLOVER, Verdict.FIRST, Verdict.REBASED)


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    delta: Decimal  # energy (register units) to count: 0 unless counted
    reason: str  # for the log: what was seen and why it was (not) counted
    unbilled_step: Decimal = Decimal(0)  # REBASED: the step that was never counted


@dataclass(frozen=True)
class GuardLimits:
    max_rate_per_hour: Decimal  # register units per hour (kWh/h = kW, or m3/h)
    register_max: Decimal  # the register's value just before it wraps to 0
    register_step: Decimal = Decimal("0.001")  # one raw count (multiplier / divisor)
    slack: Decimal = DEFAULT_SLACK

    @classmethod
    def for_fuel(
        cls, fuel: Fuel, multiplier: int = 1, divisor: int = 1000, max_kw: Decimal | None = None
    ) -> GuardLimits:
        rate = (
            DEFAULT_MAX_GAS_M3_PER_H if fuel == Fuel.GAS else (max_kw or DEFAULT_MAX_KW)
        )
        step = Decimal(multiplier) / max(divisor, 1)
        return cls(rate, Decimal(UINT48_MAX_RAW) * step, step)


@dataclass
class GuardState:
    """What the guard must remember across a restart (persisted with the history)."""

    last_time: datetime
    last_value: Decimal
    # consecutive rejected readings, oldest first: (time, value)
    suspects: list[tuple[datetime, Decimal]] = field(default_factory=list)


class RegisterGuard:
    def __init__(self, limits: dict[Fuel, GuardLimits] | None = None) -> None:
        self.limits = limits or {f: GuardLimits.for_fuel(f) for f in Fuel}
        self.state: dict[Fuel, GuardState] = {}
        self.rejected: Counter[tuple[Fuel, Verdict]] = Counter()

    def _allowed(self, fuel: Fuel, since: datetime, until: datetime) -> Decimal:
        hours = Decimal((until - since).total_seconds()) / 3600
        limits = self.limits[fuel]
        return limits.max_rate_per_hour * hours + limits.slack

    def check(self, fuel: Fuel, when: datetime, value: Decimal) -> Decision:
        """Judge one reading and, if accepted, remember it as the baseline."""
        fuel = Fuel(fuel)
        state = self.state.get(fuel)
        if state is None:
            self.state[fuel] = GuardState(when, value)
            return Decision(Verdict.FIRST, Decimal(0), f"first {fuel} register {value}")
        if when <= state.last_time:
            return self._reject(
                fuel, Verdict.OLDER, None,
                f"{fuel} register {value} at {when.isoformat()} is not newer than the one "
                f"accepted at {state.last_time.isoformat()}",
            )
        allowed = self._allowed(fuel, state.last_time, when)
        limits = self.limits[fuel]
        delta = value - state.last_value
        if delta < 0:
            # max -> 0 is one raw step of the register, like any other
            wrapped = (limits.register_max - state.last_value) + value + limits.register_step
            if 0 <= wrapped <= allowed and state.last_value > limits.register_max / 2:
                return self._accept(fuel, when, value, Verdict.ROLLOVER, wrapped,
                                    f"{fuel} register rolled over at its width: +{wrapped}")
            return self._reject(
                fuel, Verdict.BACKWARDS, (when, value),
                f"{fuel} register went backwards from {state.last_value} to {value}",
            )
        if delta > allowed:
            return self._reject(
                fuel, Verdict.IMPLAUSIBLE, (when, value),
                f"{fuel} register rose {delta} in {(when - state.last_time).total_seconds():.0f}"
                f" s, more than the supply can deliver ({allowed:.3f})",
            )
        return self._accept(fuel, when, value, Verdict.ACCEPTED, delta, "")

    def _accept(
        self, fuel: Fuel, when: datetime, value: Decimal, verdict: Verdict, delta: Decimal,
        reason: str,
    ) -> Decision:
        state = self.state[fuel]
        state.last_time, state.last_value = when, value
        state.suspects.clear()
        return Decision(verdict, delta, reason)

    def _reject(
        self, fuel: Fuel, verdict: Verdict, suspect: tuple[datetime, Decimal] | None, reason: str
    ) -> Decision:
        self.rejected[(fuel, verdict)] += 1
        state = self.state[fuel]
        if suspect is None:
            return Decision(verdict, Decimal(0), reason)
        if state.suspects and not self._consistent(fuel, state.suspects[-1], suspect):
            state.suspects.clear()
        state.suspects.append(suspect)
        if len(state.suspects) < REBASE_AFTER:
            return Decision(verdict, Decimal(0), reason)
        # the meter keeps saying so: take its new value as the baseline, bill nothing of it
        first_time, first_value = state.suspects[0]
        step = first_value - state.last_value
        when, value = suspect
        state.last_time, state.last_value = when, value
        state.suspects.clear()
        return Decision(
            Verdict.REBASED, Decimal(0),
            f"{fuel} register re-based at {value} after {REBASE_AFTER} consistent readings; "
            f"the step of {step} from {first_time.isoformat()} is not billed",
            unbilled_step=step,
        )

    def _consistent(
        self, fuel: Fuel, earlier: tuple[datetime, Decimal], later: tuple[datetime, Decimal]
    ) -> bool:
        (t0, v0), (t1, v1) = earlier, later
        return t1 > t0 and 0 <= v1 - v0 <= self._allowed(fuel, t0, t1)

