"""Run an app under Xvfb with its own D-Bus session and AT-SPI bus, walked by walker.py.

The walker runs under Debian's /usr/bin/python3 (python3-pyatspi is a system package), so
the venv's interpreter never imports pyatspi: it reads the JSON the walker writes.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
WALKER = Path(__file__).with_name("walker.py")
SYSTEM_PYTHON = "/usr/bin/python3"
NEEDS = ("Xvfb", "dbus-run-session")


def missing_tools() -> list[str]:
    """What this machine lacks for the walk (the test fails on it, it does not skip)."""
    missing = [tool for tool in NEEDS if shutil.which(tool) is None]
    if not Path("/usr/libexec/at-spi-bus-launcher").exists():
        missing.append("at-spi2-core (/usr/libexec/at-spi-bus-launcher)")
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import pyatspi"], capture_output=True,
                           check=False) if Path(SYSTEM_PYTHON).exists() else None
    if probe is None or probe.returncode != 0:
        missing.append("python3-pyatspi (import pyatspi in /usr/bin/python3)")
    return missing


def _start_xvfb(tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Xvfb on a free display number it picks itself (-displayfd): parallel workers
    never fight over :99."""
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1024x768x24",
         "-nolisten", "tcp", "-noreset"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    if not number:
        proc.kill()
        raise RuntimeError("Xvfb did not start")
    return proc, f":{number}"


def walk_app(app_args: list[str], steps: list[str], *, first: str = "start",
             timeout: float = 60.0) -> dict[str, Any]:
    """Start ``app_args`` (a console script in the venv and its options), press each step's
    control and walk after each; returns the walker's JSON."""
    tmp = Path(tempfile.mkdtemp(prefix="atspi-"))
    xvfb, display = _start_xvfb(tmp)
    out = tmp / "walk.json"
    env = {
        key: value for key, value in os.environ.items()
        if key not in ("DBUS_SESSION_BUS_ADDRESS", "AT_SPI_BUS_ADDRESS", "WAYLAND_DISPLAY")
    }
    env.update({
        "DISPLAY": display,
        "HOME": str(tmp),
        "XDG_CONFIG_HOME": str(tmp / "config"),
        "XDG_DATA_HOME": str(tmp / "data"),
        "XDG_RUNTIME_DIR": str(tmp),
        "QT_QPA_PLATFORM": "xcb",
        "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1",
        "QT_ACCESSIBILITY": "1",
        "LANG": "C.UTF-8",
    })
    os.chmod(tmp, 0o700)
    bindir = Path(sys.executable).parent
    ready = steps[0].partition("=")[2] if steps else ""
    command = ["dbus-run-session", "--", SYSTEM_PYTHON, str(WALKER), "--out", str(out),
               "--first", first, f"--ready={ready}", *(f"--step={s}" for s in steps), "--",
               str(bindir / app_args[0]), *app_args[1:]]
    try:
        done = subprocess.run(command, env=env, cwd=tmp, capture_output=True, text=True,
                              timeout=timeout, check=False)
        if done.returncode != 0 or not out.exists():
            raise RuntimeError(f"walker failed ({done.returncode}): {done.stderr[-2000:]}")
        result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return result
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


def shared_walk(folder: Path | None, key: str,
                make: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """``make()``'s walk, done once per test run even across pytest-xdist workers (which
    share ``folder``): the first worker to ask walks, holding a lock; the others read its
    JSON. An app start costs seconds of the suite's 90."""
    if folder is None:
        return make()
    folder.mkdir(mode=0o700, exist_ok=True)
    done = folder / f"{key}.json"
    with open(folder / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if done.exists():
            cached: dict[str, Any] = json.loads(done.read_text(encoding="utf-8"))
            return cached
        result = make()
        tmp = done.with_suffix(".tmp")
        tmp.write_text(json.dumps(result), encoding="utf-8")
        os.replace(tmp, done)
        return result
