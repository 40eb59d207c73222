"""The gateway reads the sleeping gas meter's profile into its mirror only as far back as
the history will ask: the first start's backfill, then the time since the last run. The
gas history is still the meter's own, half-hour by half-hour, across a restart."""

from __future__ import annotations

import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from han_home.shared.energy.calendar import HALF_HOUR, half_hour_start
from han_home.shared.energy.profile import PROFILE_CAPACITY
from han_home.shared.han.clock import ManualClock
from han_home.shared.han.gateway import Gateway, GatewayConfig, prime_periods
from han_home.shared.han.history_feed import HistoryFeed
from han_home.shared.han.setup import RadioOptions, build_gateway
from han_home.shared.store.async_history import AsyncHistory

START = datetime(2026, 11, 9, 5, 7, tzinfo=UTC)
SEED = 23


def test_prime_periods_reach_back_to_the_half_hour_asked_for() -> None:
    now = datetime(2026, 11, 9, 5, 7, tzinfo=UTC)  # the newest complete half-hour: 04:30
    assert prime_periods(GatewayConfig(), now) == PROFILE_CAPACITY
    config = GatewayConfig(gas_profile_prime_from=datetime(2026, 11, 8, 4, 50, tzinfo=UTC))
    assert prime_periods(config, now) == 49  # 04:30 yesterday .. 05:00 today, whole
    config.gas_profile_prime_from = now - timedelta(days=800)  # never past the meter's log
    assert prime_periods(config, now) == PROFILE_CAPACITY
    config.gas_profile_prime_from = now + timedelta(hours=1)
    assert prime_periods(config, now) == 0


async def _run(db: Path, start: datetime, minutes: int, backfill_days: int):
    clock = ManualClock(start)
    gateway = build_gateway(RadioOptions(sim_seed=SEED, sim_clock=clock))
    history = AsyncHistory(db)
    await history.ready()
    feed = HistoryFeed(history, gateway.tariffs, backfill=timedelta(days=backfill_days))
    await feed.resume()
    feed.connect(gateway)
    await gateway.start()
    assert await clock.run(gateway.commission_expected(), within=300)
    home = gateway.config.sim_home
    mirror = gateway._gas_profiles[str(home.gsme.ieee)]
    primed = len(mirror.intervals)  # what was read from the meter while it was awake
    await clock.advance(minutes * 60)
    await feed.stop_asking()
    await gateway.stop()
    feed.flush(clock.now())
    await feed.drain()
    await history.close()
    return home, primed


async def test_a_restart_reads_only_the_days_since_the_last_run(tmp_path: Path) -> None:
    db = tmp_path / "home.db"
    home, first_primed = await _run(db, START, 70, backfill_days=5)
    # the first start: the five days the backfill reads, and a day to spare, not 13 months
    assert 5 * 48 <= first_primed <= 7 * 48
    back = START + timedelta(minutes=70) + timedelta(days=2)
    home, primed = await _run(db, back, 70, backfill_days=5)
    # two days away: the mirror is read from the last run's open half-hour (a day to spare)
    assert 2 * 48 <= primed <= 4 * 48

    history = AsyncHistory(db)
    try:
        first = half_hour_start(START - timedelta(days=5)) + HALF_HOUR
        last = half_hour_start(back + timedelta(minutes=70)) - HALF_HOUR
        rows = await history.half_hours("gas", first, last)
        assert await history.gaps("gas", first, last) == []
        expected = []
        slot = first
        while slot < last:
            expected.append(slot)
            slot += HALF_HOUR
        assert [r.start_utc for r in rows] == expected  # nothing missing across the restart
        for row in rows:  # each the meter's own half-hour, to its last digit (m3 / 1000)
            assert row.m3 * 1000 == home.gsme.profile_raw(row.start_utc), row
    finally:
        await history.close()


async def test_without_a_history_the_mirror_holds_the_meters_13_months() -> None:
    clock = ManualClock(START)
    gateway = build_gateway(RadioOptions(sim_seed=SEED, sim_clock=clock))
    await gateway.start()
    try:
        assert await clock.run(gateway.commission_expected(), within=300)
        mirror = gateway._gas_profiles[str(gateway.config.sim_home.gsme.ieee)]
        assert len(mirror.intervals) == PROFILE_CAPACITY
    finally:
        await gateway.stop()


async def test_a_13_month_priming_read_needs_little_more_memory_than_it_keeps(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A first start reads the gas meter's 13 months into the mirror page by page: the
    priming read's traced peak stays close to what it keeps (the mirror's array and the
    frames zigpy's duplicate filter holds a while). Gathered whole as (start, raw) pairs
    first it peaked ~1.8 MiB higher, and that freed space stayed with the display."""
    measured: list[tuple[int, int]] = []
    prime = Gateway._prime_gas_profile

    async def traced(self: Gateway, eui: str, metering: Any) -> None:
        tracemalloc.start()
        try:
            await prime(self, eui, metering)
            measured.append(tracemalloc.get_traced_memory())
        finally:
            tracemalloc.stop()

    monkeypatch.setattr(Gateway, "_prime_gas_profile", traced)
    clock = ManualClock(START)
    gateway = build_gateway(RadioOptions(sim_seed=SEED, sim_clock=clock))
    await gateway.start()
    try:
        assert await clock.run(gateway.commission_expected(), within=300)
        home = gateway.config.sim_home
        mirror = gateway._gas_profiles[str(home.gsme.ieee)]
        assert len(mirror.intervals) == PROFILE_CAPACITY  # all 13 months, as before
        newest = mirror.newest_end()
        assert newest is not None
        assert mirror.span(newest, 3) == [  # the meter's own half-hours
            (s, home.gsme.profile_raw(datetime.fromtimestamp(s, UTC)))
            for s in range(newest - 3 * 1800, newest, 1800)]
        [(kept, peak)] = measured
        assert peak - kept < 512 * 1024, (kept, peak)
    finally:
        await gateway.stop()
