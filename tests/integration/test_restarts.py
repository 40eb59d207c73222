"""History across restarts: the display stops cleanly or is killed at points of a simulated
run and comes back a minute, two hours or three days later; the stored energy still equals
the meter's own register, and no half-hour is partial or counted twice."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from han_home.shared.energy.calendar import (
    HALF_HOUR,
    Period,
    half_hour_start,
    local_date,
    local_midnight_utc,
)
from han_home.shared.han.clock import ManualClock
from han_home.shared.han.history_feed import HistoryFeed
from han_home.shared.han.setup import RadioOptions, build_gateway
from han_home.shared.store.async_history import AsyncHistory

SEED = 23
START = datetime(2026, 11, 9, 5, 7, tzinfo=UTC)
RESTART_AFTER = (timedelta(minutes=1), timedelta(hours=2), timedelta(days=3)) * 2
# Every closed half-hour is confirmed against the meter's own record of it (the meter is
# authoritative), so a stored half-hour is the meter's to its last digit (1 Wh).
SLOT_TOLERANCE = Decimal("0.001")


async def run_segment(db: Path, start: datetime, stop: datetime, *, kill: bool):
    clock = ManualClock(start)
    gateway = build_gateway(RadioOptions(sim_seed=SEED, sim_clock=clock))
    history = AsyncHistory(db)
    await history.ready()
    feed = HistoryFeed(history, gateway.tariffs)
    await feed.resume()
    feed.connect(gateway)
    await gateway.start()
    assert await clock.run(gateway.commission_expected(), within=300)
    home = gateway.config.sim_home
    await clock.run_until(stop)
    if kill:
        # killed: nothing more reaches the disk than what was already committed
        for task in list(feed._pending):
            task.cancel()
        feed._spawn = lambda coro: coro.close()  # type: ignore[method-assign]
        await gateway.stop()
    else:
        await gateway.stop()
        feed.flush(home.clock.now())
        await feed.drain()
    await history.close()
    return home


@pytest.mark.parametrize("kill", [False, True], ids=["clean-stop", "killed"])
async def test_restarts_keep_history_equal_to_the_meter(tmp_path: Path, kill: bool) -> None:
    rng = random.Random(f"{SEED}:{kill}")
    db = tmp_path / "home.db"
    t = START
    windows = []
    for gap in RESTART_AFTER:
        stop = t + timedelta(minutes=rng.randint(50, 110))
        home = await run_segment(db, t, stop, kill=kill)
        windows.append((t, stop))
        t = stop + gap
    home = await run_segment(db, t, t + timedelta(minutes=70), kill=False)
    windows.append((t, t + timedelta(minutes=70)))

    def raw(when: datetime) -> int:  # the meter's register as it reports it (Wh)
        return int(home.esme.register_at(when) * 1000)

    first = half_hour_start(windows[0][0]) + HALF_HOUR
    last = half_hour_start(windows[-1][1]) - HALF_HOUR
    history = AsyncHistory(db)
    try:
        rows = await history.half_hours("electricity", first, last)
        gaps = await history.gaps("electricity", first, last)
        # every half-hour between the first and the last run is there, once
        slots = [r.start_utc for r in rows]
        expected = []
        s = first
        while s < last:
            expected.append(s)
            s += HALF_HOUR
        assert gaps == [], "the meter's profile filled every gap"
        assert slots == expected
        errors = {r.start_utc: (r.kwh * 1000 - (raw(r.start_utc + HALF_HOUR) - raw(r.start_utc)),
                                r.source) for r in rows}
        worst = max(abs(e) for e, _ in errors.values())
        assert worst <= SLOT_TOLERANCE * 1000, {
            k.isoformat(): v for k, v in errors.items() if abs(v[0]) > SLOT_TOLERANCE * 1000}
        stored = sum((r.kwh for r in rows), Decimal(0))
        assert abs(stored * 1000 - (raw(last) - raw(first))) <= 1, (stored, raw(last) - raw(first))
        # every whole local day in between: its stored energy is the meter's, to the Wh
        days = await history.aggregate("electricity", Period.DAY, local_date(first),
                                       local_date(last))
        whole = [d for d in days if first <= local_midnight_utc(date.fromisoformat(d.period))
                 and local_midnight_utc(date.fromisoformat(d.period) + timedelta(days=1)) <= last]
        assert len(whole) >= 5
        for day in whole:
            start = local_midnight_utc(date.fromisoformat(day.period))
            end = local_midnight_utc(date.fromisoformat(day.period) + timedelta(days=1))
            assert abs(day.kwh * 1000 - (raw(end) - raw(start))) <= 1, day
    finally:
        await history.close()
