"""The few Qt-namespace values the first frame's widgets need, without touching ``Qt``.

PySide6 creates every one of the ``Qt`` namespace's 93 Python enum types (Qt.Key alone has
~450 members) the first time anything reads ``PySide6.QtCore.Qt``: ~12 ms on a kiosk
board, before the first frame could paint. The widgets on that frame therefore set these
through Qt's property system (which takes the plain value) or pass them as the ``int``
flags the C++ API takes. Values are Qt 6's (qnamespace.h); tests/ihd/test_layout.py checks
each against PySide6's enum, so a change in Qt would fail there, not on screen.
"""

from __future__ import annotations

TEXT_FORMAT_PLAIN = 0  # Qt.TextFormat.PlainText
SCROLL_BAR_ALWAYS_OFF = 1  # Qt.ScrollBarPolicy.ScrollBarAlwaysOff
FOCUS_STRONG = 11  # Qt.FocusPolicy.StrongFocus
ALIGN_V_CENTER = 0x0080  # Qt.AlignmentFlag.AlignVCenter
TEXT_WORD_WRAP = 0x1000  # Qt.TextFlag.TextWordWrap
DASH_PATTERN = (4.0, 2.0)  # Qt.PenStyle.DashLine's dashes and gaps, in pen widths
