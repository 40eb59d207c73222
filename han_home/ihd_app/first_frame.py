"""The first frame without an event loop: the last known values, read straight from SQLite.

The display's model speaks to history through coroutines (AsyncHistory runs them on a
worker thread). For the very first paint this adapter answers the same coroutines from the
calling thread, finishing without ever awaiting, so they can be driven by `run_now` before
asyncio, qasync and zigpy are even imported. One read of a local file before the window
exists blocks no UI.
"""

from __future__ import annotations

from collections.abc import Coroutine
from datetime import date, datetime
from typing import Any, TypeVar

from han_home.shared.store.history import HalfHourRow, HistoryStore, PeriodTotal

T = TypeVar("T")


class SyncHistory:
    def __init__(self, store: HistoryStore) -> None:
        self.store = store

    async def latest_readings(self) -> list[Any]:
        return self.store.latest_readings()

    async def messages(self) -> list[Any]:
        return self.store.messages()

    async def top_ups(self) -> list[Any]:
        return self.store.top_ups()

    async def aggregate(self, fuel: Any, by: Any, start: date | None = None,
                        end: date | None = None) -> list[PeriodTotal]:
        return self.store.aggregate(fuel, by, start, end)

    async def half_hours(self, fuel: Any, start: datetime, end: datetime) -> list[HalfHourRow]:
        return self.store.half_hours(fuel, start, end)


def run_now(coro: Coroutine[Any, Any, T]) -> T:
    """Drive a coroutine that never waits on anything to completion, without a loop."""
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    coro.close()
    raise RuntimeError("run_now() was given a coroutine that waits on I/O")
