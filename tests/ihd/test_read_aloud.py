"""Read aloud on every screen, and spoken alerts, through a recording speech backend."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from han_home.ihd_app.settings import SCREENS
from han_home.ihd_app.ui.live import LiveHome
from han_home.ihd_app.ui.read_aloud import ReadAloud
from han_home.shared.i18n import catalog as cat
from han_home.shared.ui.speech import Speaker
from tests.ihd.conftest import open_window


class Recorder:
    def __init__(self) -> None:
        self.said: list[tuple[str, str]] = []  # (voice, text)

    def __call__(self, argv: Sequence[str]) -> object:
        self.said.append((argv[2], argv[-1]))
        return object()


async def test_read_aloud_says_every_screen_in_words_in_both_languages_or_says_why_not(
        qtbot: QtBot, live: LiveHome) -> None:
    window, _ = await open_window(qtbot, live)
    recorder = Recorder()
    window.read_aloud = ReadAloud(Speaker("espeak-ng", recorder))
    assert window.speak.accessibleName() == "Read aloud"
    for language in ("en", "cy"):
        window.apply_settings(window.ctx.settings.changed(language=language))
        for key in SCREENS:
            window.show_screen(key)
            QApplication.processEvents()
            window.speak.click()
            voice, text = recorder.said[-1]
            assert voice == ("cy" if language == "cy" else "en-gb")
            assert text.startswith(window.title.text()), (language, key, text)
            # figures are said in words: no "kW", "kWh" or "£" left for the engine to guess
            assert "kW" not in text and "£" not in text, (language, key, text)
    now_en = [t for v, t in recorder.said if v == "en-gb"][0]
    assert "Power now: " in now_en and "kilowatt" in now_en
    now_cy = [t for v, t in recorder.said if v == "cy"][0]
    assert "cilowat" in now_cy and "Nawr" in now_cy
    window.apply_settings(window.ctx.settings.changed(language="en"))
    # with no speech engine on the machine, the display says so instead of staying silent
    window.read_aloud = ReadAloud(Speaker(None))
    window.speak.click()
    assert window.notice.isVisibleTo(window)
    assert "speech engine" in window.notice.text()


def test_spoken_alerts_only_when_chosen_and_only_as_they_begin() -> None:
    previous = cat.set_translator(cat.Translator())
    try:
        cat.set_language("cy")
        recorder = Recorder()
        alerts = ReadAloud(Speaker("espeak-ng", recorder))
        t0 = datetime(2026, 11, 1, tzinfo=UTC)
        alerts.alerts(True, False, t0, enabled=False)
        assert recorder.said == []  # not chosen: silent
        alerts.alerts(False, False, t0, enabled=True)
        alerts.alerts(True, False, t0, enabled=True)
        alerts.alerts(True, False, t0 + timedelta(minutes=1), enabled=True)  # still low
        assert [text for _, text in recorder.said] == [
            "Mae eich credyd yn isel. Ychwanegwch gredyd cyn bo hir."]
        alerts.alerts(True, True, t0, enabled=True)
        alerts.alerts(True, False, t0 + timedelta(minutes=2), enabled=True)
        alerts.alerts(True, True, t0 + timedelta(minutes=3), enabled=True)  # too soon again
        alerts.alerts(True, False, t0 + timedelta(minutes=20), enabled=True)
        alerts.alerts(True, True, t0 + timedelta(minutes=20), enabled=True)
        high = [text for _, text in recorder.said if "defnydd" in text]
        assert len(high) == 2 and all(v == "cy" for v, _ in recorder.said)
    finally:
        cat.set_translator(previous)
