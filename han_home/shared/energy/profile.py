"""A meter's half-hourly profile (Metering cluster GetProfile), as plain domain values.

The meter keeps 13 months of half-hourly consumption; the gateway pages it back with
repeated GetProfile requests and hands the history layer `ProfileInterval`s, oldest first,
in the register's unit (kWh or m3) scaled with the meter's multiplier and divisor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import IntEnum

HALF_HOUR = timedelta(minutes=30)
# What a GB meter keeps: 13 months of half-hours (396 days covers any 13 calendar months).
PROFILE_DAYS = 396
PROFILE_CAPACITY = PROFILE_DAYS * 48
# MaxNumberOfPeriodsDelivered: 24 intervals (uint24 each) fill one 82-byte frame with the
# ZCL header and GetProfileResponse's 7 header bytes (the SE default, 0x18).
MAX_PERIODS_PER_FRAME = 24


class ProfileStatus(IntEnum):
    """GetProfileResponse status (ZigBee Smart Energy 1.4, Metering cluster)."""

    SUCCESS = 0x00
    UNDEFINED_INTERVAL_CHANNEL = 0x01
    INTERVAL_CHANNEL_NOT_SUPPORTED = 0x02
    INVALID_END_TIME = 0x03
    MORE_PERIODS_REQUESTED_THAN_CAN_BE_RETURNED = 0x04
    NO_INTERVALS_AVAILABLE = 0x05


class IntervalChannel(IntEnum):
    CONSUMPTION_DELIVERED = 0x00
    CONSUMPTION_RECEIVED = 0x01


STATUS_REASONS: dict[int, str] = {
    ProfileStatus.UNDEFINED_INTERVAL_CHANNEL: "the meter does not know that interval channel",
    ProfileStatus.INTERVAL_CHANNEL_NOT_SUPPORTED: "the meter does not record that channel",
    ProfileStatus.INVALID_END_TIME: "the meter refused the end time (later than its clock?)",
    ProfileStatus.MORE_PERIODS_REQUESTED_THAN_CAN_BE_RETURNED: "more periods than one answer",
    ProfileStatus.NO_INTERVALS_AVAILABLE: "the meter holds no intervals for that time",
}


@dataclass(frozen=True, slots=True)
class ProfileInterval:
    """One half-hour of a meter's profile: consumption delivered in [start, start + 30 min)."""

    start_utc: datetime
    quantity: Decimal  # in `unit`: the register's unit, scaled by multiplier / divisor
    unit: str  # "kWh" or "m3"

    @property
    def end_utc(self) -> datetime:
        return self.start_utc + HALF_HOUR


class ProfileUnavailable(Exception):  # a result, not a programming error
    """The meter (or the gateway for it) could not give the profile asked for."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status  # the meter's GetProfileResponse status, None if it never answered
