"""Small helpers for building screens: styled labels and re-polishing after a role change."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


def set_role(widget: QWidget, role: str) -> None:
    """Set the QSS role property and re-polish so the style sheet notices."""
    if widget.property("role") == role:
        return
    widget.setProperty("role", role)
    # A widget not polished yet (being built, before its first show) picks the role up
    # when it is; only a styled one needs re-polishing (and QStyle's first Python use
    # costs ~4 ms of enum creation the first frame can do without).
    if widget.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
        style = widget.style()
        style.unpolish(widget)
        style.polish(widget)


def label(role: str = "", wrap: bool = True) -> QLabel:
    lab = QLabel()
    lab.setWordWrap(wrap)
    lab.setTextFormat(Qt.TextFormat.PlainText)  # supplier and meter text is never markup
    if role:
        lab.setProperty("role", role)
    return lab
