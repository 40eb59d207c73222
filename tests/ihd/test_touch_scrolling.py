"""Every screen scrolls by touch (QScroller on its viewport), and setting that up does not
make PySide6 create the enum types of all of QtWidgets' classes (~1 MiB the display kept
for good, issue 7 part 6). In a fresh interpreter: other tests create those types."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import enum, gc, json
from PySide6.QtWidgets import QApplication, QScroller
app = QApplication([])
from han_home.ihd_app.settings import Settings
from han_home.ihd_app.ui.context import UiContext
from han_home.ihd_app.ui.screens.base import Screen
from han_home.shared.ui.accessibility import Announcer

def widget_enums():
    return {o.__qualname__ for o in gc.get_objects() if isinstance(o, type)
            and issubclass(o, enum.Enum) and o.__module__ == "PySide6.QtWidgets"}

ctx = UiContext(None, Settings(), Announcer(60.0), lambda settings: None)
screens = [Screen(ctx) for _ in range(3)]
before = widget_enums()
for screen in screens:
    screen._grab_touch()
print(json.dumps({
    "touch": [QScroller.hasScroller(s.viewport()) for s in screens],
    "same": [s.viewport_widget() is s.viewport() for s in screens],
    "new_enums": sorted(widget_enums() - before),
}))
"""


def test_screens_scroll_by_touch_without_creating_all_widget_enums(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HAN_HOME_CONFIG_DIR=str(tmp_path),
               HAN_HOME_DATA_DIR=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                          text=True, timeout=120, cwd=Path(__file__).parents[2])
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got["touch"] == [True, True, True]
    assert got["same"] == [True, True, True]
    # the few of the classes it uses (QScroller, the scroll bar's QAbstractSlider):
    # viewport()'s first call created ~80 (QAbstractItemView, QFileDialog, QWizard, ...)
    assert len(got["new_enums"]) < 10, got["new_enums"]
    assert not any(name.startswith(("QAbstractItemView.", "QFileDialog.", "QWizard."))
                   for name in got["new_enums"]), got["new_enums"]
