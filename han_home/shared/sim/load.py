"""Deterministic household load: the same seed gives the same home, slot by slot, for ever.

Electricity: night base load, morning and evening peaks, kettle and oven spikes, a few
watts of appliance cycling. Gas: space heating by season and time of day, hot-water draws.

Rates are whole numbers (watts for electricity, 10^-4 m3/h for gas), constant over a slot
(10 s / 60 s), so consumption is an exact integer (joules; 10^-4 m3/h x seconds) and a
meter's register is an exact function of time: a seeded base plus everything consumed
since ORIGIN. A `Ledger` keeps each local day's half-hour totals (computed once per seed and
fuel, shared by every meter and home with that seed), so a meter started at any simulated
instant finds its register, and 13 months of half-hourly profile, in milliseconds.
"""

from __future__ import annotations

import math
import random
from array import array
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
ELEC_SLOT_S = 10  # electricity demand is constant for 10 s, the meter's report cadence
GAS_SLOT_S = 60
HALF_HOUR_S = 1800
# Registers count from here: 13+ months before any start a test or a user would choose.
ORIGIN = datetime(2024, 1, 1, tzinfo=UTC)  # a local (GMT) midnight
ORIGIN_DAY = date(2024, 1, 1)
J_PER_KWH = 3_600_000  # electricity units: joules (W x s)
GAS_UNITS_PER_M3 = 36_000_000  # gas units: 10^-4 m3/h x s
_SLOTS_PER_HH = HALF_HOUR_S // ELEC_SLOT_S
_MINUTES_PER_HH = HALF_HOUR_S // GAS_SLOT_S


def _day_rng(seed: int, fuel: str, day: date) -> random.Random:
    return random.Random(f"{seed}:{fuel}:{day.isoformat()}")


# Day caches stay small: whole days live in the ledgers' arrays, and only the days around
# now are re-read slot by slot (live values, a register between half-hours).
@lru_cache(maxsize=16)
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


def _local_ts(day: date, hour: float) -> int:
    """UTC seconds of a local wall-clock hour on a local day."""
    wall = datetime.combine(day, time(0), tzinfo=LONDON) + timedelta(hours=hour)
    return round(wall.timestamp())


def local_midnight_ts(day: date) -> int:
    return round(datetime.combine(day, time(0), tzinfo=LONDON).timestamp())


def local_day_of(ts: int) -> date:
    return datetime.fromtimestamp(ts, LONDON).date()


@lru_cache(maxsize=64)
def _elec_shape(seed: int) -> tuple[Sequence[int], tuple[int, ...]]:
    """Smooth part of the load (W) per 10 s slot of the local day, and its half-hour sums."""
    base = 0.18 + 0.04 * math.sin(seed)  # fridge, standby
    slots = []
    for i in range(86400 // ELEC_SLOT_S):
        hour = i * ELEC_SLOT_S / 3600
        shape = (
            0.5 * math.exp(-((hour - 7.75) ** 2) / 0.8)
            + 0.9 * math.exp(-((hour - 19.0) ** 2) / 3.0)
            + 0.15 * math.exp(-((hour - 13.0) ** 2) / 4.0)
        )
        slots.append(round((base + shape) * 1000))
    sums = tuple(sum(slots[k * _SLOTS_PER_HH : (k + 1) * _SLOTS_PER_HH]) for k in range(48))
    # machine integers: 8,640 slots per seed, kept for the process's life (lru_cache)
    return array("q", slots), sums


@lru_cache(maxsize=64)
def _elec_jitter(seed: int) -> tuple[tuple[int, ...], int]:
    """Appliances cycling: 0-29 W per slot, the same multiset every half-hour (so every
    half-hour's total is known without visiting its slots), shuffled per half-hour."""
    values = tuple(((k * 2654435761 + seed * 97) % 1009) * 30 // 1009 for k in range(180))
    return values, sum(values)


@lru_cache(maxsize=64)
def _elec_shape_cum(seed: int) -> Sequence[int]:
    cum = array("q", [0])
    for w in _elec_shape(seed)[0]:
        cum.append(cum[-1] + w)
    return cum


@lru_cache(maxsize=16)
def _event_slots(seed: int, day: date) -> tuple[tuple[int, int, int], ...]:
    """(first slot, end slot, W) of the day's appliance spikes."""
    out = []
    for start, duration, kw in _electric_events(seed, day):
        a, b = _local_ts(day, start), _local_ts(day, start + duration)
        out.append((-(-a // ELEC_SLOT_S), -(-b // ELEC_SLOT_S), round(kw * 1000)))
    return tuple(out)


_UNITS_180 = tuple(k for k in range(1, 180) if math.gcd(k, 180) == 1)


def _jitter_w(seed: int, slot: int) -> int:
    values, _ = _elec_jitter(seed)
    hh, pos = divmod(slot, _SLOTS_PER_HH)
    a = _UNITS_180[(hh * 7919) % len(_UNITS_180)]
    return values[(pos * a + hh * 104729) % _SLOTS_PER_HH]


# A meter asks for the register between half-hours at every report (every 10 s): summing
# the jitter slot by slot made each ask O(slots into the half-hour), the virtual home's
# hottest loop in long runs. One prefix per half-hour (kept for the few around now) makes
# it O(1), with the same integers.
@lru_cache(maxsize=64)
def _jitter_prefix(seed: int, hh: int) -> tuple[int, ...]:
    """Jitter (W) summed over the first n slots of half-hour `hh` (UTC half-hour index)."""
    first = hh * _SLOTS_PER_HH
    prefix = [0]
    for i in range(_SLOTS_PER_HH):
        prefix.append(prefix[-1] + _jitter_w(seed, first + i))
    return tuple(prefix)


def _heating_factor(day: date) -> float:
    """0 in midsummer, 1 in midwinter."""
    return 0.5 + 0.5 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 15) / 365.25)


class Ledger:
    """Exact consumption (integer units) of one fuel and seed, from ORIGIN to any instant."""

    units_per_hour_rate = 3600  # consumption in units = rate x seconds

    def __init__(self, seed: int) -> None:
        self.seed = seed
        # Machine integers (array 'q'), not Python ints: about 1,000 days of half-hours since
        # the origin for each fuel would otherwise hold ~5 MiB for the life of the process.
        self._day_start = array("q")  # UTC ts of each local day's midnight, from ORIGIN_DAY
        self._day_cum: list[array[int]] = []  # within-day prefix over its half-hours
        self._prefix = array("q", [0])  # consumption before each day

    # ---- fuel specifics (subclasses) --------------------------------------------
    def _day_half_hours(self, day: date, start: int, count: int) -> list[int]:
        raise NotImplementedError

    def rate(self, ts: int) -> int:
        """The whole-number rate in the slot containing UTC second `ts`."""
        raise NotImplementedError

    slot_s = ELEC_SLOT_S

    # ---- days -------------------------------------------------------------------
    def _extend_to(self, index: int) -> None:
        while len(self._day_cum) <= index:
            day = ORIGIN_DAY + timedelta(days=len(self._day_cum))
            start = local_midnight_ts(day)
            count = (local_midnight_ts(day + timedelta(days=1)) - start) // HALF_HOUR_S
            values = self._day_half_hours(day, start, count)
            cum = [0]
            for v in values:
                cum.append(cum[-1] + v)
            self._day_start.append(start)
            self._day_cum.append(array("q", cum))
            self._prefix.append(self._prefix[-1] + cum[-1])

    def _locate(self, ts: int) -> tuple[int, int]:
        """(day index, half-hour index within that day) of the half-hour containing ts."""
        if ts < int(ORIGIN.timestamp()):
            raise ValueError("before the registers' origin")
        index = (local_day_of(ts) - ORIGIN_DAY).days
        self._extend_to(index + 1)
        return index, (ts - self._day_start[index]) // HALF_HOUR_S

    def half_hour(self, start_ts: int) -> int:
        """Consumption in the half-hour starting at UTC second `start_ts` (aligned)."""
        d, k = self._locate(start_ts)
        cum = self._day_cum[d]
        return cum[k + 1] - cum[k]

    def cumulative(self, ts: int) -> int:
        """Consumption from ORIGIN up to UTC second `ts` (whole seconds)."""
        d, k = self._locate(ts)
        hh_start = self._day_start[d] + k * HALF_HOUR_S
        return self._prefix[d] + self._day_cum[d][k] + self._partial(hh_start, ts)

    def _partial(self, hh_start: int, ts: int) -> int:
        """Consumption from a half-hour's start up to ts (inside it), slot by slot."""
        total, slot, t = 0, self.slot_s, hh_start
        while t + slot <= ts:
            total += self.rate(t) * slot
            t += slot
        if ts > t:
            total += self.rate(t) * (ts - t)
        return total

    def locate(self, ts: int) -> tuple[int, int]:
        """(day index from ORIGIN_DAY, half-hour index in that local day) of ts."""
        return self._locate(ts)

    def day(self, index: int) -> tuple[int, Sequence[int]]:
        """(UTC midnight ts, within-day prefix sums over its half-hours) of day `index`."""
        self._extend_to(index)
        return self._day_start[index], self._day_cum[index]

    def partial(self, hh_start: int, ts: int) -> int:
        return self._partial(hh_start, ts)

    def day_start_ts(self, ts: int) -> int:
        d, _k = self._locate(ts)
        return self._day_start[d]

    def day_half_hours(self, ts: int) -> tuple[int, Sequence[int]]:
        """(midnight ts, within-day prefix sums) of the local day containing ts."""
        d, _k = self._locate(ts)
        return self._day_start[d], self._day_cum[d]



def local_half_hour_index(start: int, count: int, k: int) -> int:
    """Local half-hour-of-day index (0-47) of half-hour k of a day of `count` half-hours."""
    if count == 48:
        return k
    local = datetime.fromtimestamp(start + k * HALF_HOUR_S, LONDON)
    return local.hour * 2 + local.minute // 30


class ElectricityLedger(Ledger):
    slot_s = ELEC_SLOT_S

    def _events(self, day: date) -> tuple[tuple[int, int, int], ...]:
        return _event_slots(self.seed, day)

    def _partial(self, hh_start: int, ts: int) -> int:
        n, rem = divmod(ts - hh_start, ELEC_SLOT_S)
        if n == 0 and rem == 0:
            return 0
        local = datetime.fromtimestamp(hh_start, LONDON)
        i0 = (local.hour * 3600 + local.minute * 60) // ELEC_SLOT_S
        cum = _elec_shape_cum(self.seed)
        watt_slots = cum[i0 + n] - cum[i0]
        slot0 = hh_start // ELEC_SLOT_S
        if n <= _SLOTS_PER_HH:  # ts inside the half-hour, as every caller asks
            watt_slots += _jitter_prefix(self.seed, slot0 // _SLOTS_PER_HH)[n]
        else:
            watt_slots += sum(_jitter_w(self.seed, slot0 + i) for i in range(n))
        for a, b, w in self._events(local.date()):
            overlap = min(b, slot0 + n) - max(a, slot0)
            if overlap > 0:
                watt_slots += w * overlap
        total = watt_slots * ELEC_SLOT_S
        if rem:
            total += self.rate(ts) * rem
        return total

    def _day_half_hours(self, day: date, start: int, count: int) -> list[int]:
        _slots, shape = _elec_shape(self.seed)
        _values, jsum = _elec_jitter(self.seed)
        watts = [shape[local_half_hour_index(start, count, k)] + jsum for k in range(count)]
        first_slot = start // ELEC_SLOT_S
        for a, b, w in self._events(day):
            for slot_hh in range((a - first_slot) // _SLOTS_PER_HH, (b - 1 - first_slot)
                                 // _SLOTS_PER_HH + 1):
                lo = first_slot + slot_hh * _SLOTS_PER_HH
                n = min(b, lo + _SLOTS_PER_HH) - max(a, lo)
                if n > 0 and 0 <= slot_hh < count:
                    watts[slot_hh] += w * n
        return [w * ELEC_SLOT_S for w in watts]

    def rate(self, ts: int) -> int:
        slot = ts // ELEC_SLOT_S
        local = datetime.fromtimestamp(slot * ELEC_SLOT_S, LONDON)
        slots, _sums = _elec_shape(self.seed)
        watts = slots[(local.hour * 3600 + local.minute * 60 + local.second) // ELEC_SLOT_S]
        watts += _jitter_w(self.seed, slot)
        for a, b, w in self._events(local.date()):
            if a <= slot < b:
                watts += w
        return watts


class GasLedger(Ledger):
    slot_s = GAS_SLOT_S

    def _showers(self, day: date) -> list[tuple[int, int]]:
        """(first minute slot, end minute slot) of the day's hot-water draws."""
        rng = _day_rng(self.seed, "g", day)
        out = []
        for start in (rng.uniform(6.5, 8.5), rng.uniform(19.0, 22.0)):
            a, b = _local_ts(day, start), _local_ts(day, start + 0.2)
            out.append((-(-a // GAS_SLOT_S), -(-b // GAS_SLOT_S)))
        return out

    @staticmethod
    @lru_cache(maxsize=16)
    def _heating(day: date) -> tuple[int, ...]:
        """Space heating (10^-4 m3/h) per local half-hour of the day, plus the pilot 0.01."""
        season = _heating_factor(day)
        high, low = round(1.1 * season * 10_000), round(0.25 * season * 10_000)
        out = []
        for k in range(48):
            hour = k / 2
            if 6.0 <= hour < 9.0 or 17.0 <= hour < 22.5:
                out.append(high + 100)
            elif 9.0 <= hour < 17.0:
                out.append(low + 100)
            else:
                out.append(100)
        return tuple(out)

    def _day_half_hours(self, day: date, start: int, count: int) -> list[int]:
        heating = self._heating(day)
        rates = [
            heating[local_half_hour_index(start, count, k)] * _MINUTES_PER_HH
            for k in range(count)
        ]
        first = start // GAS_SLOT_S
        for a, b in self._showers(day):
            for m in range(a, b):
                k = (m - first) // _MINUTES_PER_HH
                if 0 <= k < count:
                    rates[k] += 12_000
        return [r * GAS_SLOT_S for r in rates]

    def rate(self, ts: int) -> int:
        minute = ts // GAS_SLOT_S
        local = datetime.fromtimestamp(minute * GAS_SLOT_S, LONDON)
        value = self._heating(local.date())[local.hour * 2 + local.minute // 30]
        for a, b in self._showers(local.date()):
            if a <= minute < b:
                value += 12_000
        return value


# A ledger since ORIGIN is ~1.5 MB; a test session meets a handful of seeds.
@lru_cache(maxsize=8)
def electricity_ledger(seed: int) -> ElectricityLedger:
    return ElectricityLedger(seed)


@lru_cache(maxsize=8)
def gas_ledger(seed: int) -> GasLedger:
    return GasLedger(seed)


def electricity_kw(seed: int, when: datetime) -> Decimal:
    """Household power (kW, 3 dp) in the 10-second slot containing `when`."""
    return Decimal(electricity_ledger(seed).rate(int(when.timestamp()))).scaleb(-3)


def gas_m3_per_hour(seed: int, when: datetime) -> Decimal:
    """Gas flow (m3/h, 4 dp) in the minute containing `when`."""
    return Decimal(gas_ledger(seed).rate(int(when.timestamp()))).scaleb(-4)


def floor_half_hour(ts: int) -> int:
    return ts - ts % HALF_HOUR_S

