"""The display's running estimate since its start (compared with the meter's bill to date on
Now) counts only what this run measured: the meter's stored half-hours a first start reads
back after the estimate began are history, not spending since the start (they put an
estimate of £1,126 against the meter's £1.30 on the Now screen)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from han_home.shared.energy.calendar import HALF_HOUR, half_hour_start
from han_home.shared.energy.readings import Fuel
from han_home.shared.energy.supplier_tariff import SupplierTariff
from han_home.shared.han.history_feed import HistoryFeed
from han_home.shared.han.tariffs import from_supplier_tariff
from han_home.shared.store.async_history import AsyncHistory
from tests.unit.test_gap_interval_accounts import MINUTE, T0, Gateway, Meter, reading

RATE = Decimal("0.25")


async def run(tmp_path: Path) -> tuple[Decimal, Decimal, Decimal, int]:
    meter = Meter()
    history = AsyncHistory(tmp_path / "home.db")
    await history.ready()
    feed = HistoryFeed(history, from_supplier_tariff(SupplierTariff()), backfill=timedelta(days=2))
    gateway = Gateway(meter)
    feed.connect(gateway)
    try:
        for minute in range(0, 95):
            gateway.time = T0 + minute * MINUTE
            if minute == 70:  # the meter is configured: 2 days of its history are read back
                gateway.configured()
            feed.on_reading(reading(meter, gateway.time))
            await feed.drain()
        since = half_hour_start(T0)
        rows = await history.half_hours("electricity", since - timedelta(days=3),
                                        gateway.time + HALF_HOUR)
    finally:
        await history.close()
    measured = sum((r.cost_gbp or Decimal(0) for r in rows if r.start_utc >= since), Decimal(0))
    history_cost = sum((r.cost_gbp or Decimal(0) for r in rows if r.start_utc < since),
                       Decimal(0))
    open_part = feed.accumulator.pending_total(Fuel.ELECTRICITY) * RATE
    return (feed.cost_since_start(Fuel.ELECTRICITY, RATE), measured + open_part, history_cost,
            feed.backfilled_half_hours)


def test_the_estimate_since_start_leaves_out_the_meters_history(tmp_path: Path) -> None:
    estimate, measured, history_cost, backfilled = asyncio.run(run(tmp_path))
    assert backfilled >= 96 and history_cost > 0  # the history was read, and it has a cost
    assert estimate == measured
