"""Feed meter readings into the SQLite history: half-hourly energy, cost and standing charge.

Only registers the plausibility and replay rules accept are counted (energy/register_guard.py:
older frames, backwards registers and jumps beyond the supply are refused, logged, counted).
Registers are cumulative, so a lost report loses no energy. Between readings close together
the accumulator splits the delta by half-hour; across a gap (the process or the radio was
down) it splits nothing: the gap is filled from the meter's own half-hourly profile, or, if
the meter cannot give one, stored as one gap interval that day totals include and mark.
The accumulator's state is written with every batch, so a restart (clean or killed)
resumes the half-hour it was in. Each half-hour is priced at the tariff then in force.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

from han_home.shared.energy.calendar import (
    HALF_HOUR,
    half_hour_start,
    local_date,
    local_midnight_utc,
)
from han_home.shared.energy.gas import gas_kwh
from han_home.shared.energy.halfhour import Gap, HalfHourAccumulator, HalfHourUsage
from han_home.shared.energy.profile import ProfileInterval
from han_home.shared.energy.readings import Fuel, Reading, ReadingKind
from han_home.shared.energy.register_guard import Decision, GuardState, RegisterGuard, Verdict
from han_home.shared.energy.tariff import (
    next_rate_change,
    price_if_known,
    standing_charge_for_day,
)
from han_home.shared.han.client import ChangeEvent, DeviceEvent, DeviceEventKind, HanEvent
from han_home.shared.han.clock import Clock, hold_time
from han_home.shared.han.registry import Role
from han_home.shared.han.tariffs import Tariffs
from han_home.shared.store.async_history import AsyncHistory
from han_home.shared.store.history import (
    MEASURED,
    METER_PROFILE,
    GapRow,
    HalfHourRow,
    HistoryStore,
    StoredTopUp,
)

# A register kept to 1 Wh (or 1 litre) and half-hours kept to the same step: the register's
# delta and the sum of the meter's half-hours can differ by a step at each end.
PROFILE_ROUNDING = Decimal("0.002")
LOGGER = logging.getLogger(__name__)
# Readings further apart than this are a gap, filled from the meter's own half-hours rather
# than split by time: the electricity meter reports every minute (five minutes is several
# lost reports, or a restart), the gas meter every 30 minutes.
GAP_AFTER = {Fuel.ELECTRICITY: timedelta(minutes=5), Fuel.GAS: timedelta(minutes=35)}
# (fuel, first half-hour, end) -> the meter's half-hours in [first, end), or [] if it has none
ProfileSource = Callable[[Fuel, datetime, datetime], Awaitable[list[ProfileInterval]]]
# A first start reads back what a GB meter keeps: 13 months of half-hours (seed IH.2).
BACKFILL = timedelta(days=396)
BACKFILL_WINDOW = timedelta(days=7)  # read, priced and written at a time
BACKFILL_WEEKS_QUEUED = 4  # windows read ahead of the writer, at most (steady memory)
CONFIRM_AT_MOST = 96  # two days of half-hours waiting for the meter's confirmation
# measured half-hours remembered for their rewrite (the meter's figure replacing them): all
# those waiting for confirmation, both fuels, and a few a gap's fill may rewrite
RECENT_KEPT = 2 * CONFIRM_AT_MOST + 8
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


async def virtual_home_start(history: Any, requested: datetime | None) -> datetime | None:
    """Where a virtual home without --sim-start begins: now, unless its last run, at a
    faster clock, got further than now; it then carries on from there, as a real meter
    would still be ahead of an earlier time. None: the virtual home's own default (now)."""
    if requested is not None:
        return requested
    newest = None
    for fuel in Fuel:
        saved = await history.accounting_state(fuel)
        accounts = saved.get("accumulator") if saved else None
        if isinstance(accounts, dict) and accounts.get("last_time"):
            last = datetime.fromisoformat(str(accounts["last_time"]))
            newest = last if newest is None else max(newest, last)
    if newest is None or newest <= datetime.now(UTC):
        return None
    return newest


def open_history(path: Path, *, create: bool = True, readonly: bool = False,
                 owner: int | None = None) -> HistoryStore:
    """Open (or create) the history database; StoreError with a clear message if unusable."""
    return HistoryStore(path, create=create, readonly=readonly, owner=owner)


async def _written(writes: set[asyncio.Task[None]]) -> None:
    """Until these writes have finished; cancelling the wait never cancels a write (a
    backfill stopped by stop_asking leaves its issued writes to finish, as drain expects)."""
    if writes:
        await asyncio.wait(writes)


class HistoryFeed:
    def __init__(
        self,
        history: AsyncHistory,
        tariffs: Tariffs,
        *,
        profile_source: ProfileSource | None = None,
        guard: RegisterGuard | None = None,
        gap_after: dict[Fuel, timedelta] | None = None,
        backfill: timedelta = BACKFILL,
        store: bool = True,
    ) -> None:
        self.history = history
        self.store = store  # False: price and total as usual, but write nothing (read-only)
        self.tariffs = tariffs
        self.profile_source = profile_source
        self.backfill = backfill  # how much of the meter's stored history a first start reads
        self.guard = guard or RegisterGuard()
        self.accumulator = HalfHourAccumulator(gap_after or GAP_AFTER)
        self.cv = tariffs.gas_cv
        self._month_kwh: dict[tuple[Fuel, str], Decimal] = {}
        self._charged_days: set[tuple[Fuel, date]] = set()
        self._last_saved: dict[tuple[str, ReadingKind, int | None], datetime] = {}
        self._pending: set[asyncio.Task[None]] = set()
        self._filling: set[tuple[Fuel, datetime]] = set()  # gaps being filled (by start)
        self._resumed: set[Fuel] = set()  # fuels this history already had accounts for
        self._heard: set[Fuel] = set()  # fuels a register has come in for in this run
        self._backfilled: set[Fuel] = set()  # asked for in this run
        self._backfill_done: set[Fuel] = set()  # written (kept with the accounts)
        self.backfilled_half_hours = 0
        self.half_hours_confirmed = 0  # measured half-hours replaced by the meter's own
        # the latest rows written per fuel and half-hour: a rewrite (the meter's figure for
        # a half-hour the display measured) replaces, not adds to, the month and estimate
        self._recent: dict[tuple[Fuel, datetime], tuple[Decimal, Decimal | None]] = {}
        # half-hours the display closed that the meter has not confirmed yet (slot -> what
        # the display measured); kept with the accounts, so a kill cannot lose a confirmation
        self._unconfirmed: dict[Fuel, dict[datetime, Decimal]] = {f: {} for f in Fuel}
        # half-hours a gap kept as an interval ended in: part of their energy is in the
        # interval, so the meter's figure for the whole half-hour would count it twice; what
        # the display measured of them stands (kept with the accounts)
        self._interval_ends: dict[Fuel, set[datetime]] = {f: set() for f in Fuel}
        self._confirming: set[Fuel] = set()
        # confirmations and gap fills of a fuel run one at a time: a fill must see the
        # credits the confirmations before it moved (they change the gap's first half-hour)
        self._profile_lock: dict[Fuel, asyncio.Lock] = {f: asyncio.Lock() for f in Fuel}
        # with a gateway, gaps wait until the fuel's meter is configured (its profile, or
        # the gas mirror, is ready then); None: fill at once
        self._ready: set[Fuel] | None = None
        self.half_hours_written = 0
        self.rejections: list[tuple[Fuel, datetime, Decision]] = []  # refused, newest last
        self.gaps_filled_from_profile = 0
        self.gaps_stored_as_intervals = 0
        # running estimate of what this display has priced since it started (seed IH.2:
        # compared with the meter's own bill to date)
        self._priced: dict[Fuel, Decimal] = {}
        self._started: datetime | None = None
        # prices the meter published (PublishPrice): (start, end or None = until the next)
        self._published: list[tuple[datetime, datetime | None, Decimal]] = []
        self._clock: Clock | None = None  # the gateway's, once connected

    async def resume(self) -> None:
        """Pick up where the last run stopped: its registers, its open half-hour, its
        unfilled gaps, and this month's energy so far (block tariffs price by it)."""
        for fuel in Fuel:
            saved = await self.history.accounting_state(fuel)
            state = saved.get("accumulator") if saved else None
            if not isinstance(state, dict):
                continue
            self.accumulator.restore_state(fuel, state)
            self._resumed.add(fuel)
            if saved and saved.get("backfilled"):
                self._backfill_done.add(fuel)
            waiting = saved.get("unconfirmed") if saved else None
            if isinstance(waiting, dict):
                self._unconfirmed[fuel] = {
                    datetime.fromisoformat(k): Decimal(v) for k, v in waiting.items()
                }
            ends = saved.get("interval_ends") if saved else None
            if isinstance(ends, list):
                self._interval_ends[fuel] = {datetime.fromisoformat(str(k)) for k in ends}
            last = self.accumulator.last(fuel)
            if last is not None:
                self.guard.state[fuel] = GuardState(*last)
                await self._load_month(fuel, local_date(last[0]))
            # gaps the last run left open are filled once the meter can be asked (when it is
            # configured, or on the next reading without a gateway), never before

    def connect(self, gateway: Any) -> None:
        """Feed from this gateway: its readings, its meters' profiles for gaps, and, when a
        meter is configured and this history has no accounts for it yet, its stored
        13 months of half-hours (marked as the meter's)."""
        gateway.reading_hooks.append(self.on_reading)
        self.profile_source = gateway.fuel_profile
        self._clock = getattr(gateway, "clock", None)  # a test's ManualClock waits for writes
        self._ready = set()
        self._tell_gas_mirror(gateway)

        def on_event(event: HanEvent) -> None:
            if isinstance(event, ChangeEvent):
                self.on_change(event)
                return
            if not isinstance(event, DeviceEvent) or event.kind != DeviceEventKind.CONFIGURED:
                return
            record = gateway.device(event.eui64)
            role: Role | None = getattr(record, "role", None)
            fuel = {Role.ELECTRICITY: Fuel.ELECTRICITY, Role.GAS: Fuel.GAS}.get(role or Role.OTHER)
            if fuel is None:
                return
            assert self._ready is not None
            self._ready.add(fuel)
            if fuel not in self._backfill_done | self._backfilled:
                # a first start, or one whose backfill was cut short: read the meter's history
                self._backfilled.add(fuel)
                self._spawn(self._backfill(fuel, gateway.now()))
            self._fill_open_gaps(fuel)
            self._confirm_soon(fuel)  # what a stopped (or killed) run left unconfirmed

        gateway.subscribe(on_event)

    def oldest_wanted(self, fuel: Fuel, now: datetime) -> datetime:
        """The oldest half-hour this run may ask the meter's profile for: the first-start
        backfill's, else the last run's open half-hour, open gaps and unconfirmed
        half-hours (a day earlier, to spare)."""
        oldest = now
        last = self.accumulator.last(fuel)
        if fuel not in self._backfill_done:  # as _backfill will ask, from its end back
            began = self.accumulator.counting_began(fuel)
            oldest = half_hour_start(began or (last[0] if last is not None else now))
            oldest -= self.backfill
        if last is not None:
            oldest = min(oldest, last[0])
        for gap in self.accumulator.open_gaps(fuel):
            oldest = min(oldest, gap.begin_slot)
        if self._unconfirmed[fuel]:
            oldest = min(oldest, min(self._unconfirmed[fuel]))
        return oldest - timedelta(days=1)

    def _tell_gas_mirror(self, gateway: Any) -> None:
        """The gateway reads the sleeping gas meter's profile into its mirror only as far
        back as a history will ask it (GatewayConfig.gas_profile_prime_from)."""
        config = getattr(gateway, "config", None)
        if config is None or not hasattr(config, "gas_profile_prime_from"):
            return
        wanted = self.oldest_wanted(Fuel.GAS, gateway.now())
        told = config.gas_profile_prime_from
        config.gas_profile_prime_from = wanted if told is None else min(told, wanted)

    def on_change(self, event: ChangeEvent) -> None:
        """Keep every top-up the meter applied (the gateway emits the event only after the
        meter's signed answer said so), as messages are kept: not in a read-only history."""
        notice = event.notice
        if getattr(notice, "kind", None) != "top_up" or notice.amount_gbp is None:
            return
        self._spawn(self.history.save_top_up(StoredTopUp(
            notice.meter_eui64.hex(), notice.applied_at, notice.amount_gbp,
            str(notice.role), notice.organisation)))

    async def _backfill(self, fuel: Fuel, now: datetime) -> None:
        # up to the half-hour the accounts began in: from there on every half-hour is the
        # accounts' own (measured and confirmed, or held in a gap that may be kept as one
        # interval, which the meter's half-hours must then not count a second time)
        began = self.accumulator.counting_began(fuel)
        last = self.accumulator.last(fuel)
        end = half_hour_start(began or (last[0] if last is not None else now))
        if self.profile_source is None:
            return
        first = end - self.backfill
        # a week at a time, oldest first (block tariffs price by the month so far): the
        # display never holds 13 months of intervals at once
        writing: list[set[asyncio.Task[None]]] = []  # each week's writes, oldest first
        while first < end:
            upto = min(first + BACKFILL_WINDOW, end)
            try:
                profile = await self.profile_source(fuel, first, upto)
            except Exception as exc:  # no history from the meter: the display starts from now
                LOGGER.warning("The %s meter's stored history is unavailable: %r", fuel, exc)
                return
            usages = [HalfHourUsage(p.start_utc, p.quantity, fuel)
                      for p in profile if p.quantity >= 0]
            self.backfilled_half_hours += len(usages)
            if upto >= end:
                self._backfill_done.add(fuel)  # saved with the last batch
            before = set(self._pending)
            self._write(fuel, usages, source=METER_PROFILE)
            writing.append(self._pending - before)
            # at most a few weeks wait for the writer: reading runs ahead of SQLite, and all
            # 13 months queued at once peaked at ~10 MiB of small objects whose scattered
            # survivors kept the display's heap that much larger for good
            if len(writing) > BACKFILL_WEEKS_QUEUED:
                await hold_time(self._clock, _written(writing.pop(0)))
            await asyncio.sleep(0)  # a display stays responsive while 13 months are priced
            first = upto
        for batch in writing:  # the last weeks written, then SQLite's cache they filled
            await hold_time(self._clock, _written(batch))
        self._spawn(self.history.release_memory())

    async def _load_month(self, fuel: Fuel, day: date) -> None:
        from han_home.shared.energy.calendar import Period

        for total in await self.history.aggregate(fuel, Period.MONTH, day, day):
            self._month_kwh[(fuel, total.period)] = total.kwh

    def on_reading(self, reading: Reading) -> None:
        if reading.kind == ReadingKind.CALORIFIC_VALUE:
            self.cv = reading.value
        if reading.kind == ReadingKind.PRICE:
            self._take_published_price(reading)
        if reading.kind == ReadingKind.MESSAGE:  # every one kept, not only the latest
            from han_home.shared.energy.message_language import message_language

            self._spawn(self.history.save_message(reading, message_language(reading.text or "")))
        self._maybe_save_latest(reading)
        if reading.kind != ReadingKind.SUMMATION:
            return
        when = reading.meter_time or reading.received
        fuel = reading.fuel
        if self._stamped_after_a_wait(reading):
            return
        decision = self.guard.check(fuel, when, reading.value)
        if not decision.verdict.accepted:
            self.rejections = [*self.rejections[-99:], (fuel, when, decision)]
            LOGGER.warning("Register not counted (%s): %s", decision.verdict, decision.reason)
            return
        if self._started is None:
            self._started = when
        if decision.verdict in (Verdict.FIRST, Verdict.REBASED):
            if decision.verdict == Verdict.REBASED:
                self.rejections = [*self.rejections[-99:], (fuel, when, decision)]
                LOGGER.warning("Register re-based: %s", decision.reason)
            self.accumulator.rebase(fuel, when, reading.value)
            self._write(fuel, [])
            return
        usages = self.accumulator.add(fuel, when, reading.value, delta=decision.delta)
        if usages and self.profile_source is not None:
            waiting = self._unconfirmed[fuel]
            ends = self._interval_ends[fuel]
            waiting.update({u.start_utc: u.quantity for u in usages if u.start_utc not in ends})
            ends.difference_update(u.start_utc for u in usages)  # closed: no longer needed
            for old in sorted(waiting)[:-CONFIRM_AT_MOST]:
                del waiting[old]  # a meter that never confirms: its oldest stay measured
        self._write(fuel, usages)
        self._confirm_soon(fuel)
        self._fill_open_gaps(fuel)

    def _stamped_after_a_wait(self, reading: Reading) -> bool:
        """Whether this register is passed over: the first of a run that resumed the last
        run's accounts, when it carries no meter time. Reports are stamped on receipt, and
        the first after a start may have waited (in the radio's queue, behind the start-up
        work on the event loop), so it is behind the register at its stamp: 13-48 Wh at the
        virtual home's 1800x in the kill -9 test, against 1-3 Wh for the next ones. As the
        anchor a half-hour boundary is interpolated from, it puts energy on the wrong side
        of it, and at the far boundary of the half-hour the accounts began in nothing
        corrects that (see _confirm_waiting). The register is cumulative: the next reading
        counts everything this one would have."""
        fuel = reading.fuel
        first = fuel not in self._heard
        self._heard.add(fuel)
        if first and fuel in self._resumed and reading.meter_time is None:
            LOGGER.debug("The first %s register since the start is not counted (its stamp "
                         "may be late); the next one includes it", fuel)
            return True
        return False

    def _confirm_soon(self, fuel: Fuel) -> None:
        if (
            self._unconfirmed[fuel]
            and self.profile_source is not None
            and self._is_ready(fuel)
            and fuel not in self._confirming
        ):
            self._confirming.add(fuel)
            self._spawn(self._confirm(fuel))

    def _is_ready(self, fuel: Fuel) -> bool:
        return self._ready is None or fuel in self._ready

    async def _confirm(self, fuel: Fuel) -> None:
        """The meter is authoritative (seed IH.2): a half-hour the display closed is checked
        against the meter's own record of it (one GetProfile answer; the gas meter's from
        the gateway's mirror, no frame) and stored as the meter's. What the display had
        put on the wrong side of a boundary moves to the half-hour still open, so the
        register total is kept to the Wh. Without a profile the display's figure stands."""
        confirmed = False
        try:
            async with self._profile_lock[fuel]:
                confirmed = await self._confirm_waiting(fuel)
        finally:
            self._confirming.discard(fuel)
        if confirmed:
            self._confirm_soon(fuel)  # any closed while this one was asking

    async def _confirm_waiting(self, fuel: Fuel) -> bool:
        assert self.profile_source is not None
        waiting = self._unconfirmed[fuel]
        # the half-hour a gap ended in measured only its part after the gap (the gap holds
        # the rest): the gap's fill confirms it, never this, or that part would be lost
        held_by_gaps = {g.end_slot for g in self.accumulator.open_gaps(fuel)}
        slots = sorted(s for s in waiting if s not in held_by_gaps)
        if not slots:
            return False
        try:
            profile = await self.profile_source(fuel, slots[0], slots[-1] + HALF_HOUR)
        except Exception:  # the meter keeps no profile or did not answer: measured stands
            return False
        by_slot = {p.start_utc: p.quantity for p in profile}
        confirmed = []
        moved = Decimal(0)
        for slot in slots:
            meter = by_slot.get(slot)
            if meter is None or meter < 0 or slot not in waiting:
                continue
            # The half-hour the accounts began in: the meter's figure for it includes energy
            # from before the display's first reading, which the display never saw. Its
            # own measurement from that reading on stands for what it moves forward, so
            # only its far boundary is interpolated, as every boundary between readings is.
            if not self.accumulator.began_within(fuel, slot):
                moved += waiting[slot] - meter
            confirmed.append(HalfHourUsage(slot, meter, fuel))
        if not confirmed or not self.accumulator.can_credit(fuel, slots[-1] + HALF_HOUR, moved):
            return False  # a profile that disagrees with the register is not believed
        for usage in confirmed:
            del waiting[usage.start_utc]
        self.accumulator.credit(fuel, slots[-1] + HALF_HOUR, moved)
        self.half_hours_confirmed += len(confirmed)
        self._write(fuel, confirmed, source=METER_PROFILE)
        return True

    def flush(self, until: datetime) -> None:
        """Save the accounting state at shutdown. Nothing is emitted early: the open
        half-hour is resumed by the next start instead of being stored part-measured."""
        for fuel in Fuel:
            self._write(fuel, [])

    def _since_start(self, slot: datetime) -> bool:
        """Whether a half-hour is part of the running estimate: from the one this run's
        first reading fell in. The meter's own history read back (a first start's 13
        months, the last run's half-hours confirmed now) is before that, and the meter's
        bill to date since this run's start does not include it."""
        return self._started is not None and slot >= half_hour_start(self._started)

    def cost_since_start(self, fuel: Fuel, rate_now: Decimal) -> Decimal:
        """Energy priced since the first reading, plus standing charges for each local day
        begun since then, plus energy not yet closed into a half-hour at today's rate."""
        pending = self.accumulator.pending_total(fuel)
        if fuel == Fuel.GAS:
            pending = gas_kwh(pending, self.cv)
        return self._priced.get(fuel, Decimal(0)) + pending * rate_now

    async def stop_asking(self) -> None:
        """Before the gateway stops: end what is still asking the meters (a backfill, a
        confirmation, a gap fill); they resume from the saved accounts next time. Writes
        already issued are left to finish (drain)."""
        asking = [t for t in self._pending if "_store" not in repr(t.get_coro())]
        for task in asking:
            task.cancel()
        await asyncio.gather(*asking, return_exceptions=True)

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

    def published_prices(self) -> list[tuple[datetime, datetime | None, Decimal]]:
        """(start, end or None, GBP/kWh) of the prices the meter has published, oldest first."""
        return list(self._published)

    def _take_published_price(self, reading: Reading) -> None:
        try:
            start = datetime.fromisoformat(reading.extra["start"])
            minutes = int(reading.extra.get("duration_min", "65535"))
        except (KeyError, ValueError):
            return
        end = None if minutes == 0xFFFF else start + timedelta(minutes=minutes)  # 0xFFFF: until
        self._published = [*self._published[-47:], (start, end, reading.value)]

    def _price(
        self, fuel: Fuel, start: datetime, kwh: Decimal, month_to_date: Decimal
    ) -> Decimal | None:
        """The configured (or virtual home's) tariff; else, for electricity, the price the
        meter itself published for that half-hour; else unknown."""
        cost = price_if_known(self.tariffs.for_fuel(fuel), start, kwh, month_to_date)
        if cost is not None or fuel != Fuel.ELECTRICITY:
            return cost
        for begin, end, rate in reversed(self._published):
            if begin <= start and (end is None or start + HALF_HOUR <= end):
                return kwh * rate
        return None

    # ---- gaps -------------------------------------------------------------------------
    def _fill_open_gaps(self, fuel: Fuel) -> None:
        if self._ready is not None and fuel not in self._ready:
            return  # filled when the meter is configured (see connect)
        for gap in self.accumulator.open_gaps(fuel):
            if (fuel, gap.start) not in self._filling:
                self._filling.add((fuel, gap.start))
                self._spawn(self._fill_gap(gap))

    async def _fill_gap(self, gap: Gap) -> None:
        """The meter's own half-hours for the gap if it has them, else one gap interval.

        If the half-hour the gap ended in has closed meanwhile (a restart found the gap
        unfilled), the meter's value for it replaces what the display measured of it;
        otherwise what the gap leaves for it is credited to it while it is still open."""
        profile: list[ProfileInterval] = []
        try:
            async with self._profile_lock[gap.fuel]:
                await self._fill_gap_locked(gap, profile)
        finally:
            self._filling.discard((gap.fuel, gap.start))

    async def _fill_gap_locked(self, gap: Gap, profile: list[ProfileInterval]) -> None:
        if self.profile_source is not None:
            await self._confirm_waiting(gap.fuel)  # its credits first (see the lock)
            for _attempt in range(2):
                closed = self.accumulator.emitted(gap.fuel, gap.end_slot)
                through = gap.end_slot + HALF_HOUR if closed else gap.end_slot
                try:
                    profile = await self.profile_source(gap.fuel, gap.begin_slot, through)
                except Exception as exc:  # the meter cannot say: kept as an interval
                    LOGGER.warning("The %s meter's profile for %s..%s is unavailable: %r",
                                   gap.fuel, gap.begin_slot, through, exc)
                    profile = []
                    break
                if closed == self.accumulator.emitted(gap.fuel, gap.end_slot):
                    break  # the end half-hour did not close while we asked
        current = self.accumulator.current_gap(gap.fuel, gap.start)
        if current is None:
            return  # filled meanwhile
        if not self._fill_from_profile(current, profile):
            self._store_gap_interval(current)

    def _fill_from_profile(self, gap: Gap, profile: list[ProfileInterval]) -> bool:
        by_slot = {p.start_utc: p.quantity for p in profile}
        closed = self.accumulator.emitted(gap.fuel, gap.end_slot)
        through = gap.end_slot + HALF_HOUR if closed else gap.end_slot
        slots = []
        slot = gap.begin_slot
        while slot < through:
            if slot not in by_slot or by_slot[slot] < 0:
                return False
            slots.append(slot)
            slot += HALF_HOUR
        if self.accumulator.began_within(gap.fuel, gap.begin_slot):
            return self._fill_from_first_half_hour(gap, by_slot, slots, closed)
        leftover = Decimal(0)
        if not closed:
            # The register delta across the gap, plus what the first half-hour had measured
            # before it, is the meter's half-hours in the gap plus the start of the half-hour
            # it ended in; a profile that claims more than that disagrees with the register.
            inside = sum((by_slot[s] for s in slots), Decimal(0))
            leftover = gap.quantity + gap.begin_partial - inside
            if not self._within_rounding(gap.fuel, gap.end_slot, leftover):
                LOGGER.warning("The %s meter's profile (%s) exceeds its register delta across "
                               "the gap (%s): kept as an interval", gap.fuel, inside,
                               gap.quantity + gap.begin_partial)
                return False
        waiting = self._unconfirmed[gap.fuel]
        if closed and gap.end_slot not in waiting:
            # measured and closed, but no longer awaiting the meter's word: it stands, and
            # the meter's half-hours fill the gap before it
            slots.pop()
            closed = False
            inside = sum((by_slot[s] for s in slots), Decimal(0))
            leftover = gap.quantity + gap.begin_partial - inside
            if not self._within_rounding(gap.fuel, gap.end_slot, leftover):
                return False
        if closed:
            # The half-hour the gap ended in was measured (its part after the gap) and closed
            # meanwhile. The register across the gap plus those measurements is the meter's
            # half-hours through it plus what went past its far boundary: that difference
            # moves to the first half-hour still open.
            inside = sum((by_slot[s] for s in slots), Decimal(0))
            moved = gap.quantity + gap.begin_partial + waiting[gap.end_slot] - inside
            if not self.accumulator.can_credit(gap.fuel, gap.end_slot + HALF_HOUR, moved):
                LOGGER.warning("The %s meter's profile (%s) disagrees with its register across "
                               "the gap: kept as an interval", gap.fuel, inside)
                return False
        self.accumulator.close_gap(gap)
        if not closed:
            self.accumulator.credit(gap.fuel, gap.end_slot, leftover)
        else:
            del waiting[gap.end_slot]
            self.accumulator.credit(gap.fuel, gap.end_slot + HALF_HOUR, moved)
        usages = [HalfHourUsage(s, by_slot[s], gap.fuel) for s in slots]
        self.gaps_filled_from_profile += 1
        self._write(gap.fuel, usages, source=METER_PROFILE)
        return True

    def _fill_from_first_half_hour(self, gap: Gap, by_slot: dict[datetime, Decimal],
                                   slots: list[datetime], closed: bool) -> bool:
        """A gap that began in the half-hour the accounts began in. The meter's figure for
        that half-hour includes energy from before the display's first reading, which the
        register delta across the gap does not, so it is not taken (it would be debited from
        the half-hours after). The meter's half-hours between fill the gap; what is left of
        the delta is the gap's part of its first and last half-hours, split between them
        by time, as readings are. The first half-hour is stored as measured."""
        fuel = gap.fuel
        inner = [s for s in slots if gap.begin_slot < s < gap.end_slot]
        rest = gap.quantity - sum((by_slot[s] for s in inner), Decimal(0))
        if rest < -PROFILE_ROUNDING:
            return False  # the meter's half-hours claim more than the register moved
        rest = max(rest, Decimal(0))
        waiting = self._unconfirmed[fuel]
        if gap.begin_slot == gap.end_slot and gap.end_slot not in waiting:
            # all of the gap in that half-hour, still open: what it measured before the gap
            # and the gap itself join it (a row written now would be replaced when the
            # half-hour closes, and both be lost: 47 Wh in a kill -9 run). Closed but not
            # measured: a later gap began in it and holds its part after this one, so the
            # credit joins that gap (whose fill writes the row; a row written now would be
            # replaced by it: 37-51 Wh in kill -9 runs), or, closed too long ago to
            # rewrite, the next open half-hour.
            self.accumulator.close_gap(gap)
            self.accumulator.credit(fuel, gap.end_slot, gap.begin_partial + rest)
            self.gaps_filled_from_profile += 1
            return True
        if gap.begin_slot == gap.end_slot:  # all of the gap is in that one half-hour
            share = rest
        else:
            us = timedelta(microseconds=1)
            first = (gap.begin_slot + HALF_HOUR - gap.start) // us
            share = (rest * first / ((gap.end - gap.start) // us)).quantize(
                Decimal("0.000001"), rounding=ROUND_DOWN)
        first_usage = HalfHourUsage(gap.begin_slot, gap.begin_partial + share, fuel)
        end_part = rest - share  # the gap's part of the half-hour it ended in
        usages = [first_usage] + [HalfHourUsage(s, by_slot[s], fuel) for s in inner]
        moved = None
        if closed and gap.end_slot in waiting:
            if gap.begin_slot == gap.end_slot:  # measured after the gap too: one figure
                usages = [replace(first_usage, quantity=first_usage.quantity
                                  + waiting[gap.end_slot])]
            else:  # the meter's figure for it; what went past its far boundary moves on
                moved = end_part + waiting[gap.end_slot] - by_slot[gap.end_slot]
                if not self.accumulator.can_credit(fuel, gap.end_slot + HALF_HOUR, moved):
                    return False
                usages.append(HalfHourUsage(gap.end_slot, by_slot[gap.end_slot], fuel))
            del waiting[gap.end_slot]
        self.accumulator.close_gap(gap)
        if moved is not None:
            self.accumulator.credit(fuel, gap.end_slot + HALF_HOUR, moved)
        elif gap.begin_slot != gap.end_slot:
            # still open: joins it (closed too long ago to rewrite: the next open one)
            self.accumulator.credit(fuel, gap.end_slot, end_part)
        self.gaps_filled_from_profile += 1
        self._write(fuel, usages, source=METER_PROFILE, measured=frozenset({gap.begin_slot}))
        return True

    def _within_rounding(self, fuel: Fuel, slot: datetime, leftover: Decimal) -> bool:
        """A register delta short of the meter's half-hours by no more than the rounding of
        the two figures is the same energy; any more and the profile is not believed."""
        if leftover >= 0:
            return True
        return -leftover <= PROFILE_ROUNDING and self.accumulator.can_credit(fuel, slot, leftover)

    def _store_gap_interval(self, gap: Gap) -> None:
        self.accumulator.close_gap(gap)
        fuel = gap.fuel
        # The half-hour the gap ended in keeps what the display measured after the gap: the
        # meter's figure for it would include the interval's share a second time.
        closed = self.accumulator.emitted(fuel, gap.end_slot)
        measured_after = self._unconfirmed[fuel].pop(gap.end_slot, None) if closed else None
        if not closed:
            self._interval_ends[fuel].add(gap.end_slot)
        usages = [HalfHourUsage(gap.begin_slot, gap.begin_partial, fuel)]
        if gap.begin_slot == gap.end_slot:
            # a gap inside one half-hour: a row for its part before the gap would be replaced
            # when the half-hour closes, so that part joins the half-hour's own measurement
            if measured_after is not None:  # closed meanwhile: both parts, one row
                usages = [HalfHourUsage(gap.end_slot, gap.begin_partial + measured_after, fuel)]
            else:  # still open (or closed too long ago to rewrite: the next open one)
                usages = []
                self.accumulator.credit(fuel, gap.begin_slot, gap.begin_partial)
        kwh, m3, cv = gap.quantity, None, None
        if fuel == Fuel.GAS:
            m3, cv = gap.quantity, self.cv
            kwh = gas_kwh(m3, cv)
        schedule = self.tariffs.for_fuel(fuel)
        month = (fuel, local_date(gap.end).strftime("%Y-%m"))
        month_to_date = self._month_kwh.get(month, Decimal(0))
        change = next_rate_change(schedule, gap.start, month_to_date)
        # one rate over the whole gap: its cost is known; otherwise it is not guessed
        cost = (
            price_if_known(schedule, gap.start, kwh, month_to_date)
            if schedule.entries and (change is None or change.when_utc >= gap.end)
            else None
        )
        self._month_kwh[month] = self._month_kwh.get(month, Decimal(0)) + kwh
        self.gaps_stored_as_intervals += 1
        LOGGER.info("Stored %s %s across a gap from %s to %s as one interval", gap.quantity,
                    fuel, gap.start, gap.end)
        self._write(fuel, usages, gaps=[GapRow(gap.start, gap.end, kwh, cost, m3, cv)])

    # ---- writing ----------------------------------------------------------------------
    def _write(
        self,
        fuel: Fuel,
        usages: list[HalfHourUsage],
        *,
        source: str = MEASURED,
        gaps: list[GapRow] | None = None,
        measured: frozenset[datetime] = frozenset(),
    ) -> None:
        """Price the half-hours and store them, with any gap rows and the accounting state
        as it is now, in one transaction (so a crash never separates them). Half-hours in
        `measured` are stored as the display's whatever `source` says."""
        rows = []
        for usage in usages:
            day = local_date(usage.start_utc)
            if fuel == Fuel.GAS:
                m3, cv = usage.quantity, self.cv
                kwh = gas_kwh(m3, cv)
            else:
                m3, cv, kwh = None, None, usage.quantity
            month = (fuel, day.strftime("%Y-%m"))
            old_kwh, old_cost = self._recent.pop((fuel, usage.start_utc), (Decimal(0), None))
            month_to_date = self._month_kwh.get(month, Decimal(0)) - old_kwh
            cost = self._price(fuel, usage.start_utc, kwh, month_to_date)
            self._month_kwh[month] = month_to_date + kwh
            rows.append(HalfHourRow(usage.start_utc, kwh, cost, m3, cv,
                                    MEASURED if usage.start_utc in measured else source))
            if self._since_start(usage.start_utc):
                priced = self._priced.get(fuel, Decimal(0)) - (old_cost or Decimal(0))
                self._priced[fuel] = priced + (cost or Decimal(0))
            if rows[-1].source == MEASURED:  # only the display's own are ever rewritten
                self._recent[(fuel, usage.start_utc)] = (kwh, cost)
                if len(self._recent) > RECENT_KEPT:
                    self._recent.pop(next(iter(self._recent)))
            self._charge_day(fuel, day)
        for gap in gaps or []:
            self._charge_day(fuel, local_date(gap.end_utc))
            if gap.cost_gbp is not None and self._started is not None \
                    and gap.start_utc >= self._started:  # a gap while this run was up
                self._priced[fuel] = self._priced.get(fuel, Decimal(0)) + gap.cost_gbp
        self.half_hours_written += len(rows)
        accounts = self.accumulator.export_state(fuel)
        state = None if accounts is None else {
            "accumulator": accounts,
            "backfilled": fuel in self._backfill_done,
            "unconfirmed": {k.isoformat(): str(v) for k, v in self._unconfirmed[fuel].items()},
            "interval_ends": sorted(k.isoformat() for k in self._interval_ends[fuel]),
        }
        self._spawn(self._store(fuel, rows, gaps or [], state))

    def _charge_day(self, fuel: Fuel, day: date) -> None:
        if (fuel, day) in self._charged_days:
            return
        self._charged_days.add((fuel, day))
        try:
            charge = standing_charge_for_day(self.tariffs.for_fuel(fuel), day)
        except LookupError:
            return  # no tariff known: no standing charge is invented either
        if self._started is not None and local_midnight_utc(day) > self._started:
            self._priced[fuel] = self._priced.get(fuel, Decimal(0)) + charge
        self._spawn(self.history.set_standing_charge(fuel, day, charge))

    async def _store(
        self, fuel: Fuel, rows: list[HalfHourRow], gaps: list[GapRow], state: dict | None
    ) -> None:
        result = await self.history.add_half_hours(
            fuel, rows, gaps=gaps, state=state
        )
        for _row, reason in result.rejected:
            LOGGER.error("A %s half-hour was not stored: %s", fuel, reason)

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
