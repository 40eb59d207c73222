"""Domain readings: what the gateway hands to the apps, whatever the radio."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum


class Fuel(StrEnum):
    ELECTRICITY = "electricity"
    GAS = "gas"


class ReadingKind(StrEnum):
    DEMAND = "demand"  # instantaneous power (kW) or gas flow over the last half-hour
    SUMMATION = "summation"  # cumulative register (kWh or m3)
    TIER_SUMMATION = "tier_summation"  # a time-of-use register; `tier` says which
    DAY_CONSUMPTION = "day_consumption"  # meter's own "today so far"
    BILL_TO_DATE = "bill_to_date"  # meter's own bill to date (GBP)
    PRICE = "price"  # unit rate now (GBP/kWh)
    STANDING_CHARGE = "standing_charge"  # GBP/day
    CALORIFIC_VALUE = "calorific_value"  # MJ/m3
    CREDIT = "credit"  # prepayment credit remaining (GBP)
    EMERGENCY_CREDIT = "emergency_credit"
    DEBT = "debt"
    MESSAGE = "message"  # supplier message; `text` holds it
    BATTERY = "battery"  # percent


class Source(StrEnum):
    METER = "meter"  # a value the meter itself holds: authoritative (seed IH.2)
    ESTIMATE = "estimate"  # computed by the display (tariff x energy, etc.)


@dataclass(frozen=True, slots=True)
class Reading:
    """One value from a meter (or this display's estimate), with its unit, source and time."""

    device: str  # EUI-64, "00:1b:c5:0c:00:00:00:01"
    fuel: Fuel
    kind: ReadingKind
    value: Decimal
    unit: str  # "kW", "kWh", "m3", "GBP", "GBP/kWh", "GBP/day", "MJ/m3", "%", ""
    received: datetime  # UTC, when the gateway got it
    meter_time: datetime | None = None  # UTC, the meter's own timestamp if it gave one
    source: Source = Source.METER
    tier: int | None = None
    text: str | None = None  # message text for MESSAGE readings
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    def age_seconds(self, now: datetime) -> float:
        return (now - self.received).total_seconds()
