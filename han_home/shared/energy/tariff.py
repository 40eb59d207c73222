"""Tariffs and the schedule of tariffs in force over time; every half-hour is priced at
the rate in force in that half-hour (never re-pricing a day when a rate changes).

Rates are GBP/kWh and standing charges GBP/day, as exact Decimals. Nothing is rounded here:
round only for display.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import NamedTuple, Protocol

from han_home.shared.energy.calendar import (
    HALF_HOUR,
    LONDON,
    half_hour_start,
    local_midnight_utc,
)

ZERO = Decimal(0)


class Tariff(Protocol):
    @property
    def standing_charge_gbp_per_day(self) -> Decimal: ...  # read-only: tariffs are frozen

    def rate_at(self, utc_dt: datetime, month_to_date_kwh: Decimal = ZERO) -> Decimal: ...

    def band_name_at(self, utc_dt: datetime, month_to_date_kwh: Decimal = ZERO) -> str: ...

    def price(
        self, start_utc: datetime, kwh: Decimal, month_to_date_kwh: Decimal = ZERO
    ) -> Decimal: ...


@dataclass(frozen=True, slots=True)
class FlatTariff:
    """One unit rate at every hour, and a daily standing charge."""

    rate_gbp_per_kwh: Decimal
    standing_charge_gbp_per_day: Decimal = ZERO
    name: str = "standard"

    def rate_at(self, utc_dt: datetime, month_to_date_kwh: Decimal = ZERO) -> Decimal:
        return self.rate_gbp_per_kwh

    def band_name_at(self, utc_dt: datetime, month_to_date_kwh: Decimal = ZERO) -> str:
        return self.name

    def price(
        self, start_utc: datetime, kwh: Decimal, month_to_date_kwh: Decimal = ZERO
    ) -> Decimal:
        return Decimal(kwh) * self.rate_gbp_per_kwh


@dataclass(frozen=True, slots=True)
class RateBand:
    """A band that starts at a local (Europe/London) time of day and runs to the next band."""

    start: time  # local wall-clock time; on :00 or :30 so it lines up with half-hours
    rate_gbp_per_kwh: Decimal
    name: str  # "peak", "off-peak", "day", "night", ...
    tier: int | None = None  # the meter's price tier (a signed tariff change names tiers)

    def __post_init__(self) -> None:
        if self.start.minute % 30 or self.start.second or self.start.microsecond:
            raise ValueError(f"band {self.name!r} must start on a half-hour, not {self.start}")
        if self.start.tzinfo is not None:
            raise ValueError("band start is a local wall-clock time: give a naive time")


@dataclass(frozen=True, slots=True)
class TimeOfUseTariff:
    """Rates by local time of day, so bands follow BST. The band in force at a local time is
    the last one starting at or before it; before the first band start, the last band of
    the previous day (wrapping past midnight) is in force."""

    bands: tuple[RateBand, ...]
    standing_charge_gbp_per_day: Decimal = ZERO
    _starts: tuple[time, ...] = field(init=False, repr=False, compare=False)

    def __init__(self, bands: Sequence[RateBand], standing_charge_gbp_per_day: Decimal = ZERO):
        if not bands:
            raise ValueError("a time-of-use tariff needs at least one band")
        ordered = tuple(sorted(bands, key=lambda b: b.start))
        starts = tuple(b.start for b in ordered)
        if len(set(starts)) != len(starts):
            raise ValueError("two bands start at the same time")
        object.__setattr__(self, "bands", ordered)
        standing = Decimal(standing_charge_gbp_per_day)
        object.__setattr__(self, "standing_charge_gbp_per_day", standing)
        object.__setattr__(self, "_starts", starts)

    def band_at(self, utc_dt: datetime) -> RateBand:
        local = utc_dt.astimezone(LONDON).time().replace(tzinfo=None)
        i = bisect.bisect_right(self._starts, local) - 1
        return self.bands[i]  # i == -1 wraps to the last band (it runs over midnight)

    def rate_at(self, utc_dt: datetime, month_to_date_kwh: Decimal = ZERO) -> Decimal:
        return self.band_at(utc_dt).rate_gbp_per_kwh

    def band_name_at(self, utc_dt: datetime, month_to_date_kwh: Decimal = ZERO) -> str:
        return self.band_at(utc_dt).name

    def price(
        self, start_utc: datetime, kwh: Decimal, month_to_date_kwh: Decimal = ZERO
    ) -> Decimal:
        return Decimal(kwh) * self.rate_at(start_utc)


@dataclass(frozen=True, slots=True)
class BlockTariff:
    """Rates by consumption so far in the billing month: block i runs up to thresholds[i] kWh.

    rates has one more entry than thresholds (the last block is open-ended). A quantity that
    straddles a threshold is split, each part at its block's rate.
    """

    thresholds_kwh: tuple[Decimal, ...]
    rates_gbp_per_kwh: tuple[Decimal, ...]
    standing_charge_gbp_per_day: Decimal = ZERO

    def __post_init__(self) -> None:
        if len(self.rates_gbp_per_kwh) != len(self.thresholds_kwh) + 1:
            raise ValueError("a block tariff needs exactly one more rate than thresholds")
        if any(b <= a for a, b in zip(self.thresholds_kwh, self.thresholds_kwh[1:], strict=False)):
            raise ValueError("block thresholds must be strictly increasing")
        if any(t <= 0 for t in self.thresholds_kwh):
            raise ValueError("block thresholds must be positive")

    def block_index(self, month_to_date_kwh: Decimal) -> int:
        # At exactly a threshold the next unit is in the next block.
        return bisect.bisect_right(self.thresholds_kwh, Decimal(month_to_date_kwh))

    def rate_for(self, month_to_date_kwh: Decimal) -> Decimal:
        return self.rates_gbp_per_kwh[self.block_index(month_to_date_kwh)]

    def rate_at(self, utc_dt: datetime, month_to_date_kwh: Decimal = ZERO) -> Decimal:
        return self.rate_for(month_to_date_kwh)

    def band_name_at(self, utc_dt: datetime, month_to_date_kwh: Decimal = ZERO) -> str:
        return f"block {self.block_index(month_to_date_kwh) + 1}"

    def price_quantity(self, kwh: Decimal, month_to_date_kwh: Decimal) -> Decimal:
        """Price kwh consumed after month_to_date_kwh, splitting at block thresholds."""
        kwh = Decimal(kwh)
        if kwh <= 0:  # export or nothing: no block walk, price at the current block
            return kwh * self.rate_for(month_to_date_kwh)
        position = Decimal(month_to_date_kwh)
        remaining = kwh
        total = ZERO
        i = self.block_index(position)
        while remaining > 0:
            if i < len(self.thresholds_kwh):
                part = min(remaining, self.thresholds_kwh[i] - position)
            else:
                part = remaining
            total += part * self.rates_gbp_per_kwh[i]
            remaining -= part
            position += part
            i += 1
        return total

    def price(
        self, start_utc: datetime, kwh: Decimal, month_to_date_kwh: Decimal = ZERO
    ) -> Decimal:
        return self.price_quantity(kwh, month_to_date_kwh)


class TariffSchedule:
    """Tariffs with the UTC instant each comes into force. A half-hour is priced by the
    tariff in force at its start, so a change at 16:00 UTC leaves 15:30-16:00 at the old
    rate and prices 16:00-16:30 at the new one; a change effective mid half-hour applies from
    the next half-hour."""

    def __init__(self, entries: Sequence[tuple[datetime, Tariff]] = ()) -> None:
        self._froms: list[datetime] = []
        self._tariffs: list[Tariff] = []
        for when, tariff in entries:
            self.add(when, tariff)

    def add(self, effective_from_utc: datetime, tariff: Tariff) -> None:
        """Add (or replace, at the same instant) a tariff coming into force then."""
        if effective_from_utc.tzinfo is None:
            raise ValueError("effective_from_utc must be an aware datetime")
        when = effective_from_utc.astimezone(UTC)
        i = bisect.bisect_left(self._froms, when)
        if i < len(self._froms) and self._froms[i] == when:
            self._tariffs[i] = tariff
        else:
            self._froms.insert(i, when)
            self._tariffs.insert(i, tariff)

    @property
    def entries(self) -> list[tuple[datetime, Tariff]]:
        return list(zip(self._froms, self._tariffs, strict=True))

    def tariff_at(self, utc_dt: datetime) -> Tariff:
        i = bisect.bisect_right(self._froms, utc_dt.astimezone(UTC)) - 1
        if i < 0:
            raise LookupError(f"no tariff in force at {utc_dt.isoformat()}")
        return self._tariffs[i]

    def next_change_after(self, utc_dt: datetime) -> datetime | None:
        i = bisect.bisect_right(self._froms, utc_dt.astimezone(UTC))
        return self._froms[i] if i < len(self._froms) else None


def price_half_hour(
    schedule: TariffSchedule,
    start_utc: datetime,
    kwh: Decimal,
    month_to_date_kwh: Decimal = ZERO,
) -> Decimal:
    """Cost in GBP (exact, unrounded) of kwh used in the half-hour starting at start_utc.

    month_to_date_kwh is what was used earlier in the billing month (block tariffs only)."""
    start = half_hour_start(start_utc)
    return schedule.tariff_at(start).price(start, Decimal(kwh), Decimal(month_to_date_kwh))


def price_if_known(
    schedule: TariffSchedule,
    start_utc: datetime,
    kwh: Decimal,
    month_to_date_kwh: Decimal = ZERO,
) -> Decimal | None:
    """price_half_hour, or None when no tariff is known for that half-hour: a home with no
    tariff is shown its energy, never an invented cost."""
    try:
        return price_half_hour(schedule, start_utc, kwh, month_to_date_kwh)
    except LookupError:
        return None


def standing_charge_for_day(schedule: TariffSchedule, day: date) -> Decimal:
    """The standing charge of the tariff in force at the start of that local day."""
    return schedule.tariff_at(local_midnight_utc(day)).standing_charge_gbp_per_day


class RateChange(NamedTuple):
    when_utc: datetime
    rate_gbp_per_kwh: Decimal


# How far ahead next_rate_change walks half-hour by half-hour before it only looks at
# schedule entries: a week covers any daily/weekly time-of-use pattern.
_SCAN_AHEAD = timedelta(days=8)


def _rate_in_force(
    schedule: TariffSchedule, hh: datetime, month_to_date_kwh: Decimal
) -> Decimal | None:
    try:
        return schedule.tariff_at(hh).rate_at(hh, month_to_date_kwh)
    except LookupError:
        return None


def next_rate_change(
    schedule: TariffSchedule, utc_now: datetime, month_to_date_kwh: Decimal = ZERO
) -> RateChange | None:
    """The next half-hour start after utc_now whose unit rate differs from now's, or None.

    Block tariffs are compared at the same month-to-date consumption (only time moves)."""
    hh = half_hour_start(utc_now)
    now_rate = _rate_in_force(schedule, hh, month_to_date_kwh)
    limit = hh + _SCAN_AHEAD
    t = hh + HALF_HOUR
    while t <= limit:
        rate = _rate_in_force(schedule, t, month_to_date_kwh)
        if rate is not None and rate != now_rate:
            return RateChange(t, rate)
        t += HALF_HOUR
    # Beyond the scan window only a new schedule entry can change the rate.
    after = limit
    while (when := schedule.next_change_after(after)) is not None:
        start = half_hour_start(when)
        start = start if start == when else start + HALF_HOUR
        rate = _rate_in_force(schedule, start, month_to_date_kwh)
        if rate is not None and rate != now_rate:
            return RateChange(start, rate)
        after = when
    return None


class BandSpan(NamedTuple):
    start_utc: datetime
    end_utc: datetime
    rate_gbp_per_kwh: Decimal
    name: str


def bands_for_day(
    schedule: TariffSchedule, day: date, month_to_date_kwh: Decimal = ZERO
) -> list[BandSpan]:
    """Runs of equal rate across a local day (23, 24 or 25 hours), in UTC, for the tariff
    screen. Built from the day's half-hours so DST and mid-day schedule changes just work.
    Half-hours with no tariff in force are left out."""
    start = local_midnight_utc(day)
    end = local_midnight_utc(day + timedelta(days=1))
    spans: list[BandSpan] = []
    t = start
    while t < end:
        try:
            tariff = schedule.tariff_at(t)
        except LookupError:
            t += HALF_HOUR
            continue
        rate = tariff.rate_at(t, month_to_date_kwh)
        name = tariff.band_name_at(t, month_to_date_kwh)
        last = spans[-1] if spans else None
        if last and last.end_utc == t and last.rate_gbp_per_kwh == rate and last.name == name:
            spans[-1] = last._replace(end_utc=t + HALF_HOUR)
        else:
            spans.append(BandSpan(t, t + HALF_HOUR, rate, name))
        t += HALF_HOUR
    return spans
