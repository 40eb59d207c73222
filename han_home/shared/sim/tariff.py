"""The tariff the virtual meters are loaded with (the supplier's data, as on a real ESME).

Kept as plain data so the gateway can build its own display-side tariff from the same
figures: the meter's arithmetic and the display's estimate are separate code, as they
are separate devices in a real home (seed IH.2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from han_home.shared.sim.load import LONDON


@dataclass(frozen=True)
class Band:
    start: time  # local (Europe/London) time the band starts
    tier: int
    label: str
    rate_gbp: Decimal  # per kWh


@dataclass(frozen=True)
class RateChange:
    """From `effective` (UTC), every tier's rate is multiplied by `factor`."""

    effective: datetime
    factor: Decimal


@dataclass(frozen=True)
class ElectricityTariff:
    bands: tuple[Band, ...] = (
        Band(time(0, 30), 1, "Off-peak", Decimal("0.1350")),
        Band(time(7, 30), 2, "Peak", Decimal("0.2750")),
    )
    standing_gbp_per_day: Decimal = Decimal("0.5335")
    changes: tuple[RateChange, ...] = ()

    def _band(self, when: datetime) -> Band:
        local = when.astimezone(LONDON).time()
        ordered = sorted(self.bands, key=lambda b: b.start)
        current = ordered[-1]  # before the first start of the day, the last band runs on
        for band in ordered:
            if band.start <= local:
                current = band
        return current

    def _factor(self, when: datetime) -> Decimal:
        factor = Decimal(1)
        for change in self.changes:
            if when >= change.effective:
                factor = change.factor
        return factor

    def tier_and_rate(self, when: datetime) -> tuple[int, str, Decimal]:
        band = self._band(when)
        return band.tier, band.label, band.rate_gbp * self._factor(when)

    def standing_charge_gbp(self, when: datetime) -> Decimal:
        return self.standing_gbp_per_day

    def next_change(self, when: datetime) -> datetime | None:
        """Next instant (UTC) the rate changes: a band edge or a price change."""
        candidates = [c.effective for c in self.changes if c.effective > when]
        local = when.astimezone(LONDON)
        for day_offset in (0, 1):
            day = (local + timedelta(days=day_offset)).date()
            for band in self.bands:
                edge = datetime.combine(day, band.start, tzinfo=LONDON).astimezone(UTC)
                if edge > when:
                    candidates.append(edge)
        return min(candidates) if candidates else None


@dataclass(frozen=True)
class HomeTariff:
    electricity: ElectricityTariff = field(default_factory=ElectricityTariff)
    gas_rate_gbp: Decimal = Decimal("0.0624")
    gas_standing_gbp_per_day: Decimal = Decimal("0.3143")
    gas_cv: Decimal = Decimal("39.5")
