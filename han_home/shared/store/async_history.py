"""HistoryStore for async code: every call runs on one dedicated worker thread.

SQLite connections belong to the thread that made them, so the store is opened on the
worker and only ever touched there; the event loop (and so the UI) never waits on disk.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from han_home.shared.energy.calendar import Period
from han_home.shared.energy.readings import Fuel, Reading
from han_home.shared.store.history import (
    DeviceRow,
    GapRow,
    HalfHourRow,
    HistoryStore,
    PeriodTotal,
    StoredMessage,
    StoredTopUp,
    WriteResult,
)

T = TypeVar("T")


class AsyncHistory:
    def __init__(self, store_path: str | Path, *, readonly: bool = False,
                 owner: int | None = None) -> None:
        self.path = Path(store_path)
        self.readonly = readonly
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="history-db")
        # Opened on the worker; a StoreError surfaces on the first awaited call (or ready()).
        self._opened: Future[HistoryStore] = self._executor.submit(
            lambda: HistoryStore(self.path, readonly=readonly, owner=owner))
        self._closed = False

    async def _run(self, fn: Callable[[HistoryStore], T]) -> T:
        if self._closed:
            raise RuntimeError("AsyncHistory is closed")
        loop = asyncio.get_running_loop()
        # The worker is FIFO, so the open job has finished before this one starts.
        return await loop.run_in_executor(self._executor, lambda: fn(self._opened.result()))

    async def ready(self) -> None:
        """Wait until the store is open; raises StoreError if it cannot be."""
        await self._run(lambda store: None)

    async def aggregate(
        self, fuel: Fuel | str, by: Period | str, start: date | None = None,
        end: date | None = None,
    ) -> list[PeriodTotal]:
        return await self._run(lambda s: s.aggregate(fuel, by, start, end))

    async def half_hours(
        self, fuel: Fuel | str, start_utc: datetime, end_utc: datetime
    ) -> list[HalfHourRow]:
        return await self._run(lambda s: s.half_hours(fuel, start_utc, end_utc))

    async def add_half_hours(
        self,
        fuel: Fuel | str,
        rows: Iterable[HalfHourRow],
        *,
        gaps: Iterable[GapRow] = (),
        state: dict[str, object] | None = None,
    ) -> WriteResult:
        rows = list(rows)  # materialise here: the caller's iterable may not be thread-safe
        gap_rows = list(gaps)
        return await self._run(lambda s: s.add_half_hours(fuel, rows, gaps=gap_rows, state=state))

    async def gaps(self, fuel: Fuel | str, start_utc: datetime, end_utc: datetime) -> list[GapRow]:
        return await self._run(lambda s: s.gaps(fuel, start_utc, end_utc))

    async def accounting_state(self, fuel: Fuel | str) -> dict[str, object] | None:
        return await self._run(lambda s: s.accounting_state(fuel))

    async def set_standing_charge(self, fuel: Fuel | str, local_day: date, gbp: Decimal) -> None:
        await self._run(lambda s: s.set_standing_charge(fuel, local_day, gbp))

    async def save_reading(self, reading: Reading) -> None:
        await self._run(lambda s: s.save_reading(reading))

    async def latest_readings(self) -> list[Reading]:
        return await self._run(lambda s: s.latest_readings())

    async def save_message(self, reading: Reading, language: str) -> bool:
        return await self._run(lambda s: s.save_message(reading, language))

    async def mark_message_read(self, device: str, message_id: str) -> None:
        await self._run(lambda s: s.mark_message_read(device, message_id))

    async def messages(self) -> list[StoredMessage]:
        return await self._run(lambda s: s.messages())

    async def save_top_up(self, top_up: StoredTopUp) -> None:
        await self._run(lambda s: s.save_top_up(top_up))

    async def top_ups(self) -> list[StoredTopUp]:
        return await self._run(lambda s: s.top_ups())

    async def devices(self) -> list[DeviceRow]:
        return await self._run(lambda s: s.devices())

    async def upsert_device(self, eui64: str, **fields: object) -> None:
        await self._run(lambda s: s.upsert_device(eui64, **fields))  # type: ignore[arg-type]

    async def prune(self, keep_months: int = 13) -> int:
        return await self._run(lambda s: s.prune(keep_months))

    async def release_memory(self) -> None:
        await self._run(lambda s: s.release_memory())

    async def close(self) -> None:
        """Close the connection on its own thread, then stop the worker."""
        if self._closed:
            return
        loop = asyncio.get_running_loop()

        def _close() -> None:
            try:
                self._opened.result().close()
            except Exception:  # it never opened: nothing to close
                pass

        await loop.run_in_executor(self._executor, _close)
        self._closed = True
        self._executor.shutdown(wait=True)

    async def __aenter__(self) -> AsyncHistory:
        try:
            await self.ready()
        except BaseException:
            await self.close()  # don't leak the worker thread
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
