"""Style sheet generation, focus indicator, touch targets, accessibility helpers."""

from __future__ import annotations

import re

import pytest
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QCheckBox, QLabel, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from han_home.shared.ui import accessibility, theme


def font_sizes(qss: str) -> list[int]:
    return [int(v) for v in re.findall(r"font-size:\s*(\d+)px", qss)]


@pytest.mark.parametrize("key", list(theme.THEMES))
def test_stylesheet_is_fully_filled(key: str) -> None:
    qss = theme.stylesheet(key)
    assert "${" not in qss
    assert theme.get_theme(key).palette.focus_ring in qss


def test_text_scale_multiplies_and_clamps() -> None:
    base = font_sizes(theme.stylesheet("normal", 1.0))
    double = font_sizes(theme.stylesheet("normal", 2.0))
    assert double == [2 * v for v in base]
    assert font_sizes(theme.stylesheet("normal", 3.0)) == double
    assert font_sizes(theme.stylesheet("normal", 0.5)) == base
    assert min(base) >= 15


def test_focus_ring_is_thick_on_every_focusable_kind() -> None:
    qss = theme.stylesheet("high-contrast")
    for selector in ("QPushButton:focus", "QCheckBox:focus", "QComboBox:focus", "QSlider:focus"):
        assert selector in qss
    assert f"border: {theme.FOCUS_WIDTH_PX}px solid #00FFFF" in qss
    assert theme.FOCUS_WIDTH_PX >= 3


def test_unknown_theme() -> None:
    with pytest.raises(ValueError):
        theme.get_theme("dark")


@pytest.mark.parametrize("kiosk,size", [(True, 44), (False, 32)])
def test_touch_targets(qtbot: QtBot, kiosk: bool, size: int) -> None:
    window = QWidget()
    layout = QVBoxLayout(window)
    button = QPushButton("OK")
    box = QCheckBox("Show carbon")
    layout.addWidget(button)
    layout.addWidget(box)
    qtbot.addWidget(window)
    theme.apply_theme(window, "normal", 1.0, kiosk=kiosk)
    window.show()
    qtbot.waitExposed(window)
    assert button.height() >= size and button.width() >= size
    assert box.height() >= size


def test_focus_does_not_resize_a_button(qtbot: QtBot) -> None:
    window = QWidget()
    layout = QVBoxLayout(window)
    first, second = QPushButton("Heddiw"), QPushButton("Ddoe")
    layout.addWidget(first)
    layout.addWidget(second)
    qtbot.addWidget(window)
    theme.apply_theme(window, "high-contrast", 1.5)
    window.show()
    qtbot.waitExposed(window)
    before = first.sizeHint()
    first.setFocus()
    qtbot.waitUntil(first.hasFocus)
    first.style().unpolish(first)
    first.style().polish(first)
    assert first.sizeHint() == before


def test_announcer_throttles(monkeypatch: pytest.MonkeyPatch, qtbot: QtBot) -> None:
    sent: list[tuple[str, object]] = []

    def capture(event: object) -> None:
        sent.append((event.message(), event.politeness()))  # type: ignore[attr-defined]

    monkeypatch.setattr(QAccessible, "updateAccessibility", capture)
    label = QLabel()
    qtbot.addWidget(label)
    now = [0.0]
    announcer = accessibility.Announcer(min_interval=60, clock=lambda: now[0])
    assert announcer.announce(label, "Power now 1.2 kW", key="power")
    now[0] = 10
    assert not announcer.announce(label, "Power now 1.3 kW", key="power")
    assert announcer.announce(label, "Low credit", assertive=True, key="credit")
    now[0] = 70
    assert announcer.announce(label, "Power now 1.4 kW", key="power")
    assert [m for m, _ in sent] == ["Power now 1.2 kW", "Low credit", "Power now 1.4 kW"]
    assert sent[1][1] == QAccessible.AnnouncementPoliteness.Assertive


def test_unnamed_controls_are_found(qtbot: QtBot) -> None:
    window = QWidget()
    layout = QVBoxLayout(window)
    named = QPushButton("Save")
    icon_only = QPushButton()
    layout.addWidget(named)
    layout.addWidget(icon_only)
    qtbot.addWidget(window)
    window.show()
    assert len(accessibility.unnamed_controls(window)) == 1
    accessibility.set_accessible(icon_only, "Settings", "Open the settings screen")
    assert accessibility.unnamed_controls(window) == []
