"""The IHD's header: the screen title, clock, read-aloud and language buttons on one row,
the status line under them.

At 200 % text in Welsh with UTC shown ("Gosodiadau", "18:30 UTC", "English") the four do
not fit 800 px: rather than squeeze the buttons (their text cut off) the clock moves down
to the end of the status line, and back up when there is room again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLayout, QSizePolicy, QVBoxLayout, QWidget

if TYPE_CHECKING:  # an annotation only: importing it creates QEvent's enums at start-up
    from PySide6.QtGui import QResizeEvent


class Header(QWidget):
    def __init__(self, title: QWidget, clock: QWidget, buttons: list[QWidget],
                 status: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("header")
        self.title, self.clock, self.buttons = title, clock, buttons
        self.top = QHBoxLayout()
        self.top.addWidget(title, 1)
        self.top.addWidget(clock)
        for button in buttons:
            self.top.addWidget(button)
        self.second = QHBoxLayout()
        self.second.addWidget(status, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addLayout(self.top)
        column.addLayout(self.second)
        # Take the width we are given and arrange within it, rather than demanding the
        # width of the longest row (which would push the window wider than the screen).
        column.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.clock_on_top = True
        self._sized = False  # given a width by the window's layout (first resizeEvent)

    def fits_one_row(self, width: int) -> bool:
        """Title, clock and buttons side by side at their full text width."""
        widgets = [self.title, self.clock, *self.buttons]
        need = sum(w.sizeHint().width() for w in widgets)
        return need + self.top.spacing() * (len(widgets) - 1) <= width

    def refresh(self) -> None:
        """Re-arrange after texts or fonts changed (language, text size, UTC shown)."""
        if not self._sized:  # Qt's 100 px default width: the first resize decides
            return
        on_top = self.fits_one_row(self.width())
        if on_top == self.clock_on_top:
            return
        self.clock_on_top = on_top
        (self.second if on_top else self.top).removeWidget(self.clock)
        if on_top:
            self.top.insertWidget(1, self.clock)
        else:
            self.second.addWidget(self.clock)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._sized = True
        self.refresh()
