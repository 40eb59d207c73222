"""Pens built without touching the ``Qt`` namespace.

PySide6 creates all 93 of the ``Qt`` namespace's Python enum types (~12 ms on a kiosk
board) the first time one is needed, and overload resolution needs them for
``QPen(colour, width)`` and ``QPainter.setPen(QColor)`` (both have ``Qt.PenStyle``
overloads). Widgets painted in the first frame use these instead; tests/ihd/test_layout.py
checks that the first frame creates none of those enums.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPen


def pen(colour: QColor | str, width: float = 1.0) -> QPen:
    """A solid pen of this colour and width (as ``QPen(colour, width)``)."""
    made = QPen()
    made.setColor(colour if isinstance(colour, QColor) else QColor(colour))
    made.setWidthF(float(width))
    return made


def no_pen() -> QPen:
    """A pen that draws nothing (as ``Qt.PenStyle.NoPen`` for filled shapes)."""
    return pen(QColor(0, 0, 0, 0), 0.0)
