"""A meter's own half-hourly consumption (its GetProfile intervals), oldest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class ProfileInterval:
    start_utc: datetime  # a :00/:30 half-hour start
    quantity: Decimal  # in the register's unit (kWh, or m3 for gas)
