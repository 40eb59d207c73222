"""Carbon estimate from energy: kgCO2e = kWh x intensity for the fuel."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from han_home.shared.energy.readings import Fuel

# Source: UK Government GHG Conversion Factors for Company Reporting 2024 (DESNZ),
# "UK electricity" generation factor 0.20705 kgCO2e/kWh and "Natural gas" (gross CV)
# 0.18290 kgCO2e/kWh. Verify against the current year's published table before release;
# the factors change every year, hence configurable via CarbonIntensity.
DESNZ_2024_ELECTRICITY_KG_PER_KWH = Decimal("0.20705")
DESNZ_2024_GAS_KG_PER_KWH = Decimal("0.18290")


@dataclass(frozen=True, slots=True)
class CarbonIntensity:
    """Emission factors, kg CO2e per kWh, for each fuel."""

    electricity_kg_per_kwh: Decimal = DESNZ_2024_ELECTRICITY_KG_PER_KWH
    gas_kg_per_kwh: Decimal = DESNZ_2024_GAS_KG_PER_KWH

    def for_fuel(self, fuel: Fuel) -> Decimal:
        return self.electricity_kg_per_kwh if fuel == Fuel.ELECTRICITY else self.gas_kg_per_kwh


DEFAULT_INTENSITY = CarbonIntensity()


def carbon_kg(kwh: Decimal, fuel: Fuel, intensity: CarbonIntensity = DEFAULT_INTENSITY) -> Decimal:
    """kgCO2e for an energy quantity (exact Decimal product)."""
    return Decimal(kwh) * intensity.for_fuel(Fuel(fuel))
