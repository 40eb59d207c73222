"""Reading what a screen shows: visible texts, tiles, labels by object name."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from han_home.ihd_app.ui.widgets.value_tile import ValueTile


def visible_texts(root: QWidget) -> list[str]:
    texts = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root):
            continue
        if isinstance(widget, (QLabel, QAbstractButton)) and widget.text().strip():
            texts.append(widget.text())
    return texts


def tiles(root: QWidget) -> dict[str, ValueTile]:
    return {t.title.text(): t for t in root.findChildren(ValueTile) if t.isVisibleTo(root)}


def joined(root: QWidget) -> str:
    return "\n".join(visible_texts(root))
