"""A chart's values as a read-only two-column table (period, value): the alternative a
screen reader walks cell by cell, and a large-text reader can read without the bars."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from han_home.shared.i18n import _


class ChartTable(QTableWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self.setObjectName("chart-table")
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(True)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def set_rows(self, name: str, rows: list[tuple[str, str]]) -> None:
        self.setAccessibleName(name)
        self.setHorizontalHeaderLabels([_("Period"), _("Value")])
        self.verticalScrollBar().setAccessibleName(_("Scroll the table"))
        self.setRowCount(len(rows))
        for row, (period, value) in enumerate(rows):
            for column, text in enumerate((period, value)):
                item = self.item(row, column)
                if item is None:
                    item = QTableWidgetItem()
                    self.setItem(row, column, item)
                item.setText(text)
        self.resizeRowsToContents()
