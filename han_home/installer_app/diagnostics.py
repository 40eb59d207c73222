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
# Moving a working network costs every device a rejoin: another channel is recommended only
# when it is clearly quieter than the current one, by at least this much energy (0-255);
# two similar scans then give the same advice.
CLEARLY_QUIETER = 25


def recommend(energy: dict[int, float], current: int | None) -> int:
    """zigpy's choice, unless the network's own channel is about as quiet: then stay."""
    best = pick_channel(energy)
    if current is None or current not in energy or best == current:
        return best
    return best if energy[best] <= energy[current] - CLEARLY_QUIETER else current


@dataclass
class ScanResult:
    energy: dict[int, float]
    recommended: int
    current: int | None

    def busy(self, channel: int) -> bool:
        return self.energy.get(channel, 0) >= BUSY_ENERGY

    @property
    def stay(self) -> bool:
        return self.current is not None and self.recommended == self.current

    def any_busy(self) -> bool:
        return any(self.busy(c) for c in self.energy)

    def as_dict(self) -> dict[str, Any]:
        return {"energy": {str(c): round(v, 1) for c, v in sorted(self.energy.items())},
                "recommended_channel": self.recommended, "current_channel": self.current,
                "busy_energy": BUSY_ENERGY, "clearly_quieter_by": CLEARLY_QUIETER,
                "busy_channels": [c for c in sorted(self.energy) if self.busy(c)]}


async def energy_scan(gw: Gateway, progress: Callable[[int, int], None] | None = None,
                      duration_exp: int = 2, count: int = 1) -> ScanResult:
    """Scan channels 11-26 one at a time (so the caller can show progress)."""
    energy: dict[int, float] = {}
    for i, channel in enumerate(CHANNELS):
        got = await gw.energy_scan([channel], duration_exp, count)
        energy[channel] = got.get(channel, 0.0)
        if progress is not None:
            progress(i + 1, len(CHANNELS))
    current = gw.network_channel()
    return ScanResult(energy, recommend(energy, current), current)


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
