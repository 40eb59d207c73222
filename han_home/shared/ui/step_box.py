"""A number field with a full-size "−" button before it and "+" after it.

Qt's spin box draws its up and down arrows as two stacked halves of its height, about 20 px
each (no bigger at 200 % text): too small to hit on the kiosk's touch screen or an
installer's tablet (WCAG 2.5.5 asks 44 px), and neither may have a keyboard to type a
value with. The field keeps its arrow keys and screen-reader value; the buttons step it by
its single step. Used by the display's settings and the installer's window length."""

from __future__ import annotations

from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QPushButton, QSpinBox, QWidget

from han_home.shared.i18n import pgettext

MINUS, PLUS = "\u2212", "+"  # a real minus sign: the hyphen is shorter than the plus
HIDE_ARROWS = ("QSpinBox::up-button, QSpinBox::down-button, "
               "QDoubleSpinBox::up-button, QDoubleSpinBox::down-button "
               "{ width: 0px; border: none; }")


class StepBox(QWidget):
    def __init__(self, box: QSpinBox | QDoubleSpinBox, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.box = box
        # Qt's own arrows hidden by giving them no width: NoButtons under the window's
        # style sheet leaves the number field 1 px wide (the value vanishes).
        self.setStyleSheet(HIDE_ARROWS)
        self.less, self.more = QPushButton(MINUS), QPushButton(PLUS)
        self.less.clicked.connect(box.stepDown)
        self.more.clicked.connect(box.stepUp)
        box.valueChanged.connect(lambda _v: self._enable())
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.less)
        row.addWidget(box, 1)
        row.addWidget(self.more)
        self._enable()

    def name(self, setting: str) -> None:
        """Name the field and its buttons after the setting (again after a language switch)."""
        self.box.setAccessibleName(setting)
        # TRANSLATORS: the "−" button beside a number setting, e.g. "Daily budget (£): less".
        self.less.setAccessibleName(pgettext("step", "%(setting)s: less") % {"setting": setting})
        # TRANSLATORS: the "+" button beside a number setting, e.g. "Daily budget (£): more".
        self.more.setAccessibleName(pgettext("step", "%(setting)s: more") % {"setting": setting})
        self._enable()  # the value may have been set with its signals blocked

    def _enable(self) -> None:
        """No step past the ends: a dimmed button says so before it is pressed."""
        self.less.setEnabled(self.box.value() > self.box.minimum())
        self.more.setEnabled(self.box.value() < self.box.maximum())
