"""The display-side tariff, built from the supplier's tariff data (the same figures the
meter was loaded with). The meter prices with its own arithmetic; this schedule gives the
display's estimates, which the apps label as such (seed IH.2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from han_home.shared.energy.readings import Fuel
from han_home.shared.energy.supplier_tariff import SupplierTariff
from han_home.shared.energy.tariff import FlatTariff, RateBand, TariffSchedule, TimeOfUseTariff

SINCE_EVER = datetime(2000, 1, 1, tzinfo=UTC)
# A typical GB calorific value, used for gas kWh until the meter publishes its own.
DEFAULT_GAS_CV = Decimal("39.5")


@dataclass(frozen=True)
class Tariffs:
    electricity: TariffSchedule
    gas: TariffSchedule
    gas_cv: Decimal

    def for_fuel(self, fuel: Fuel) -> TariffSchedule:
        return self.gas if fuel == Fuel.GAS else self.electricity

    def known(self, fuel: Fuel) -> bool:
        """Whether any tariff is known for this fuel (else costs are unknown, not zero)."""
        return bool(self.for_fuel(fuel).entries)

    @classmethod
    def unknown(cls) -> Tariffs:
        """No tariff from the meter or the configuration: energy only."""
        return cls(TariffSchedule([]), TariffSchedule([]), DEFAULT_GAS_CV)


def from_supplier_tariff(data: SupplierTariff) -> Tariffs:
    elec = data.electricity

    def tou(factor: Decimal) -> TimeOfUseTariff:
        bands = [RateBand(b.start, b.rate_gbp * factor, b.label, b.tier) for b in elec.bands]
        return TimeOfUseTariff(bands, elec.standing_gbp_per_day)

    electricity = TariffSchedule([(SINCE_EVER, tou(Decimal(1)))])
    for change in elec.changes:
        electricity.add(change.effective, tou(change.factor))
    gas = TariffSchedule(
        [(SINCE_EVER, FlatTariff(data.gas_rate_gbp, data.gas_standing_gbp_per_day))]
    )
    return Tariffs(electricity, gas, data.gas_cv)
