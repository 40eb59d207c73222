"""The navigation's screen icons, painted in the theme's colours at the text size.

Painted rather than loaded: they take the theme's text colour (and the selected tab's
``accent_text`` for the checked state), so they keep their contrast in high contrast, and
they grow with the text like the header's speaker (shared.ui.icons)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPixmap, QPolygonF

from han_home.shared.ui.ink import fill, stroke

# The navigation shows its icons in the first frame: they are drawn with ink.py, which
# creates none of the Qt namespace's enums (so the pens keep Qt's default square caps and
# bevelled joins: a rounded join needs Qt.PenJoinStyle).
Draw = Callable[[QPainter, float, QColor], None]


def _line(s: float) -> float:
    return max(1.5, s / 12)


def _polygon(s: float, points: tuple[tuple[float, float], ...], close: bool = True
             ) -> QPainterPath:
    path = QPainterPath()
    path.addPolygon(QPolygonF([QPointF(x * s, y * s) for x, y in points]))
    if close:
        path.closeSubpath()
    return path


def _now(painter: QPainter, s: float, ink: QColor) -> None:
    """A lightning bolt: power now."""
    fill(painter, _polygon(s, ((0.58, 0.04), (0.18, 0.56), (0.46, 0.56), (0.38, 0.96),
                               (0.82, 0.40), (0.54, 0.40), (0.64, 0.04))), ink)


def _usage(painter: QPainter, s: float, ink: QColor) -> None:
    """Three bars on a base line: the usage chart."""
    bars = QPainterPath()
    for left, top in ((0.12, 0.50), (0.40, 0.22), (0.68, 0.38)):
        bars.addRect(QRectF(left * s, top * s, 0.22 * s, (0.86 - top) * s))
    bars.addRect(QRectF(0.06 * s, 0.86 * s, 0.88 * s, 0.08 * s))
    fill(painter, bars, ink)


def _tariff(painter: QPainter, s: float, ink: QColor) -> None:
    """A price tag with its string hole."""
    tag = _polygon(s, ((0.10, 0.14), (0.52, 0.14), (0.90, 0.52), (0.52, 0.90), (0.10, 0.52)))
    tag.addEllipse(QPointF(0.30 * s, 0.34 * s), 0.07 * s, 0.07 * s)
    stroke(painter, tag, ink, _line(s))


def _credit(painter: QPainter, s: float, ink: QColor) -> None:
    """A payment card: an outline with a filled stripe."""
    card = QPainterPath()
    card.addRoundedRect(QRectF(0.06 * s, 0.20 * s, 0.88 * s, 0.60 * s), 0.08 * s, 0.08 * s)
    stroke(painter, card, ink, _line(s))
    stripes = QPainterPath()
    stripes.addRect(QRectF(0.06 * s, 0.32 * s, 0.88 * s, 0.12 * s))
    stripes.addRect(QRectF(0.16 * s, 0.60 * s, 0.26 * s, 0.08 * s))
    fill(painter, stripes, ink)


def _messages(painter: QPainter, s: float, ink: QColor) -> None:
    """An envelope."""
    envelope = QPainterPath()
    envelope.addRect(QRectF(0.08 * s, 0.22 * s, 0.84 * s, 0.56 * s))
    envelope.addPath(_polygon(s, ((0.08, 0.22), (0.50, 0.56), (0.92, 0.22)), close=False))
    stroke(painter, envelope, ink, _line(s))


def _settings(painter: QPainter, s: float, ink: QColor) -> None:
    """A cog: eight teeth round a ring."""
    centre = QPointF(0.5 * s, 0.5 * s)
    ring = QPainterPath()
    ring.addEllipse(centre, 0.30 * s, 0.30 * s)
    ring.addEllipse(centre, 0.12 * s, 0.12 * s)  # odd-even fill: the hole stays clear
    fill(painter, ring, ink)
    tooth = QPainterPath()
    tooth.addRect(QRectF(-0.07 * s, -0.46 * s, 0.14 * s, 0.20 * s))
    painter.save()
    painter.translate(centre)
    for _tooth in range(8):
        fill(painter, tooth, ink)
        painter.rotate(45)
    painter.restore()


DRAW: dict[str, Draw] = {"now": _now, "usage": _usage, "tariff": _tariff,
                         "credit": _credit, "messages": _messages, "settings": _settings}


def _pixmap(draw: Draw, colour: str, size: int) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(0, 0, 0, 0))  # transparent
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    draw(painter, float(size), QColor(colour))
    painter.end()
    return pixmap


def screen_icon(key: str, colour: str, checked_colour: str, size: int) -> QIcon:
    """The icon for screen ``key``: ``colour`` when off, ``checked_colour`` on the selected
    tab (a checked button draws its icon's On state)."""
    icon = QIcon()
    icon.addPixmap(_pixmap(DRAW[key], colour, size), QIcon.Mode.Normal, QIcon.State.Off)
    icon.addPixmap(_pixmap(DRAW[key], checked_colour, size), QIcon.Mode.Normal,
                   QIcon.State.On)
    return icon
