"""A first start's backfill keeps a few weeks in flight at most (issue 7 part 6): reading
the meter's 13 months ran ahead of SQLite, and the weeks queued for the writer left the
display's heap ~10 MiB larger for good. After the last week, SQLite's page cache is given
back."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from han_home.shared.energy.calendar import HALF_HOUR
from han_home.shared.energy.profile import ProfileInterval
from han_home.shared.energy.readings import Fuel
from han_home.shared.energy.supplier_tariff import SupplierTariff
from han_home.shared.han.history_feed import BACKFILL_WEEKS_QUEUED, HistoryFeed
from han_home.shared.han.tariffs import from_supplier_tariff
from han_home.shared.store.async_history import AsyncHistory

NOW = datetime(2026, 11, 20, 9, 10, tzinfo=UTC)


class WatchedHistory(AsyncHistory):
    """Counts the writes in flight; a slow disk (the write yields a few times first)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.in_flight = 0
        self.most_in_flight = 0
        self.started = 0
        self.calls: list[str] = []

    async def add_half_hours(self, fuel: Any, rows: Any, **kwargs: Any) -> Any:
        self.in_flight += 1
        self.started += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            for _ in range(5):
                await asyncio.sleep(0)
            self.calls.append("write")
            return await super().add_half_hours(fuel, rows, **kwargs)
        finally:
            self.in_flight -= 1

    async def release_memory(self) -> None:
        self.calls.append("release")
        await super().release_memory()


async def _profile(fuel: Fuel, first: datetime, upto: datetime) -> list[ProfileInterval]:
    out, t = [], first
    while t < upto:
        out.append(ProfileInterval(t, Decimal("0.25"), "kWh"))
        t += HALF_HOUR
    return out


async def test_backfill_writes_a_week_at_a_time_then_gives_back_the_cache(
        tmp_path: Path) -> None:
    history = WatchedHistory(tmp_path / "ihd.db")
    await history.ready()
    try:
        feed = HistoryFeed(history, from_supplier_tariff(SupplierTariff()),
                           profile_source=_profile, backfill=timedelta(weeks=12))
        await feed._backfill(Fuel.ELECTRICITY, NOW)
        await feed.drain()
        assert history.most_in_flight <= BACKFILL_WEEKS_QUEUED + 1  # then reading waits
        assert history.calls == ["write"] * 12 + ["release"]  # released after the last
        end = NOW.replace(minute=0)
        rows = await history.half_hours(Fuel.ELECTRICITY, end - timedelta(weeks=12), end)
        assert len(rows) == 84 * 48 and feed.backfilled_half_hours == 84 * 48
    finally:
        await history.close()


async def test_a_backfill_stopped_while_it_waits_leaves_its_writes_to_finish(
        tmp_path: Path) -> None:
    """stop_asking cancels a backfill; the weeks it already handed to the writer are still
    written (the next start carries on from the saved accounts)."""
    history = WatchedHistory(tmp_path / "ihd.db")
    await history.ready()
    try:
        feed = HistoryFeed(history, from_supplier_tariff(SupplierTariff()),
                           profile_source=_profile, backfill=timedelta(weeks=12))
        feed._spawn(feed._backfill(Fuel.ELECTRICITY, NOW))
        for _ in range(1000):  # until reading waits for the writer
            if history.started > BACKFILL_WEEKS_QUEUED:
                break
            await asyncio.sleep(0)
        await feed.stop_asking()
        await feed.drain()
        assert history.started > BACKFILL_WEEKS_QUEUED
        assert history.calls.count("write") == history.started  # none of them cancelled
    finally:
        await history.close()
