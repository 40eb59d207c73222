"""A card of figures as table-like rows: each row's caption on the left and its value on the
right of one line, then an optional detail line and the value's source.

A tile per figure (caption, large figure, source) stacks four lines for one number; at
200 % text on 800x480 the Tariff screen's five tiles scrolled four screens. Here a fuel's
rate and standing charge share one card (on Credit: balance, emergency credit and debt),
and a source the next row repeats word for word is said once, under the last row it covers.
Nothing is dropped: each row's accessible description still carries its own value, detail
and source, so a screen reader (and Read aloud) hears "Gas standing charge: £0.31 a day.
Estimated by this display."
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QVBoxLayout, QWidget

from han_home.ihd_app.model import Shown
from han_home.ihd_app.ui import text as t
from han_home.ihd_app.ui.widgets.common import label, set_role

W = TypeVar("W", bound=QWidget)


class FigureRow(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = label()  # wraps (a long Welsh caption) rather than push the value off
        self.figure = label("value", wrap=False)  # a figure is never split across lines
        self.figure.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.detail = label()
        self.source = label("source")
        # the value is labelled by its caption ("labelled by" over AT-SPI)
        self.caption.setBuddy(self.figure)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        grid.addWidget(self.caption, 0, 0)
        grid.addWidget(self.figure, 0, 1)
        grid.addWidget(self.detail, 1, 0, 1, 2)
        grid.addWidget(self.source, 2, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        self.source_key: tuple[str, bool] = ("", False)

    def set_content(self, name: str, caption: str, value: str, source: str, *,
                    detail: str = "", stale: bool = False, missing: bool = False) -> None:
        """``name`` is the figure's full name ("Gas standing charge"), ``caption`` what the
        row shows inside its fuel's card ("Standing charge")."""
        self.caption.setText(caption)
        self.figure.setText(value)
        # a stale or missing value must not look live: muted figure, warning source
        set_role(self.figure, "muted" if (stale or missing) else "value")
        set_role(self.source, "warning" if stale else "source")
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.source.setText(source)
        self.source_key = (source, stale)
        self.setAccessibleName(name)
        parts = [value, detail, source]
        self.setAccessibleDescription(". ".join(p.rstrip(".") for p in parts if p) + ".")


class RowCard(QFrame):
    """A titled card of ``FigureRow``s (one fuel's tariff)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "card")
        self.title = label("value")
        self.title.hide()  # until set_title gives it one
        self.rows: list[FigureRow] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(12, 8, 12, 8)
        self._layout.setSpacing(4)
        self._layout.addWidget(self.title)
        self._layout.addStretch(1)  # beside a taller card, the rows stay at the top

    def add_row(self) -> FigureRow:
        return self.add(FigureRow())

    def add(self, widget: W) -> W:
        """A row, or any widget (a sub-heading, a list) below the rows so far."""
        if isinstance(widget, FigureRow):
            self.rows.append(widget)
        self._layout.insertWidget(self._layout.count() - 1, widget)  # above the stretch
        return widget

    def set_title(self, title: str) -> None:
        self.title.setText(title)
        self.title.setVisible(bool(title))
        self.setAccessibleName(title)

    def settle_sources(self) -> None:
        """Show each source once: a row whose source the next row repeats (same words, same
        staleness) leaves it to that row. Call after setting the rows' content."""
        for row, after in zip(self.rows, [*self.rows[1:], None], strict=True):
            said_below = after is not None and after.source_key == row.source_key
            row.source.setVisible(bool(row.source_key[0]) and not said_below)


def show_row(row: FigureRow, name: str, caption: str, shown: Shown, fmt: t.Formatter,
             detail: str = "") -> None:
    """One figure in a row, with its source and age (as ``now.show`` does for a tile)."""
    row.set_content(name, caption, t.value_text(shown, fmt), t.source_text(shown),
                    detail=detail if not shown.missing else "", stale=shown.stale,
                    missing=shown.missing)
