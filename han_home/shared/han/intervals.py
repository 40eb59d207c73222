"""Expected update intervals (kept free of zigpy so the display can import it early)."""

from __future__ import annotations

from han_home.shared.energy.readings import Fuel, ReadingKind

# How often each value is expected; a value is stale after three times this (issue 2, §3).
EXPECTED_INTERVAL_S: dict[tuple[Fuel, ReadingKind], int] = {
    (Fuel.ELECTRICITY, ReadingKind.DEMAND): 10,
    (Fuel.ELECTRICITY, ReadingKind.SUMMATION): 60,
    (Fuel.ELECTRICITY, ReadingKind.DAY_CONSUMPTION): 60,
    (Fuel.ELECTRICITY, ReadingKind.BILL_TO_DATE): 60,
    (Fuel.ELECTRICITY, ReadingKind.CREDIT): 1800,
    (Fuel.GAS, ReadingKind.SUMMATION): 1800,
}
