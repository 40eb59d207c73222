"""Fixtures for the IHD screens: a live model on the virtual home, a window, English first.

The virtual home runs on a ManualClock: `pump(live, seconds)` advances it by simulated
seconds, letting Qt paint every few simulated seconds, with no wall-clock wait. A test can
ask for the real-time SimClock (`live_home(..., real_time=True)`): a few do, end to end.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from han_home.ihd_app.settings import Settings
from han_home.ihd_app.ui.live import LiveHome, LiveOptions, start_live_home
from han_home.ihd_app.ui.window import MainWindow
from han_home.shared.han.clock import ManualClock
from han_home.shared.i18n import catalog as cat

WARM_UP_S = 35 * 60  # simulated: the first half-hour closes, credit is reported
QT_STEP_S = 10  # simulated seconds between Qt event pumps


@pytest.fixture(autouse=True)
def english() -> Iterator[cat.Translator]:
    """Each test starts in English with its own translator (windows switch it globally)."""
    translator = cat.Translator("en")
    previous = cat.set_translator(translator)
    yield translator
    cat.set_translator(previous)


async def live_home(tmp_path: Path, options: LiveOptions | None = None,
                    warm_up: float = WARM_UP_S, real_time: bool = False) -> LiveHome:
    """A display model on a commissioned virtual home, run for `warm_up` simulated s."""
    # five weeks of the meter's history, enough for every chart but the 13 months (the
    # first-start test reads all 13), so the suite stays quick
    options = replace(options or LiveOptions(), backfill_days=40)
    if not real_time and options.clock is None:
        options = replace(options, clock=ManualClock(options.start))
    live = await start_live_home(tmp_path / "history.db", options)
    await pump(live, warm_up)
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
    if isinstance(live, LiveHome):  # a minute of fresh readings with the window up
        await pump(live, 60)
    return window, recorder


async def pump(live: LiveHome, seconds: float = 120) -> None:
    """Run the virtual home and Qt together for `seconds` of simulated time."""
    clock = live.gateway.clock
    if isinstance(clock, ManualClock):
        end = clock.now() + timedelta(seconds=seconds)
        while clock.now() < end:
            await clock.run_until(min(end, clock.now() + timedelta(seconds=QT_STEP_S)))
            QApplication.processEvents()
        await live.model.refresh_usage()
    else:  # the real-time SimClock: as many wall seconds as that is at its speed
        await live.run_for(seconds / clock.speed, QApplication.processEvents)
    QApplication.processEvents()


__all__ = ["UTC", "Decimal", "LiveOptions", "datetime", "live_home", "open_window", "pump"]
