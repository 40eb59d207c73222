"""Installer benchmark: real time from opening the join window to all three of the virtual
home's devices joined and configured, at real-time speed (target <= 60 s), and operator
actions per device (target: one scan and nothing else).

``run() -> dict`` prints nothing itself (``python -m benchmarks`` prints the figures).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

TARGET_S = 60.0


async def _one(seed: int) -> dict[str, Any]:
    from han_home.installer_app.commission import JobRunner
    from han_home.installer_app.job import Job, Stage
    from han_home.shared.han.client import DeviceEvent, DeviceEventKind
    from han_home.shared.han.setup import RadioOptions, build_gateway

    gw = build_gateway(RadioOptions(sim_seed=seed, sim_speed=1.0), commission_home=False)
    await gw.start()
    try:
        job = Job(site_ref="BENCH", engineer_id="bench")
        actions: dict[str, int] = {}
        for label in gw.config.sim_home.labels():
            # The operator's only action per device: one scan of the label's QR code (the
            # device type is read from the device when it joins, not typed).
            entry = job.add_qr(label.qr)
            actions[entry.eui64] = actions.get(entry.eui64, 0) + 1
        joined: dict[str, float] = {}
        configured: dict[str, float] = {}
        t0 = 0.0

        def on(event: Any) -> None:
            if isinstance(event, DeviceEvent):
                stamp = time.perf_counter() - t0
                if event.kind == DeviceEventKind.JOINED:
                    joined.setdefault(event.eui64, stamp)
                elif event.kind == DeviceEventKind.CONFIGURED:
                    configured.setdefault(event.eui64, stamp)

        gw.subscribe(on)
        runner = JobRunner(gw, job)
        t0 = time.perf_counter()  # the engineer presses "Open join window"
        outcome = await runner.pair(window_s=120)
        verified = await runner.verify()
        total = time.perf_counter() - t0
        runner.detach()
        return {
            "ok": outcome.ok and verified,
            "all_joined_s": max(joined.values()) if len(joined) == 3 else None,
            "all_configured_s": max(configured.values()) if len(configured) == 3 else None,
            "to_verified_s": total,
            "refused_neighbour_attempts": len(job.refused),
            "types_read_match": all(d.read_type is not None for d in job.devices),
            "all_verified": all(d.stage == Stage.VERIFIED for d in job.devices),
            "scans_per_device": max(actions.values()),
        }
    finally:
        await gw.stop()


def run(quick: bool = False) -> dict[str, Any]:
    runs = [asyncio.run(_one(seed)) for seed in ((7,) if quick else (7, 8, 9))]
    configured = [r["all_configured_s"] for r in runs if r["all_configured_s"] is not None]
    worst = max(configured) if len(configured) == len(runs) else None
    return {
        "runs": len(runs),
        "all_ok": all(r["ok"] for r in runs),
        "window_to_all_joined_s_median": round(
            statistics.median(r["all_joined_s"] for r in runs if r["all_joined_s"] is not None), 2
        ),
        "window_to_all_configured_s_median": round(statistics.median(configured), 2)
        if configured
        else None,
        "window_to_all_configured_s_worst": round(worst, 2) if worst is not None else None,
        "window_to_all_verified_s_median": round(
            statistics.median(r["to_verified_s"] for r in runs), 2
        ),
        "target_s": TARGET_S,
        "meets_target": worst is not None and worst <= TARGET_S,
        "operator_actions_per_device": {
            "scans": max(r["scans_per_device"] for r in runs),
            "other": 0,  # the device type is read from the device, nothing else is typed
            "shared_per_job": 1,  # one "Open join window" for all devices
        },
        "neighbour_join_attempts_refused": sum(r["refused_neighbour_attempts"] for r in runs),
    }
