"""IHD figures: first frame vs a bare PySide6 window, first live value, RSS, idle CPU,
reading-to-repaint latency. Each runs the real `ihd-app` in a subprocess, offscreen."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BARE = """
import time, sys
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication(sys.argv[:1]); w = QWidget(); w.resize(800, 480); w.show()
app.processEvents(); print("BENCH " + '{"mark": "first_frame"}', flush=True)
"""


def _env(tmp: str) -> dict[str, str]:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        HAN_HOME_BENCH="1",
        HAN_HOME_CONFIG_DIR=tmp,
        HAN_HOME_DATA_DIR=tmp,
    )
    return env


def _time_to_mark(
    cmd: list[str], env: dict[str, str], mark: str, timeout: float = 120
) -> tuple[float, subprocess.Popen[str]]:
    """Start `cmd` and return the seconds until it prints the BENCH line `mark`."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    )
    _wait_mark(proc, mark, timeout)
    return time.perf_counter() - t0, proc


def _wait_mark(proc: subprocess.Popen[str], mark: str, timeout: float = 120) -> float:
    """Seconds until a running process prints the BENCH line `mark`."""
    t0 = time.perf_counter()
    assert proc.stdout is not None
    while True:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the process ended before {mark}")
        if line.startswith("BENCH ") and json.loads(line[6:])["mark"] == mark:
            return time.perf_counter() - t0
        if time.perf_counter() - t0 > timeout:
            proc.kill()
            raise TimeoutError(mark)


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run(quick: bool = False) -> dict[str, Any]:
    ticks = os.sysconf("SC_CLK_TCK")
    idle_s = 15 if quick else 60
    with tempfile.TemporaryDirectory() as tmp:
        env = _env(tmp)
        bare = []
        for _ in range(3):
            t, proc = _time_to_mark([sys.executable, "-c", BARE], env, "first_frame")
            proc.wait()
            bare.append(t)
        ihd = [sys.executable, "-m", "han_home.ihd_app.main", "--size", "800x480"]
        firsts = []
        for _ in range(2):  # the second start has last-known values to show
            t, proc = _time_to_mark(ihd, env, "first_frame")
            firsts.append(t)
            live = t + _wait_mark(proc, "first_live_value")
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
        # reading-to-repaint latency: a virtual home at 20x speed gives a demand reading
        # every half second, so a short run collects enough samples
        t, proc = _time_to_mark([*ihd, "--sim-speed", "20"], env, "first_live_value")
        time.sleep(10 if quick else 30)
        proc.send_signal(signal.SIGTERM)
        latency: dict[str, Any] = {}
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("BENCH ") and json.loads(line[6:])["mark"] == "latency":
                latency = json.loads(line[6:])
        proc.wait(timeout=30)
        t, proc = _time_to_mark(ihd, env, "first_live_value")
        time.sleep(5)  # settle: commissioning done, first reports in
        cpu0, w0 = _cpu_ticks(proc.pid), time.perf_counter()
        time.sleep(idle_s)
        cpu = (_cpu_ticks(proc.pid) - cpu0) / ticks
        wall = time.perf_counter() - w0
        rss = _rss_mib(proc.pid)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    bare_best, ihd_best = min(bare), min(firsts)
    return {
        "bare_pyside6_800x480_first_frame_s": round(bare_best, 3),
        "ihd_first_frame_s": round(ihd_best, 3),
        "first_frame_ratio": round(ihd_best / bare_best, 2),
        "first_frame_ratio_target": 1.5,
        "time_to_first_live_value_s": round(live, 2),
        "steady_rss_mib": round(rss, 1),
        "steady_rss_target_mib": 130,
        "idle_cpu_percent_of_one_core": round(100 * cpu / wall, 3),
        "idle_cpu_measured_s": round(wall, 1),
        "idle_cpu_target_percent": 0.5,
        "repaint_latency_p99_ms": latency.get("p99_ms"),
        "repaint_latency_p50_ms": latency.get("p50_ms"),
        "repaint_latency_samples": latency.get("samples"),
        "repaint_latency_target_ms": 50,
    }
