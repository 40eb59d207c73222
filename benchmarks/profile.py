"""History from the meter (seed IH.2): time and frames on the air to backfill 13 months of
half-hourly profile for both fuels on a commissioned virtual home, and what the meters'
exact registers cost to start."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Any

START = datetime(2026, 11, 2, 9, 7, tzinfo=UTC)


async def _commissioned(prime_periods: int | None) -> tuple[Any, float, dict[str, int]]:
    from han_home.shared.han.setup import RadioOptions, build_gateway

    gateway = build_gateway(RadioOptions(sim_seed=7, sim_speed=1, sim_start=START))
    if prime_periods is not None:
        gateway.config.gas_profile_prime_periods = prime_periods
    await gateway.start()
    t0 = time.perf_counter()
    assert await gateway.commission_expected()
    took = time.perf_counter() - t0
    home = gateway.config.sim_home
    gsme = str(home.gsme.ieee)
    frames = {"up": home.air.frames_up[gsme], "down": home.air.frames_down[gsme]}
    return gateway, took, frames


async def _figures() -> dict[str, Any]:
    from han_home.shared.energy.profile import PROFILE_CAPACITY

    bare, bare_s, bare_frames = await _commissioned(0)
    await bare.stop()
    gateway, commission_s, gas_frames = await _commissioned(None)
    home = gateway.config.sim_home
    air = home.air
    out: dict[str, Any] = {
        "periods_13_months": PROFILE_CAPACITY,
        "commissioning_s_with_gas_profile": round(commission_s, 3),
        "commissioning_s_without_gas_profile": round(bare_s, 3),
        "gas_profile_at_commissioning_frames": {
            "to_gsme": gas_frames["down"] - bare_frames["down"],
            "from_gsme": gas_frames["up"] - bare_frames["up"],
        },
    }
    for meter, name in ((home.esme, "electricity"), (home.gsme, "gas")):
        eui = str(meter.ieee)
        up0, down0 = air.frames_up[eui], air.frames_down[eui]
        t0 = time.perf_counter()
        intervals = await gateway.read_profile(eui, None, PROFILE_CAPACITY)
        took = time.perf_counter() - t0
        out[f"backfill_13_months_{name}"] = {
            "intervals": len(intervals),
            "seconds": round(took, 3),
            "frames_to_meter": air.frames_down[eui] - down0,
            "frames_from_meter": air.frames_up[eui] - up0,
            "source": "gateway's gas mirror (no frames)" if name == "gas" else "meter",
        }
    e, g = out["backfill_13_months_electricity"], out["backfill_13_months_gas"]
    out["backfill_13_months_both_fuels_s"] = round(e["seconds"] + g["seconds"], 3)
    out["backfill_ms_per_get_profile_page"] = round(
        1000 * e["seconds"] / max(1, e["frames_to_meter"]), 3
    )
    await gateway.stop()
    return out


def _register_start_cost() -> dict[str, Any]:
    """A meter's first register at a 2026 instant: every day since the origin, cold."""
    from han_home.shared.sim import load

    ts = int(START.timestamp())
    t0 = time.perf_counter()
    load.ElectricityLedger(9999).cumulative(ts)
    elec = time.perf_counter() - t0
    t0 = time.perf_counter()
    load.GasLedger(9999).cumulative(ts)
    gas = time.perf_counter() - t0
    return {
        "days_since_origin": (START - load.ORIGIN).days,
        "electricity_cold_ms": round(elec * 1000, 1),
        "gas_cold_ms": round(gas * 1000, 1),
    }


def run(quick: bool = False) -> dict[str, Any]:
    figures = asyncio.run(_figures())
    figures["register_start"] = _register_start_cost()
    return figures


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
