"""What the display shows, worked out from the HAN client and the history. No Qt here.

Every value says where it came from: the meter's own registers, credit and bill are
authoritative (seed IH.2); the display's arithmetic (tariff x energy) is an estimate.
Values older than three times their expected interval are stale, shown with their age.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from han_home.shared.energy.calendar import (
    LONDON,
    Period,
    local_date,
    local_midnight_utc,
    period_start_date,
)
from han_home.shared.energy.carbon import DEFAULT_INTENSITY, carbon_kg
from han_home.shared.energy.gas import gas_kwh
from han_home.shared.energy.published_price import PriceState, price_state
from han_home.shared.energy.readings import Fuel, Reading, ReadingKind, Source
from han_home.shared.energy.tariff import BandSpan, bands_for_day, next_rate_change
from han_home.shared.han.intervals import EXPECTED_INTERVAL_S
from han_home.shared.han.radio_state import RadioState
from han_home.shared.store.history import PeriodTotal, StoredTopUp

if TYPE_CHECKING:
    import asyncio

    from han_home.ihd_app.changes import ChangeLog

    # not before the first paint: the client API (its events, the device registry) is
    # imported with the HAN, once the first frame is up
    from han_home.shared.han.client import HanClient, HanEvent
    from han_home.shared.han.history_feed import HistoryFeed
    from han_home.shared.han.tariffs import Tariffs

LOGGER = logging.getLogger(__name__)
Listener = Callable[[set[str]], None]
CREDIT_LOW, CREDIT_EMERGENCY_AVAILABLE, CREDIT_EMERGENCY_IN_USE = 0x02, 0x08, 0x20
CREDIT_EMERGENCY_SELECTED = 0x10
# The meter and the display round differently; beyond this they really disagree.
DISCREPANCY_MIN_GBP = Decimal("0.05")
DISCREPANCY_SHARE = Decimal("0.02")
# Days left needs this many complete days of the household's own spending.
MIN_SPEND_DAYS = 3
# A forecast ("on track for ...") needs a week of them.
MIN_FORECAST_DAYS = 7
# Day totals a usage refresh keeps: what the forecasts and the bill projection read (this
# billing period, 30 days back at most; this month; the last week). The year of days the
# refresh reads for the charts' coverage is kept as the set of days with data; all its
# PeriodTotals kept were ~0.6 MiB for the display's life.
DAY_TOTALS_KEPT = timedelta(days=31)


class Ambient(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass(frozen=True)
class Shown:
    """One figure on screen: value and unit, whose figure it is, and how old."""

    value: Decimal | None
    unit: str
    source: Source = Source.METER
    received: datetime | None = None
    age_s: float | None = None
    stale: bool = False

    @property
    def missing(self) -> bool:
        return self.value is None


MISSING = Shown(None, "")


@dataclass(frozen=True)
class ChartBar:
    """One bar of a usage chart: a day, week or month of one fuel."""

    period: str  # period key
    start: date
    hours: int
    kwh: Decimal
    cost_gbp: Decimal  # energy + standing charge
    carbon_kg: Decimal
    m3: Decimal | None
    meter_kwh: Decimal = Decimal(0)  # of kwh: the meter's own half-hours (its profile)
    # What the bar is made of, so a chart draws partial and empty periods differently
    # from zero: days (half-hours, on the today chart) with data, out of how many there are.
    with_data: int = 0
    of: int = 0
    running: bool = False  # the current period: still going
    start_utc: datetime | None = None  # half-hour bars
    cheap: bool = False  # half-hour bars: a cheaper rate than the day's dearest

    @property
    def has_data(self) -> bool:
        return self.with_data > 0

    @property
    def partial(self) -> bool:
        return self.has_data and (self.running or self.with_data < self.of)


@dataclass(frozen=True)
class CreditView:
    """The Credit screen's figures for a prepayment home."""

    balance: Shown
    emergency_remaining: Shown
    emergency_limit_gbp: Decimal
    emergency_available: bool
    emergency_in_use: bool
    low: bool
    low_level_gbp: Decimal
    debt: Shown
    recovery_gbp_per_day: Decimal
    days_left: Decimal | None  # estimate; None while the household's spending is not known
    spend_gbp_per_day: Decimal | None = None  # what days_left is based on
    spend_days: int = 0  # over how many complete days
    fuel: Fuel = Fuel.ELECTRICITY  # whose credit it is


@dataclass(frozen=True)
class DayCost:
    """A day's cost and what it is made of. The total is only given when the energy part
    is known: a standing charge alone is shown as a standing charge, never as the day's cost."""

    energy: Shown  # kWh so far today
    energy_cost: Shown  # GBP for that energy (missing when the energy or its price is unknown)
    standing_gbp: Decimal | None  # the day's standing charge, None when no tariff is known
    total: Shown  # energy_cost + standing; missing unless both parts are known


@dataclass
class Message:
    """A message from the supplier, and whether the occupier has read it."""

    id: str
    text: str
    received: datetime
    read: bool = False
    language: str = "und"  # en | cy | und: found from the text (it is shown as sent)
    device: str = ""


@dataclass(frozen=True)
class RefusedRegister:
    """A meter register this display refused to count, and why."""

    fuel: Fuel
    verdict: str  # register_guard.Verdict: older | backwards | implausible | rebased
    unbilled_step: Decimal  # for "rebased": the step that was never billed


@dataclass(frozen=True)
class Discrepancy:
    """The meter's bill against this display's estimate since it started."""

    meter_gbp: Decimal  # the meter's bill since this display started watching
    estimate_gbp: Decimal  # this display's estimate over the same time
    differs: bool


@dataclass
class _UsageCache:
    """Period totals and chart bars, as read by one usage refresh."""

    periods: dict[tuple[Fuel, str], PeriodTotal | None] = field(default_factory=dict)
    charts: dict[tuple[Fuel, str], list[ChartBar]] = field(default_factory=dict)
    data_days: dict[Fuel, set[str]] = field(default_factory=dict)  # local days with data
    # the last DAY_TOTALS_KEPT of days
    day_totals: dict[Fuel, dict[str, PeriodTotal]] = field(default_factory=dict)
    half_hours: dict[Fuel, dict[datetime, Any]] = field(default_factory=dict)  # last 8 days


class DisplayModel:
    def __init__(
        self, history: Any, tariffs: Tariffs, clock: Callable[[], datetime], settings: Any
    ) -> None:
        self.history = history  # AsyncHistory
        self.tariffs = tariffs
        self.clock = clock
        self.settings = settings
        self.client: HanClient | None = None  # once the HAN is up
        self.feed: HistoryFeed | None = None  # for the display's running estimate
        self.radio = RadioState.LOST
        self._latest: dict[tuple[Fuel, ReadingKind], Reading] = {}
        self._stale: set[tuple[Fuel, ReadingKind]] = set()
        # values loaded from the last run's database, until the meter sends them again
        self._last_run: set[tuple[Fuel, ReadingKind]] = set()
        self._listeners: list[Listener] = []
        self._usage = _UsageCache()
        self._usage_task: asyncio.Task[None] | None = None
        self._usage_again = False  # a refresh was asked for while one was running
        self._usage_started = 0  # refreshes begun / installed: an older one never wins
        self._usage_installed = 0
        self._closed = False
        self._half_hours_seen = -1
        self.messages: list[Message] = []
        self.top_ups: list[StoredTopUp] = []  # every one the meter applied, newest first
        self._bill_base: tuple[Decimal, Decimal] | None = None  # (meter bill, estimate) at start
        self.from_history = False  # values so far come from the last run's database
        from han_home.shared.energy.insights import Stopwatch, StopwatchResult

        self.stopwatch = Stopwatch(self._rate_at)
        self.stopwatch_result: StopwatchResult | None = None
        self._thresholds: tuple[_UsageCache, tuple[Decimal, Decimal] | None] | None = None
        self._past_half_hours: dict[Fuel, tuple[tuple[date, tuple[Any, ...]],
                                                dict[datetime, Any]]] = {}

    # ---- wiring ---------------------------------------------------------------
    def add_listener(self, callback: Listener) -> Callable[[], None]:
        self._listeners.append(callback)
        return lambda: self._listeners.remove(callback) if callback in self._listeners else None

    def _notify(self, sections: set[str]) -> None:
        for callback in list(self._listeners):
            callback(sections)

    async def load_last_known(self, now_only: bool = False) -> None:
        """First frame: the values the last run saved, with their (possibly large) age.
        `now_only`: only what the Now screen shows (see refresh_usage)."""
        await self._load_messages()
        await self._load_top_ups()
        for reading in await self.history.latest_readings():
            self._take(reading)
            self._last_run.add((reading.fuel, reading.kind))
        self.from_history = bool(self._latest)
        await self.refresh_usage(now_only=now_only)
        self._notify({"now", "usage", "tariff", "credit", "messages"})

    async def _load_messages(self) -> None:
        """Every message the history kept, with its read state (a restart loses none)."""
        stored = getattr(self.history, "messages", None)
        if stored is None:
            return
        known = {m.id for m in self.messages}
        for row in await stored():
            if row.message_id not in known:
                known.add(row.message_id)
                self.messages.append(Message(row.message_id, row.text, row.received, row.read,
                                             row.language, row.device))
        self.messages.sort(key=lambda m: m.received, reverse=True)

    async def _load_top_ups(self) -> None:
        """Every top-up the history kept (the feed writes them as the meter applies them)."""
        stored = getattr(self.history, "top_ups", None)
        if stored is not None:
            self.top_ups = await stored()

    def _take_change(self, notice: Any) -> bool:
        """A top-up the meter applied (a ChangeEvent is only emitted after its signed answer
        said so) joins the list; True if it did."""
        if notice.kind != "top_up" or notice.amount_gbp is None:
            return False
        self.top_ups.append(StoredTopUp(notice.meter_eui64.hex(), notice.applied_at,
                                        notice.amount_gbp, str(notice.role),
                                        notice.organisation))
        self.top_ups.sort(key=lambda t: t.applied_at, reverse=True)  # newest first
        return True

    def attach(self, client: HanClient, feed: HistoryFeed | None = None) -> None:
        self.client, self.tariffs, self.feed = client, client.tariffs, feed
        self.radio = client.radio_state
        for reading in client.latest().values():
            self._take(reading)
        client.subscribe(self.on_event)
        client.subscribe(self.changes.on_event)  # changes the meter applied (ihd_app/changes.py)

    @property
    def changes(self) -> ChangeLog:
        if not hasattr(self, "_changes"):
            from han_home.ihd_app.changes import ChangeLog

            self._changes = ChangeLog(lambda: self._notify({"changes"}))
        return self._changes

    def on_event(self, event: HanEvent) -> None:
        from han_home.shared.han.client import ChangeEvent, RadioEvent, ReadingEvent, StaleEvent

        if isinstance(event, ReadingEvent):
            sections = self._take(event.reading)
            self.from_history = False
            if self.feed is not None and self.feed.half_hours_written != self._half_hours_seen:
                self._half_hours_seen = self.feed.half_hours_written
                self.schedule_usage_refresh()
            self._notify(sections)
        elif isinstance(event, StaleEvent):
            self._stale.add((event.fuel, event.kind))
            self._notify({"now", "credit", "stale"})
        elif isinstance(event, RadioEvent):
            self.radio = event.state
            self._notify({"radio"})
        elif isinstance(event, ChangeEvent) and self._take_change(event.notice):
            self._notify({"credit"})

    def _take(self, reading: Reading) -> set[str]:
        key = (reading.fuel, reading.kind)
        if reading.kind == ReadingKind.MESSAGE:
            from han_home.shared.energy.message_language import message_language

            msg_id = reading.extra.get("id", str(reading.value))
            if all(m.id != msg_id for m in self.messages):
                text = reading.text or ""
                self.messages.append(Message(msg_id, text, reading.received, False,
                                             message_language(text), reading.device))
                self.messages.sort(key=lambda m: m.received, reverse=True)  # newest first
            return {"messages"}
        if reading.kind == ReadingKind.TIER_SUMMATION:
            return set()
        if reading.kind == ReadingKind.SUMMATION and reading.fuel == Fuel.ELECTRICITY:
            self.stopwatch.reading(reading.meter_time or reading.received, reading.value)
        self._latest[key] = reading
        self._stale.discard(key)
        self._last_run.discard(key)
        if reading.kind == ReadingKind.BILL_TO_DATE and self.feed is not None:
            if self._bill_base is None or reading.value < self._bill_base[0]:
                # first bill seen, or the meter started a new billing month: re-base
                self._bill_base = (reading.value, self._estimate_since_start())
        if reading.kind in (ReadingKind.CREDIT, ReadingKind.EMERGENCY_CREDIT, ReadingKind.DEBT):
            return {"credit"}
        if reading.kind in (
            ReadingKind.PRICE,
            ReadingKind.STANDING_CHARGE,
            ReadingKind.CALORIFIC_VALUE,
        ):
            return {"tariff", "now"}
        return {"now"}

    # ---- ages -----------------------------------------------------------------
    def now(self) -> datetime:
        return self.clock()

    def shown(self, fuel: Fuel, kind: ReadingKind) -> Shown:
        reading = self._latest.get((fuel, kind))
        if reading is None:
            return MISSING
        age = max(0.0, reading.age_seconds(self.now()))
        interval = EXPECTED_INTERVAL_S.get((fuel, kind))
        stale = (fuel, kind) in self._stale or (interval is not None and age > 3 * interval)
        return Shown(reading.value, reading.unit, reading.source, reading.received, age, stale)

    def _estimate(self, value: Decimal | None, unit: str, *parts: Shown) -> Shown:
        if value is None:
            return MISSING
        known = [p for p in parts if not p.missing]
        oldest = max((p.age_s or 0.0 for p in known), default=None)
        return Shown(value, unit, Source.ESTIMATE, None, oldest, any(p.stale for p in known))

    # ---- now ------------------------------------------------------------------
    def power(self) -> Shown:
        return self.shown(Fuel.ELECTRICITY, ReadingKind.DEMAND)

    def published_price(self) -> tuple[Shown, PriceState] | None:
        """The electricity price the meter last published, and whether it is in force now:
        one past its validity (or an open-ended one from the last run) is marked stale."""
        reading = self._latest.get((Fuel.ELECTRICITY, ReadingKind.PRICE))
        if reading is None:
            return None
        key = (Fuel.ELECTRICITY, ReadingKind.PRICE)
        state = price_state(reading, self.now(), from_last_run=key in self._last_run)
        shown = self.shown(Fuel.ELECTRICITY, ReadingKind.PRICE)
        if state != PriceState.CURRENT:
            shown = Shown(shown.value, shown.unit, shown.source, shown.received, shown.age_s,
                          stale=True)
        return shown, state

    def rate_now(self, fuel: Fuel = Fuel.ELECTRICITY) -> Shown:
        """The unit rate in force at this instant: the meter's published price while it is
        valid, else the tariff's band now, else the last published price marked stale."""
        published = self.published_price() if fuel == Fuel.ELECTRICITY else None
        if published is not None and published[1] == PriceState.CURRENT:
            return published[0]
        try:
            rate = self.tariffs.for_fuel(fuel).tariff_at(self.now()).rate_at(self.now())
        except LookupError:
            return published[0] if published is not None else MISSING
        return Shown(rate, "GBP/kWh", Source.ESTIMATE)

    def waiting_for_price(self) -> bool:
        """No rate can be trusted now (e.g. after a restart, before the meter publishes)."""
        rate = self.rate_now()
        return not rate.missing and rate.stale

    def cost_per_hour(self) -> Shown:
        power, rate = self.power(), self.rate_now()
        if power.missing or rate.missing or rate.stale:
            return MISSING  # a price out of date is never used for a cost per hour
        cost = (power.value or Decimal(0)) * (rate.value or Decimal(0))
        return self._estimate(cost, "GBP/h", power, rate)

    def ambient(self) -> Ambient | None:
        power = self.power()
        if power.missing or power.stale:
            return None
        kw = power.value or Decimal(0)
        low, high = self.ambient_thresholds()
        if kw >= high:
            return Ambient.HIGH
        if kw < low:
            return Ambient.LOW
        return Ambient.MEDIUM

    def ambient_thresholds(self) -> tuple[Decimal, Decimal]:
        """(low below, high from) in kW. The household's own: low just above its always-on
        power, high from its busiest tenth of half-hours (insights.ambient_thresholds), once
        a week of nights is known; thresholds the occupier set in Settings win; until then
        the defaults."""
        from han_home.ihd_app.settings import Settings
        from han_home.shared.energy.insights import ambient_thresholds

        settings, defaults = self.settings, Settings()
        chosen = (settings.ambient_low_kw, settings.ambient_high_kw)
        if chosen != (defaults.ambient_low_kw, defaults.ambient_high_kw):
            return chosen
        cached = self._thresholds
        if cached is None or cached[0] is not self._usage:  # once per usage refresh, not
            base = self.always_on()                          # with every 10 s reading
            rows = self._usage.half_hours.get(Fuel.ELECTRICITY, {})
            own = ambient_thresholds(base.watts, [r.kwh for r in rows.values()]) \
                if base is not None else None
            cached = self._thresholds = (self._usage, own)
        return cached[1] if cached[1] is not None else chosen

    def gas_latest_half_hour(self) -> tuple[Shown, Shown, Shown]:
        """(m3, kWh, cost) of the last complete half-hour of gas, from the mirror's history."""
        bar = self._usage.periods.get((Fuel.GAS, "last_half_hour"))
        if bar is None or bar.m3 is None:
            return MISSING, MISSING, MISSING
        summation = self.shown(Fuel.GAS, ReadingKind.SUMMATION)
        age = summation.age_s
        return (
            Shown(bar.m3, "m3", Source.METER, None, age, summation.stale),
            Shown(bar.kwh, "kWh", Source.ESTIMATE, None, age, summation.stale),
            Shown(bar.cost_gbp, "GBP", Source.ESTIMATE, None, age, summation.stale),
        )

    def today(self, fuel: Fuel) -> tuple[Shown, Shown]:
        """(energy today, cost today including the standing charge); the cost is missing
        while the energy is unknown (never the standing charge alone)."""
        day = self.day_cost(fuel)
        return day.energy, day.total

    def day_cost(self, fuel: Fuel) -> DayCost:
        """Today so far for one fuel, from the history's closed half-hours plus (electricity)
        what the meter has counted since: the one source both Now and Usage show."""
        total = self._usage.periods.get((fuel, "today"))
        standing = self._standing_today(fuel)
        if total is None:
            return DayCost(MISSING, MISSING, standing, MISSING)
        energy_kwh, cost = total.kwh, total.cost_gbp
        priced = total.unpriced_kwh <= 0
        meter = self.shown(fuel, ReadingKind.DAY_CONSUMPTION)
        parts: list[Shown] = []
        if fuel == Fuel.ELECTRICITY and not meter.missing and meter.value is not None:
            # energy the meter has counted but history has not closed into a half-hour yet
            pending = max(Decimal(0), meter.value - total.kwh)
            parts.append(meter)
            if pending > 0:
                energy_kwh += pending
                rate = self.rate_now()
                if rate.missing or rate.stale:
                    priced = False
                else:
                    cost += pending * (rate.value or Decimal(0))
        # the meter's own register when it is ahead of the history (the usual case)
        energy = meter if parts and meter.value == energy_kwh else self._estimate(
            energy_kwh, "kWh", *parts)
        if not priced:
            return DayCost(energy, MISSING, standing, MISSING)
        energy_cost = self._estimate(cost, "GBP", energy)
        if standing is None:
            return DayCost(energy, energy_cost, None, MISSING)
        return DayCost(energy, energy_cost, standing,
                       self._estimate(cost + standing, "GBP", energy))

    def day_total(self) -> Shown:
        """Both fuels today, standing charges included; missing unless every fuel with a
        meter has a known cost (a total with a fuel left out would look complete)."""
        days = [self.day_cost(f) for f in (Fuel.ELECTRICITY, Fuel.GAS) if self._has_fuel(f)]
        if not days or any(d.total.missing for d in days):
            return MISSING
        value = sum((d.total.value or Decimal(0) for d in days), Decimal(0))
        return self._estimate(value, "GBP", *(d.total for d in days))

    def _has_fuel(self, fuel: Fuel) -> bool:
        """A fuel this home has: one with history today or any reading from its meter."""
        return self._usage.periods.get((fuel, "today")) is not None or any(
            key[0] == fuel for key in self._latest)

    def _standing_today(self, fuel: Fuel) -> Decimal | None:
        try:
            day = local_date(self.now())
            return (
                self.tariffs.for_fuel(fuel)
                .tariff_at(local_midnight_utc(day))
                .standing_charge_gbp_per_day
            )
        except LookupError:
            return None

    def budget_used_share(self) -> Decimal | None:
        """Today's spend against the daily budget; None while today's cost is not known."""
        budget = self.settings.budget_gbp_per_day
        total = self.day_total()
        if not budget or total.missing or total.value is None:
            return None
        return total.value / budget

    # ---- insights -------------------------------------------------------------
    def _rate_at(self, when: datetime) -> Decimal | None:
        """The rate in force at an instant: a price the meter published for it, else the
        tariff's band, else unknown."""
        from han_home.shared.energy.insights import rates_with_published

        def tariff(at: datetime) -> Decimal | None:
            try:
                return self.tariffs.for_fuel(Fuel.ELECTRICITY).tariff_at(at).rate_at(at)
            except LookupError:
                return None

        published = self.feed.published_prices() if self.feed is not None and hasattr(
            self.feed, "published_prices") else []
        return rates_with_published(tariff, published)(when)

    def always_on(self) -> Any:
        """The home's always-on power (insights.AlwaysOn) from the last week's nights, in W
        and GBP a year at the day's average rate; None without enough nights."""
        from han_home.shared.energy.insights import always_on

        rows = self._usage.half_hours.get(Fuel.ELECTRICITY, {})
        spans = self.bands_today()
        hours = sum(((b.end_utc - b.start_utc).total_seconds() for b in spans), 0.0)
        rate = (sum((b.rate_gbp_per_kwh * Decimal((b.end_utc - b.start_utc).total_seconds())
                     for b in spans), Decimal(0)) / Decimal(hours)) if hours else None
        return always_on(((t, r.kwh) for t, r in rows.items()), rate)

    def start_stopwatch(self) -> bool:
        """Start "what did that cost?" from the meter's register and the power now."""
        register = self._latest.get((Fuel.ELECTRICITY, ReadingKind.SUMMATION))
        power = self.power()
        if register is None or power.missing or power.stale:
            return False
        self.stopwatch_result = None
        self.stopwatch.start(register.meter_time or register.received, register.value,
                             power.value or Decimal(0))
        self._notify({"insights"})
        return True

    def stop_stopwatch(self) -> Any:
        register = self._latest.get((Fuel.ELECTRICITY, ReadingKind.SUMMATION))
        if register is None or not self.stopwatch.running:
            return None
        self.stopwatch_result = self.stopwatch.stop(register.meter_time or register.received,
                                                    register.value)
        self._notify({"insights"})
        return self.stopwatch_result

    def _complete_days(self) -> list[date]:
        """The last week's days (not today) with every half-hour of both fuels the home has
        (electricity alone for an electricity-only home): the basis of every forecast."""
        today = local_date(self.now())
        fuels = [f for f in (Fuel.ELECTRICITY, Fuel.GAS) if self._usage.half_hours.get(f)]
        days = []
        for back in range(7, 0, -1):
            day = today - timedelta(days=back)
            need = int((local_midnight_utc(day + timedelta(days=1))
                        - local_midnight_utc(day)).total_seconds() // 1800)
            if fuels and all(self._half_hours_with_data(f, day, self._usage) >= need
                             for f in fuels):
                days.append(day)
        return days

    def forecast(self) -> tuple[Decimal, Decimal, int] | None:
        """(on track for today, this month), both fuels with standing charges, and the
        number of the household's own complete days it is based on; None until a week of
        them (MIN_FORECAST_DAYS) and a known cost for today."""
        days = self._complete_days()
        today_total = self.day_total()
        if len(days) < MIN_FORECAST_DAYS or today_total.missing:
            return None
        now, today = self.now(), local_date(self.now())
        rest = Decimal(0)  # the rest of today: the same half-hours of those days, averaged
        for rows in self._usage.half_hours.values():
            for when, row in rows.items():
                local = when.astimezone(LONDON)
                if local.date() in days and row.cost_gbp is not None and \
                        (local.hour, local.minute) > (now.astimezone(LONDON).hour,
                                                      now.astimezone(LONDON).minute):
                    rest += row.cost_gbp
        rest /= len(days)
        on_track = (today_total.value or Decimal(0)) + rest
        daily = [sum((self._usage.day_totals[f][d.isoformat()].total_gbp
                      for f in self._usage.half_hours
                      if d.isoformat() in self._usage.day_totals.get(f, {})), Decimal(0))
                 for d in days]
        average = sum(daily, Decimal(0)) / len(daily)
        month_so_far = Decimal(0)
        for fuel in self._usage.half_hours:
            for key, total in self._usage.day_totals.get(fuel, {}).items():
                if key[:7] == today.isoformat()[:7] and key != today.isoformat():
                    month_so_far += total.total_gbp
        last = date(today.year + today.month // 12, today.month % 12 + 1, 1) - timedelta(days=1)
        month = month_so_far + on_track + average * (last - today).days
        return on_track, month, len(days)

    def bill_projection(self) -> Any:
        """insights.BillProjection to the occupier's billing day, both fuels, standing
        charges and VAT (Settings.vat_rate, 5 % by default); None without a week of the
        household's own complete days or a known tariff."""
        from han_home.shared.energy.insights import billing_period, project_bill

        days = self._complete_days()
        today = local_date(self.now())
        start, _end = billing_period(today, self.settings.billing_day)
        known = self._usage.data_days.get(Fuel.ELECTRICITY, set())
        if any((start + timedelta(days=i)).isoformat() not in known
               for i in range((today - start).days)):
            return None  # a day of this bill with no data: the bill so far is not known
        standing = Decimal(0)
        so_far = Decimal(0)
        daily = []
        for fuel in (Fuel.ELECTRICITY, Fuel.GAS):
            totals = self._usage.day_totals.get(fuel, {})
            if not totals:
                continue
            charge = self._standing_today(fuel)
            if charge is None:
                return None
            standing += charge
            for key, total in totals.items():
                if start.isoformat() <= key <= today.isoformat():
                    if total.unpriced_kwh > 0:
                        return None  # energy with no known price: no bill from it
                    so_far += total.cost_gbp
        for day in days:
            daily.append(sum((self._usage.day_totals.get(f, {})[day.isoformat()].cost_gbp
                              for f in (Fuel.ELECTRICITY, Fuel.GAS)
                              if day.isoformat() in self._usage.day_totals.get(f, {})),
                             Decimal(0)))
        return project_bill(today, self.settings.billing_day, so_far, daily, standing,
                            self.settings.vat_rate)

    def cheapest_window(self, duration: timedelta) -> Any:
        from han_home.shared.energy.insights import cheapest_window

        return cheapest_window(self._rate_at, self.now(), duration)

    # ---- meter vs display -----------------------------------------------------
    def _estimate_since_start(self) -> Decimal:
        if self.feed is None:
            return Decimal(0)
        return self.feed.cost_since_start(Fuel.ELECTRICITY, self.rate_now().value or Decimal(0))

    def costs_known(self) -> bool:
        """Whether this display knows a tariff (configured, the virtual home's, or the
        price the meter publishes); without one it shows energy and says costs are unknown."""
        return self.tariffs.known(Fuel.ELECTRICITY) or not self.rate_now().missing

    def refused_register(self) -> RefusedRegister | None:
        """The latest meter register this display refused to count in the last day (a
        spoofed or replayed frame, a register that went backwards), for the Now notice."""
        if self.feed is None:
            return None
        for fuel, when, decision in reversed(self.feed.rejections):
            if self.now() - when < timedelta(days=1):
                return RefusedRegister(fuel, str(decision.verdict), decision.unbilled_step)
        return None

    def discrepancy(self) -> Discrepancy | None:
        bill = self._latest.get((Fuel.ELECTRICITY, ReadingKind.BILL_TO_DATE))
        if bill is None or self._bill_base is None or self.feed is None:
            return None
        meter = bill.value - self._bill_base[0]
        estimate = self._estimate_since_start() - self._bill_base[1]
        allowed = max(DISCREPANCY_MIN_GBP, abs(meter) * DISCREPANCY_SHARE)
        return Discrepancy(meter, estimate, abs(meter - estimate) > allowed)

    # ---- usage ----------------------------------------------------------------
    def schedule_usage_refresh(self) -> None:
        """Refresh usage soon. Requests are coalesced, never dropped: one asked for while a
        refresh runs makes exactly one more run after it, which reads the clock and the
        history when it starts, so it covers the latest request."""
        import asyncio  # not at import time: the first frame is painted before asyncio loads

        if self._closed:
            return
        if self._usage_task is not None and not self._usage_task.done():
            self._usage_again = True
            return
        self._usage_task = asyncio.get_running_loop().create_task(self._refresh_until_current())
        self._usage_task.add_done_callback(_log_failure)

    async def _refresh_until_current(self) -> None:
        while True:
            self._usage_again = False
            await self.refresh_usage()
            if not self._usage_again or self._closed:
                return

    async def close(self) -> None:
        """Stop refreshing: cancel a running refresh and wait for it (before history closes)."""
        import asyncio

        self._closed = True
        task, self._usage_task = self._usage_task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def refresh_usage(self, now_only: bool = False) -> None:
        """Reload period totals and charts from history (on the store's worker thread).

        `now_only`: what the Now screen shows and no more (today, the last week's
        electricity half-hours its ambient levels come from, the last gas half-hour), for a
        first frame on Now; the weeks, months, year, charts and forecasts follow in the next
        full refresh."""
        self._usage_started += 1
        generation = self._usage_started
        today = local_date(self.now())
        cache = _UsageCache()
        first_day = (today - timedelta(days=7) if now_only
                     else min(date(today.year, 1, 1), _months_back(today, 12)))
        for fuel in (Fuel.ELECTRICITY, Fuel.GAS):
            # a year and more of days, read once: the 8-day chart, which days have data
            # (partial weeks and months, totals' coverage) and the bill projection
            day_totals = {
                t.period: t
                for t in await self.history.aggregate(fuel, Period.DAY, first_day, today)
            }
            week_ago = (today - timedelta(days=7)).isoformat()
            days = {k: t for k, t in day_totals.items() if k >= week_ago}
            kept_from = (today - DAY_TOTALS_KEPT).isoformat()
            cache.day_totals[fuel] = {k: t for k, t in day_totals.items() if k >= kept_from}
            cache.data_days[fuel] = {
                k for k, t in day_totals.items() if t.kwh > 0 or t.meter_kwh > 0}
            if fuel == Fuel.ELECTRICITY or not now_only:  # Now's levels are electricity's
                cache.half_hours[fuel] = await self._last_week_half_hours(fuel, today,
                                                                          day_totals)
            cache.periods[(fuel, "today")] = days.get(today.isoformat())
            cache.periods[(fuel, "yesterday")] = days.get((today - timedelta(days=1)).isoformat())
            await self._read_last_half_hour(fuel, cache)
            if now_only:
                continue
            weeks = {
                t.period: t
                for t in await self.history.aggregate(
                    fuel, Period.WEEK, today - timedelta(weeks=4), today
                )
            }
            months = {
                t.period: t
                for t in await self.history.aggregate(
                    fuel, Period.MONTH, _months_back(today, 12), today
                )
            }
            years = {
                t.period: t for t in await self.history.aggregate(fuel, Period.YEAR, today, today)
            }
            cache.periods[(fuel, "this_week")] = weeks.get(
                period_start_date(today, Period.WEEK).isoformat()
            )
            cache.periods[(fuel, "this_month")] = months.get(today.strftime("%Y-%m"))
            cache.periods[(fuel, "this_year")] = years.get(str(today.year))
            cache.charts[(fuel, "today")] = self._today_bars(fuel, today, cache)
            cache.charts[(fuel, "8d")] = [
                self._bar(fuel, d, days.get(d.isoformat()), Period.DAY, cache)
                for d in (today - timedelta(days=7 - i) for i in range(8))
            ]
            week0 = period_start_date(today, Period.WEEK)
            cache.charts[(fuel, "5w")] = [
                self._bar(fuel, w, weeks.get(w.isoformat()), Period.WEEK, cache)
                for w in (week0 - timedelta(weeks=4 - i) for i in range(5))
            ]
            cache.charts[(fuel, "13m")] = [
                self._bar(fuel, m, months.get(m.strftime("%Y-%m")), Period.MONTH, cache)
                for m in (_months_back(today, 12 - i) for i in range(13))
            ]
        if generation < self._usage_installed:
            return  # a refresh begun later has finished first: its figures are newer
        self._usage_installed = generation
        self._usage = cache
        self._notify({"usage", "now"})

    async def _read_last_half_hour(self, fuel: Fuel, cache: _UsageCache) -> None:
        now = self.now()
        last_hh = now.replace(
            minute=(now.minute // 30) * 30, second=0, microsecond=0
        ) - timedelta(minutes=30)
        rows = await self.history.half_hours(fuel, last_hh, last_hh + timedelta(minutes=30))
        if rows:
            row = rows[-1]
            cache.periods[(fuel, "last_half_hour")] = PeriodTotal(
                row.start_utc.isoformat(), 0, row.kwh, row.cost_gbp or Decimal(0),
                Decimal(0), row.m3, row.cv,
                unpriced_kwh=row.kwh if row.cost_gbp is None else Decimal(0),
            )

    async def _last_week_half_hours(self, fuel: Fuel, today: date,
                                    day_totals: dict[str, PeriodTotal]) -> dict[datetime, Any]:
        """The last 8 days' half-hours. The 7 before today are read again only when their
        day totals changed (a backfill, a confirmation): a refresh every half-hour reads
        today's alone."""
        first = today - timedelta(days=7)
        signature = tuple((k, t.kwh, t.meter_kwh, t.gap_kwh) for k, t in sorted(
            day_totals.items()) if first.isoformat() <= k < today.isoformat())
        cached = self._past_half_hours.get(fuel)
        if cached is None or cached[0] != (today, signature):
            rows = await self.history.half_hours(
                fuel, local_midnight_utc(first), local_midnight_utc(today))
            cached = ((today, signature), {row.start_utc: row for row in rows})
            self._past_half_hours[fuel] = cached
        todays = await self.history.half_hours(fuel, local_midnight_utc(today), self.now())
        return {**cached[1], **{row.start_utc: row for row in todays}}

    def _bar(self, fuel: Fuel, start: date, total: PeriodTotal | None, by: Period,
             cache: _UsageCache) -> ChartBar:
        from han_home.shared.energy.calendar import (
            hours_in_period,
            next_period_start_date,
            period_key,
        )

        today = local_date(self.now())
        end = min(next_period_start_date(start, by), today + timedelta(days=1))
        days = [start + timedelta(days=i) for i in range((end - start).days)]
        whole = (next_period_start_date(start, by) - start).days
        if by == Period.DAY:
            with_data, of = self._half_hours_with_data(fuel, start, cache), \
                hours_in_period(start, by) * 2
        else:
            with_data = sum(d.isoformat() in cache.data_days.get(fuel, set()) for d in days)
            of = whole
        running = start <= today < next_period_start_date(start, by)
        if total is None:
            return ChartBar(period_key(start, by), start, hours_in_period(start, by),
                            Decimal(0), Decimal(0), Decimal(0), None, of=of, running=running)
        return ChartBar(
            total.period,
            start,
            total.hours,
            total.kwh,
            total.cost_gbp + total.standing_charge_gbp,
            carbon_kg(total.kwh, fuel, DEFAULT_INTENSITY),
            total.m3,
            total.meter_kwh,
            with_data=max(with_data, 1 if total.kwh > 0 else 0),
            of=of,
            running=running,
        )

    def _half_hours_with_data(self, fuel: Fuel, day: date, cache: _UsageCache) -> int:
        start, end = local_midnight_utc(day), local_midnight_utc(day + timedelta(days=1))
        return sum(start <= t < end for t in cache.half_hours.get(fuel, {}))

    def _today_bars(self, fuel: Fuel, today: date, cache: _UsageCache) -> list[ChartBar]:
        """Today by half-hour (46, 48 or 50 of them), each marked cheap when its rate is
        below the day's dearest, so the chart can shade the cheaper bands."""
        rows = cache.half_hours.get(fuel, {})
        start, end = local_midnight_utc(today), local_midnight_utc(today + timedelta(days=1))
        try:
            schedule = self.tariffs.for_fuel(fuel)
            spans = bands_for_day(schedule, today)
        except LookupError:
            spans = []
        dearest = max((b.rate_gbp_per_kwh for b in spans), default=None)
        now = self.now()
        bars = []
        t = start
        while t < end:
            row = rows.get(t)
            rate = next((b.rate_gbp_per_kwh for b in spans if b.start_utc <= t < b.end_utc),
                        None)
            cheap = rate is not None and dearest is not None and rate < dearest
            running = t <= now < t + timedelta(minutes=30)
            kwh = row.kwh if row is not None else Decimal(0)
            cost = (row.cost_gbp or Decimal(0)) if row is not None else Decimal(0)
            bars.append(ChartBar(
                t.isoformat(), today, 0, kwh, cost, carbon_kg(kwh, fuel, DEFAULT_INTENSITY),
                row.m3 if row is not None else None,
                kwh if row is not None and row.source != "display" else Decimal(0),
                with_data=1 if row is not None else 0, of=1, running=running,
                start_utc=t, cheap=cheap))
            t += timedelta(minutes=30)
        return bars

    def period_total(self, fuel: Fuel, name: str) -> PeriodTotal | None:
        """name: today, yesterday, this_week, this_month, this_year."""
        return self._usage.periods.get((fuel, name))

    def days_with_data(self, fuel: Fuel, name: str) -> tuple[int, int]:
        """(days with data, days so far) in this_week, this_month or this_year: a total
        says how many days it covers."""
        today = local_date(self.now())
        by = {"this_week": Period.WEEK, "this_month": Period.MONTH, "this_year": Period.YEAR}
        first = period_start_date(today, by[name])
        days = [first + timedelta(days=i) for i in range((today - first).days + 1)]
        known = self._usage.data_days.get(fuel, set())
        return sum(d.isoformat() in known for d in days), len(days)

    def chart(self, fuel: Fuel, span: str) -> list[ChartBar]:
        """span: today (by half-hour), 8d, 5w or 13m."""
        return self._usage.charts.get((fuel, span), [])

    # ---- tariff ---------------------------------------------------------------
    def next_rate(self, fuel: Fuel = Fuel.ELECTRICITY) -> tuple[datetime, Decimal] | None:
        change = next_rate_change(self.tariffs.for_fuel(fuel), self.now())
        return (change.when_utc, change.rate_gbp_per_kwh) if change else None

    def bands_today(self, fuel: Fuel = Fuel.ELECTRICITY) -> list[BandSpan]:
        return bands_for_day(self.tariffs.for_fuel(fuel), local_date(self.now()))

    def standing_charge(self, fuel: Fuel) -> Shown:
        meter = self.shown(fuel, ReadingKind.STANDING_CHARGE)
        if not meter.missing:
            return meter
        value = self._standing_today(fuel)
        return Shown(value, "GBP/day", Source.ESTIMATE) if value is not None else MISSING

    def calorific_value(self) -> Shown:
        meter = self.shown(Fuel.GAS, ReadingKind.CALORIFIC_VALUE)
        return meter if not meter.missing else Shown(self.tariffs.gas_cv, "MJ/m3", Source.ESTIMATE)

    def gas_kwh_per_m3(self) -> Decimal:
        return gas_kwh(Decimal(1), self.calorific_value().value or self.tariffs.gas_cv)

    # ---- credit ---------------------------------------------------------------
    def heard_from(self, fuel: Fuel) -> bool:
        """Whether this display has any reading from that fuel's meter (this run or the
        last): before that, "no credit" cannot be told from "not heard yet"."""
        return any(key[0] == fuel for key in self._latest)

    def credit(self) -> CreditView | None:
        """None for a credit (pay later) home: the Credit screen says so."""
        reading = self._latest.get((Fuel.ELECTRICITY, ReadingKind.CREDIT))
        if reading is None:
            return None
        extra = reading.extra
        status = int(extra.get("status", "0"))
        recovery = Decimal(extra.get("recovery_per_day", "0"))
        balance = self.shown(Fuel.ELECTRICITY, ReadingKind.CREDIT)
        emergency = self.shown(Fuel.ELECTRICITY, ReadingKind.EMERGENCY_CREDIT)
        debt = self.shown(Fuel.ELECTRICITY, ReadingKind.DEBT)
        in_use = bool(status & (CREDIT_EMERGENCY_IN_USE | CREDIT_EMERGENCY_SELECTED))
        basis = self.spending_basis()
        return CreditView(
            balance=balance,
            emergency_remaining=emergency,
            emergency_limit_gbp=Decimal(extra.get("emergency_limit", "0")),
            emergency_available=bool(status & CREDIT_EMERGENCY_AVAILABLE),
            emergency_in_use=in_use,
            low=bool(status & CREDIT_LOW),
            low_level_gbp=Decimal(extra.get("low_credit_level", "0")),
            debt=debt,
            recovery_gbp_per_day=recovery,
            days_left=self._days_left(balance, emergency, debt, recovery, in_use, basis),
            spend_gbp_per_day=basis[0] if basis else None,
            spend_days=basis[1] if basis else 0,
        )

    def _days_left(
        self, balance: Shown, emergency: Shown, debt: Shown, recovery: Decimal,
        emergency_in_use: bool, basis: tuple[Decimal, int] | None,
    ) -> Decimal | None:
        from han_home.shared.energy.prepayment import PrepaymentState

        if basis is None:  # spending_basis(), as credit() has it: an 8-day chart to sum
            return None
        state = PrepaymentState(
            credit_gbp=balance.value or Decimal(0),
            emergency_credit_in_use=emergency_in_use,
            emergency_credit_remaining_gbp=max(Decimal(0), emergency.value or Decimal(0)),
            debt_gbp=max(Decimal(0), debt.value or Decimal(0)),
            debt_recovery_gbp_per_day=recovery,
        )
        days = state.days_left(basis[0])  # recovery stops once the debt is paid
        return None if days is None else days.quantize(Decimal("0.1"))

    def spending_basis(self, fuel: Fuel = Fuel.ELECTRICITY) -> tuple[Decimal, int] | None:
        """(average daily spend, days) over the complete days of the last week that have
        data, standing charge included; None with fewer than MIN_SPEND_DAYS of the
        household's own history (a first start does not know its spending yet)."""
        bars = [b for b in self.chart(fuel, "8d")[:-1] if b.kwh > 0]  # today is not over
        if len(bars) < MIN_SPEND_DAYS:
            return None
        return sum((b.cost_gbp for b in bars), Decimal(0)) / len(bars), len(bars)

    async def activate_emergency_credit(self) -> bool:
        if self.client is None:
            return False
        return bool(await self.client.activate_emergency_credit())

    # ---- messages -------------------------------------------------------------
    @property
    def unread(self) -> int:
        return sum(not m.read for m in self.messages)

    def mark_read(self, message_id: str) -> None:
        for message in self.messages:
            if message.id == message_id and not message.read:
                message.read = True
                self._persist_read(message)
                self._notify({"messages"})

    def _persist_read(self, message: Message) -> None:
        """Remember it was read across a restart (not in a gateway's read-only database)."""
        import asyncio

        save = getattr(self.history, "mark_message_read", None)
        if save is None or getattr(self.history, "readonly", False) or self._closed:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop (the first frame): the next mark after start-up persists
        task = loop.create_task(save(message.device, message.id))
        task.add_done_callback(_log_save_failure)


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        LOGGER.error("Usage refresh failed", exc_info=task.exception())


def _log_save_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        LOGGER.error("Saving a message's read state failed", exc_info=task.exception())


def _months_back(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


__all__ = [
    "Ambient",
    "ChartBar",
    "CreditView",
    "DayCost",
    "DisplayModel",
    "Discrepancy",
    "RefusedRegister",
    "Message",
    "Shown",
    "MISSING",
    "UTC",
]
