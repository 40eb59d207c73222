"""Budget progress as a bar with its text beside it: the share is told in words and by the
bar's length, and over budget also by colour (WCAG 1.4.1: never colour alone)."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QPainter, QPainterPath, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from han_home.shared.ui.ink import fill, stroke
from han_home.shared.ui.theme import NORMAL, Palette


class BudgetBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.share: Decimal | None = None
        self.theme_palette: Palette = NORMAL.palette
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_share(self, share: Decimal | None, text: str, palette: Palette) -> None:
        self.share, self.theme_palette = share, palette
        self.setAccessibleName(text)
        self.update()

    @property
    def over(self) -> bool:
        return self.share is not None and self.share > 1

    def sizeHint(self) -> QSize:
        return QSize(120, max(12, self.fontMetrics().height() // 2 + 6))

    def paintEvent(self, event: QPaintEvent) -> None:
        # drawn with ink.py (no Qt-namespace enums: this widget is in the first frame)
        p = self.theme_palette
        painter = QPainter(self)
        track = QRectF(1, 1, self.width() - 2, self.height() - 2)
        outline = QPainterPath()
        outline.addRoundedRect(track, 4, 4)
        fill(painter, outline, p.surface)
        stroke(painter, outline, p.control_border, 1)
        if self.share is not None and self.share > 0:
            filled = min(Decimal(1), self.share)
            bar = QPainterPath()
            bar.addRoundedRect(QRectF(track.left(), track.top(), float(filled) * track.width(),
                                      track.height()), 4, 4)
            colour = p.error if self.over else p.accent
            fill(painter, bar, colour)
            stroke(painter, bar, p.control_border, 1)
        painter.end()
