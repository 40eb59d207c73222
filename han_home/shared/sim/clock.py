"""The virtual home's clock: a UTC start and a speed, so a run crosses a month in seconds.

It implements the core's `Clock` (han_home/shared/han/clock.py). Tests that need no real
time at all use the core's `ManualClock` instead; the virtual home accepts either.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from han_home.shared.han.clock import Clock, ManualClock, RealClock

__all__ = ["Clock", "ManualClock", "RealClock", "SimClock"]


class SimClock:
    """Simulated UTC time running `speed` times faster than the event loop's clock.

    Devices schedule by absolute simulated time (`sleep_until`), so when the CPU falls
    behind at high speed the schedule catches up instead of drifting. Its `host` clock is
    the wall clock: join windows and back-off stay in real seconds at any speed.
    """

    def __init__(self, start: datetime | None = None, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.start = (start or datetime.now(UTC)).astimezone(UTC)
        self.speed = speed
        self._t0 = time.monotonic()
        self._speed_changed = asyncio.Event()
        self._timers: set[_SimTimer] = set()
        self._host = RealClock()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=(time.monotonic() - self._t0) * self.speed)

    @property
    def host(self) -> Clock:
        return self._host

    def set_speed(self, speed: float) -> None:
        """Change speed from now on without jumping the simulated time."""
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.start, self._t0, self.speed = self.now(), time.monotonic(), speed
        # wake every sleeper so it recomputes its wait at the new speed
        changed, self._speed_changed = self._speed_changed, asyncio.Event()
        changed.set()
        for timer in list(self._timers):
            timer.arm()

    def real_seconds(self, sim_seconds: float) -> float:
        return sim_seconds / self.speed

    async def sleep(self, sim_seconds: float) -> None:
        await self.sleep_until(self.now() + timedelta(seconds=sim_seconds))

    async def sleep_until(self, when: datetime) -> None:
        while (delay := (when - self.now()).total_seconds()) > 0:
            changed = self._speed_changed
            try:
                await asyncio.wait_for(changed.wait(), delay / self.speed)
            except TimeoutError:
                return

    def call_later(self, seconds: float, callback: Callable[..., object], *args: Any) -> _SimTimer:
        timer = _SimTimer(self, self.now() + timedelta(seconds=seconds), callback, args)
        self._timers.add(timer)
        timer.arm()
        return timer


class _SimTimer:
    """A simulated-time timer on the loop's clock, re-armed when the speed changes."""

    def __init__(
        self, clock: SimClock, when: datetime, callback: Callable[..., object], args: tuple
    ) -> None:
        self.clock, self.when, self.callback, self.args = clock, when, callback, args
        self._handle: asyncio.TimerHandle | None = None

    def arm(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
        delay = max(0.0, (self.when - self.clock.now()).total_seconds()) / self.clock.speed
        self._handle = asyncio.get_running_loop().call_later(delay, self._fire)

    def _fire(self) -> None:
        if self.clock.now() < self.when:  # the loop's timer resolution: not quite due yet
            self.arm()
            return
        self.clock._timers.discard(self)
        self.callback(*self.args)

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
        self.clock._timers.discard(self)
