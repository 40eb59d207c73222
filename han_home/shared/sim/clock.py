"""The virtual home's clock: a UTC start and a speed, so tests cross a month in seconds."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta


class SimClock:
    """Simulated UTC time running `speed` times faster than the event loop's clock.

    Devices schedule by absolute simulated time (`sleep_until`), so when the CPU falls
    behind at high speed the schedule catches up instead of drifting.
    """

    def __init__(self, start: datetime | None = None, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.start = (start or datetime.now(UTC)).astimezone(UTC)
        self.speed = speed
        self._t0 = time.monotonic()
        self._speed_changed = asyncio.Event()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=(time.monotonic() - self._t0) * self.speed)

    def set_speed(self, speed: float) -> None:
        """Change speed from now on without jumping the simulated time."""
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.start, self._t0, self.speed = self.now(), time.monotonic(), speed
        # wake every sleeper so it recomputes its wait at the new speed
        changed, self._speed_changed = self._speed_changed, asyncio.Event()
        changed.set()

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


class RealClock(SimClock):
    """Wall-clock UTC, for real radios."""

    def __init__(self) -> None:
        super().__init__(datetime.now(UTC), 1.0)

    def now(self) -> datetime:
        return datetime.now(UTC)
