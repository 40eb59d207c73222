"""Ambient feedback: low / medium / high told by shape AND words AND colour (WCAG 1.4.1).

Low is a circle, medium a square, high a triangle with an exclamation mark; with no live
power reading the shape is an empty outline and the text says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QSize
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from han_home.ihd_app.model import Ambient
from han_home.ihd_app.ui.widgets.qt_values import ALIGN_V_CENTER, DASH_PATTERN, TEXT_WORD_WRAP
from han_home.shared.ui.ink import fill, stroke
from han_home.shared.ui.theme import NORMAL, Palette

if TYPE_CHECKING:  # an annotation only: importing it creates QEvent's enums at start-up
    from PySide6.QtGui import QPaintEvent

PAD = 8


class AmbientIndicator(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.level: Ambient | None = None
        self.text = ""
        self.theme_palette: Palette = NORMAL.palette
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_level(self, level: Ambient | None, text: str, description: str,
                  palette: Palette) -> None:
        self.level, self.text, self.theme_palette = level, text, palette
        self.setAccessibleName(text)
        self.setAccessibleDescription(description)
        self.updateGeometry()
        self.update()

    def _shape_px(self) -> int:
        return int(self.fontMetrics().height() * 1.8)

    def _text_rect(self, width: int) -> QRectF:
        left = PAD * 2 + self._shape_px()
        return QRectF(left, PAD, max(10, width - left - PAD), 10_000)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        rect = self._text_rect(width).toRect()
        text_h = self.fontMetrics().boundingRect(rect, TEXT_WORD_WRAP, self.text).height()
        return max(self._shape_px(), text_h) + 2 * PAD

    def sizeHint(self) -> QSize:
        width = self.fontMetrics().horizontalAdvance(self.text) + self._shape_px() + 4 * PAD
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(self._shape_px() * 3, self._shape_px() + 2 * PAD)

    def colour(self) -> QColor:
        p = self.theme_palette
        return QColor({Ambient.LOW: p.ambient_low, Ambient.MEDIUM: p.ambient_medium,
                       Ambient.HIGH: p.ambient_high}.get(self.level, p.control_border)) \
            if self.level else QColor(p.control_border)

    def paintEvent(self, event: QPaintEvent) -> None:
        # drawn with ink.py (no Qt-namespace enums: this widget is in the first frame)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        size = self._shape_px()
        top = (self.height() - size) / 2
        box = QRectF(PAD, top, size, size)
        colour = self.colour()
        shape = QPainterPath()
        if self.level == Ambient.LOW:
            shape.addEllipse(box)
        elif self.level == Ambient.MEDIUM:
            shape.addRect(box.adjusted(size * 0.08, size * 0.08, -size * 0.08, -size * 0.08))
        elif self.level == Ambient.HIGH:
            shape.addPolygon(QPolygonF([QPointF(box.center().x(), box.top()),
                                        box.bottomRight(), box.bottomLeft()]))
            shape.closeSubpath()
        else:
            shape.addEllipse(box)
        if self.level:
            fill(painter, shape, colour)
            stroke(painter, shape, colour, 3)
        else:  # no live reading: an empty dashed outline
            stroke(painter, shape, colour, 3, DASH_PATTERN)
        if self.level == Ambient.HIGH:  # the exclamation mark, in the background colour
            mark = QPainterPath()
            cx = box.center().x()
            width = max(2, size / 10)
            mark.moveTo(QPointF(cx, box.top() + size * 0.38))
            mark.lineTo(QPointF(cx, box.top() + size * 0.7))
            stroke(painter, mark, self.theme_palette.background, width)
            dot = QPainterPath()
            dot.addRect(QRectF(cx - width / 2, box.top() + size * 0.85 - width / 2,
                               width, width))
            fill(painter, dot, self.theme_palette.background)
        # the painter starts with this widget's style-sheet text colour (the theme's text)
        rect = self._text_rect(self.width())
        rect.setTop(0)
        rect.setHeight(self.height())
        painter.drawText(rect, ALIGN_V_CENTER | TEXT_WORD_WRAP,
                         self.text)
        painter.end()
