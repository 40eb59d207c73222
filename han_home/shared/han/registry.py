"""Device registry: who is on this home's HAN, in what state, and how well they hear us."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    ELECTRICITY = "electricity"
    GAS = "gas"
    DISPLAY = "display"
    OTHER = "other"


class InstallState(StrEnum):
    EXPECTED = "expected"  # listed by the installer, not yet joined
    JOINED = "joined"
    INTERVIEWED = "interviewed"
    CONFIGURED = "configured"
    LEFT = "left"


@dataclass(frozen=True)
class DeviceRecord:
    eui64: str
    role: Role = Role.OTHER
    state: InstallState = InstallState.EXPECTED
    last_seen: datetime | None = None
    lqi: int | None = None
    rssi: int | None = None
    model: str | None = None
    manufacturer: str | None = None
    firmware: str | None = None
    joined_at: datetime | None = None
    site_id: str | None = None  # a meter's SiteID (0x0307): MPAN core or MPRN
    serial: str | None = None  # a meter's MeterSerialNumber (0x0308)
    # Metering scaling read from the device: unit code, multiplier, divisor, formatting
    scaling: dict[str, int] = field(default_factory=dict, compare=False)


class DeviceRegistry:
    def __init__(self) -> None:
        self._records: dict[str, DeviceRecord] = {}

    def get(self, eui64: str) -> DeviceRecord | None:
        return self._records.get(eui64)

    def upsert(self, eui64: str, **changes: object) -> DeviceRecord:
        current = self._records.get(eui64) or DeviceRecord(eui64)
        record = replace(current, **changes)  # type: ignore[arg-type]
        self._records[eui64] = record
        return record

    def all(self) -> list[DeviceRecord]:
        return sorted(self._records.values(), key=lambda r: (r.role != Role.ELECTRICITY, r.eui64))

    def by_role(self, role: Role) -> list[DeviceRecord]:
        return [r for r in self._records.values() if r.role == role]
