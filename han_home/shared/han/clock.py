"""Time for the HAN core: one interface, the wall clock, and a clock that tests move by hand.

Everything in the core and the virtual home that waits on time asks a `Clock` (the
gateway's stale timers, report schedules, join windows, back-off), never `time.monotonic`
or `loop.time()` directly, so a test can swap in a `ManualClock` and cross a simulated day
in as many loop turns as the day has events, with no wall-clock wait and no host-latency
noise. Three clocks implement it:

* `RealClock` (here): UTC wall time, for real radios.
* `SimClock` (`shared/sim/clock.py`): a virtual home running `speed` times real time.
* `ManualClock` (here): time stands still until a test advances it.

A clock has two faces. `now()`, `sleep()`, `sleep_until()` and `call_later()` count the
*world's* seconds: when meters report, when a reading goes stale. `host` is the clock the
host's own timers count on: the engineer's join window and its countdown, radio reconnect
back-off, retries. For a real or a manual clock `host` is the clock itself; for a virtual
home running at 6000x it is the wall clock, because an interview takes the host real
milliseconds that would be whole simulated minutes.

zigpy keeps its own real-time timeouts (request replies, watchdog); the virtual air
answers within a few loop turns, so they never expire in tests.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class Timer(Protocol):
    """What `call_later` returns: a timer that can be cancelled before it fires."""

    def cancel(self) -> None: ...


class Clock(Protocol):
    def now(self) -> datetime:
        """The time now, UTC."""
        ...

    async def sleep(self, seconds: float) -> None: ...

    async def sleep_until(self, when: datetime) -> None: ...

    def call_later(self, seconds: float, callback: Callable[..., object], *args: Any) -> Timer:
        """Call `callback(*args)` once `seconds` of this clock have passed."""
        ...

    @property
    def host(self) -> Clock:
        """The clock for the host's own timers (join windows, back-off): see the module doc."""
        ...


async def wait_or_timeout(clock: Clock, awaitable: Awaitable[T], seconds: float) -> T | None:
    """Await `awaitable` for at most `seconds` of `clock`; None (and cancelled) if it took
    longer. Like `asyncio.wait_for`, but on the clock instead of the event loop's time."""
    work = asyncio.ensure_future(awaitable)
    timer = asyncio.ensure_future(clock.sleep(seconds))
    try:
        await asyncio.wait({work, timer}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        work.cancel()  # cancelled while waiting: the work must not outlive its waiter
        raise
    finally:
        timer.cancel()
    if work.done():
        return work.result()
    work.cancel()
    await asyncio.gather(work, return_exceptions=True)
    return None


class RealClock:
    """UTC wall time, for real radios."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    @property
    def host(self) -> Clock:
        return self

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))

    async def sleep_until(self, when: datetime) -> None:
        # re-check after waking: the wall clock may have been stepped meanwhile
        while (delay := (when - self.now()).total_seconds()) > 0:
            await asyncio.sleep(delay)

    def call_later(self, seconds: float, callback: Callable[..., object], *args: Any) -> Timer:
        return asyncio.get_running_loop().call_later(max(0.0, seconds), callback, *args)


class _ManualTimer:
    __slots__ = ("when", "callback", "args", "cancelled")

    def __init__(self, when: datetime, callback: Callable[..., object], args: tuple) -> None:
        self.when, self.callback, self.args, self.cancelled = when, callback, args, False

    def cancel(self) -> None:
        self.cancelled = True


class ManualClock:
    """A clock that stands still until it is advanced: for tests, deterministic.

    `await clock.advance(3600)` moves time forward one due timer at a time: it sets the
    time to the earliest wake-up, wakes everything due then, in the order it was
    scheduled, and lets the event loop run until nothing is left to do before taking the
    next step. So a meter's report is received at the very simulated second it was sent.
    Work that waits on a thread (SQLite writes) or on real time is not waited for, unless
    it is awaited through ``hold`` (see ``hold_time``): then time stands still until it ends.
    """

    SETTLE_TURNS = 50  # loop turns per step on a loop whose ready queue cannot be seen
    MAX_SETTLE_TURNS = 100_000  # a step never spins forever on a busy coroutine

    def __init__(self, start: datetime | None = None) -> None:
        start = start or datetime(2026, 1, 1, tzinfo=UTC)
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        self._now = start.astimezone(UTC)
        self.start = self._now
        self._queue: list[tuple[datetime, int, _ManualTimer]] = []
        self._seq = itertools.count()
        self.steps = 0  # how many times the clock has moved (for figures)
        self._holding: set[asyncio.Future[Any]] = set()  # work time waits for (hold)

    # ---- Clock ----------------------------------------------------------------
    def now(self) -> datetime:
        return self._now

    @property
    def host(self) -> Clock:
        return self

    @property
    def elapsed(self) -> timedelta:
        return self._now - self.start

    async def sleep(self, seconds: float) -> None:
        await self.sleep_until(self._now + timedelta(seconds=seconds))

    async def sleep_until(self, when: datetime) -> None:
        if when <= self._now:
            await asyncio.sleep(0)
            return
        future = asyncio.get_running_loop().create_future()
        timer = self._push(when, _wake, (future,))
        try:
            await future
        finally:
            timer.cancel()

    def call_later(self, seconds: float, callback: Callable[..., object], *args: Any) -> Timer:
        return self._push(self._now + timedelta(seconds=max(0.0, seconds)), callback, args)

    def _push(self, when: datetime, callback: Callable[..., object], args: tuple) -> _ManualTimer:
        timer = _ManualTimer(when, callback, args)
        heapq.heappush(self._queue, (when, next(self._seq), timer))
        return timer

    # ---- moving time ------------------------------------------------------------
    def next_due(self) -> datetime | None:
        while self._queue and self._queue[0][2].cancelled:
            heapq.heappop(self._queue)
        return self._queue[0][0] if self._queue else None

    async def settle(self) -> None:
        """Let the event loop run until no callback is ready (time does not move)."""
        ready = getattr(asyncio.get_running_loop(), "_ready", None)  # CPython's ready queue
        if ready is None:
            for _ in range(self.SETTLE_TURNS):
                await asyncio.sleep(0)
            return
        for _ in range(self.MAX_SETTLE_TURNS):
            await asyncio.sleep(0)
            if not ready:
                if not self._holding:
                    return
                await asyncio.wait(set(self._holding))  # held work first, then settle on

    async def hold(self, awaitable: Awaitable[T]) -> T:
        """Await work done off the event loop (a thread) with the clock standing still
        until it has finished, as if it took no time: a writer that keeps pace with the
        world in real time keeps pace with it in a test too."""
        future = asyncio.ensure_future(awaitable)
        self._holding.add(future)
        try:
            return await future
        finally:
            self._holding.discard(future)

    async def step(self) -> bool:
        """Jump to the next wake-up, wake everything due then, settle. False if none."""
        due = self.next_due()
        if due is None:
            return False
        self._now = max(self._now, due)
        self.steps += 1
        while self._queue and self._queue[0][0] <= self._now:
            _, _, timer = heapq.heappop(self._queue)
            if not timer.cancelled:
                timer.cancelled = True  # fired: a later cancel() is a no-op
                timer.callback(*timer.args)
        await self.settle()
        return True

    async def run_until(self, when: datetime) -> None:
        """Advance to `when`, waking every timer due up to then, in order."""
        await self.settle()
        while (due := self.next_due()) is not None and due <= when:
            await self.step()
        if when > self._now:
            self._now = when
        await self.settle()

    async def advance(self, seconds: float) -> None:
        await self.run_until(self._now + timedelta(seconds=seconds))

    async def wait_for(self, predicate: Callable[[], object], within: float) -> None:
        """Advance until `predicate()` is true; TimeoutError after `within` clock seconds."""
        limit = self._now + timedelta(seconds=within)
        await self.settle()
        while not predicate():
            due = self.next_due()
            if due is None or due > limit:
                raise TimeoutError(f"condition not met within {within} s of clock time")
            await self.step()

    async def run(self, awaitable: Awaitable[T], within: float) -> T:
        """Await `awaitable` while advancing the clock whenever it waits on it."""
        task = asyncio.ensure_future(awaitable)
        try:
            await self.wait_for(task.done, within)
        finally:
            if not task.done():
                task.cancel()
        return task.result()


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


async def drive(clock: Clock, awaitable: Awaitable[T], within: float) -> T:
    """Await `awaitable`; on a ManualClock, advance the clock (at most `within` seconds)
    whenever everything waits on it, so code that waits on time also runs in tests."""
    if isinstance(clock, ManualClock):
        return await clock.run(awaitable, within)
    return await awaitable


async def hold_time(clock: Clock | None, awaitable: Awaitable[T]) -> T:
    """Await `awaitable` (work on a thread); on a ManualClock, time waits for it."""
    if isinstance(clock, ManualClock):
        return await clock.hold(awaitable)
    return await awaitable
