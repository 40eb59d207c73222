"""Filling and stroking shapes without touching the ``Qt`` namespace's enums.

PySide6 creates all 93 of the ``Qt`` namespace's Python enum types (~12 ms on a kiosk
board, ~30 ms on a loaded one) the first time overload resolution needs one, and every
painter state setter has an enum overload: ``QPainter.setPen`` (``Qt.PenStyle``),
``setBrush`` and ``QBrush(QColor)`` (``Qt.BrushStyle``), ``fillPath(path, QColor)``
(``Qt.GlobalColor``). ``strokePath(path, QPen)`` and ``fillPath(path, QBrush)`` have one
overload each, a pen built empty and then coloured needs none, and a brush made from a
pixmap filled with a colour is a solid brush. The first frame's painted widgets (the
ambient indicator, the budget bar, the speaker icon) draw through these, and a painter on a
widget starts with the widget's style-sheet text colour, so their text needs no pen
either. tests/ihd/test_first_frame_enums.py checks that the first frame creates none.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen, QPixmap

TILE = 8  # px: a texture this size draws as fast as a solid colour


def _colour(colour: QColor | str) -> QColor:
    return colour if isinstance(colour, QColor) else QColor(colour)


def solid_brush(colour: QColor | str) -> QBrush:
    """A solid brush of this colour (as ``QBrush(colour)``)."""
    tile = QPixmap(TILE, TILE)
    tile.fill(_colour(colour))
    return QBrush(tile)


def pen(colour: QColor | str, width: float = 1.0,
        dashes: Sequence[float] | None = None) -> QPen:
    """A pen of this colour and width (as ``QPen(colour, width)``), dashed if given a
    dash pattern in pen widths."""
    made = QPen()
    made.setColor(_colour(colour))
    made.setWidthF(float(width))
    if dashes:
        made.setDashPattern(list(dashes))
    return made


def fill(painter: QPainter, path: QPainterPath, colour: QColor | str) -> None:
    painter.fillPath(path, solid_brush(colour))


def stroke(painter: QPainter, path: QPainterPath, colour: QColor | str, width: float,
           dashes: Sequence[float] | None = None) -> None:
    painter.strokePath(path, pen(colour, width, dashes))
