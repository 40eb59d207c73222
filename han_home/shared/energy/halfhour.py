"""Cumulative register readings -> consumption per UTC half-hour.

The delta between two readings is spread over the half-hours they span in proportion to
time (a big gap is spread linearly), cut to 1e-6 of the register unit (finer if the
register is); the last share takes the remainder so the total is conserved exactly.
A half-hour is emitted once a reading at or after its end arrives (or on flush_until).
Repeated or older readings are ignored; a register that goes backwards (meter replaced or
reset) re-bases without inventing consumption.

With ``gap_after`` set, two readings further apart than that (the process or the radio was
down) are not spread: their delta becomes a :class:`Gap` (see ``pop_gaps``) that the caller
fills from the meter's own half-hourly profile, or stores as one interval; half-hours inside
a gap are never emitted as invented values. The whole state can be exported and restored,
so a restart resumes the half-hour it was in instead of starting it afresh.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from han_home.shared.energy.calendar import HALF_HOUR, half_hour_start
from han_home.shared.energy.readings import Fuel

ZERO = Decimal(0)
_US = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class HalfHourUsage:
    start_utc: datetime
    quantity: Decimal  # in the register's unit (kWh, or m3 for gas)
    fuel: Fuel | None = None


@dataclass(frozen=True, slots=True)
class Gap:
    """Energy between two readings too far apart to split by half-hour without guessing."""

    fuel: Fuel
    start: datetime  # the last reading before the gap
    end: datetime  # the first reading after it
    quantity: Decimal  # the register delta across the gap
    begin_slot: datetime  # the half-hour the gap began in
    begin_partial: Decimal  # what that half-hour had measured before the gap

    @property
    def end_slot(self) -> datetime:
        """The half-hour the gap ended in (still open: later readings add to it)."""
        return half_hour_start(self.end)


@dataclass(slots=True)
class _FuelState:
    last_time: datetime
    last_value: Decimal
    emitted_until: datetime  # every half-hour starting before this has been emitted
    pending: dict[datetime, Decimal] = field(default_factory=dict)
    gaps: list[Gap] = field(default_factory=list)
    # the reading the accounts (re)started from: the energy of its half-hour before it was
    # never seen by the display (see began_within)
    counted_from: datetime | None = None


class HalfHourAccumulator:
    def __init__(self, gap_after: timedelta | dict[Fuel, timedelta] | None = None) -> None:
        self._fuels: dict[Fuel, _FuelState] = {}
        # per fuel: a report every minute and one every 30 minutes need different limits
        self.gap_after = gap_after if isinstance(gap_after, dict) else dict.fromkeys(
            Fuel, gap_after
        )

    def add(
        self,
        fuel: Fuel,
        meter_time: datetime,
        register: Decimal,
        delta: Decimal | None = None,
    ) -> list[HalfHourUsage]:
        """Feed one cumulative reading; returns the half-hours it completed, oldest first.

        ``delta`` overrides ``register - last`` (a register that rolled over at its width)."""
        if meter_time.tzinfo is None:
            raise ValueError("meter_time must be an aware UTC datetime")
        fuel = Fuel(fuel)
        t = meter_time.astimezone(UTC)
        value = Decimal(register)
        state = self._fuels.get(fuel)
        if state is None:
            # Nothing is known before the first reading: its half-hour starts empty.
            self._fuels[fuel] = _FuelState(t, value, half_hour_start(t), counted_from=t)
            return []
        if t <= state.last_time:
            return []  # repeat or out of order: the newer reading already counted
        step = delta if delta is not None else value - state.last_value
        limit = self.gap_after.get(fuel)
        if step >= 0 and limit is not None and t - state.last_time > limit:
            return self._open_gap(fuel, state, t, value, step)
        if step >= 0:
            self._spread(state, state.last_time, t, step)
        # else: register went backwards (meter exchanged / reset) -> re-base, no delta.
        state.last_time, state.last_value = t, value
        return self._emit(fuel, state, half_hour_start(t))

    def rebase(self, fuel: Fuel, meter_time: datetime, register: Decimal) -> None:
        """Take this register as the baseline from now on (nothing counted for the step)."""
        state = self._fuels.get(Fuel(fuel))
        t = meter_time.astimezone(UTC)
        if state is None:
            self._fuels[Fuel(fuel)] = _FuelState(t, Decimal(register), half_hour_start(t),
                                                 counted_from=t)
        else:
            state.last_time, state.last_value = t, Decimal(register)
            state.counted_from = t

    def _open_gap(
        self, fuel: Fuel, state: _FuelState, t: datetime, value: Decimal, step: Decimal
    ) -> list[HalfHourUsage]:
        # Half-hours before the gap's first one were complete; the first one is held in the
        # gap (the meter's profile may replace it); those inside it are never emitted.
        begin = half_hour_start(state.last_time)
        done = self._emit(fuel, state, begin)
        end_slot = half_hour_start(t)
        # what the gap's first half-hour measured (and anything credited up to the gap's end)
        partial = sum((state.pending.pop(s) for s in list(state.pending) if s < end_slot), ZERO)
        state.gaps.append(Gap(fuel, state.last_time, t, step, begin, partial))
        state.emitted_until = end_slot
        state.last_time, state.last_value = t, value
        return done

    def open_gaps(self, fuel: Fuel | None = None) -> list[Gap]:
        """Gaps not yet filled, oldest first. They stay in the exported state until
        ``close_gap``, so a crash while one is being filled loses nothing."""
        return [
            gap for f, state in self._fuels.items() if fuel is None or f == fuel
            for gap in state.gaps
        ]

    def current_gap(self, fuel: Fuel, start: datetime) -> Gap | None:
        """The open gap that began at `start`, as it is now (a credit may have grown it)."""
        state = self._fuels.get(Fuel(fuel))
        return next((g for g in state.gaps if g.start == start), None) if state else None

    def close_gap(self, gap: Gap) -> None:
        state = self._fuels[gap.fuel]
        state.gaps = [g for g in state.gaps if g != gap]

    def pop_gaps(self, fuel: Fuel | None = None) -> list[Gap]:
        """Open gaps, closed as they are returned."""
        gaps = self.open_gaps(fuel)
        for gap in gaps:
            self.close_gap(gap)
        return gaps

    def credit(self, fuel: Fuel, slot: datetime, quantity: Decimal) -> None:
        """Add energy to a half-hour not yet emitted (or, if it has been, to the first one
        still open), e.g. what a filled gap leaves for the half-hour it ended in."""
        state = self._fuels[Fuel(fuel)]
        for i, gap in enumerate(state.gaps):
            if gap.begin_slot == slot and slot < state.emitted_until:
                # that half-hour is held in a gap waiting for the meter's profile
                state.gaps[i] = replace(gap, begin_partial=gap.begin_partial + quantity)
                return
        target = max(slot, state.emitted_until)
        state.pending[target] = state.pending.get(target, ZERO) + quantity

    def counting_began(self, fuel: Fuel) -> datetime | None:
        """The reading the accounts of this fuel (re)started from, if known."""
        state = self._fuels.get(Fuel(fuel))
        return None if state is None else state.counted_from

    def began_within(self, fuel: Fuel, slot: datetime) -> bool:
        """Whether the accounts began (or re-based) inside that half-hour, after its start:
        the meter's figure for it then includes energy from before the display's first
        reading, which is the meter's to report and never a debt of later half-hours."""
        state = self._fuels.get(Fuel(fuel))
        began = None if state is None else state.counted_from
        return began is not None and slot < began < slot + HALF_HOUR

    def can_credit(self, fuel: Fuel, slot: datetime, quantity: Decimal) -> bool:
        """Whether ``credit(fuel, slot, quantity)`` leaves the half-hour it lands in at or
        above zero (a negative half-hour could never be stored, and its energy would be lost)."""
        state = self._fuels.get(Fuel(fuel))
        if state is None:
            return False
        for gap in state.gaps:
            if gap.begin_slot == slot and slot < state.emitted_until:
                return gap.begin_partial + quantity >= 0
        target = max(slot, state.emitted_until)
        return state.pending.get(target, ZERO) + quantity >= 0

    # ---- state across restarts ---------------------------------------------------------
    def export_state(self, fuel: Fuel) -> dict[str, object] | None:
        """JSON-ready state of one fuel (Decimals and times as text), or None if unknown."""
        state = self._fuels.get(Fuel(fuel))
        if state is None:
            return None
        return {
            "last_time": state.last_time.isoformat(),
            "last_value": str(state.last_value),
            "emitted_until": state.emitted_until.isoformat(),
            "counted_from": None if state.counted_from is None else state.counted_from.isoformat(),
            "pending": {k.isoformat(): str(v) for k, v in sorted(state.pending.items())},
            "gaps": [
                {
                    "start": g.start.isoformat(),
                    "end": g.end.isoformat(),
                    "quantity": str(g.quantity),
                    "begin_slot": g.begin_slot.isoformat(),
                    "begin_partial": str(g.begin_partial),
                }
                for g in state.gaps
            ],
        }

    def restore_state(self, fuel: Fuel, data: dict[str, object]) -> None:
        fuel = Fuel(fuel)
        pending = data.get("pending") or {}
        gaps = data.get("gaps") or []
        assert isinstance(pending, dict) and isinstance(gaps, list)
        self._fuels[fuel] = _FuelState(
            datetime.fromisoformat(str(data["last_time"])),
            Decimal(str(data["last_value"])),
            datetime.fromisoformat(str(data["emitted_until"])),
            {datetime.fromisoformat(k): Decimal(v) for k, v in pending.items()},
            [
                Gap(
                    fuel,
                    datetime.fromisoformat(g["start"]),
                    datetime.fromisoformat(g["end"]),
                    Decimal(g["quantity"]),
                    datetime.fromisoformat(g["begin_slot"]),
                    Decimal(g["begin_partial"]),
                )
                for g in gaps
            ],
            counted_from=(
                None if data.get("counted_from") is None
                else datetime.fromisoformat(str(data["counted_from"]))
            ),
        )

    def emitted(self, fuel: Fuel, slot: datetime) -> bool:
        """Whether that half-hour has been emitted (is closed)."""
        state = self._fuels.get(Fuel(fuel))
        return state is not None and slot < state.emitted_until

    def last(self, fuel: Fuel) -> tuple[datetime, Decimal] | None:
        state = self._fuels.get(Fuel(fuel))
        return None if state is None else (state.last_time, state.last_value)

    def flush_until(self, utc: datetime, fuel: Fuel | None = None) -> list[HalfHourUsage]:
        """Emit every half-hour that ends at or before utc with what is known so far.

        Consumption that a later reading attributes to an already-flushed half-hour is added
        to the first half-hour still open, so nothing is lost or counted twice."""
        limit = half_hour_start(utc)
        out: list[HalfHourUsage] = []
        for f, state in self._fuels.items():
            if fuel is None or f == fuel:
                out.extend(self._emit(f, state, limit))
        return out

    def pending_total(self, fuel: Fuel) -> Decimal:
        """Consumption spread into half-hours not yet emitted (for checks and tests)."""
        state = self._fuels.get(Fuel(fuel))
        return sum(state.pending.values(), ZERO) if state else ZERO

    @staticmethod
    def _spread(state: _FuelState, start: datetime, end: datetime, delta: Decimal) -> None:
        total_us = (end - start) // _US
        slots: list[tuple[datetime, int]] = []
        hh = half_hour_start(start)
        while hh < end:
            overlap = (min(hh + HALF_HOUR, end) - max(hh, start)) // _US
            slots.append((max(hh, state.emitted_until), overlap))
            hh += HALF_HOUR
        # Shares are cut to a fixed quantum (1e-6, or finer if the register is finer) so every
        # sum is exact and the last share's remainder conserves the delta to the last digit.
        exponent = delta.as_tuple().exponent
        quantum = Decimal(1).scaleb(min(-6, exponent if isinstance(exponent, int) else -6))
        given = ZERO
        for i, (slot, overlap) in enumerate(slots):
            if i == len(slots) - 1:
                share = delta - given
            else:
                share = (delta * overlap / total_us).quantize(quantum, rounding=ROUND_DOWN)
            given += share
            state.pending[slot] = state.pending.get(slot, ZERO) + share

    @staticmethod
    def _emit(fuel: Fuel, state: _FuelState, limit: datetime) -> list[HalfHourUsage]:
        out: list[HalfHourUsage] = []
        hh = state.emitted_until
        while hh < limit:
            out.append(HalfHourUsage(hh, state.pending.pop(hh, ZERO), fuel))
            hh += HALF_HOUR
        state.emitted_until = max(state.emitted_until, limit)
        return out
