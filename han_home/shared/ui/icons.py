"""Icons painted in the theme's text colour, so they keep their contrast in high contrast
(Qt's standard icons are dark pixmaps: invisible on the high-contrast black). The speaker
is in the first frame's header: painted without the Qt namespace's enums (see ink.py)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPixmap, QPolygonF

from han_home.shared.ui.ink import fill, stroke


def speaker_icon(colour: str, size: int) -> QIcon:
    """A loudspeaker with two sound waves, ``size`` pixels square."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(0, 0, 0, 0))  # transparent
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = float(size)
    cone = QPainterPath()
    cone.addPolygon(QPolygonF([
        QPointF(0.08 * s, 0.36 * s), QPointF(0.28 * s, 0.36 * s), QPointF(0.52 * s, 0.14 * s),
        QPointF(0.52 * s, 0.86 * s), QPointF(0.28 * s, 0.64 * s), QPointF(0.08 * s, 0.64 * s),
    ]))
    cone.closeSubpath()
    fill(painter, cone, colour)
    waves = QPainterPath()
    for radius in (0.18, 0.32):  # arcs centred on the cone's mouth, -50 to +50 degrees
        box = QRectF((0.52 - radius) * s, (0.5 - radius) * s, 2 * radius * s, 2 * radius * s)
        waves.arcMoveTo(box, -50)
        waves.arcTo(box, -50, 100)
    stroke(painter, waves, colour, max(1.5, s / 12))
    painter.end()
    return QIcon(pixmap)
