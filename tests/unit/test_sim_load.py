"""The virtual home's load model: the fast register between half-hours is the slow one."""

from __future__ import annotations

import random

from han_home.shared.sim import load


def _slot_by_slot(ledger: load.ElectricityLedger, hh_start: int, ts: int) -> int:
    """The definition: the rate of every 10 s slot times its seconds, one slot at a time."""
    total, t = 0, hh_start
    while t + load.ELEC_SLOT_S <= ts:
        total += ledger.rate(t) * load.ELEC_SLOT_S
        t += load.ELEC_SLOT_S
    return total + (ledger.rate(t) * (ts - t) if ts > t else 0)


def test_partial_half_hour_equals_the_sum_of_its_slots_across_the_year() -> None:
    ledger = load.ElectricityLedger(seed=11)
    rng = random.Random(5)
    origin = int(load.ORIGIN.timestamp())
    # random half-hours over two years (both clock changes), any second inside, the ends too
    for _ in range(300):
        hh = origin + rng.randrange(2 * 365 * 48) * load.HALF_HOUR_S
        for ts in (hh, hh + 1, hh + rng.randrange(1, load.HALF_HOUR_S),
                   hh + load.HALF_HOUR_S - 1, hh + load.HALF_HOUR_S):
            assert ledger.partial(hh, ts) == _slot_by_slot(ledger, hh, ts), (hh, ts)
    # and a whole half-hour is the ledger's stored half-hour total
    hh = origin + 400 * 48 * load.HALF_HOUR_S
    assert ledger.partial(hh, hh + load.HALF_HOUR_S) == ledger.half_hour(hh)
