"""Accessibility walk, announcements, keyboard, Welsh everywhere, run-time language switch."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractButton, QApplication
from pytestqt.qtbot import QtBot

from han_home.ihd_app.settings import SCREENS
from han_home.ihd_app.ui.live import LiveHome, LiveOptions
from han_home.shared.i18n import catalog as cat
from han_home.shared.ui.accessibility import unnamed_controls
from han_home.shared.ui.theme import KIOSK_TARGET_PX
from tests.ihd.conftest import live_home, open_window, pump
from tests.ihd.helpers import visible_texts

PLACEHOLDER = re.compile(r"%\\\(\w+\\\)[sd]")


@cache  # the catalogue does not change during a run; parsed once, not once per screen
def english_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Every English msgid whose Welsh differs, as a pattern matching its rendered text."""
    po = cat.TRANSLATIONS_DIR / "cy" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fh:
        welsh = read_po(fh)
    patterns = []
    for message in welsh:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid in ids:
            if msgid in strings:
                continue  # same in Welsh ("%(value)s kWh", "Cost (£)")
            body = PLACEHOLDER.sub(".+", re.escape(msgid))
            if not re.search(r"[A-Za-z]{3}", PLACEHOLDER.sub("", re.escape(msgid))):
                continue
            patterns.append((msgid, re.compile(body)))
    return patterns


def english_left(texts: list[str], skip: set[str]) -> list[tuple[str, str]]:
    patterns = english_patterns()
    found = []
    for text in texts:
        for line in text.splitlines():
            if line in skip:
                continue
            for msgid, pattern in patterns:
                if pattern.fullmatch(line):
                    found.append((line, msgid))
    return found


async def test_no_unnamed_controls_on_any_screen(qtbot: QtBot, live: LiveHome) -> None:
    window, _ = await open_window(qtbot, live)
    for language in ("en", "cy"):
        window.apply_settings(window.ctx.settings.changed(language=language))
        for key in SCREENS:
            window.show_screen(key)
            QApplication.processEvents()
            assert unnamed_controls(window) == [], (language, key)
    chart = window.screens["usage"].chart  # type: ignore[attr-defined]
    assert chart.accessibleName() == "Siart defnydd trydan"
    assert chart.accessibleDescription().count(":") >= 8  # every bar's value is listed


async def test_welsh_leaves_no_english_on_any_screen(qtbot: QtBot, tmp_path: Path) -> None:
    assert english_left(["Power now", "Meter reading, 2 minutes old"], set())  # it can see
    live = await live_home(tmp_path, LiveOptions(credit_gbp=Decimal("0.6")))
    try:
        window, saved = await open_window(qtbot, live)
        qtbot.mouseClick(window.language, Qt.MouseButton.LeftButton)
        assert saved.saved[-1].language == "cy"
        await pump(live, 60)
        supplier = {m.text for m in live.model.messages}
        seen: list[str] = []
        for key in SCREENS:
            window.show_screen(key)
            QApplication.processEvents()
            texts = visible_texts(window)
            seen += texts
            assert english_left(texts, supplier | {"English"}) == [], key
        assert "Nawr" in seen and "Gosodiadau" in seen and "English" in seen
        assert any(t.startswith("Mae eich credyd yn isel.") for t in seen)  # the alert, too
    finally:
        await live.close()


async def test_language_switch_rerenders_at_run_time(qtbot: QtBot, live: LiveHome) -> None:
    window, saved = await open_window(qtbot, live)
    assert window.language.text() == "Cymraeg"
    assert window.nav.buttons["now"].text() == "Now"
    qtbot.mouseClick(window.nav.buttons["usage"], Qt.MouseButton.LeftButton)
    assert saved.saved[-1].screen == "usage"  # the app remembers the screen too
    qtbot.mouseClick(window.language, Qt.MouseButton.LeftButton)
    assert cat.current_language() == "cy"
    assert saved.saved[-1].language == "cy"
    assert window.title.text() == "Defnydd" and window.language.text() == "English"
    assert window.language.accessibleDescription() == cat._("Change the language to English")
    assert window.nav.buttons["settings"].text() == "Gosodiadau"
    power = window.screens["now"].power  # type: ignore[attr-defined]
    assert power.title.text() == "Pŵer nawr"
    window.show_screen("settings")
    english = window.screens["settings"].languages["en"]  # type: ignore[attr-defined]
    qtbot.mouseClick(english, Qt.MouseButton.LeftButton)
    assert cat.current_language() == "en"
    assert window.title.text() == "Settings"
    assert saved.saved[-1].language == "en"


async def test_settings_changes_apply_and_are_handed_on(qtbot: QtBot, live: LiveHome) -> None:
    window, saved = await open_window(qtbot, live)
    window.show_screen("settings")
    screen = window.screens["settings"]
    qtbot.mouseClick(screen.themes["high-contrast"], Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert saved.saved[-1].theme == "high-contrast"
    assert "#000000" in window.styleSheet()
    qtbot.mouseClick(screen.larger, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert saved.saved[-1].text_scale == 1.25
    screen.utc.setFocus()  # type: ignore[attr-defined]
    qtbot.keyClick(screen.utc, Qt.Key.Key_Space)  # type: ignore[attr-defined]
    assert saved.saved[-1].show_utc is True
    assert window.clock.text().endswith("UTC")
    screen.budget.setValue(6.5)  # type: ignore[attr-defined]
    assert str(saved.saved[-1].budget_gbp_per_day) == "6.5"


async def test_navigation_by_keyboard_with_kiosk_targets(qtbot: QtBot, live: LiveHome) -> None:
    window, _ = await open_window(qtbot, live)
    buttons = [window.language, *window.nav.buttons.values()]
    for button in buttons:
        assert button.focusPolicy() & Qt.FocusPolicy.TabFocus
        assert button.height() >= KIOSK_TARGET_PX and button.width() >= KIOSK_TARGET_PX
    tariff = window.nav.buttons["tariff"]
    tariff.setFocus()
    qtbot.keyClick(tariff, Qt.Key.Key_Space)
    assert window.current_screen() == "tariff"
    assert "focus" in window.styleSheet()  # the theme's focus ring applies to these buttons


async def test_important_changes_are_announced_once(qtbot: QtBot, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    said: list[str] = []

    def capture(event: object) -> None:
        message = getattr(event, "message", None)
        if callable(message):
            said.append(message())

    monkeypatch.setattr(QAccessible, "updateAccessibility", capture)
    live = await live_home(tmp_path, LiveOptions(credit_gbp=Decimal("0.6")),
                           warm_up=120)
    try:
        await open_window(qtbot, live)
        await pump(live, 2100)
        assert said.count("Your credit is low. Top up soon.") == 1
        assert said.count("New message from your supplier.") == 1
        live.gateway.config.sim_home.unplug_radio()
        await pump(live, 360)
        stale = [s for s in said if s.startswith("Some readings are out of date")]
        assert len(stale) == 1  # throttled, though several values went stale
    finally:
        await live.close()


def test_buttons_have_own_texts() -> None:
    """No Qt standard buttons (they have no Welsh): every button is ours."""
    from han_home.ihd_app.ui import window as w

    source = Path(w.__file__).parent
    for path in source.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "QDialogButtonBox" not in text and "QMessageBox" not in text, path
    assert QAbstractButton  # imported for the walk helpers
