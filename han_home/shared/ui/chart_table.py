"""A painted chart's values as a table: the alternative a screen reader walks cell by cell,
and a large-text reader can read without the bars (both apps' charts use it).

``TableToggle`` puts a "Show as table" button in the chart's top right corner and swaps
the bars for a read-only two-column table (what, value) when it is pressed.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from han_home.shared.i18n import _

PAD = 6


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

    def set_rows(self, name: str, headers: tuple[str, str], rows: list[tuple[str, str]]) -> None:
        self.setAccessibleName(name)
        self.verticalScrollBar().setAccessibleName(_("Scroll the table"))
        fill_table(self, list(headers), rows)


class TableToggle:
    """The button and the table, children of ``chart``; the chart calls ``place()`` from
    its resizeEvent and paints nothing while ``showing_table()``."""

    def __init__(self, chart: QWidget) -> None:
        self.chart = chart
        self.button = QPushButton(chart)
        self.button.setObjectName("chart-as-table")
        self.button.clicked.connect(self.toggle)
        self.table = ChartTable(chart)
        self.table.hide()
        self.retranslate()

    def showing_table(self) -> bool:
        return not self.table.isHidden()

    def toggle(self) -> None:
        self.table.setVisible(self.table.isHidden())
        self.retranslate()
        self.place()
        self.chart.update()

    def retranslate(self) -> None:
        table = self.showing_table()
        self.button.setText(_("Show as chart") if table else _("Show as table"))
        self.button.setAccessibleDescription(
            _("Shows the bars again") if table
            else _("Shows each period and its value in a table"))
        self.place()

    def set_rows(self, chart_name: str, headers: tuple[str, str],
                 rows: list[tuple[str, str]]) -> None:
        self.table.set_rows(_("%(chart)s, as a table") % {"chart": chart_name}, headers, rows)
        self.retranslate()

    def reserved_height(self) -> int:
        """Room the painter leaves at the top for the button."""
        return PAD + self.button.sizeHint().height() + PAD

    def place(self) -> None:
        """The button in the top right corner; the table, when shown, below it."""
        hint = self.button.sizeHint()
        width = min(hint.width(), max(1, self.chart.width() - 2 * PAD))
        self.button.setGeometry(self.chart.width() - PAD - width, PAD, width, hint.height())
        top = self.reserved_height()
        self.table.setGeometry(PAD, top, max(1, self.chart.width() - 2 * PAD),
                               max(1, self.chart.height() - top - PAD))


def fill_table(table: QTableWidget, headers: list[str], rows: Sequence[Sequence[str]]) -> None:
    """Headers and cells as plain text, items reused, rows sized to their text."""
    table.setHorizontalHeaderLabels(headers)
    table.setRowCount(len(rows))
    for row, cells in enumerate(rows):
        for column, text in enumerate(cells):
            item = table.item(row, column)
            if item is None:
                item = QTableWidgetItem()
                table.setItem(row, column, item)
            item.setText(text)
    table.resizeRowsToContents()
