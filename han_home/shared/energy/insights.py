"""Insights that help a household use less (issue 15, seed 3.2). Pure: no Qt, no zigpy.

* always_on: the power the home never goes below, from the night-time minimum of recent
  nights, in W and in GBP a year at the unit rate;
* Stopwatch: "what did that cost?": start it, switch an appliance on, stop it;
* cheapest_window: when to run something for a given time in the next 24 hours;
* project_bill: the bill to a billing day, with standing charges and VAT;
* ambient_thresholds: low and high power for the ambient indicator, from the household's
  own always-on and typical use.

Every figure is None (not known) without enough of the household's own data: a number
shown to a bill payer is never guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from han_home.shared.energy.calendar import HALF_HOUR, LONDON, half_hour_start

HOURS_PER_YEAR = Decimal(8760)
NIGHT_HOURS = range(0, 5)  # local 00:00-05:00: the home asleep
MIN_NIGHTS = 3  # always-on needs this many nights
DEFAULT_VAT = Decimal("0.05")  # domestic energy in the UK
MIN_BILL_DAYS = 7  # a bill projection needs a week of the household's own spending
HALF_HOURS_PER_HOUR = 2

RateAt = Callable[[datetime], Decimal | None]  # GBP/kWh in force at an instant, or unknown


# ---- always-on -------------------------------------------------------------------------
@dataclass(frozen=True)
class AlwaysOn:
    watts: Decimal  # the median of each night's lowest half-hour (as average power)
    gbp_per_year: Decimal | None  # at the given unit rate; None with no rate
    nights: int  # how many nights it is based on


def _median(ordered: Sequence[Decimal]) -> Decimal:
    """statistics.median's rule, on sorted Decimals: the first frame's ambient levels need
    it, and importing statistics (with fractions) cost ~3 ms of that frame."""
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def always_on(half_hours: Iterable[tuple[datetime, Decimal]], rate_gbp_per_kwh: Decimal | None,
              min_nights: int = MIN_NIGHTS) -> AlwaysOn | None:
    """From (start_utc, kWh) half-hours of electricity: each local night's lowest half-hour
    between 00:00 and 05:00, as watts; the median of the nights (one late night in does not
    move it). None with fewer than min_nights nights."""
    lowest: dict[date, Decimal] = {}
    for start, kwh in half_hours:
        local = start.astimezone(LONDON)
        if local.hour not in NIGHT_HOURS:
            continue
        day = local.date()
        lowest[day] = min(kwh, lowest.get(day, kwh))
    if len(lowest) < min_nights:
        return None
    watts = _median(sorted(lowest.values())) * HALF_HOURS_PER_HOUR * 1000
    per_year = None if rate_gbp_per_kwh is None else \
        watts / 1000 * HOURS_PER_YEAR * rate_gbp_per_kwh
    return AlwaysOn(watts, per_year, len(lowest))


# ---- stopwatch -------------------------------------------------------------------------
@dataclass(frozen=True)
class StopwatchResult:
    seconds: float
    kwh: Decimal  # the register's rise while it ran
    cost_gbp: Decimal | None  # of that rise, each step at the rate in force; None: unknown
    above_start_kwh: Decimal  # the rise above what the home was using when it started
    above_start_gbp: Decimal | None


class Stopwatch:
    """Feed it the electricity register as readings arrive; each step between two readings
    is priced at the rate in force at its start (a run across a band change is priced in
    both). The power at the start is the baseline: the difference is what was switched on."""

    def __init__(self, rate_at: RateAt) -> None:
        self.rate_at = rate_at
        self.started: tuple[datetime, Decimal, Decimal] | None = None  # when, register, kW
        self._last: tuple[datetime, Decimal] | None = None
        self._cost: Decimal | None = Decimal(0)
        self._base_cost: Decimal | None = Decimal(0)

    @property
    def running(self) -> bool:
        return self.started is not None

    def start(self, when: datetime, register_kwh: Decimal, power_kw: Decimal) -> None:
        self.started = (when, register_kwh, power_kw)
        self._last = (when, register_kwh)
        self._cost, self._base_cost = Decimal(0), Decimal(0)

    def reading(self, when: datetime, register_kwh: Decimal) -> None:
        if self._last is None or self.started is None or when <= self._last[0]:
            return
        last_when, last_kwh = self._last
        rate = self.rate_at(last_when)
        step = register_kwh - last_kwh
        base = self.started[2] * Decimal(str((when - last_when).total_seconds())) / 3600
        if rate is None or self._cost is None or self._base_cost is None:
            self._cost = self._base_cost = None
        else:
            self._cost += step * rate
            self._base_cost += base * rate
        self._last = (when, register_kwh)

    def stop(self, when: datetime, register_kwh: Decimal) -> StopwatchResult:
        if self.started is None:
            raise ValueError("the stopwatch was not started")
        self.reading(when, register_kwh)
        begun, start_kwh, power = self.started
        seconds = (when - begun).total_seconds()
        kwh = register_kwh - start_kwh
        base_kwh = power * Decimal(str(seconds)) / 3600
        cost, base_cost = self._cost, self._base_cost
        self.started = self._last = None
        above_gbp = None if cost is None or base_cost is None else cost - base_cost
        return StopwatchResult(seconds, kwh, cost, kwh - base_kwh, above_gbp)


# ---- cheapest time to run --------------------------------------------------------------
@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime
    gbp_per_kw: Decimal  # the cost of running 1 kW for the whole window
    average_rate: Decimal  # GBP/kWh over the window


def cost_of_run(rate_at: RateAt, start: datetime, duration: timedelta) -> Decimal | None:
    """GBP for 1 kW from start for duration; rates are constant within each half-hour."""
    total, t, end = Decimal(0), start, start + duration
    while t < end:
        boundary = half_hour_start(t) + HALF_HOUR
        upto = min(boundary, end)
        rate = rate_at(t)
        if rate is None:
            return None
        total += rate * Decimal((upto - t).total_seconds()) / 3600
        t = upto
    return total


def cheapest_window(rate_at: RateAt, now: datetime, duration: timedelta,
                    horizon: timedelta = timedelta(hours=24)) -> Window | None:
    """The cheapest start in [now, now + horizon - duration] for a run of `duration`.

    The cost of a run is piecewise linear in its start, bending only where the start or the
    end crosses a half-hour boundary, so the cheapest start is now, a boundary, or a
    boundary minus the duration: only those are tried (tests check it against trying every
    minute). Ties go to the earliest. None if some rate in the horizon is unknown."""
    if duration <= timedelta(0) or duration > horizon:
        return None
    latest = now + horizon - duration
    boundaries = []
    t = half_hour_start(now) + HALF_HOUR
    while t <= now + horizon:
        boundaries.append(t)
        t += HALF_HOUR
    candidates = sorted({now, latest, *(b for b in boundaries if b <= latest),
                         *(b - duration for b in boundaries if now <= b - duration <= latest)})
    best: Window | None = None
    for start in candidates:
        cost = cost_of_run(rate_at, start, duration)
        if cost is None:
            return None
        if best is None or cost < best.gbp_per_kw:
            hours = Decimal(duration.total_seconds()) / 3600
            best = Window(start, start + duration, cost, cost / hours)
    return best


def rates_with_published(base: RateAt, published: Sequence[tuple[datetime, datetime | None,
                                                                 Decimal]]) -> RateAt:
    """The tariff's rates, overridden where the meter has published a price for that time
    (a price published ahead of time is a price change coming)."""
    def rate_at(when: datetime) -> Decimal | None:
        for start, end, rate in reversed(published):
            if start <= when and (end is None or when < end):
                return rate
        return base(when)
    return rate_at


# ---- bill projection -------------------------------------------------------------------
@dataclass(frozen=True)
class BillProjection:
    period_start: date
    period_end: date  # the billing day: the bill covers the days before it
    energy_so_far_gbp: Decimal
    energy_projected_gbp: Decimal  # so far plus the rest of the period at the daily average
    standing_gbp: Decimal  # every day of the period
    vat_rate: Decimal
    vat_gbp: Decimal
    total_gbp: Decimal
    based_on_days: int


def billing_period(today: date, billing_day: int) -> tuple[date, date]:
    """The billing period containing today: from the last billing day to the next (a
    billing day past a short month's end falls on its last day)."""
    def on(year: int, month: int) -> date:
        import calendar

        return date(year, month, min(billing_day, calendar.monthrange(year, month)[1]))

    this = on(today.year, today.month)
    if today >= this:
        year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
        return this, on(year, month)
    year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    return on(year, month), this


def project_bill(today: date, billing_day: int, energy_so_far_gbp: Decimal,
                 daily_energy_gbp: Sequence[Decimal], standing_gbp_per_day: Decimal,
                 vat_rate: Decimal = DEFAULT_VAT,
                 min_days: int = MIN_BILL_DAYS) -> BillProjection | None:
    """energy_so_far_gbp: energy (no standing charge, no VAT) since the period began, today
    included; daily_energy_gbp: the household's own recent complete days, for the rest.
    None with fewer than min_days of them."""
    if len(daily_energy_gbp) < min_days:
        return None
    start, end = billing_period(today, billing_day)
    average = sum(daily_energy_gbp, Decimal(0)) / len(daily_energy_gbp)
    days_left = (end - today).days - 1  # whole days after today
    energy = energy_so_far_gbp + average * max(0, days_left)
    standing = standing_gbp_per_day * (end - start).days
    vat = ((energy + standing) * vat_rate)
    return BillProjection(start, end, energy_so_far_gbp, energy, standing, vat_rate, vat,
                          energy + standing + vat, len(daily_energy_gbp))


# ---- ambient thresholds ----------------------------------------------------------------
def ambient_thresholds(always_on_w: Decimal, half_hour_kwh: Sequence[Decimal]
                       ) -> tuple[Decimal, Decimal] | None:
    """(low below, high from) in kW, from the household's own use.

    Low: below twice the always-on power, and at least 150 W above it (the home at rest:
    fridge, standby and the odd light are nothing to act on; 0.36 kW in a home whose
    always-on is 0.22 kW is low, not medium). High: from the household's busiest tenth of
    half-hours (the 90th percentile of its average power), and at least twice low. None
    with fewer than a day of half-hours."""
    if len(half_hour_kwh) < 48:
        return None
    base_kw = always_on_w / 1000
    low = max(base_kw * 2, base_kw + Decimal("0.15"))
    powers = sorted(k * HALF_HOURS_PER_HOUR for k in half_hour_kwh)
    p90 = powers[min(len(powers) - 1, int(len(powers) * 0.9))]
    high = max(p90, low * 2)
    step = Decimal("0.01")
    return low.quantize(step, ROUND_HALF_UP), high.quantize(step, ROUND_HALF_UP)
