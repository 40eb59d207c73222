"""IHD figures: first frame vs a bare PySide6 window, first live value, RSS, idle CPU,
reading-to-repaint latency. Each runs the real `ihd-app` in a subprocess, offscreen.

Measurement rules (issue 7): start-up times are paired runs, bare window and display in
turn, after a warm-up of each; the figures quoted are medians (of the times, and of the
ratio pair by pair, so a drift in the machine's speed cancels), never the best run.
Both processes print their mark at the same point: after the first Paint event of an
800x480 top-level window (each checks that the paint really happened). The display starts
with last known values in its history database, as a kiosk restarting does.

Both run with a bytecode cache (in a temporary PYTHONPYCACHEPREFIX), as an installed wheel
has: with PYTHONDONTWRITEBYTECODE set in the caller's environment the display would compile
its ~100 modules from source on every start while the bare window compiles nothing. The
no-bytecode ratio is printed too.

Steady RSS (``rss_figures``, alone: ``python -m benchmarks.ihd``): VmRSS 45 s after a first
start (empty history, so the 13-month backfill runs) and after a later start on the
history it left, each against a bare PySide6 800x480 window's RSS in the same run; after a
warm-up start in another home that fills the bytecode cache.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from han_home.ihd_app.bench import SAMPLES_WANTED as LATENCY_SAMPLES

BARE = """
import sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget
class Probe(QObject):
    seen = False
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            self.seen = True
        return False
app = QApplication(sys.argv[:1]); w = QWidget(); w.resize(800, 480)
probe = Probe(w); w.installEventFilter(probe); w.show()
app.processEvents()
print("BENCH " + '{"mark": "first_frame", "painted": %s}' % str(probe.seen).lower(), flush=True)
"""
# the same bare window, kept open (its event loop running) for a steady RSS figure
BARE_IDLE = BARE + "app.exec()\n"
PAIRS_QUICK, PAIRS_FULL = 7, 11
RSS_AFTER_S = 45.0  # steady RSS is read this long after the start (issue 7 part 6)
BARE_RSS_AFTER_S = 5.0


def _env(tmp: str, bytecode: bool = True) -> dict[str, str]:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        HAN_HOME_BENCH="1",
        HAN_HOME_CONFIG_DIR=tmp,
        HAN_HOME_DATA_DIR=tmp,
        HAN_HOME_CACHE_DIR=tmp,  # the compiled dataclass code, kept like the bytecode
    )
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPYCACHEPREFIX", None)
    if bytecode:
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _start(cmd: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    )


def _time_to_mark(
    cmd: list[str], env: dict[str, str], mark: str, timeout: float = 120
) -> tuple[float, subprocess.Popen[str], dict[str, Any]]:
    """Start `cmd` and return the seconds until it prints the BENCH line `mark`."""
    t0 = time.perf_counter()
    proc = _start(cmd, env)
    _, values = _wait_mark(proc, mark, timeout)
    return time.perf_counter() - t0, proc, values


def _wait_mark(
    proc: subprocess.Popen[str], mark: str, timeout: float = 120
) -> tuple[float, dict[str, Any]]:
    """Seconds until a running process prints the BENCH line `mark`, and that line."""
    t0 = time.perf_counter()
    assert proc.stdout is not None
    while True:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the process ended before {mark}")
        if line.startswith("BENCH "):
            values = json.loads(line[6:])
            if values["mark"] == mark:
                return time.perf_counter() - t0, values
        if time.perf_counter() - t0 > timeout:
            proc.kill()
            raise TimeoutError(mark)


def _first_frame(cmd: list[str], env: dict[str, str]) -> float:
    t, proc, values = _time_to_mark(cmd, env, "first_frame")
    proc.kill()
    proc.wait()
    if not values.get("painted"):
        raise RuntimeError(f"{cmd}: the first_frame mark came before any paint")
    return t


def _paired_first_frames(ihd: list[str], env: dict[str, str], pairs: int) -> dict[str, Any]:
    bare = [sys.executable, "-c", BARE]
    _first_frame(bare, env)  # warm-up: bytecode cache, page cache
    _first_frame(ihd, env)
    bare_s, ihd_s = [], []
    for _ in range(pairs):
        bare_s.append(_first_frame(bare, env))
        ihd_s.append(_first_frame(ihd, env))
    ratios = [i / b for i, b in zip(ihd_s, bare_s, strict=True)]
    return {
        "pairs": pairs,
        "bare_median_s": round(statistics.median(bare_s), 4),
        "ihd_median_s": round(statistics.median(ihd_s), 4),
        "ratio_median": round(statistics.median(ratios), 3),
        "ratio_min": round(min(ratios), 3),
        "ratio_max": round(max(ratios), 3),
    }


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def _status_mib(pid: int, key: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _rss_after(cmd: list[str], env: dict[str, str], seconds: float,
               mark: str | None = None) -> float:
    """VmRSS (MiB) of `cmd` `seconds` after its start (or after its BENCH line `mark`)."""
    proc = _start(cmd, env)
    try:
        t0 = time.perf_counter()
        if mark is not None:
            _wait_mark(proc, mark)
        time.sleep(max(0.0, seconds - (time.perf_counter() - t0)))
        if proc.poll() is not None:
            raise RuntimeError(f"{cmd}: ended before its RSS was read")
        return _status_mib(proc.pid, "VmRSS")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def rss_figures(after_s: float = RSS_AFTER_S) -> dict[str, Any]:
    """Steady RSS of a first start (empty history: the 13-month backfill runs) and of a
    later start on that history, each `after_s` after the start, against a bare PySide6
    800x480 window's RSS measured in the same run (its event loop running)."""
    with tempfile.TemporaryDirectory() as tmp:
        ihd = [sys.executable, "-m", "han_home.ihd_app.main", "--size", "800x480"]

        def home(name: str) -> dict[str, str]:  # its own files, the run's bytecode cache
            folder = Path(tmp) / name
            folder.mkdir()
            return dict(_env(tmp), HAN_HOME_CONFIG_DIR=str(folder), HAN_HOME_DATA_DIR=str(folder))

        # warm-up in a home of its own: bytecode compiled, as an installed wheel has it
        # (compiling ~500 modules inside the measured first start leaves its heap larger)
        _rss_after(ihd, home("warm-up"), 1.0, mark="first_live_value")
        env = home("measured")
        bare = _rss_after([sys.executable, "-c", BARE_IDLE], env, BARE_RSS_AFTER_S,
                          mark="first_frame")
        first = _rss_after(ihd, env, after_s)
        later = _rss_after(ihd, env, after_s)
    return {
        "measured_after_start_s": after_s,
        "bare_pyside6_800x480_rss_mib": round(bare, 1),
        "first_start_rss_mib": round(first, 1),
        "later_start_rss_mib": round(later, 1),
        "first_start_rss_ratio": round(first / bare, 2),
        "later_start_rss_ratio": round(later / bare, 2),
        "rss_target_mib": 110,
    }


def _latency(ihd: list[str], env: dict[str, str]) -> dict[str, Any]:
    """A virtual home at 50x speed: a demand reading every 0.2 s. Runs until the display
    has timed LATENCY_SAMPLES readings that changed the power figure."""
    proc = _start([*ihd, "--sim-speed", "50"], env)
    _wait_mark(proc, "latency_samples", timeout=900)
    proc.send_signal(signal.SIGTERM)
    _, latency = _wait_mark(proc, "latency", timeout=60)
    proc.wait(timeout=30)
    return latency


def run(quick: bool = False) -> dict[str, Any]:
    ticks = os.sysconf("SC_CLK_TCK")
    idle_s = 15 if quick else 60
    pairs = PAIRS_QUICK if quick else PAIRS_FULL
    with tempfile.TemporaryDirectory() as tmp:
        env = _env(tmp)
        ihd = [sys.executable, "-m", "han_home.ihd_app.main", "--size", "800x480"]
        # the first start ever: empty history; it runs until live values have been saved
        lives = []
        for _ in range(1 if quick else 3):
            t, proc, _ = _time_to_mark(ihd, env, "first_live_value")
            lives.append(t)
            time.sleep(2)
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
        cached = _paired_first_frames(ihd, env, pairs)
        uncached = _paired_first_frames(ihd, _env(tmp, bytecode=False), pairs)
        latency = _latency(ihd, env)
        t, proc, _ = _time_to_mark(ihd, env, "first_live_value")
        time.sleep(5)  # settle: commissioning done, first reports in
        cpu0, w0 = _cpu_ticks(proc.pid), time.perf_counter()
        time.sleep(idle_s)
        cpu = (_cpu_ticks(proc.pid) - cpu0) / ticks
        wall = time.perf_counter() - w0
        rss, hwm = _status_mib(proc.pid, "VmRSS"), _status_mib(proc.pid, "VmHWM")
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    rss_runs = rss_figures()
    return {
        "first_frame_pairs": cached["pairs"],
        "bare_pyside6_800x480_first_frame_median_s": cached["bare_median_s"],
        "ihd_first_frame_median_s": cached["ihd_median_s"],
        "first_frame_ratio_median": cached["ratio_median"],
        "first_frame_ratio_range": [cached["ratio_min"], cached["ratio_max"]],
        "first_frame_ratio_target": 1.5,
        "first_frame_no_bytecode_cache": uncached,
        "time_to_first_live_value_median_s": round(statistics.median(lives), 2),
        "steady_rss_mib": round(rss, 1),
        "peak_rss_mib": round(hwm, 1),
        "steady_rss_target_mib": 110,
        "steady_rss_first_and_later_start": rss_runs,
        "idle_cpu_percent_of_one_core": round(100 * cpu / wall, 3),
        "idle_cpu_measured_s": round(wall, 1),
        "idle_cpu_target_percent": 0.5,
        "repaint_latency_p99_ms": latency.get("p99_ms"),
        "repaint_latency_p50_ms": latency.get("p50_ms"),
        "repaint_latency_max_ms": latency.get("max_ms"),
        "repaint_latency_samples": latency.get("samples"),
        "repaint_latency_samples_target": LATENCY_SAMPLES,
        "repaint_latency_readings": latency.get("readings"),
        "repaint_latency_target_ms": 50,
    }


if __name__ == "__main__":  # python -m benchmarks.ihd: the RSS figures alone (~2 min)
    print(json.dumps(rss_figures(), indent=2))
