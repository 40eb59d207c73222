"""Restart matrix with real processes: han-gateway on the virtual home, stopped by SIGKILL
(or SIGTERM) at 20 seeded points of a simulated week and started again a minute, two hours
or three days later. After every restart the database's accounts (half-hours, gap
intervals and the open half-hour) are checked against the virtual meter's register.

python -m benchmarks.restart_kill [--points N] prints the table and a JSON summary."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from tests.integration.killed_gateway import START, _saved_until, outcome, run_segment

DOWN = (timedelta(minutes=1), timedelta(hours=2), timedelta(days=3))


def matrix(points: int, kill: bool, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(f"{seed}:{kill}")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "home.db"
        env = dict(os.environ, HAN_HOME_DATA_DIR=tmp, HAN_HOME_CONFIG_DIR=tmp)
        start, printed, worst, rows = START, {}, 0.0, []
        t0 = time.perf_counter()
        for i in range(points):
            readings = rng.randint(5, 60)
            segment = run_segment(db, start, readings, kill=kill, env=env)
            printed.update(segment.registers)
            if _saved_until(db) == START:  # killed before it saved anything: nothing to check
                rows.append((i + 1, start.isoformat(timespec="minutes"), readings,
                             str(DOWN[i % 3]), float("nan"), 0, 0))
                start = segment.last_seen + DOWN[i % 3]
                continue
            result = asyncio.run(outcome(db, printed))
            worst = max(worst, abs(float(result.error_wh)))
            down = DOWN[i % 3]
            rows.append((i + 1, start.isoformat(timespec="minutes"), readings, str(down),
                         float(result.error_wh), result.negative_slots, result.gap_intervals))
            start = max(segment.last_seen, _saved_until(db)) + down
        elapsed = time.perf_counter() - t0
    print(f"{'point':>5} {'started (UTC)':<17} {'readings':>8} {'down':>16} "
          f"{'error Wh':>9} {'neg':>4} {'gaps':>4}   ({'SIGKILL' if kill else 'SIGTERM'})")
    for row in rows:
        print(f"{row[0]:>5} {row[1][:16]:<17} {row[2]:>8} {row[3]:>16} {row[4]:>9.3f} "
              f"{row[5]:>4} {row[6]:>4}")
    return {"points": points, "signal": "SIGKILL" if kill else "SIGTERM",
            "worst_abs_error_wh": round(worst, 3), "seconds": round(elapsed, 1)}


def run(quick: bool = False) -> dict[str, Any]:
    points = 6 if quick else 20
    return {"killed": matrix(points, kill=True), "stopped": matrix(points, kill=False)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m benchmarks.restart_kill")
    parser.add_argument("--points", type=int, default=20)
    args = parser.parse_args()
    print(json.dumps({"killed": matrix(args.points, kill=True),
                      "stopped": matrix(args.points, kill=False)}, indent=2))
