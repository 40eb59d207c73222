"""The first frame builds only the screen on view; the other five follow in idle moments
after it has painted, so that switching to them later is instant (issue 7, first frame)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from han_home.ihd_app.settings import SCREENS


def test_the_other_screens_are_built_after_the_first_frame(qtbot: QtBot, tmp_path: Path) -> None:
    from han_home.ihd_app.app import IhdApp
    from han_home.ihd_app.cli import Options
    from han_home.ihd_app.settings import SettingsStore

    options = Options(radio="sim", device=None, sim_seed=7, sim_start=None, sim_speed=60.0,
                      lang="en", theme=None, text_scale=None, size=(800, 480), screen=None,
                      screenshot=None, kiosk=False, db=tmp_path / "ihd.db", timeout=30.0)
    app = IhdApp(options, SettingsStore(tmp_path / "ihd.json"))
    app.first_frame()
    window = app.window
    assert window is not None
    qtbot.addWidget(window)
    assert set(window.screens) == {"now"}  # the first frame painted Now alone
    qtbot.waitUntil(lambda: set(window.screens) == set(SCREENS), timeout=5000)
    assert window.current_screen() == "now"  # built behind the one on view
    assert window.stack.currentWidget() is window.screens["now"]
