import asyncio
import threading
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from han_home.shared.energy.calendar import HALF_HOUR, Period
from han_home.shared.energy.readings import Fuel, Reading, ReadingKind
from han_home.shared.store.async_history import AsyncHistory
from han_home.shared.store.history import HalfHourRow, HistoryStore, StoreError

D = Decimal
T = datetime(2026, 10, 25, 0, 0, tzinfo=UTC)


async def test_async_history_round_trip(tmp_path: Path) -> None:
    async with AsyncHistory(tmp_path / "h.db") as history:
        rows = [HalfHourRow(T + i * HALF_HOUR, D("0.25"), D("0.06")) for i in range(4)]
        await history.add_half_hours(Fuel.ELECTRICITY, iter(rows))
        reading = Reading("00:1b:c5:0c:00:00:00:01", Fuel.GAS, ReadingKind.SUMMATION,
                          D("1234.567"), "m3", T)
        # several queries in flight at once are serialised on the one worker
        totals, got, readings, devices, _ = await asyncio.gather(
            history.aggregate(Fuel.ELECTRICITY, Period.DAY),
            history.half_hours(Fuel.ELECTRICITY, T, T + 4 * HALF_HOUR),
            history.latest_readings(),
            history.devices(),
            history.save_reading(reading),
        )
        assert [(t.period, t.kwh, t.cost_gbp, t.hours) for t in totals] == [
            ("2026-10-25", D(1), D("0.24"), 25)
        ]
        assert got == rows
        assert devices == []
        assert await history.latest_readings() == [reading]
        await history.upsert_device("00:1b:c5:0c:00:00:00:01", role="esme", lqi=255)
        [dev] = await history.devices()
        assert (dev.role, dev.lqi) == ("esme", 255)


async def test_queries_run_off_the_loop_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    original = HistoryStore.latest_readings

    def spy(self: HistoryStore) -> list[Reading]:
        seen.append(threading.get_ident())
        return original(self)

    monkeypatch.setattr(HistoryStore, "latest_readings", spy)
    history = AsyncHistory(tmp_path / "h.db")
    await history.latest_readings()
    await history.latest_readings()
    await history.close()
    assert len(set(seen)) == 1 and seen[0] != threading.get_ident()
    with pytest.raises(RuntimeError):
        await history.devices()


async def test_bad_file_raises_store_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not sqlite at all" * 20)
    history = AsyncHistory(bad)
    with pytest.raises(StoreError):
        await history.ready()
    await history.close()
    assert bad.read_bytes() == b"not sqlite at all" * 20
