"""Named appliance loads the virtual home can switch on and off (issue 15), on top of its
seeded electricity load: a known truth for the always-on and stopwatch figures.

The meters read the ledger as an exact function of time, so a switched load is kept as
intervals [on, off) of whole watts and added to the ledger's rate, its half-hours and its
cumulative register, exactly (joules = W x s).
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass

from han_home.shared.sim import load


@dataclass
class Interval:
    name: str
    watts: int
    on: int  # UTC seconds
    off: int | None = None  # None: still on


class Appliances:
    def __init__(self) -> None:
        self.intervals: list[Interval] = []

    def switch_on(self, name: str, watts: int, ts: int) -> None:
        if watts <= 0:
            raise ValueError("an appliance draws a positive number of watts")
        if self.is_on(name):
            raise ValueError(f"{name} is already on")
        self.intervals.append(Interval(name, int(watts), ts))

    def switch_off(self, name: str, ts: int) -> None:
        for interval in self.intervals:
            if interval.name == name and interval.off is None:
                interval.off = max(ts, interval.on)
                return
        raise ValueError(f"{name} is not on")

    def is_on(self, name: str) -> bool:
        return any(i.name == name and i.off is None for i in self.intervals)

    def rate(self, ts: int) -> int:
        return sum(i.watts for i in self.intervals
                   if i.on <= ts and (i.off is None or ts < i.off))

    def energy(self, t0: int, t1: int) -> int:
        """Joules drawn in [t0, t1)."""
        total = 0
        for i in self.intervals:
            lo, hi = max(t0, i.on), t1 if i.off is None else min(t1, i.off)
            if hi > lo:
                total += i.watts * (hi - lo)
        return total


class SwitchedLedger(load.Ledger):
    """An electricity ledger with switched appliances added. It is a Ledger to the meters
    (every method they call is here, delegating to the seeded one), holding no days itself."""

    def __init__(self, base: load.Ledger, appliances: Appliances) -> None:
        # no super().__init__(): the days live in the shared, seeded base ledger
        self.base, self.appliances = base, appliances
        self.seed, self.slot_s = base.seed, base.slot_s
        self._origin = int(load.ORIGIN.timestamp())

    def rate(self, ts: int) -> int:
        return self.base.rate(ts) + self.appliances.rate(ts)

    def cumulative(self, ts: int) -> int:
        return self.base.cumulative(ts) + self.appliances.energy(self._origin, ts)

    def half_hour(self, start_ts: int) -> int:
        return self.base.half_hour(start_ts) + self.appliances.energy(
            start_ts, start_ts + load.HALF_HOUR_S)

    def partial(self, hh_start: int, ts: int) -> int:
        return self.base.partial(hh_start, ts) + self.appliances.energy(hh_start, ts)

    def locate(self, ts: int) -> tuple[int, int]:
        return self.base.locate(ts)

    def day_start_ts(self, ts: int) -> int:
        return self.base.day_start_ts(ts)

    def day(self, index: int) -> tuple[int, Sequence[int]]:
        start, cum = self.base.day(index)
        return start, self._with_appliances(start, cum)

    def day_half_hours(self, ts: int) -> tuple[int, Sequence[int]]:
        start, cum = self.base.day_half_hours(ts)
        return start, self._with_appliances(start, cum)

    def _with_appliances(self, start: int, cum: Sequence[int]) -> Sequence[int]:
        if not self.appliances.intervals:
            return cum
        end = start + (len(cum) - 1) * load.HALF_HOUR_S
        if self.appliances.energy(start, end) == 0:
            return cum
        out, added = array("q", [0]), 0
        for k in range(len(cum) - 1):
            lo = start + k * load.HALF_HOUR_S
            added += self.appliances.energy(lo, lo + load.HALF_HOUR_S)
            out.append(cum[k + 1] + added)
        return out


def base_load_w(seed: int) -> int:
    """The load model's always-on power: fridge and standby plus the mean of the appliance
    cycling (see load._elec_shape and load._elec_jitter), in whole watts."""
    import math

    values, total = load._elec_jitter(seed)
    return round((0.18 + 0.04 * math.sin(seed)) * 1000 + total / len(values))
