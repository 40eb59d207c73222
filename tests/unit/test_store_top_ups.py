"""Schema step 6: top-ups kept exactly, newest first by the meter's time; a version-5 file
gains the table and keeps its messages; a read-only history feed writes none."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from decimal import Decimal
from pathlib import Path

from han_home.shared.energy.supplier_tariff import SupplierTariff
from han_home.shared.han.changes import ChangeEvent, ChangeNotice
from han_home.shared.han.history_feed import HistoryFeed
from han_home.shared.han.tariffs import from_supplier_tariff
from han_home.shared.security.profiles import Role
from han_home.shared.store.async_history import AsyncHistory
from han_home.shared.store.history import HistoryStore, StoredTopUp
from han_home.shared.store.migrations import MIGRATIONS

T0 = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


def test_top_ups_round_trip_newest_first(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h.db") as store:
        # written out of order, one with microseconds (ISO text would sort it wrongly)
        for when, amount in ((T0, "20"), (T0 + dt.timedelta(seconds=1, microseconds=5), "0.01"),
                             (T0 - dt.timedelta(days=1), "5.50")):
            store.save_top_up(StoredTopUp("0011", when, Decimal(amount), "supplier", "Demo"))
    with HistoryStore(tmp_path / "h.db") as store:
        assert [(t.applied_at, t.amount_gbp) for t in store.top_ups()] == [
            (T0 + dt.timedelta(seconds=1, microseconds=5), Decimal("0.01")),
            (T0, Decimal("20")), (T0 - dt.timedelta(days=1), Decimal("5.50"))]


def test_a_version_5_file_gains_the_table_and_keeps_its_messages(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as raw:
        for step in MIGRATIONS[:5]:
            for statement in step:
                raw.execute(statement)
        raw.execute("INSERT INTO messages VALUES ('d', '1', 'Hello', ?, NULL, 'en', 1)",
                    (T0.isoformat(),))
        raw.execute("PRAGMA user_version = 5")
    raw.close()
    with HistoryStore(path) as store:
        assert store.schema_version == len(MIGRATIONS) == 6
        assert store.top_ups() == [] and [m.text for m in store.messages()] == ["Hello"]


def test_a_read_only_history_feed_writes_no_top_up(tmp_path: Path) -> None:
    async def run(store: bool) -> list[StoredTopUp]:
        history = AsyncHistory(tmp_path / f"{store}.db")
        await history.ready()
        feed = HistoryFeed(history, from_supplier_tariff(SupplierTariff()), store=store)
        feed.on_change(ChangeEvent(ChangeNotice("top_up", Role.SUPPLIER, "Demo", bytes(8), T0,
                                                amount_gbp=Decimal("20"))))
        feed.on_change(ChangeEvent(ChangeNotice("clock", Role.SUPPLIER, "Demo", bytes(8), T0,
                                                offset_s=3)))
        await feed.drain()
        try:
            return await history.top_ups()
        finally:
            await history.close()

    assert [t.amount_gbp for t in asyncio.run(run(True))] == [Decimal("20")]
    assert asyncio.run(run(False)) == []
