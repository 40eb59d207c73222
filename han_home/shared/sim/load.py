"""Deterministic household load: the same seed gives the same home, minute by minute.

Electricity: night base load, morning and evening peaks, kettle and oven spikes.
Gas: space heating by season and time of day, plus hot-water draws.
Values are piecewise constant per slot so registers are exact sums of slots.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
ELEC_SLOT_S = 10  # electricity demand is constant for 10 s, the meter's report cadence
GAS_SLOT_S = 60


def _day_rng(seed: int, fuel: str, day: date) -> random.Random:
    return random.Random(f"{seed}:{fuel}:{day.isoformat()}")


@lru_cache(maxsize=64)
def _electric_events(seed: int, day: date) -> tuple[tuple[float, float, float], ...]:
    """(start local hour, duration hours, kW) of appliance spikes on one local day."""
    rng = _day_rng(seed, "e", day)
    events: list[tuple[float, float, float]] = []
    for _ in range(rng.randint(3, 7)):  # kettles
        hour = rng.choice([rng.uniform(6.5, 9.0), rng.uniform(12, 14), rng.uniform(16, 22)])
        events.append((hour, 3 / 60, 2.8))
    if rng.random() < 0.6:  # oven
        events.append((rng.uniform(17.0, 18.5), 0.75, 2.0))
    if rng.random() < 0.4:  # washing machine
        events.append((rng.uniform(9.0, 15.0), 1.5, 0.5))
    return tuple(events)


def _local_hour(when: datetime) -> tuple[date, float]:
    local = when.astimezone(LONDON)
    return local.date(), local.hour + local.minute / 60 + local.second / 3600


def electricity_kw(seed: int, when: datetime) -> Decimal:
    """Household power (kW, 3 dp) in the 10-second slot containing `when`."""
    day, hour = _local_hour(when)
    base = 0.18 + 0.04 * math.sin(seed)  # fridge, standby
    shape = (
        0.5 * math.exp(-((hour - 7.75) ** 2) / 0.8)
        + 0.9 * math.exp(-((hour - 19.0) ** 2) / 3.0)
        + 0.15 * math.exp(-((hour - 13.0) ** 2) / 4.0)
    )
    kw = base + shape
    # appliances cycling: a few watts of deterministic jitter from slot to slot
    slot = int(when.timestamp()) // ELEC_SLOT_S
    kw += ((slot * 2654435761 + seed * 97) % 1009) / 1009 * 0.03
    for start, duration, power in _electric_events(seed, day):
        if start <= hour < start + duration:
            kw += power
    return Decimal(round(kw, 3)).quantize(Decimal("0.001"))


def _heating_factor(day: date) -> float:
    """0 in midsummer, 1 in midwinter."""
    return 0.5 + 0.5 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 15) / 365.25)


def gas_m3_per_hour(seed: int, when: datetime) -> Decimal:
    day, hour = _local_hour(when)
    season = _heating_factor(day)
    heating = 0.0
    if 6.0 <= hour < 9.0 or 17.0 <= hour < 22.5:
        heating = 1.1 * season
    elif 9.0 <= hour < 17.0:
        heating = 0.25 * season
    rng = _day_rng(seed, "g", day)
    showers = [rng.uniform(6.5, 8.5), rng.uniform(19.0, 22.0)]
    hot_water = sum(1.2 for s in showers if s <= hour < s + 0.2)
    return Decimal(round(heating + hot_water + 0.01, 4)).quantize(Decimal("0.0001"))


class Register:
    """A cumulative register integrating a piecewise-constant rate over fixed slots."""

    def __init__(self, rate_fn, slot_s: int, origin: datetime, start_value: Decimal) -> None:
        self._rate = rate_fn  # (when) -> units per hour
        self._slot = timedelta(seconds=slot_s)
        self._slot_hours = Decimal(slot_s) / Decimal(3600)
        self._t = origin.astimezone(UTC)
        self._value = start_value

    def value_at(self, when: datetime) -> Decimal:
        """Register value at `when` (never goes back in time; earlier asks get the latest)."""
        while self._t + self._slot <= when:
            self._value += self._rate(self._t) * self._slot_hours
            self._t += self._slot
        if when > self._t:
            part = Decimal((when - self._t).total_seconds()) / Decimal(3600)
            return self._value + self._rate(self._t) * part
        return self._value
