"""Icons painted in the theme's text colour, so they keep their contrast in high contrast
(Qt's standard icons are dark pixmaps: invisible on the high-contrast black)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap, QPolygonF


def speaker_icon(colour: str, size: int) -> QIcon:
    """A loudspeaker with two sound waves, ``size`` pixels square."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    ink = QColor(colour)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(ink)
    s = float(size)
    painter.drawPolygon(QPolygonF([
        QPointF(0.08 * s, 0.36 * s), QPointF(0.28 * s, 0.36 * s), QPointF(0.52 * s, 0.14 * s),
        QPointF(0.52 * s, 0.86 * s), QPointF(0.28 * s, 0.64 * s), QPointF(0.08 * s, 0.64 * s),
    ]))
    pen = QPen(ink, max(1.5, s / 12))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for radius in (0.18, 0.32):  # arcs centred on the cone's mouth, -50 to +50 degrees
        box = QRectF((0.52 - radius) * s, (0.5 - radius) * s, 2 * radius * s, 2 * radius * s)
        painter.drawArc(box, -50 * 16, 100 * 16)
    painter.end()
    return QIcon(pixmap)
