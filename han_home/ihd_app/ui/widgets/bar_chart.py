"""A bar chart painted by hand: one bar per period, a label under each (two lines when the
day had 23 or 25 hours), the value of the tallest bar as the scale.

Screen readers get the chart's name (role: chart) and a description listing every bar's
value, and a "Show as table" button in the chart's corner swaps the bars for a table of
period and value that a screen reader can walk cell by cell (and anyone can read at large
text). A bar with no data says "No data", never "0.00 kWh". Bar and axis colours come from
the theme, chosen for >= 3:1 contrast (WCAG 1.4.11).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from han_home.shared.i18n import _
from han_home.shared.ui import roles
from han_home.shared.ui.chart_table import TableToggle
from han_home.shared.ui.theme import NORMAL

PAD = 6


@dataclass(frozen=True)
class Bar:
    label: str  # short, under the bar
    note: str  # second line under the bar ("25 hours"), or ""
    value: Decimal
    spoken: str  # the whole entry for the accessible description
    value_text: str = ""
    period: str = ""  # the period in full, for the table ("Tuesday, 24 November 2026")
    missing: bool = False  # no data for this period: no bar, "No data" in the table


class BarChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[Bar] = []
        self.scale_text = ""
        self.bar_colour = QColor(NORMAL.palette.chart_electricity)
        self.text_colour = QColor(NORMAL.palette.text)
        self.axis_colour = QColor(NORMAL.palette.control_border)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        roles.mark(self, "chart")
        self.view = TableToggle(self)

    def showing_table(self) -> bool:
        return self.view.showing_table()

    def resizeEvent(self, event: object) -> None:
        self.view.place()

    def set_bars(self, name: str, bars: list[Bar], scale_text: str, description_head: str,
                 bar_colour: str, text_colour: str, axis_colour: str) -> None:
        self.bars, self.scale_text = bars, scale_text
        self.bar_colour, self.text_colour = QColor(bar_colour), QColor(text_colour)
        self.axis_colour = QColor(axis_colour)
        self.setAccessibleName(name)
        self.setAccessibleDescription(" ".join([description_head, *(b.spoken for b in bars)]))
        self.view.set_rows(name, (_("Period"), _("Value")),
                           [(b.period or b.label, b.value_text) for b in bars])
        self.updateGeometry()
        self.update()

    def label_lines(self) -> list[list[str]]:
        """Each bar's label lines: one line if every label fits its slot, else split at
        spaces ("Sun" / "25") so large text stays large (WCAG 1.4.4), then the note."""
        metrics, slot = self.fontMetrics(), self._slot_width()
        fits = all(metrics.horizontalAdvance(b.label) <= slot - 2 for b in self.bars)
        lines = [[b.label] if fits else b.label.split(" ") for b in self.bars]
        return [parts + ([b.note] if b.note else []) for parts, b in zip(lines, self.bars,
                                                                       strict=True)]

    def label_font(self, lines: list[list[str]]) -> QFont:
        """The widget font, shrunk only if a label line still does not fit (never below 9 px)."""
        font = QFont(self.font())
        slot = self._slot_width()
        size = font.pixelSize() if font.pixelSize() > 0 else int(font.pointSizeF() * 4 / 3)
        texts = [text for bar in lines for text in bar]
        while size > 9:
            font.setPixelSize(size)
            metrics = QFontMetrics(font)
            if all(metrics.horizontalAdvance(text) <= slot - 2 for text in texts):
                break
            size -= 1
        font.setPixelSize(size)
        return font

    def _slot_width(self) -> float:
        return (self.width() - 2 * PAD) / max(1, len(self.bars))

    def sizeHint(self) -> QSize:
        line = self.fontMetrics().height()
        return QSize(400, line * 12 + self.view.reserved_height())

    def minimumSizeHint(self) -> QSize:
        line = self.fontMetrics().height()
        return QSize(200, line * 7 + self.view.reserved_height())

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.showing_table():
            return  # the table covers the chart
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        scale_line = self.fontMetrics().height()
        lines = self.label_lines()
        font = self.label_font(lines)
        line = QFontMetrics(font).height()
        rows = max((len(bar) for bar in lines), default=1)
        # the scale text beside the table button, on as many lines as it needs
        button = self.view.button.geometry()
        scale_rect = QRectF(PAD, PAD, max(1, button.left() - 2 * PAD), 10 * scale_line)
        flags = int(Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextWordWrap)
        used = self.fontMetrics().boundingRect(scale_rect.toRect(), flags, self.scale_text)
        top = PAD + max(used.height(), button.height()) + PAD  # room for the scale text
        bottom = self.height() - PAD - rows * line - PAD
        painter.setPen(self.text_colour)
        painter.drawText(scale_rect, flags, self.scale_text)
        painter.setPen(QPen(self.axis_colour, 2))
        painter.drawLine(PAD, int(bottom), self.width() - PAD, int(bottom))
        highest = max((b.value for b in self.bars), default=Decimal(0))
        slot = self._slot_width()
        painter.setFont(font)
        for index, bar in enumerate(self.bars):
            x = PAD + index * slot
            if highest > 0 and bar.value > 0:
                height = float(bar.value / highest) * (bottom - top)
                painter.fillRect(QRectF(x + slot * 0.15, bottom - height, slot * 0.7, height),
                                 self.bar_colour)
            painter.setPen(self.text_colour)
            for row, text in enumerate(lines[index]):
                painter.drawText(QRectF(x, bottom + PAD + row * line, slot, line),
                                 int(Qt.AlignmentFlag.AlignHCenter), text)
        painter.end()
