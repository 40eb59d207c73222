"""Small widgets for the installer screens: the channel chart, tables, text helpers."""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
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


def table(columns: int) -> CardTable:
    return CardTable(columns)


def set_rows(widget: CardTable, headers: list[str], rows: list[list[str]]) -> None:
    widget.set_rows(headers, rows)


class CardDelegate(QStyledItemDelegate):
    """A card: the row's labelled lines inset by ``PAD`` inside a thin border."""

    PAD = 8

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        inner = QStyleOptionViewItem(option)
        inner.rect = option.rect.adjusted(0, 0, -2 * self.PAD, 0)
        hint = super().sizeHint(inner, index)
        return QSize(hint.width() + 2 * self.PAD, hint.height() + 2 * self.PAD)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        inner = QStyleOptionViewItem(option)
        inner.rect = option.rect.adjusted(self.PAD, self.PAD, -self.PAD, -self.PAD)
        super().paint(painter, inner, index)
        painter.save()
        painter.setPen(QPen(option.palette.color(QPalette.ColorRole.Text), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(option.rect.adjusted(3, 3, -4, -4), 4, 4)
        painter.restore()


class CardTable(QTableWidget):
    """A table that turns into one card per row when its columns do not fit its width.

    At 150 % and 200 % text on a small screen a wide table would scroll sideways; as cards
    each row is one cell of labelled lines ("EUI-64: 00:1b:…", "Status: …") in a single
    column as wide as the table. It stays the same table for a screen reader (role, name,
    a row per item), and a row selected is still that item's row. In table mode the last
    column takes the width left and wraps its text (a status, a log event)."""

    mode_changed = Signal(bool)  # True: now cards (cell widgets must be placed again)

    def __init__(self, columns: int) -> None:
        super().__init__(0, columns)
        self.headers: list[str] = [""] * columns
        self.rows: list[list[str]] = []
        self.cards = False
        self._width = -1  # the width the rows were last laid out for
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().setVisible(False)
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(120)
        self._later = QTimer(self)  # after a text-size change, once the new font is in
        self._later.setSingleShot(True)
        self._later.timeout.connect(lambda: self._render(self._fits()))
        self._rows_delegate = self.itemDelegate()
        self._card_delegate = CardDelegate(self)
        self._set_modes()

    def set_rows(self, headers: list[str], rows: list[list[str]]) -> None:
        self.headers, self.rows = list(headers), [list(r) for r in rows]
        if not self.cards and self.columnCount() != len(headers):
            self.setColumnCount(len(headers))
            self._set_modes()
        self._render(self._fits())

    def cell(self, row: int, column: int) -> str:
        """The text of a cell, whichever form the table is showing."""
        return self.rows[row][column]

    def card_text(self, row: list[str]) -> str:
        return "\n".join(f"{h}: {v or '—'}" for h, v in zip(self.headers, row, strict=False))

    def _room(self) -> int:
        # leave room for a vertical scroll bar whether or not it shows, so that its coming
        # and going never flips the table between the two forms
        return self.width() - 2 * self.frameWidth() - self.verticalScrollBar().sizeHint().width()

    def _fits(self) -> bool:
        """Do the columns fit side by side: every column but the last at its text's
        width, the last at least as wide as its heading and its longest word?"""
        cell = self.fontMetrics()
        head = self.horizontalHeader().fontMetrics()
        pad = 2 * (self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self)
                   + 1) + 2
        head_pad = cell.height()  # a section's padding and a sort indicator's room
        needed = 0
        for column, title in enumerate(self.headers):
            texts = [r[column] for r in self.rows if column < len(r)]
            if column < len(self.headers) - 1:
                text_width = max((cell.horizontalAdvance(t) for t in texts), default=0)
            else:
                text_width = max((cell.horizontalAdvance(w) for t in texts for w in t.split()),
                                 default=0)
            needed += max(text_width + pad, head.horizontalAdvance(title) + head_pad)
        return needed <= self._room()

    def _set_modes(self) -> None:
        header = self.horizontalHeader()
        last = self.columnCount() - 1
        for column in range(self.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch if column == last
                                        else QHeaderView.ResizeMode.ResizeToContents)
        header.setVisible(not self.cards)
        self.setShowGrid(not self.cards)  # each card has its own border
        self.setItemDelegate(self._card_delegate if self.cards else self._rows_delegate)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff if self.cards
                                          else Qt.ScrollBarPolicy.ScrollBarAsNeeded)

    def _render(self, fits: bool) -> None:
        cards = not fits
        changed = cards != self.cards
        selected = self.currentRow()
        if changed:
            self.cards = cards
            self.clearContents()
            self.setColumnCount(1 if cards else len(self.headers))
            self._set_modes()
        if cards:
            fill_table(self, [self.accessibleName()], [[self.card_text(r)] for r in self.rows])
        else:
            fill_table(self, self.headers, self.rows)
        if changed and 0 <= selected < self.rowCount():
            self.selectRow(selected)
        self._width = self.width()
        self._size_to_rows()
        if changed:
            self.mode_changed.emit(cards)

    def _size_to_rows(self) -> None:
        """Show up to four rows (cards) without scrolling, whatever the text size
        (WCAG 1.4.4 at 200 %)."""
        self.resizeRowsToContents()
        shown = sum(self.rowHeight(r) for r in range(min(4, self.rowCount())))
        line = self.fontMetrics().height()
        header = 0 if self.cards else self.horizontalHeader().sizeHint().height()
        self.setMinimumHeight(max(120 if not self.cards or not self.rows else 0,
                                  header + shown + (line if not self.rows else 0)
                                  + 2 * self.frameWidth() + line // 2))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.width() == self._width:
            return
        fits = self._fits()
        if fits == self.cards:  # the other form now
            self._render(fits)
        else:
            self._width = self.width()
            self._size_to_rows()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._width = -1  # text size changed: lay the rows out again
            self._later.start(0)


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
        # a channel's number and value must fit its slot: at 200 % text on a small window
        # they ran into each other. A smaller font down to 60 %, then every other number;
        # values that still do not fit are left to "Show as table" (the marks stay).
        small = QFont(self.font())
        size = small.pixelSize() if small.pixelSize() > 0 else round(fm.height() * 0.8)
        floor = max(8, round(size * 0.6))
        while size > floor and QFontMetrics(small).horizontalAdvance("26") > slot * 0.85:
            size -= 1
            small.setPixelSize(size)
        digits = QFontMetrics(small)
        every = 1 if digits.horizontalAdvance("26") <= slot * 0.85 else 2
        values = digits.horizontalAdvance("★255") <= slot
        painter.setFont(small)
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
            if i % every == 0:
                painter.drawText(QRectF(x - slot / 2, bottom + 2, slot * 2, line * 1.4),
                                 Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                                 str(channel))
            mark = "★" if recommended else ("▲" if self.result and self.result.busy(channel)
                                            else "")
            value = str(int(energy)) if self.result and values else ""
            painter.drawText(QRectF(x - slot / 2, rect.top() - line * 1.2, slot * 2, line * 1.1),
                             Qt.AlignmentFlag.AlignCenter, f"{mark}{value}")
        if self.hasFocus():
            painter.setPen(QPen(QColor(p.focus_ring), 4))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(self.rect().adjusted(2, 2, -2, -2))
        painter.end()
