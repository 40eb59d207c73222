"""History across a restart (issue 8): how long a display takes to resume its accounts from
a database holding 13 months, and to fill a two-hour gap from the meter's own half-hours,
with the frames that costs on the air; against a bare SQLite open and read of the same file,
and a first start's 13-month backfill, in the same run."""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

START = datetime(2026, 11, 9, 5, 7, tzinfo=UTC)


async def _segment(db: Path, start: datetime, minutes: int) -> dict[str, Any]:
    from han_home.shared.han.history_feed import HistoryFeed
    from han_home.shared.han.setup import RadioOptions, build_gateway
    from han_home.shared.store.async_history import AsyncHistory

    gateway = build_gateway(RadioOptions(sim_seed=23, sim_start=start, sim_speed=600))
    history = AsyncHistory(db)
    t0 = time.perf_counter()
    await history.ready()
    feed = HistoryFeed(history, gateway.tariffs)
    await feed.resume()
    resumed_s = time.perf_counter() - t0
    feed.connect(gateway)
    await gateway.start()
    assert await gateway.commission_expected()
    home = gateway.config.sim_home
    esme = str(home.esme.ieee)
    before = home.air.frames_down[esme] + home.air.frames_up[esme]
    t1 = time.perf_counter()
    deadline = t1 + 60
    while time.perf_counter() < deadline and not (
        feed.gaps_filled_from_profile or feed.backfilled_half_hours
    ):
        await asyncio.sleep(0.01)
    await feed.drain()
    filled_s = time.perf_counter() - t1
    frames = home.air.frames_down[esme] + home.air.frames_up[esme] - before
    await home.clock.sleep_until(start + timedelta(minutes=minutes))
    await gateway.stop()
    feed.flush(home.clock.now())
    await feed.drain()
    await history.close()
    return {"resume_s": resumed_s, "fill_s": filled_s, "frames": frames,
            "backfilled": feed.backfilled_half_hours, "gaps": feed.gaps_filled_from_profile}


def _bare_open(db: Path) -> float:
    t0 = time.perf_counter()
    conn = sqlite3.connect(db)
    conn.execute("SELECT state FROM accounting_state").fetchall()
    conn.close()
    return time.perf_counter() - t0


def run(quick: bool = False) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "home.db"
        first = asyncio.run(_segment(db, START, 40))
        bare_s = _bare_open(db)
        again = asyncio.run(_segment(db, START + timedelta(minutes=40, hours=2), 20))
    return {
        "first_start_backfill_half_hours": first["backfilled"],
        "first_start_backfill_s": round(first["fill_s"], 3),
        "first_start_backfill_frames": first["frames"],
        "restart_resume_s": round(again["resume_s"], 4),
        "bare_sqlite_open_and_read_s": round(bare_s, 4),
        "resume_vs_bare_ratio": round(again["resume_s"] / bare_s, 1) if bare_s else None,
        "two_hour_gap_filled_from_profile": again["gaps"],
        "gap_fill_s": round(again["fill_s"], 3),
        "gap_fill_frames": again["frames"],
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
