"""HAN core figures: store ingest and aggregation, frames on the air, gateway CPU."""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from han_home.shared.energy.calendar import Period, half_hours_between, local_midnight_utc
from han_home.shared.store.history import HalfHourRow, HistoryStore

START_DAY = date(2025, 10, 1)
DAYS = 397  # 13 months


def _rows(fuel: str) -> list[HalfHourRow]:
    start = local_midnight_utc(START_DAY)
    end = local_midnight_utc(START_DAY + timedelta(days=DAYS))
    rows = []
    for i, t in enumerate(half_hours_between(start, end)):
        kwh = Decimal(100 + (i * 37) % 900) / 1000
        if fuel == "gas":
            m3 = kwh / 10
            rows.append(HalfHourRow(t, kwh, kwh * Decimal("0.0624"), m3, Decimal("39.5")))
        else:
            rows.append(HalfHourRow(t, kwh, kwh * Decimal("0.2450")))
    return rows


def store_figures() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        data = {fuel: _rows(fuel) for fuel in ("electricity", "gas")}
        n = sum(len(rows) for rows in data.values())
        store = HistoryStore(path)
        t0 = time.perf_counter()
        for fuel, rows in data.items():
            for i in range(0, len(rows), 48):  # a day at a time, as a catching-up gateway would
                store.add_half_hours(fuel, rows[i : i + 48])
        ingest_s = time.perf_counter() - t0
        # baseline: the same number of rows into a bare SQLite table, same batches
        raw = sqlite3.connect(Path(tmp) / "raw.db", isolation_level=None)
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("CREATE TABLE t (fuel TEXT, start INTEGER, kwh INTEGER, cost INTEGER)")
        t0 = time.perf_counter()
        for fuel, rows in data.items():
            for i in range(0, len(rows), 48):
                raw.execute("BEGIN")
                raw.executemany(
                    "INSERT INTO t VALUES (?, ?, ?, ?)",
                    [
                        (
                            fuel,
                            int(r.start_utc.timestamp()),
                            int(r.kwh * 10**6),
                            int(r.cost_gbp * 10**9),
                        )
                        for r in rows[i : i + 48]
                    ],
                )
                raw.execute("COMMIT")
        raw_s = time.perf_counter() - t0
        timings = []
        for _ in range(5):
            t0 = time.perf_counter()
            for fuel in ("electricity", "gas"):
                for by in Period:
                    store.aggregate(fuel, by)
            timings.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        raw.execute("SELECT fuel, SUM(kwh), SUM(cost) FROM t GROUP BY fuel").fetchall()
        scan_s = time.perf_counter() - t0
        store.close()
        raw.close()
    best = min(timings)
    return {
        "store_rows": n,
        "store_ingest_rows_per_s": round(n / ingest_s),
        "store_ingest_vs_bare_sqlite": round(ingest_s / raw_s, 2),
        "aggregate_13_months_2_fuels_all_periods_ms": round(best * 1000, 2),
        "aggregate_target_ms": 20,
        "aggregate_vs_bare_full_scan": round(best / scan_s, 2),
    }


async def _air_figures(sim_hours: float, speed: float) -> dict[str, Any]:
    from han_home.shared.han.setup import RadioOptions, build_gateway

    gateway = build_gateway(
        RadioOptions(sim_seed=7, sim_speed=speed, sim_start=datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    )
    readings = 0

    def display(event: object) -> None:  # a display subscribed to everything
        nonlocal readings
        readings += 1

    gateway.subscribe(display)
    await gateway.start()
    assert await gateway.commission_expected()
    home = gateway.config.sim_home
    await asyncio.sleep(0.5)
    up0, down0 = dict(home.air.frames_up), dict(home.air.frames_down)
    start = home.clock.now()
    cpu0 = time.process_time()
    await home.clock.sleep_until(start + timedelta(hours=sim_hours))
    cpu = time.process_time() - cpu0
    elapsed_h = (home.clock.now() - start).total_seconds() / 3600
    up = {k: home.air.frames_up[k] - up0.get(k, 0) for k in home.air.frames_up}
    down = {k: home.air.frames_down[k] - down0.get(k, 0) for k in home.air.frames_down}
    esme, gsme = str(home.esme.ieee), str(home.gsme.ieee)
    await gateway.stop()
    return {
        "sim_hours": round(elapsed_h, 3),
        "esme_reports_per_sim_hour": round(up.get(esme, 0) / elapsed_h, 1),
        "gsme_reports_per_sim_hour": round(up.get(gsme, 0) / elapsed_h, 1),
        "gateway_frames_to_esme_per_sim_hour": round(down.get(esme, 0) / elapsed_h, 1),
        "gateway_frames_to_gsme_per_sim_hour": round(down.get(gsme, 0) / elapsed_h, 1),
        "expected_esme_reports_per_hour": 360 + 60 + 2,  # demand/10 s, registers/min, credit/30 min
        "cpu_s_per_sim_hour": round(cpu / elapsed_h, 3),
        "cpu_percent_of_one_core": round(100 * cpu / (elapsed_h * 3600 / speed), 3),
        "readings_delivered": readings,
    }


async def _manual_clock_figures(sim_hours: float) -> dict[str, Any]:
    """How fast the tests' ManualClock runs the whole home: no wall-clock wait, so the
    figure is the host's work per simulated hour (what a test crossing a day costs)."""
    from han_home.shared.han.clock import ManualClock
    from han_home.shared.han.setup import RadioOptions, build_gateway

    clock = ManualClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    gateway = build_gateway(RadioOptions(sim_seed=7, sim_clock=clock))
    await gateway.start()
    wall0 = time.perf_counter()
    assert await clock.run(gateway.commission_expected(), within=300)
    commission_s = time.perf_counter() - wall0
    steps0, wall0, cpu0 = clock.steps, time.perf_counter(), time.process_time()
    await clock.advance(sim_hours * 3600)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    await gateway.stop()
    return {
        "sim_hours": sim_hours,
        "commission_real_s": round(commission_s, 3),
        "real_s_per_sim_hour": round(wall / sim_hours, 3),
        "cpu_s_per_sim_hour": round(cpu / sim_hours, 3),
        "clock_steps_per_sim_hour": round((clock.steps - steps0) / sim_hours, 1),
    }


def air_figures(quick: bool) -> dict[str, Any]:
    fast = asyncio.run(_air_figures(2.0 if quick else 6.0, 360))
    realtime = asyncio.run(_air_figures(10 / 3600 if quick else 120 / 3600, 1))
    manual = asyncio.run(_manual_clock_figures(1.0 if quick else 6.0))
    return {
        "manual_clock": manual,
        "frames_per_sim_hour": {k: v for k, v in fast.items() if "cpu" not in k},
        "gateway_cpu_at_real_time_speed": {
            "measured_real_seconds": round(realtime["sim_hours"] * 3600, 1),
            "cpu_s_per_sim_hour": realtime["cpu_s_per_sim_hour"],
            "cpu_percent_of_one_core": realtime["cpu_percent_of_one_core"],
        },
    }
