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


def test_qt_values_match_pyside(qtbot: QtBot) -> None:
    """The first frame's Qt values, set without touching the Qt namespace (qt_values.py),
    are PySide6's own, and the widgets really get them."""
    from PySide6.QtCore import Qt

    from han_home.ihd_app.ui.widgets import qt_values as v
    from han_home.ihd_app.ui.widgets.common import label

    assert v.TEXT_FORMAT_PLAIN == Qt.TextFormat.PlainText.value
    assert v.SCROLL_BAR_ALWAYS_OFF == Qt.ScrollBarPolicy.ScrollBarAlwaysOff.value
    assert v.FOCUS_STRONG == Qt.FocusPolicy.StrongFocus.value
    assert v.ALIGN_V_CENTER == Qt.AlignmentFlag.AlignVCenter.value
    assert v.TEXT_WORD_WRAP == Qt.TextFlag.TextWordWrap.value
    lab = label()
    qtbot.addWidget(lab)
    assert lab.textFormat() == Qt.TextFormat.PlainText


def test_grid_places_only_members_not_hidden(qtbot: QtBot) -> None:
    from han_home.ihd_app.ui.widgets.grid import ResponsiveGrid

    grid = ResponsiveGrid(100, max_columns=3)
    qtbot.addWidget(grid)
    members = [QLabel(str(n)) for n in range(3)]
    grid.extend(members)
    grid.resize(400, 100)
    grid.set_member_visible(members[1], False)
    grid.refresh()
    assert grid._visible() == [members[0], members[2]]
    assert members[1].isHidden()
    grid.set_member_visible(members[1], True)
    grid.refresh()
    assert grid._visible() == members
