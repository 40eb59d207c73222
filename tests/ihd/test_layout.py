"""Layouts fit 800x480 and 1024x600 in both languages at 100 % and 200 % text: nothing is cut
off sideways, no button is narrower than its text, no wrapped label shorter than its lines."""

from __future__ import annotations

from itertools import product

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from han_home.ihd_app.settings import SCREENS
from han_home.ihd_app.ui.live import LiveHome
from han_home.ihd_app.ui.window import MainWindow
from tests.ihd.conftest import open_window


def clipped(window: MainWindow) -> list[str]:
    problems = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, (QLabel, QAbstractButton)) or not widget.isVisibleTo(window):
            continue
        if not widget.text():
            continue
        name = f"{type(widget).__name__} {widget.text()[:30]!r}"
        left = widget.mapTo(window, QPoint(0, 0)).x()
        if left < 0 or left + widget.width() > window.width():
            problems.append(f"{name} runs off the side")
        if isinstance(widget, QAbstractButton) and widget.width() < widget.sizeHint().width() - 2:
            problems.append(f"{name} narrower than its text")
        if isinstance(widget, QLabel):
            if widget.wordWrap():
                if widget.height() < widget.heightForWidth(widget.width()) - 2:
                    problems.append(f"{name} shorter than its lines")
            elif widget.width() < widget.sizeHint().width() - 2:
                problems.append(f"{name} narrower than its text")
    return problems


async def test_every_screen_fits(qtbot: QtBot, live: LiveHome) -> None:
    window, _ = await open_window(qtbot, live)
    failures = {}
    for size, language, scale in product(((800, 480), (1024, 600)), ("en", "cy"), (1.0, 2.0)):
        window.apply_settings(window.ctx.settings.changed(language=language, text_scale=scale))
        window.resize(*size)
        for key in SCREENS:
            window.show_screen(key)
            for _ in range(3):
                QApplication.processEvents()
            screen = window.screens[key]
            if screen.body.width() > screen.viewport().width():
                failures[(size, language, scale, key, "body")] = ["wider than the screen"]
            problems = clipped(window)
            if problems:
                failures[(size, language, scale, key)] = problems
    assert failures == {}
