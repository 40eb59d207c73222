"""The first frame creates none of the Qt namespace's 93 Python enum types (~12 ms on a
kiosk board): the ambient indicator, the budget bar and the speaker icon paint through
shared/ui/ink.py, and the widgets set Qt values as plain ints (qt_values.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def test_the_first_frame_paints_without_creating_qt_enums(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HAN_HOME_DATA_DIR=str(tmp_path),
               HAN_HOME_CONFIG_DIR=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "tests.ihd.first_frame_enums",
                           "--size", "800x480"], env=env, capture_output=True, text=True,
                          timeout=120, cwd=Path(__file__).parents[2])
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines, done.stdout + done.stderr
    seen = json.loads(lines[-1])
    # the painted widgets were on the frame (so their paint ran and was checked)
    assert seen["painted"].get("ambient", 0) >= 1 and seen["painted"].get("budget", 0) >= 1
    assert seen["namespace"] > 80  # the check knows the namespace's enums
    assert seen["qt_enums"] == []
