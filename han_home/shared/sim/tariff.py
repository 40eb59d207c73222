"""The virtual ESME's own tariff arithmetic over the supplier's rates (its tier, rate and
next change at any instant). The display never uses this: it prices with
shared/energy/tariff.py from the same data, so a fault in either shows as a difference."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from han_home.shared.energy.supplier_tariff import Band, ElectricityRates
from han_home.shared.sim.load import LONDON


@dataclass(frozen=True)
class EsmeTariff:
    rates: ElectricityRates

    def _band(self, when: datetime) -> Band:
        local = when.astimezone(LONDON).time()
        ordered = sorted(self.rates.bands, key=lambda b: b.start)
        current = ordered[-1]  # before the first start of the day, the last band runs on
        for band in ordered:
            if band.start <= local:
                current = band
        return current

    def _factor(self, when: datetime) -> Decimal:
        factor = Decimal(1)
        for change in self.rates.changes:
            if when >= change.effective:
                factor = change.factor
        return factor

    def tier_and_rate(self, when: datetime) -> tuple[int, str, Decimal]:
        band = self._band(when)
        return band.tier, band.label, band.rate_gbp * self._factor(when)

    def standing_charge_gbp(self, when: datetime) -> Decimal:
        return self.rates.standing_gbp_per_day

    def next_change(self, when: datetime) -> datetime | None:
        """Next instant (UTC) the rate changes: a band edge or a price change."""
        candidates = [c.effective for c in self.rates.changes if c.effective > when]
        local = when.astimezone(LONDON)
        for day_offset in (0, 1):
            day = (local + timedelta(days=day_offset)).date()
            for band in self.rates.bands:
                edge = datetime.combine(day, band.start, tzinfo=LONDON).astimezone(UTC)
                if edge > when:
                    candidates.append(edge)
        return min(candidates) if candidates else None
