"""History across restarts: the display stops cleanly or is killed at points of a simulated
run and comes back a minute, two hours or three days later; the stored energy still equals
the meter's own register, and no half-hour is partial or counted twice."""

from __future__ import annotations

import asyncio
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
from han_home.shared.han.history_feed import BACKFILL, HistoryFeed
from han_home.shared.han.setup import RadioOptions, build_gateway
from han_home.shared.store.async_history import AsyncHistory

SEED = 23
START = datetime(2026, 11, 9, 5, 7, tzinfo=UTC)
RESTART_AFTER = (timedelta(minutes=1), timedelta(hours=2), timedelta(days=3)) * 2
# Every closed half-hour is confirmed against the meter's own record of it (the meter is
# authoritative), so a stored half-hour is the meter's to its last digit (1 Wh).
SLOT_TOLERANCE = Decimal("0.001")


async def run_segment(db: Path, start: datetime, stop: datetime, *, kill: bool,
                      meter_answers: bool = True, backfill: timedelta = timedelta(days=2)):
    clock = ManualClock(start)
    gateway = build_gateway(RadioOptions(sim_seed=SEED, sim_clock=clock))
    history = AsyncHistory(db)
    await history.ready()
    # the first start reads two days of the meter's history, not 13 months: the restarts
    # are checked from the first run on (the backfill test below reads all 13)
    feed = HistoryFeed(history, gateway.tariffs, backfill=backfill)
    await feed.resume()
    feed.connect(gateway)
    if not meter_answers:
        feed.profile_source = None  # the meter does not answer before the display stops
    await gateway.start()
    assert await clock.run(gateway.commission_expected(), within=300)
    home = gateway.config.sim_home
    await clock.run_until(stop)
    if kill:
        # killed between two transactions: the writes already issued have committed (SQLite
        # commits whole or not at all), nothing else happens: no shutdown save of the open
        # half-hour, no confirmation or gap fill that was still asking the meter
        writes = [t for t in feed._pending if "_store" in repr(t.get_coro())]
        for task in list(feed._pending):
            if task not in writes:
                task.cancel()
        feed._spawn = lambda coro: coro.close()  # type: ignore[method-assign]
        await asyncio.gather(*writes, return_exceptions=True)
        await gateway.stop()
    else:
        await feed.stop_asking()
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
        expected = []
        s = first
        while s < last:
            expected.append(s)
            s += HALF_HOUR

        def in_a_gap(slot: datetime) -> bool:
            return any(g.start_utc < slot + HALF_HOUR and slot < g.end_utc for g in gaps)

        if not kill:
            assert gaps == [], "the meter's profile filled every gap"
        # Killed at any instant, a lost write can leave the accounts a confirmation behind the
        # meter's profile; the display then keeps that stretch as one gap interval (counted
        # and marked, never split by guesswork) rather than believe either figure.
        measured = [r for r in rows if not in_a_gap(r.start_utc)]
        assert [r.start_utc for r in measured] == [s for s in expected if not in_a_gap(s)]
        # every half-hour stored is the meter's own to the Wh: none partial, none twice
        errors = {r.start_utc.isoformat(): r.kwh * 1000 - (raw(r.start_utc + HALF_HOUR)
                                                           - raw(r.start_utc)) for r in measured}
        assert all(abs(e) <= SLOT_TOLERANCE * 1000 for e in errors.values()), {
            k: e for k, e in errors.items() if abs(e) > SLOT_TOLERANCE * 1000}
        stored = sum((r.kwh for r in rows), Decimal(0)) + sum((g.kwh for g in gaps), Decimal(0))
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
            if not any(g.start_utc < end and start < g.end_utc for g in gaps):
                assert abs(day.kwh * 1000 - (raw(end) - raw(start))) <= 1, day
    finally:
        await history.close()


async def test_a_backfill_cut_short_is_finished_by_the_next_start(tmp_path: Path) -> None:
    """A display stopped while it was still reading the meter's 13 months (a screenshot run,
    a power cut) reads them at its next start instead of showing "no data yet" for good."""
    db = tmp_path / "home.db"
    await run_segment(db, START, START + timedelta(minutes=1), kill=False, meter_answers=False,
                      backfill=BACKFILL)
    history = AsyncHistory(db)
    try:
        assert await history.aggregate("electricity", Period.DAY, date(2025, 1, 1),
                                       date(2026, 11, 1)) == []
    finally:
        await history.close()

    await run_segment(db, START + timedelta(hours=1), START + timedelta(hours=1, minutes=20),
                      kill=False, backfill=BACKFILL)
    history = AsyncHistory(db)
    try:
        days = await history.aggregate("electricity", Period.DAY)
        assert len(days) >= 390 and days[0].meter_kwh == days[0].kwh > 0
    finally:
        await history.close()
