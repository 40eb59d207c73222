"""Feed meter readings into the SQLite history: half-hourly energy, cost and standing charge.

Registers are cumulative, so a lost report (or a radio outage) loses no energy: the next
register reading spans the gap and the accumulator spreads it over the half-hours it
covers. Each half-hour is priced at the tariff in force in that half-hour.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from han_home.shared.energy.calendar import local_date, local_midnight_utc
from han_home.shared.energy.gas import gas_kwh
from han_home.shared.energy.halfhour import HalfHourAccumulator, HalfHourUsage
from han_home.shared.energy.readings import Fuel, Reading, ReadingKind
from han_home.shared.energy.tariff import price_half_hour, standing_charge_for_day
from han_home.shared.han.tariffs import Tariffs
from han_home.shared.store.async_history import AsyncHistory
from han_home.shared.store.history import HalfHourRow, HistoryStore

LOGGER = logging.getLogger(__name__)
# Latest readings are saved for the next start's first frame; a 10 s demand value need not
# hit the disk every 10 s.
SAVE_EVERY = timedelta(minutes=5)
ALWAYS_SAVE = {
    ReadingKind.MESSAGE,
    ReadingKind.CREDIT,
    ReadingKind.PRICE,
    ReadingKind.CALORIFIC_VALUE,
    ReadingKind.STANDING_CHARGE,
}


def open_history(path: Path, *, create: bool = True, readonly: bool = False,
                 owner: int | None = None) -> HistoryStore:
    """Open (or create) the history database; StoreError with a clear message if unusable."""
    return HistoryStore(path, create=create, readonly=readonly, owner=owner)


class HistoryFeed:
    def __init__(self, history: AsyncHistory, tariffs: Tariffs, *, store: bool = True) -> None:
        self.history = history
        self.store = store  # False: price and total as usual, but write nothing (read-only)
        self.tariffs = tariffs
        self.accumulator = HalfHourAccumulator()
        self.cv = tariffs.gas_cv
        self._month_kwh: dict[tuple[Fuel, str], Decimal] = {}
        self._charged_days: set[tuple[Fuel, date]] = set()
        self._last_saved: dict[tuple[str, ReadingKind, int | None], datetime] = {}
        self._pending: set[asyncio.Task[None]] = set()
        self.half_hours_written = 0
        # running estimate of what this display has priced since it started (seed IH.2:
        # compared with the meter's own bill to date)
        self._priced: dict[Fuel, Decimal] = {}
        self._started: datetime | None = None

    def on_reading(self, reading: Reading) -> None:
        if reading.kind == ReadingKind.CALORIFIC_VALUE:
            self.cv = reading.value
        self._maybe_save_latest(reading)
        if reading.kind != ReadingKind.SUMMATION:
            return
        when = reading.meter_time or reading.received
        if self._started is None:
            self._started = when
        self._write(reading.fuel, self.accumulator.add(reading.fuel, when, reading.value))

    def flush(self, until: datetime) -> None:
        """Write every half-hour that ended by `until` (at shutdown)."""
        for fuel in (Fuel.ELECTRICITY, Fuel.GAS):
            self._write(fuel, self.accumulator.flush_until(until, fuel))

    def cost_since_start(self, fuel: Fuel, rate_now: Decimal) -> Decimal:
        """Energy priced since the first reading, plus standing charges for each local day
        begun since then, plus energy not yet closed into a half-hour at today's rate."""
        pending = self.accumulator.pending_total(fuel)
        if fuel == Fuel.GAS:
            pending = gas_kwh(pending, self.cv)
        return self._priced.get(fuel, Decimal(0)) + pending * rate_now

    async def drain(self) -> None:
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)

    def _maybe_save_latest(self, reading: Reading) -> None:
        key = (reading.device, reading.kind, reading.tier)
        last = self._last_saved.get(key)
        if (
            reading.kind not in ALWAYS_SAVE
            and last is not None
            and reading.received - last < SAVE_EVERY
        ):
            return
        self._last_saved[key] = reading.received
        self._spawn(self.history.save_reading(reading))

    def _write(self, fuel: Fuel, usages: list[HalfHourUsage]) -> None:
        if not usages:
            return
        schedule = self.tariffs.for_fuel(fuel)
        rows = []
        for usage in usages:
            day = local_date(usage.start_utc)
            if fuel == Fuel.GAS:
                m3, cv = usage.quantity, self.cv
                kwh = gas_kwh(m3, cv)
            else:
                m3, cv, kwh = None, None, usage.quantity
            month = (fuel, day.strftime("%Y-%m"))
            month_to_date = self._month_kwh.get(month, Decimal(0))
            cost = price_half_hour(schedule, usage.start_utc, kwh, month_to_date)
            self._month_kwh[month] = month_to_date + kwh
            rows.append(HalfHourRow(usage.start_utc, kwh, cost, m3, cv))
            self._priced[fuel] = self._priced.get(fuel, Decimal(0)) + cost
            if (fuel, day) not in self._charged_days:
                self._charged_days.add((fuel, day))
                if self._started is not None and local_midnight_utc(day) > self._started:
                    self._priced[fuel] += standing_charge_for_day(schedule, day)
                self._spawn(
                    self.history.set_standing_charge(
                        fuel, day, standing_charge_for_day(schedule, day)
                    )
                )
        self.half_hours_written += len(rows)
        self._spawn(self.history.add_half_hours(fuel, rows))

    def _spawn(self, coro) -> None:  # type: ignore[no-untyped-def]
        if not self.store:
            coro.close()
            return
        task = asyncio.get_running_loop().create_task(coro)
        self._pending.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._pending.discard(task)
        if not task.cancelled() and task.exception() is not None:
            LOGGER.error("Writing history failed: %s", task.exception())
