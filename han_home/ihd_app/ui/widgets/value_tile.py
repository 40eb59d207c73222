"""A card with one figure: its label, the value, an optional detail line, and its source.

The accessible name is the label; the description is the spoken value with source and age,
so a screen reader hears "Power now: 0.66 kW. Meter reading, less than a minute old"; the
figure itself is labelled by the caption.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from han_home.ihd_app.ui.widgets.common import label, set_role


class ValueTile(QFrame):
    def __init__(self, parent: QWidget | None = None, figure_role: str = "heading") -> None:
        super().__init__(parent)
        self.setProperty("role", "card")
        self.figure_role = figure_role  # "figure" for the hero number, "" for sentences
        self.title = label()
        self.figure = label(figure_role)
        self.detail = label()
        self.source = label("source")
        # the value is labelled by its caption: a screen reader on the figure hears
        # "Power now" with it ("labelled by" / "label for" over AT-SPI)
        self.title.setBuddy(self.figure)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        for widget in (self.title, self.figure, self.detail, self.source):
            layout.addWidget(widget)
        layout.addStretch(1)

    def set_content(self, title: str, value: str, source: str, *, detail: str = "",
                    stale: bool = False, missing: bool = False) -> None:
        self.title.setText(title)
        self.figure.setText(value)
        # A stale or missing value must not look live: smaller, muted figure, warning source.
        set_role(self.figure, "muted" if (stale or missing) else self.figure_role)
        set_role(self.source, "warning" if stale else "source")
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.source.setText(source)
        self.source.setVisible(bool(source))
        self.setAccessibleName(title)
        parts = [value, detail, source]
        self.setAccessibleDescription(". ".join(p.rstrip(".") for p in parts if p) + ".")
        self.setProperty("stale", stale)

    def set_detail(self, detail: str) -> None:
        """Replace the detail line (e.g. what a cost is made of), keeping the spoken text whole."""
        self.set_content(self.title.text(), self.figure.text(), self.source.text(),
                         detail=detail, stale=bool(self.property("stale")),
                         missing=self.figure.property("role") == "muted"
                         and not self.property("stale"))
