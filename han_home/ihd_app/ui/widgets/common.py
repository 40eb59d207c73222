"""Small helpers for building screens: styled labels and re-polishing after a role change."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLabel, QWidget

from han_home.ihd_app.ui.widgets.qt_values import TEXT_FORMAT_PLAIN


def _under_style_sheet(widget: QWidget) -> bool:
    """True if a style sheet reaches the widget: its own, its window's or the app's (the
    display styles its whole window; walking every parent would make PySide6 look up the
    types of C++-made ones such as a scroll area's viewport, ~8 ms the first time)."""
    app = QApplication.instance()
    return bool((isinstance(app, QApplication) and app.styleSheet())
                or widget.window().styleSheet() or widget.styleSheet())


def set_role(widget: QWidget, role: str) -> None:
    """Set the QSS role property and re-polish so the style sheet notices."""
    if widget.property("role") == role:
        return
    widget.setProperty("role", role)
    # Roles only mean something in a style sheet. A widget no style sheet reaches yet (a
    # screen rendered before it is parented under the styled window) is polished with
    # the new role when one does; only one under a style sheet needs re-polishing (and
    # QStyle's first Python use costs ~4 ms of enum creation the first frame can skip).
    if _under_style_sheet(widget):
        style = widget.style()
        style.unpolish(widget)
        style.polish(widget)


def label(role: str = "", wrap: bool = True) -> QLabel:
    lab = QLabel()
    lab.setWordWrap(wrap)
    # supplier and meter text is never markup (a property: see qt_values.py)
    lab.setProperty("textFormat", TEXT_FORMAT_PLAIN)
    if role:
        lab.setProperty("role", role)
    return lab
