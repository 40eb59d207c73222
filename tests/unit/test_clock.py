"""The clocks: a manual clock wakes sleepers in due order and runs the loop between steps;
the virtual home's clock keeps its timers through a speed change; the wall clock sleeps."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from han_home.shared.han.clock import Clock, ManualClock, RealClock, drive, wait_or_timeout
from han_home.shared.sim.clock import SimClock

T0 = datetime(2026, 10, 25, 0, 0, tzinfo=UTC)


def test_every_clock_is_a_clock() -> None:
    clocks: list[Clock] = [RealClock(), SimClock(T0, 10), ManualClock(T0)]
    assert [c.host is c for c in clocks] == [True, False, True]
    assert isinstance(SimClock(T0).host, RealClock)  # join windows stay in real seconds
    with pytest.raises(ValueError):
        ManualClock(datetime(2026, 1, 1))


async def test_manual_clock_stands_still_until_advanced() -> None:
    clock = ManualClock(T0)
    woke: list[tuple[str, datetime]] = []

    async def sleeper(name: str, seconds: float) -> None:
        await clock.sleep(seconds)
        woke.append((name, clock.now()))

    tasks = [asyncio.create_task(sleeper(n, s)) for n, s in (("b", 20), ("a", 10), ("c", 20))]
    await asyncio.sleep(0.01)  # real time passes; the clock's does not
    assert clock.now() == T0 and woke == []
    await clock.advance(15)
    assert woke == [("a", T0 + timedelta(seconds=10))] and clock.now() == T0 + timedelta(seconds=15)
    await clock.advance(5)
    # due at the same instant: woken in the order they went to sleep
    assert woke[1:] == [("b", T0 + timedelta(seconds=20)), ("c", T0 + timedelta(seconds=20))]
    await asyncio.gather(*tasks)


async def test_each_step_lets_the_loop_run_before_time_moves_on() -> None:
    """A chain of call_soon hops (a frame through the air and zigpy) finishes at the
    simulated second it started: nothing is received late."""
    clock = ManualClock(T0)
    received: list[datetime] = []

    def hop(n: int) -> None:
        if n == 0:
            received.append(clock.now())
        else:
            asyncio.get_running_loop().call_soon(hop, n - 1)

    async def reporter() -> None:
        for _ in range(3):
            await clock.sleep(10)
            hop(40)

    task = asyncio.create_task(reporter())
    await clock.advance(60)
    assert received == [T0 + timedelta(seconds=s) for s in (10, 20, 30)]
    await task


async def test_manual_timers_fire_in_order_and_cancel() -> None:
    clock = ManualClock(T0)
    fired: list[str] = []
    clock.call_later(30, fired.append, "thirty")
    early = clock.call_later(5, fired.append, "cancelled")
    clock.call_later(10, fired.append, "ten")
    early.cancel()
    await clock.advance(29.999)
    assert fired == ["ten"]
    await clock.advance(0.001)
    assert fired == ["ten", "thirty"]
    assert clock.next_due() is None


async def test_manual_sleep_until_the_past_returns_at_once() -> None:
    clock = ManualClock(T0)
    await clock.sleep_until(T0 - timedelta(hours=1))
    await clock.sleep(0)
    assert clock.now() == T0


async def test_wait_for_and_run_advance_only_as_far_as_needed() -> None:
    clock = ManualClock(T0)

    async def job() -> str:
        await clock.sleep(90)
        return "done"

    assert await clock.run(job(), within=120) == "done"
    assert clock.now() == T0 + timedelta(seconds=90)
    with pytest.raises(TimeoutError):
        await clock.run(job(), within=60)
    assert await drive(clock, job(), 600) == "done"
    flag: list[int] = []
    clock.call_later(5, flag.append, 1)
    await clock.wait_for(lambda: flag, within=10)
    assert flag == [1]


async def test_cancelled_manual_sleeper_is_forgotten() -> None:
    clock = ManualClock(T0)
    task = asyncio.create_task(clock.sleep(10))
    await asyncio.sleep(0)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert clock.next_due() is None


async def test_wait_or_timeout_on_the_clock() -> None:
    clock = ManualClock(T0)
    event = asyncio.Event()
    clock.call_later(3, event.set)
    assert await clock.run(wait_or_timeout(clock, event.wait(), 5), within=10) is True
    assert clock.now() == T0 + timedelta(seconds=3)
    never = asyncio.Event()
    assert await clock.run(wait_or_timeout(clock, never.wait(), 5), within=10) is None
    assert clock.now() == T0 + timedelta(seconds=8)


async def test_sim_clock_timer_survives_a_speed_change() -> None:
    clock = SimClock(T0, speed=1)
    fired = asyncio.Event()
    clock.call_later(3600, fired.set)  # an hour at real speed: an hour of wall time
    cancelled = clock.call_later(1, fired.set)
    cancelled.cancel()
    clock.set_speed(360_000)  # now 10 ms of wall time
    await asyncio.wait_for(fired.wait(), timeout=30)
    assert clock.now() >= T0 + timedelta(seconds=3600)


async def test_real_clock_sleeps_and_calls_later() -> None:
    clock = RealClock()
    before = clock.now()
    fired = asyncio.Event()
    clock.call_later(0.01, fired.set)
    await clock.sleep_until(before + timedelta(seconds=0.01))
    await asyncio.wait_for(fired.wait(), timeout=30)
    assert clock.now() >= before + timedelta(seconds=0.01)


async def test_time_stands_still_while_held_thread_work_runs() -> None:
    """A backfill waiting for its SQLite writer (history_feed) sees no simulated time pass:
    without hold, the clock would jump to the next timer while the thread still works."""
    import time as wall

    from han_home.shared.han.clock import hold_time

    clock = ManualClock(T0)
    fired: list[datetime] = []
    clock.call_later(1.0, lambda: fired.append(clock.now()))

    async def backfill() -> datetime:
        loop = asyncio.get_running_loop()
        got = await hold_time(clock, loop.run_in_executor(None, wall.sleep, 0.05))
        assert got is None
        return clock.now()

    finished = await clock.run(backfill(), within=60)
    assert finished == clock.start and fired == []  # the writer "took no time"
    await clock.advance(2)
    assert fired == [clock.start + timedelta(seconds=1)]
