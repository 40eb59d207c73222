"""Diagnostics (no Qt): channel energy scan with a recommended channel, link table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from han_home.installer_app.job import LinkVerdict, link_verdict
from han_home.shared.han.channels import pick_channel
from han_home.shared.han.gateway import Gateway

CHANNELS = tuple(range(11, 27))
# Energy above this (0-255) is busy: Wi-Fi or another network overlaps the channel.
BUSY_ENERGY = 120


@dataclass
class ScanResult:
    energy: dict[int, float]
    recommended: int
    current: int | None

    def busy(self, channel: int) -> bool:
        return self.energy.get(channel, 0) >= BUSY_ENERGY

    def as_dict(self) -> dict[str, Any]:
        return {"energy": {str(c): round(v, 1) for c, v in sorted(self.energy.items())},
                "recommended_channel": self.recommended, "current_channel": self.current}


async def energy_scan(gw: Gateway, progress: Callable[[int, int], None] | None = None,
                      duration_exp: int = 2, count: int = 1) -> ScanResult:
    """Scan channels 11-26 one at a time (so the caller can show progress)."""
    energy: dict[int, float] = {}
    for i, channel in enumerate(CHANNELS):
        got = await gw.energy_scan([channel], duration_exp, count)
        energy[channel] = got.get(channel, 0.0)
        if progress is not None:
            progress(i + 1, len(CHANNELS))
    return ScanResult(energy, pick_channel(energy), gw.network_channel())


@dataclass
class LinkRow:
    eui64: str
    role: str
    lqi: int | None
    rssi: int | None
    verdict: LinkVerdict
    last_seen: datetime | None
    firmware: str | None
    battery_pct: int | None


def link_table(gw: Gateway, battery: dict[str, int] | None = None) -> list[LinkRow]:
    rows = []
    for record in gw.devices():
        rows.append(LinkRow(record.eui64, record.role.value, record.lqi, record.rssi,
                            link_verdict(record.lqi, record.rssi), record.last_seen,
                            record.firmware, (battery or {}).get(record.eui64)))
    return rows
