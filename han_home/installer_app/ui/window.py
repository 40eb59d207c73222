"""The installer's main window: a step list the engineer can jump around in, the pages in a
stack, Back / Next with our own texts, radio status, language and contrast switches."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QListView,
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

QWIDGETSIZE_MAX = (1 << 24) - 1  # Qt's QWIDGETSIZE_MAX: no maximum


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

        # The wide arrangement: radio status, contrast and language on top, the step list
        # on the left, Back / Next below the page. A window narrow for its text (150 % or
        # 200 % on 800x480) gets the narrow one (``_arrange``): the status on a line of
        # its own, the steps as a row of numbers between Back and Next.
        self.narrow: bool | None = None
        self.top = QHBoxLayout()
        self.nav = QHBoxLayout()
        right = QVBoxLayout()
        right.addWidget(self.stack, 1)
        right.addLayout(self.nav)
        self.body = QHBoxLayout()
        self.body.addLayout(right, 1)
        self.outer = QVBoxLayout(self)
        self.outer.addLayout(self.top)
        self.outer.addWidget(self.failure)
        self.outer.addLayout(self.body, 1)
        for i in range(min(9, len(self.pages))):
            QShortcut(QKeySequence(f"Alt+{i + 1}"), self, lambda i=i: self.go(i))
        self._remove_listener = get_translator().add_listener(lambda _lang: self.retranslate())
        ctl.changed.connect(self._changed)
        self.apply_style()
        self.retranslate()
        self.go(0)

    def apply_style(self) -> None:
        apply_theme(self, self.theme, self.text_scale, kiosk=False)
        if self.narrow is not None:  # the text size may have changed
            self._arrange(force=True)
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
        self._changed("radio")
        self._arrange(force=True)

    def _wide_steps_width(self) -> int:
        metrics = self.steps.fontMetrics()
        width = max(metrics.horizontalAdvance(page.title()) for page in self.pages)
        return max(160, width + 2 * metrics.height())

    def _arrange(self, force: bool = False) -> None:
        """The wide or the narrow arrangement, whichever leaves the page 20 lines of
        text or more; the step list keeps its role and names in both."""
        line = max(1, self.steps.fontMetrics().height())
        narrow = self.width() - self._wide_steps_width() < 20 * line
        if narrow == self.narrow and not force:
            return
        self.narrow = narrow
        for layout in (self.top, self.nav):
            while layout.count():
                layout.takeAt(0)
        self.outer.removeWidget(self.radio)
        self.body.removeWidget(self.steps)
        steps = self.steps
        for i, page in enumerate(self.pages):
            item = steps.item(i)
            item.setText(page.short() if narrow else page.title())
            item.setData(Qt.ItemDataRole.AccessibleTextRole, page.title())
            item.setToolTip(page.title() if narrow else "")
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter if narrow
                                  else Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if narrow:
            # the radio status beside the switches when it fits on that line (150 %),
            # else on a line of its own below them (200 %)
            one_line = self.radio.fontMetrics().horizontalAdvance(self.radio.text()) + line
            beside = (one_line + self.contrast.sizeHint().width()
                      + self.language.sizeHint().width() + 4 * max(6, self.top.spacing())
                      + self.outer.contentsMargins().left()
                      + self.outer.contentsMargins().right()) <= self.width()
            if beside:
                self.top.addWidget(self.radio, 1)
            else:
                self.top.addStretch(1)
                self.outer.insertWidget(1, self.radio)
            self.top.addWidget(self.contrast)
            self.top.addWidget(self.language)
            metrics = steps.fontMetrics()
            cell = max(metrics.horizontalAdvance(p.short()) for p in self.pages) + line // 2
            steps.setFlow(QListView.Flow.LeftToRight)
            steps.setWrapping(False)
            steps.setSpacing(0)
            for i in range(steps.count()):
                steps.item(i).setSizeHint(QSize(cell, line + line // 3))
            frame = 2 * steps.frameWidth()
            steps.setFixedSize(cell * len(self.pages) + frame, line + line // 3 + frame)
            self.nav.addWidget(self.back)
            self.nav.addStretch(1)
            self.nav.addWidget(steps)
            self.nav.addStretch(1)
            self.nav.addWidget(self.next)
        else:
            self.top.addWidget(self.radio, 1)
            self.top.addWidget(self.contrast)
            self.top.addWidget(self.language)
            steps.setFlow(QListView.Flow.TopToBottom)
            for i in range(steps.count()):
                steps.item(i).setSizeHint(QSize())
            steps.setMinimumSize(0, 0)
            steps.setMaximumSize(QWIDGETSIZE_MAX, QWIDGETSIZE_MAX)
            steps.setFixedWidth(self._wide_steps_width())
            self.body.insertWidget(0, steps)
            self.nav.addStretch(1)
            self.nav.addWidget(self.back)
            self.nav.addWidget(self.next)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange()

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
        if text != self.radio.text():
            self.radio.setText(text)
            if self.narrow:  # a longer status may need its own line now
                self._arrange(force=True)
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
