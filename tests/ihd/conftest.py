"""Fixtures for the IHD screens: a live model on the virtual home, a window, English first."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from han_home.ihd_app.settings import Settings
from han_home.ihd_app.ui.live import LiveHome, LiveOptions, start_live_home
from han_home.ihd_app.ui.window import MainWindow
from han_home.shared.i18n import catalog as cat

WARM_UP_S = 3.5  # real seconds at 600x: the first half-hour closes, credit is reported


@pytest.fixture(autouse=True)
def english() -> Iterator[cat.Translator]:
    """Each test starts in English with its own translator (windows switch it globally)."""
    translator = cat.Translator("en")
    previous = cat.set_translator(translator)
    yield translator
    cat.set_translator(previous)


async def live_home(tmp_path: Path, options: LiveOptions | None = None,
                    warm_up: float = WARM_UP_S) -> LiveHome:
    live = await start_live_home(tmp_path / "history.db", options)
    await live.run_for(warm_up, QApplication.processEvents)
    return live


@pytest.fixture
async def live(tmp_path: Path, qapp: QApplication) -> AsyncIterator[LiveHome]:
    home = await live_home(tmp_path)
    yield home
    await home.close()


class Recorder:
    def __init__(self) -> None:
        self.saved: list[Settings] = []

    def __call__(self, settings: Settings) -> None:
        self.saved.append(settings)


async def open_window(qtbot: QtBot, live: LiveHome, size: tuple[int, int] = (800, 480),
                      settings: Settings | None = None) -> tuple[MainWindow, Recorder]:
    recorder = Recorder()
    window = MainWindow(live.model, settings or Settings(), recorder, kiosk=True)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    QApplication.processEvents()
    if isinstance(live, LiveHome):  # fresh readings: building the window took sim minutes
        await pump(live, 0.1)
    return window, recorder


async def pump(live: LiveHome, seconds: float = 0.2) -> None:
    """Run the virtual home and Qt together for a moment."""
    await live.run_for(seconds, QApplication.processEvents)
    QApplication.processEvents()


__all__ = ["UTC", "Decimal", "LiveOptions", "datetime", "live_home", "open_window", "pump"]
