"""A card that opens its details: a tap, Enter or Space activates it (one tap or key away).

A plain QFrame with labels, not a QPushButton: a button sizes itself from its own text and
would cut off the wrapped lines laid out inside it. Keys are compared as the ints Qt
passes, so building one never loads the Qt namespace's enums (see qt_values.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from han_home.ihd_app.ui.widgets.qt_values import FOCUS_STRONG

if TYPE_CHECKING:
    from PySide6.QtGui import QKeyEvent, QMouseEvent

KEY_SPACE, KEY_RETURN, KEY_ENTER = 0x20, 0x01000004, 0x01000005  # Qt.Key values


class TapCard(QFrame):
    def __init__(self, on_activate: Callable[[], None] | None = None, role: str = "card",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", role)
        self.on_activate = on_activate
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(10, 3, 10, 3)
        self.column.setSpacing(1)
        self.set_active(on_activate is not None)

    def set_active(self, active: bool) -> None:
        """Whether it leads anywhere: only then does it take focus (no dead tab stops)."""
        self.setProperty("focusPolicy", FOCUS_STRONG if active else 0)
        self.setProperty("tappable", active)

    def activate(self) -> None:
        if self.on_activate is not None and self.property("tappable"):
            self.on_activate()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (KEY_SPACE, KEY_RETURN, KEY_ENTER) and self.property("tappable"):
            self.activate()
            event.accept()
            return
        super().keyPressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self.rect().contains(event.position().toPoint()):
            self.activate()
        super().mouseReleaseEvent(event)
