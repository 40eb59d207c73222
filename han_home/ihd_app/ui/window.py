"""The in-home display's main window: header (screen title, clock, language switch), status
line, the screens in a stack, and the navigation bar.

Everything visible is rendered from the model with the current language at render time, so
``apply_settings`` can switch language, theme and text size without a restart.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, QTimer
from PySide6.QtWidgets import QPushButton, QStackedWidget, QVBoxLayout, QWidget

from han_home.ihd_app.model import Ambient, DisplayModel
from han_home.ihd_app.settings import SCREENS, Settings
from han_home.ihd_app.ui import text as t
from han_home.ihd_app.ui.context import UiContext
from han_home.ihd_app.ui.header import Header
from han_home.ihd_app.ui.nav import NavBar
from han_home.ihd_app.ui.read_aloud import ReadAloud
from han_home.ihd_app.ui.screens.base import Screen
from han_home.ihd_app.ui.status import status_text
from han_home.ihd_app.ui.widgets.common import label
from han_home.shared.i18n import LANGUAGES, _, get_translator, set_language
from han_home.shared.i18n import ihd_strings as s
from han_home.shared.ui import roles
from han_home.shared.ui.accessibility import Announcer
from han_home.shared.ui.icons import speaker_icon
from han_home.shared.ui.theme import Palette, qpalette, stylesheet

NOTICE_S = 60  # how long a failure notice stays up

if TYPE_CHECKING:  # an annotation only: importing it creates QEvent's enums at start-up
    from PySide6.QtGui import QCloseEvent

SCREEN_CLASSES = {
    "now": "han_home.ihd_app.ui.screens.now:NowScreen",
    "usage": "han_home.ihd_app.ui.screens.usage:UsageScreen",
    "tariff": "han_home.ihd_app.ui.screens.tariff:TariffScreen",
    "credit": "han_home.ihd_app.ui.screens.credit:CreditScreen",
    "messages": "han_home.ihd_app.ui.screens.messages:MessagesScreen",
    "settings": "han_home.ihd_app.ui.screens.settings:SettingsScreen",
}


def indicator_qss(p: Palette, indicator_px: int) -> str:
    """Radio and check indicators with a visible border when off (under a style sheet Qt
    draws an unchecked indicator with no outline, invisible on the high-contrast black)."""
    return f"""
QRadioButton::indicator, QCheckBox::indicator {{
    border: 2px solid {p.control_border}; background-color: {p.surface};
}}
QRadioButton::indicator {{ border-radius: {indicator_px // 2}px; }}
QCheckBox::indicator {{ border-radius: 4px; }}
QRadioButton::indicator:checked, QCheckBox::indicator:checked {{
    background-color: {p.accent}; border-color: {p.text};
}}
"""


class _LazyScreens(dict[str, Screen]):
    """Screens are built on first use: the first frame builds only the one on view, and the
    rest are built in idle moments after it has painted (a kiosk board starts faster)."""

    def __init__(self, build: Callable[[str], Screen]) -> None:
        super().__init__()
        self._build = build

    def __missing__(self, key: str) -> Screen:
        if key not in SCREENS:
            raise KeyError(key)
        screen = self._build(key)
        self[key] = screen
        return screen


def screen_class(key: str) -> type[Screen]:
    module, name = SCREEN_CLASSES[key].split(":")
    cls: type[Screen] = getattr(importlib.import_module(module), name)
    return cls


class MainWindow(QWidget):
    def __init__(self, model: DisplayModel, settings: Settings,
                 on_settings_changed: Callable[[Settings], None], kiosk: bool = False) -> None:
        super().__init__()
        roles.install()  # before anything is shown: Qt caches each widget's interface
        self.setObjectName("ihd-main")
        self.model = model
        self.on_settings_changed = on_settings_changed
        self.ctx = UiContext(model, settings, Announcer(60.0), self._occupier_changed, kiosk)
        self.ctx.navigate = self._occupier_chose
        self._alerts = {"low": False, "unread": 0, "stale": False}
        self._dirty: set[str] = set()  # screens to re-render when next shown
        self._focused_once = False

        self.title = label("heading", wrap=False)
        self.clock = label("", wrap=False)
        self.language = QPushButton()
        self.language.setObjectName("language-switch")
        self.language.clicked.connect(self._toggle_language)
        self.read_aloud = ReadAloud()
        self.speak = QPushButton()  # a speaker icon: no text to outgrow the header
        self.speak.setObjectName("read-aloud")
        self.speak.clicked.connect(self.read_screen)
        self.status = label("muted")
        self.status.setObjectName("status")
        # the speaker is an icon only: the header keeps its width at 200 %; the clock
        # moves down beside the status line when the row is still too wide (header.py)
        self.header = Header(self.title, self.clock, [self.speak, self.language], self.status)
        self.notice = label("warning")  # background work that failed (show_failure)
        self.notice.setObjectName("failure-notice")
        self.notice.hide()
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(self.notice.hide)
        self.stack = QStackedWidget()
        self.screens: dict[str, Screen] = _LazyScreens(self._build_screen)
        self.nav = NavBar(self._occupier_chose)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(4)
        layout.addWidget(self.header)
        layout.addWidget(self.notice)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.nav)

        self._current = settings.screen if settings.screen in SCREENS else "now"
        self._unsubscribe = [model.add_listener(self._on_model),
                             get_translator().add_listener(lambda _lang: self.render_all())]
        self.apply_settings(settings)
        self.show_screen(self._current)

    def _build_screen(self, key: str) -> Screen:
        screen = screen_class(key)(self.ctx)
        # texts first, while nothing is styled yet: parenting it under the styled window
        # polishes every widget, and each role change after that means a re-polish
        screen.render_view()
        self.stack.addWidget(screen)
        screen.rescale()
        screen.setAccessibleName(s.screen_title(key))
        return screen

    def build_screens_when_idle(self) -> None:
        """The other screens, one per idle moment, starting 400 ms from now (call once the
        first frame has painted: a timer started earlier could fire inside that paint)."""
        QTimer.singleShot(400, self._build_next_screen)

    def _build_next_screen(self) -> None:
        """One screen per idle tick until all exist, so switching is instant later."""
        missing = [key for key in SCREENS if key not in self.screens]
        if missing:
            self.screens[missing[0]]
            QTimer.singleShot(50, self._build_next_screen)

    # ---- public API -----------------------------------------------------------------
    def show_screen(self, key: str) -> None:
        if key not in SCREENS:
            raise ValueError(f"unknown screen {key!r}")
        self._current = key
        if key in self._dirty and key in self.screens:
            self._dirty.discard(key)
            self.screens[key].render_view()
        self.stack.setCurrentWidget(self.screens[key])
        self.nav.select(key)
        self.title.setText(s.screen_title(key))
        self.header.refresh()  # a longer title ("Gosodiadau") may push the clock down
        self.setWindowTitle(_(s.IN_HOME_DISPLAY))

    def read_screen(self) -> bool:
        """Read the screen on view aloud: its title, the status line, then its content."""
        if not self.read_aloud.speaker.available:
            self.show_failure(_("Reading aloud needs a speech engine (speech-dispatcher or "
                                "espeak-ng), and none is installed."))
            return False
        return self.read_aloud.read([self.title, self.status, self.screens[self._current]])

    def current_screen(self) -> str:
        return self._current

    def apply_settings(self, settings: Settings) -> None:
        """Theme, text size and language, live; then re-render everything."""
        self.ctx.settings = settings
        self.model.settings = settings  # ambient thresholds and budget live in the model
        indicator = round((28 if self.ctx.kiosk else 20) * settings.text_scale)  # as theme.py
        # one style sheet, parsed once (each setStyleSheet re-styles the whole tree)
        self.setPalette(qpalette(settings.theme))
        self.setStyleSheet(stylesheet(settings.theme, settings.text_scale, self.ctx.kiosk)
                           + indicator_qss(self.ctx.palette, indicator))
        if get_translator().language != settings.language:
            set_language(settings.language)  # the translator listener re-renders
        for screen in list(self.screens.values()):
            screen.rescale()
        # the screen icons in the theme's colours at the text size (before the texts: the
        # row then measures and re-chooses icons + names, names or icons only once)
        self.nav.set_look(settings.text_scale, self.ctx.palette.text,
                          self.ctx.palette.accent_text)
        self.render_all()
        # the speaker in the theme's text colour, growing with the text (24 px at 100 %)
        side = round(24 * settings.text_scale)
        self.speak.setIcon(speaker_icon(self.ctx.palette.text, side))
        self.speak.setIconSize(QSize(side, side))
        self.header.refresh()  # new fonts and icon: does the clock still fit the top row?

    def render_all(self) -> None:
        self._dirty.clear()
        for screen in list(self.screens.values()):
            screen.render_view()
        self._render_chrome()

    def show_failure(self, text: str) -> None:
        """Background work started from a screen failed (shared.ui.background): say so for
        a minute under the status line, and aloud."""
        self.notice.setText(text)
        self.notice.show()
        self._notice_timer.start(NOTICE_S * 1000)
        self.ctx.announcer.announce(self.notice, text, assertive=True, key="failure")

    def dispose(self) -> None:
        """Stop listening to the model and the translator (the window is going away)."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []

    # ---- internals ------------------------------------------------------------------
    def _render_chrome(self) -> None:
        self.title.setText(s.screen_title(self._current))
        for key, screen in self.screens.items():
            screen.setAccessibleName(s.screen_title(key))
            screen.name_scroll_bar()
        self.setWindowTitle(_(s.IN_HOME_DISPLAY))
        self.clock.setText(t.clock_time(self.model.now(), self.ctx.settings))
        self.clock.setAccessibleName(_("Time now"))
        # The switch names the other language in that language (Welsh Language Standards).
        other = "en" if get_translator().language == "cy" else "cy"
        self.language.setText(LANGUAGES[other])
        self.language.setAccessibleName(LANGUAGES[other])
        self.language.setAccessibleDescription(
            _(s.SWITCH_TO_ENGLISH) if other == "en" else _(s.SWITCH_TO_WELSH))
        self.status.setText(status_text(self.model, self.ctx.settings))
        self.speak.setAccessibleName(_("Read aloud"))
        self.speak.setToolTip(_("Read aloud"))
        self.speak.setAccessibleDescription(_("Reads this screen aloud"))
        self.nav.render_view(self.model.unread)
        self.header.refresh()  # the clock's width changes with UTC shown and the language

    def _on_model(self, sections: set[str]) -> None:
        # Only the screen on view re-renders; the others catch up when shown (a reading
        # every 10 s must not redo six screens: the kiosk should idle near 0 % CPU).
        for key, screen in self.screens.items():
            if screen.sections & sections:
                if key == self._current:
                    screen.render_view()
                else:
                    self._dirty.add(key)
        self._render_chrome()
        self._announce(sections)

    def _announce(self, sections: set[str]) -> None:
        """Important changes only, throttled by the Announcer."""
        model, announcer = self.model, self.ctx.announcer
        if "credit" in sections:
            credit = model.credit()
            low = credit is not None and credit.low
            if low and not self._alerts["low"]:
                announcer.announce(self, _(s.LOW_CREDIT_ALERT), assertive=True, key="low-credit")
            self._alerts["low"] = low
        if "messages" in sections:
            if model.unread > int(self._alerts["unread"]):
                announcer.announce(self, _("New message from your supplier."), key="message")
            self._alerts["unread"] = model.unread
        if sections & {"credit", "now"}:
            credit = model.credit()
            self.read_aloud.alerts(credit is not None and credit.low,
                                   model.ambient() == Ambient.HIGH, model.now(),
                                   self.ctx.settings.spoken_alerts)
        if "stale" in sections:
            announcer.announce(self, _("Some readings are out of date: this display has not "
                                       "heard from the meter recently."), key="stale")

    def _occupier_chose(self, key: str) -> None:
        self.show_screen(key)
        if self.ctx.settings.screen != key:  # remembered, so a restart opens the same screen
            self.ctx.settings = self.ctx.settings.changed(screen=key)
            self.on_settings_changed(self.ctx.settings)

    def _toggle_language(self) -> None:
        other = "en" if self.ctx.settings.language == "cy" else "cy"
        self._occupier_changed(self.ctx.settings.changed(language=other))

    def _occupier_changed(self, settings: Settings) -> None:
        self.apply_settings(settings)
        self.on_settings_changed(settings)

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        """Start with focus on the screen's content, not the language switch: its focus
        ring was the loudest thing in the header (issue 15). Tab still reaches it."""
        super().showEvent(event)
        if not self._focused_once:
            self._focused_once = True
            QTimer.singleShot(0, lambda: self.screens[self._current].setFocus())

    def closeEvent(self, event: QCloseEvent) -> None:
        self.dispose()
        super().closeEvent(event)
