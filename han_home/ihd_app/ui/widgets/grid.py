"""Children in as many equal columns as fit: one layout serves 800x480 and 1024x600 at any
text size without clipping (fewer columns and more rows as the text grows)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QGridLayout, QSizePolicy, QWidget

if TYPE_CHECKING:  # an annotation only: importing it creates QEvent's enums at start-up
    from PySide6.QtGui import QResizeEvent


class ResponsiveGrid(QWidget):
    def __init__(self, min_column_px: int = 0, max_columns: int = 4,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.min_column_px = min_column_px
        self.max_columns = max_columns
        self.items: list[QWidget] = []
        self._hidden: set[QWidget] = set()  # members hidden with set_member_visible()
        self._columns = 0
        # members' widths, measured once until texts, fonts or members change (whoever
        # changes them calls refresh(), as the display's settings, texts and language do):
        # a resize only re-places them (each sizeHint under the style sheet costs ~50 us).
        # No changeEvent() override for this: its first call from Qt costs PySide ~2.5 ms.
        self._measured: list[int] | None = None
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(8)
        # Take the width we are given and choose columns from it, rather than demanding the
        # width of the widest row (which would push the window wider than the screen).
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def add(self, widget: QWidget) -> QWidget:
        self.extend([widget])
        return widget

    def extend(self, widgets: list[QWidget]) -> None:
        """Add several at once: one re-placement (each measures every member's width)."""
        self.items.extend(widgets)
        self.refresh()

    def set_member_visible(self, widget: QWidget, visible: bool) -> None:
        """Show or hide a member: hide members through here, so placement knows (asking
        Qt which widgets were hidden on purpose needs the Qt namespace's enums, which the
        first frame does without; see qt_values.py). Call refresh() after a batch."""
        widget.setVisible(visible)
        self._measured = None
        if visible:
            self._hidden.discard(widget)
        else:
            self._hidden.add(widget)

    def _visible(self) -> list[QWidget]:
        return [w for w in self.items if w not in self._hidden]

    def _widths(self) -> list[int]:
        # Word-wrapped labels report their unwrapped width: min_column_px stands in for tiles.
        visible = self._visible()
        if self.min_column_px:
            return [self.min_column_px] * len(visible)
        if self._measured is None or len(self._measured) != len(visible):
            self._measured = [w.sizeHint().width() for w in visible]
        return self._measured

    def columns_for(self, width: int) -> int:
        """The most columns whose widest members (plus spacing) fit in ``width``."""
        widths = self._widths()
        spacing = self._grid.spacing()
        best = 1
        for columns in range(1, min(self.max_columns, len(widths)) + 1):
            need = sum(max(widths[c::columns]) for c in range(columns)) \
                + spacing * (columns - 1)
            if need <= width:
                best = columns
        return best

    def refresh(self) -> None:
        """Re-measure and re-place after texts or fonts changed (language, text size)."""
        self.forget_widths()
        self._columns = 0
        self.relayout()

    def forget_widths(self) -> None:
        self._measured = None

    def relayout(self) -> None:
        columns = self.columns_for(self.width())
        if columns == self._columns:
            return
        self._columns = columns
        for widget in self.items:
            self._grid.removeWidget(widget)
        visible = self._visible()
        for index, widget in enumerate(visible):
            self._grid.addWidget(widget, index // columns, index % columns)
        widths = self._widths()
        for column in range(self.max_columns):
            used = column < columns
            self._grid.setColumnStretch(column, 1 if used else 0)
            # a button's minimum size under a style sheet can be below its text width
            self._grid.setColumnMinimumWidth(
                column, max(widths[column::columns], default=0) if used else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.relayout()
