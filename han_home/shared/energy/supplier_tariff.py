"""The supplier's tariff data, as loaded into a meter: time-of-use bands, rate changes,
standing charges and the gas calorific value. Plain data: a meter prices with its own
arithmetic over it (the virtual ESME in shared/sim/tariff.py) and the display builds its
own estimate from it (shared/han/tariffs.py); they are separate code, as they are
separate devices in a real home (seed IH.2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal


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
class ElectricityRates:
    bands: tuple[Band, ...] = (
        Band(time(0, 30), 1, "Off-peak", Decimal("0.1350")),
        Band(time(7, 30), 2, "Peak", Decimal("0.2750")),
    )
    standing_gbp_per_day: Decimal = Decimal("0.5335")
    changes: tuple[RateChange, ...] = ()


@dataclass(frozen=True)
class SupplierTariff:
    electricity: ElectricityRates = field(default_factory=ElectricityRates)
    gas_rate_gbp: Decimal = Decimal("0.0624")
    gas_standing_gbp_per_day: Decimal = Decimal("0.3143")
    gas_cv: Decimal = Decimal("39.5")
