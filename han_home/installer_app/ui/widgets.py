"""Small widgets for the installer screens: the channel chart, tables, text helpers."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QWidget,
)

from han_home.installer_app.diagnostics import BUSY_ENERGY, CHANNELS, ScanResult
from han_home.shared.i18n import _
from han_home.shared.ui import roles
from han_home.shared.ui.chart_table import TableToggle, fill_table
from han_home.shared.ui.theme import get_theme


def label(role: str | None = None, wrap: bool = True) -> QLabel:
    widget = QLabel()
    widget.setWordWrap(wrap)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if role:
        widget.setProperty("role", role)
    return widget


def table(columns: int) -> QTableWidget:
    widget = QTableWidget(0, columns)
    widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    widget.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    widget.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    widget.verticalHeader().setVisible(False)
    widget.setWordWrap(True)
    header = widget.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    widget.setMinimumHeight(120)
    return widget


def set_rows(widget: QTableWidget, headers: list[str], rows: list[list[str]]) -> None:
    fill_table(widget, headers, rows)
    # Show up to four rows without scrolling, whatever the text size (WCAG 1.4.4 at 200 %).
    shown = sum(widget.rowHeight(r) for r in range(min(4, len(rows))))
    line = widget.fontMetrics().height()
    widget.setMinimumHeight(max(120, widget.horizontalHeader().sizeHint().height() + shown
                                + (line if not rows else 0) + line))


class ChannelChart(QWidget):
    """Bars of energy per channel 11-26; the recommended channel hatched and starred,
    busy channels marked with a triangle, so colour is never the only cue."""

    def __init__(self, theme: str = "normal") -> None:
        super().__init__()
        self.result: ScanResult | None = None
        self.theme_key = theme
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        roles.mark(self, "chart")
        self.view = TableToggle(self)  # "Show as table": channel and energy, cell by cell
        self.retranslate()

    def sizeHint(self) -> QSize:
        line = self.fontMetrics().height()
        return QSize(16 * line * 2, line * 13 + self.view.reserved_height())

    def minimumSizeHint(self) -> QSize:
        line = self.fontMetrics().height()
        return QSize(16 * line, line * 11 + self.view.reserved_height())

    def set_result(self, result: ScanResult | None) -> None:
        self.result = result
        self.retranslate()
        self.update()

    def resizeEvent(self, event: object) -> None:
        self.view.place()

    def _table_rows(self) -> list[tuple[str, str]]:
        if self.result is None:
            return []
        rows = []
        for channel in CHANNELS:
            energy = {"energy": int(self.result.energy.get(channel, 0))}
            if channel == self.result.recommended:
                value = _("%(energy)d of 255, recommended") % energy
            elif self.result.busy(channel):
                value = _("%(energy)d of 255, busy") % energy
            else:
                value = _("%(energy)d of 255") % energy
            rows.append((_("Channel %(channel)d") % {"channel": channel}, value))
        return rows

    def retranslate(self) -> None:
        self.axis_title = _("Energy (0–255)")
        self.channel_title = _("Channel")
        self.threshold_title = _("busy: %(threshold)d") % {"threshold": BUSY_ENERGY}
        self.setAccessibleName(_("Channel energy scan"))
        self.view.set_rows(_("Channel energy scan"), (_("Channel"), _("Energy")),
                           self._table_rows())
        if self.result is None:
            self.setAccessibleDescription(_("No scan yet."))
            return
        parts = [_("Channel %(channel)d: energy %(energy)d of 255") % {
            "channel": c, "energy": int(v)} for c, v in sorted(self.result.energy.items())]
        parts.append(_("Recommended channel: %(channel)d.") % {"channel": self.result.recommended})
        self.setAccessibleDescription("; ".join(parts))

    def paintEvent(self, event) -> None:
        if self.view.showing_table():
            return  # the table covers the bars
        p = get_theme(self.theme_key).palette
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        line = fm.height()
        w, h = self.width(), self.height()
        top, bottom = max(line * 2.6, self.view.reserved_height() + line), h - line * 2.8
        # the energy axis (0-255, the radio's scale) with its values, on the left
        left = fm.horizontalAdvance("255") + line * 0.8
        slot = (w - left) / len(CHANNELS)
        painter.setPen(QPen(QColor(p.control_border), 1))
        painter.drawLine(int(left), int(bottom), w, int(bottom))
        painter.drawLine(int(left), int(top), int(left), int(bottom))
        painter.setPen(QColor(p.text))
        for tick in (0, 64, 128, 192, 255):
            y = bottom - (bottom - top) * tick / 255
            painter.drawText(QRectF(0, y - line / 2, left - line * 0.3, line),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(tick))
        painter.drawText(QRectF(0, 0, w, line * 1.2), Qt.AlignmentFlag.AlignLeft,
                         self.axis_title)
        painter.drawText(QRectF(left, h - line * 1.3, w - left, line * 1.2),
                         Qt.AlignmentFlag.AlignHCenter, self.channel_title)
        busy_y = bottom - (bottom - top) * BUSY_ENERGY / 255
        painter.setPen(QPen(QColor(p.warning), 1, Qt.PenStyle.DashLine))
        painter.drawLine(int(left), int(busy_y), w, int(busy_y))
        painter.setPen(QColor(p.text))
        painter.drawText(QRectF(left, busy_y - line * 1.2, w - left - line * 0.3, line * 1.1),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
                         self.threshold_title)
        for i, channel in enumerate(CHANNELS):
            x = left + i * slot
            energy = self.result.energy.get(channel, 0) if self.result else 0
            bar_h = max(2.0, (bottom - top) * energy / 255)
            rect = QRectF(x + slot * 0.2, bottom - bar_h, slot * 0.6, bar_h)
            recommended = self.result is not None and channel == self.result.recommended
            colour = QColor(p.accent if recommended else p.chart_electricity)
            painter.setPen(QPen(QColor(p.text), 1))
            painter.setBrush(QBrush(colour))
            painter.drawRect(rect)
            if recommended:
                painter.setBrush(QBrush(QColor(p.accent_text), Qt.BrushStyle.BDiagPattern))
                painter.drawRect(rect)
            painter.setPen(QColor(p.text))
            painter.drawText(QRectF(x, bottom + 2, slot, line * 1.4),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                             str(channel))
            mark = "★" if recommended else ("▲" if self.result and self.result.busy(channel)
                                            else "")
            value = str(int(energy)) if self.result else ""
            painter.drawText(QRectF(x, rect.top() - line * 1.2, slot, line * 1.1),
                             Qt.AlignmentFlag.AlignCenter, f"{mark}{value}")
        if self.hasFocus():
            painter.setPen(QPen(QColor(p.focus_ring), 4))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(self.rect().adjusted(2, 2, -2, -2))
        painter.end()
