"""Channel choice from an energy scan, by zigpy's own rule (it prefers the channels Wi-Fi
overlaps least, 15/20/25, and weighs each channel's neighbours)."""

from __future__ import annotations

import zigpy.util


def pick_channel(energy: dict[int, float]) -> int:
    return int(zigpy.util.pick_optimal_channel(energy))
