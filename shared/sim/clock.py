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

    def now(self) -> datetime:
        return self.start + timedelta(seconds=(time.monotonic() - self._t0) * self.speed)

    def real_seconds(self, sim_seconds: float) -> float:
        return sim_seconds / self.speed

    async def sleep(self, sim_seconds: float) -> None:
        await asyncio.sleep(max(0.0, sim_seconds / self.speed))

    async def sleep_until(self, when: datetime) -> None:
        delay = (when - self.now()).total_seconds()
        await asyncio.sleep(max(0.0, delay / self.speed))


class RealClock(SimClock):
    """Wall-clock UTC, for real radios."""

    def __init__(self) -> None:
        super().__init__(datetime.now(UTC), 1.0)

    def now(self) -> datetime:
        return datetime.now(UTC)
