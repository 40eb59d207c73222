"""Cumulative register readings -> consumption per UTC half-hour.

The delta between two readings is spread over the half-hours they span in proportion to
time (a big gap is spread linearly), cut to 1e-6 of the register unit (finer if the
register is); the last share takes the remainder so the total is conserved exactly.
A half-hour is emitted once a reading at or after its end arrives (or on flush_until).
Repeated or older readings are ignored; a register that goes backwards (meter replaced or
reset) re-bases without inventing consumption.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass(slots=True)
class _FuelState:
    last_time: datetime
    last_value: Decimal
    emitted_until: datetime  # every half-hour starting before this has been emitted
    pending: dict[datetime, Decimal] = field(default_factory=dict)


class HalfHourAccumulator:
    def __init__(self) -> None:
        self._fuels: dict[Fuel, _FuelState] = {}

    def add(self, fuel: Fuel, meter_time: datetime, register: Decimal) -> list[HalfHourUsage]:
        """Feed one cumulative reading; returns the half-hours it completed, oldest first."""
        if meter_time.tzinfo is None:
            raise ValueError("meter_time must be an aware UTC datetime")
        fuel = Fuel(fuel)
        t = meter_time.astimezone(UTC)
        value = Decimal(register)
        state = self._fuels.get(fuel)
        if state is None:
            # Nothing is known before the first reading: its half-hour starts empty.
            self._fuels[fuel] = _FuelState(t, value, half_hour_start(t))
            return []
        if t <= state.last_time:
            return []  # repeat or out of order: the newer reading already counted
        if value >= state.last_value:
            self._spread(state, state.last_time, t, value - state.last_value)
        # else: register went backwards (meter exchanged / reset) -> re-base, no delta.
        state.last_time, state.last_value = t, value
        return self._emit(fuel, state, half_hour_start(t))

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
