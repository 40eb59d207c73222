"""The installer's main window: a step list the engineer can jump around in, the pages in a
stack, Back / Next with our own texts, radio status, language and contrast switches."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QListWidget,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from han_home.installer_app.ui.controller import Controller
from han_home.installer_app.ui.pages import PAGES, DiagnosticsPage, Page
from han_home.installer_app.ui.widgets import label
from han_home.shared.han.client import RadioState
from han_home.shared.i18n import LANGUAGES, _, current_language, get_translator, set_language
from han_home.shared.ui import roles
from han_home.shared.ui.accessibility import Announcer, name_scroll_bars
from han_home.shared.ui.theme import apply_theme


class InstallerWindow(QWidget):
    def __init__(self, ctl: Controller, theme: str = "normal", text_scale: float = 1.0) -> None:
        super().__init__()
        roles.install()  # before anything is shown: Qt caches each widget's interface
        self.setObjectName("installer-main")
        self.ctl = ctl
        self.theme = theme
        self.text_scale = text_scale
        self.announcer = Announcer(30.0)
        self.steps = QListWidget()
        self.steps.setObjectName("steps")
        self.steps.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget()
        self.pages: list[Page] = []
        for cls in PAGES:
            page = (cls(ctl, self.announcer, theme) if cls is DiagnosticsPage  # type: ignore[call-arg]
                    else cls(ctl, self.announcer))
            self.pages.append(page)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(page)
            scroll.setFrameShape(QScrollArea.Shape.NoFrame)
            self.stack.addWidget(scroll)
            self.steps.addItem("")
        self.steps.currentRowChanged.connect(self.go)
        ctl.navigate.connect(self.go_to)
        self.radio = label("muted")
        self.failure = label("error")  # background work that failed (show_failure)
        self.failure.setObjectName("failure-notice")
        self.failure.hide()
        self._failure_timer = QTimer(self)
        self._failure_timer.setSingleShot(True)
        self._failure_timer.timeout.connect(self.failure.hide)
        self.language = QComboBox()
        for code, name in LANGUAGES.items():  # Welsh first, each in its own language
            self.language.addItem(name, code)
        self.language.currentIndexChanged.connect(
            lambda i: set_language(self.language.itemData(i)))
        self.contrast = QPushButton()
        # an on/off setting: Qt's check-box role is the right one (the AT-SPI audit knows
        # real check boxes by a QCheckBox class or a "check-" object name)
        self.contrast.setObjectName("check-high-contrast")
        self.contrast.setCheckable(True)
        self.contrast.setChecked(theme == "high-contrast")
        self.contrast.toggled.connect(self._toggle_contrast)
        self.back, self.next = QPushButton(), QPushButton()
        self.back.clicked.connect(lambda: self.go(self.stack.currentIndex() - 1))
        self.next.clicked.connect(lambda: self.go(self.stack.currentIndex() + 1))

        top = QHBoxLayout()
        top.addWidget(self.radio, 1)
        top.addWidget(self.contrast)
        top.addWidget(self.language)
        nav = QHBoxLayout()
        nav.addStretch(1)
        nav.addWidget(self.back)
        nav.addWidget(self.next)
        right = QVBoxLayout()
        right.addWidget(self.stack, 1)
        right.addLayout(nav)
        body = QHBoxLayout()
        body.addWidget(self.steps)
        body.addLayout(right, 1)
        outer = QVBoxLayout(self)
        outer.addLayout(top)
        outer.addWidget(self.failure)
        outer.addLayout(body, 1)
        for i in range(min(9, len(self.pages))):
            QShortcut(QKeySequence(f"Alt+{i + 1}"), self, lambda i=i: self.go(i))
        self._remove_listener = get_translator().add_listener(lambda _lang: self.retranslate())
        ctl.changed.connect(self._changed)
        self.apply_style()
        self.retranslate()
        self.go(0)

    def apply_style(self) -> None:
        apply_theme(self, self.theme, self.text_scale, kiosk=False)
        for page in self.pages:
            if isinstance(page, DiagnosticsPage):
                page.chart.theme_key = self.theme
                page.chart.update()

    def _toggle_contrast(self, on: bool) -> None:
        self.theme = "high-contrast" if on else "normal"
        self.apply_style()

    def go(self, index: int) -> None:
        index = max(0, min(len(self.pages) - 1, index))
        if self.stack.currentIndex() != index:
            self.stack.setCurrentIndex(index)
        if self.steps.currentRow() != index:
            self.steps.setCurrentRow(index)
        self.pages[index].refresh()
        self.back.setEnabled(index > 0)
        self.next.setEnabled(index < len(self.pages) - 1)

    def go_to(self, key: str) -> None:
        """Show the page with this key (a page's "correct the job" button)."""
        self.go(next(i for i, page in enumerate(self.pages) if page.key == key))

    def retranslate(self) -> None:
        self.setWindowTitle(_("Installer tool"))
        self.steps.setAccessibleName(_("Steps"))
        for i, page in enumerate(self.pages):
            page.retranslate()
            self.steps.item(i).setText(page.title())
        self.language.setAccessibleName(_("Language"))
        index = self.language.findData(current_language())
        if index >= 0 and self.language.currentIndex() != index:
            self.language.blockSignals(True)
            self.language.setCurrentIndex(index)
            self.language.blockSignals(False)
        self.contrast.setText(_("&High contrast"))
        self.contrast.setAccessibleName(_("High contrast"))
        self.back.setText(_("< &Back"))
        self.back.setAccessibleName(_("Back"))
        self.next.setText(_("&Next >"))
        self.next.setAccessibleName(_("Next"))
        name_scroll_bars(self, _("Scroll this page"))
        width = max(self.steps.sizeHintForColumn(0), 0) + 4 * self.fontMetrics().height() // 2
        self.steps.setFixedWidth(max(160, width))
        self._changed("radio")

    def _changed(self, what: str) -> None:
        if what != "radio":
            return
        state = self.ctl.radio_state
        if self.ctl.gw is None:
            text = _("No radio.")
        elif state == RadioState.CONNECTED:
            text = _("Radio: connected (%(radio)s).") % {"radio": self.ctl.radio}
        elif state == RadioState.RECONNECTING:
            text = _("Radio: reconnecting… The job is paused.")
        else:
            text = _("Radio: lost. The job is paused until it comes back.")
        self.radio.setText(text)
        if state in (RadioState.LOST, RadioState.RECONNECTING):
            self.announcer.announce(self.radio, text, assertive=True, key="radio")

    def show_failure(self, text: str) -> None:
        """Work a page started in the background failed (shared.ui.background): say so
        above the pages for two minutes, and aloud."""
        self.failure.setText(text)
        self.failure.show()
        self._failure_timer.start(120_000)
        self.announcer.announce(self.failure, text, assertive=True, key="failure")

    def closeEvent(self, event: QCloseEvent) -> None:
        self._remove_listener()
        super().closeEvent(event)
