"""A bar chart painted by hand: one bar per period, a label under each (two lines when the
day had 23 or 25 hours), a value axis with its unit.

What is known is drawn as such: a partial period (today, a week with days missing) is
striped, a period with no data is a dashed outline (never a zero bar), cheaper-rate
half-hours sit on a shaded band. A tap, or Left/Right with focus, picks a bar and the
top line says its value (and the accessible description leads with it).

Screen readers get the chart's name and a description listing every bar's value. Bar and
axis colours come from the theme, chosen for >= 3:1 contrast (WCAG 1.4.11).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
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
    kind: str = "full"  # full | partial | none (no data) | future (not yet)
    shaded: bool = False  # a cheaper-rate half-hour
    label_span: int = 1  # slots the label may use (half-hour bars label every few hours)
    period: str = ""  # the period in full, for the table ("Tuesday, 24 November 2026")


KEY_LEFT, KEY_RIGHT = 0x01000012, 0x01000014  # Qt.Key values (see qt_values.py)
TOP_TEXT_FLAGS = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
                     | Qt.TextFlag.TextWordWrap)
BESIDE_FLAGS = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
                   | Qt.TextFlag.TextWordWrap)  # level with the button


@dataclass(frozen=True)
class PaintedText:
    """A text the last paint drew: the box it was given and the box its glyphs need. Painted
    text is no widget a layout check can see, so the chart keeps these for tests."""
    text: str
    box: QRectF
    needed: QRectF


class BarChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[Bar] = []
        self.scale_text = ""
        self.bar_colour = QColor(NORMAL.palette.chart_electricity)
        self.text_colour = QColor(NORMAL.palette.text)
        self.axis_colour = QColor(NORMAL.palette.control_border)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.axis_top: tuple[Decimal, str] | None = None  # (value, its text with unit)
        self.shade_colour = QColor(NORMAL.palette.control_border)
        self.selected: int | None = None
        self.description_head = ""
        self.painted: list[PaintedText] = []  # filled by each paint
        self._header_px = 0  # the header height the layout last heard of
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # values on keyboard focus
        roles.mark(self, "chart")
        # "Show as table": the bars as a table of period and value a screen reader can walk
        self.view = TableToggle(self)

    def showing_table(self) -> bool:
        return self.view.showing_table()

    def resizeEvent(self, event: object) -> None:
        self.view.place()
        self._refit()

    def set_bars(self, name: str, bars: list[Bar], scale_text: str, description_head: str,
                 bar_colour: str, text_colour: str, axis_colour: str) -> None:
        self.bars, self.scale_text = bars, scale_text
        self.bar_colour, self.text_colour = QColor(bar_colour), QColor(text_colour)
        self.axis_colour = QColor(axis_colour)
        self.setAccessibleName(name)
        self.description_head = description_head
        if self.selected is not None and self.selected >= len(bars):
            self.selected = None
        self._describe()
        self.view.set_rows(name, (_("Period"), _("Value")),
                           [(b.period or b.label, b.value_text) for b in bars])
        self._header_px = self.header_height()
        self.updateGeometry()
        self.update()

    def set_axis(self, top: Decimal, text: str, shade_colour: str) -> None:
        """The value at the top of the axis and its text with the unit ("2.00 kWh")."""
        self.axis_top = (top, text)
        self.shade_colour = QColor(shade_colour)
        self.update()

    def _describe(self) -> None:
        chosen = [self.bars[self.selected].spoken] if self.selected is not None else []
        self.setAccessibleDescription(" ".join([*chosen, self.description_head,
                                                *(b.spoken for b in self.bars)]))

    def select(self, index: int | None) -> None:
        """Pick a bar (tap, arrow keys): the top line shows its value."""
        if index is not None and not 0 <= index < len(self.bars):
            return
        self.selected = index
        self._describe()
        self.update()

    def selected_text(self) -> str:
        return self.bars[self.selected].spoken if self.selected is not None else ""

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        step = {KEY_LEFT: -1, KEY_RIGHT: 1}.get(event.key())
        if step is None or not self.bars:
            super().keyPressEvent(event)
            return
        last = max((i for i, b in enumerate(self.bars) if b.kind != "future"), default=0)
        current = self.selected if self.selected is not None else last + (1 if step < 0 else 0)
        self.select(max(0, min(last, current + step)))
        event.accept()

    def focusInEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if self.selected is None and self.bars:
            known = [i for i, b in enumerate(self.bars) if b.kind != "future"]
            self.select(known[-1] if known else 0)
        super().focusInEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        x = event.position().x() - self._left()
        if x >= 0 and self.bars:
            self.select(min(len(self.bars) - 1, int(x / self._slot_width())))
        super().mouseReleaseEvent(event)

    def _left(self) -> float:
        """Room for the axis labels left of the bars."""
        if self.axis_top is None:
            return PAD
        return PAD + self.fontMetrics().horizontalAdvance(self.axis_top[1]) + PAD

    def label_lines(self) -> list[list[str]]:
        """Each bar's label lines: one line if every label fits its slot, else split at
        spaces ("Sun" / "25") so large text stays large (WCAG 1.4.4), then the note."""
        metrics, slot = self.fontMetrics(), self._slot_width()
        fits = all(metrics.horizontalAdvance(b.label) <= slot * b.label_span - 2
                   for b in self.bars)
        lines = [[b.label] if fits else b.label.split(" ") for b in self.bars]
        return [parts + ([b.note] if b.note else []) for parts, b in zip(lines, self.bars,
                                                                       strict=True)]

    def label_font(self, lines: list[list[str]]) -> QFont:
        """The widget font, shrunk only if a label line still does not fit (never below 9 px)."""
        font = QFont(self.font())
        slot = self._slot_width()
        size = font.pixelSize() if font.pixelSize() > 0 else int(font.pointSizeF() * 4 / 3)
        texts = [(text, b.label_span) for bar, b in zip(lines, self.bars, strict=True)
                 for text in bar]
        while size > 9:
            font.setPixelSize(size)
            metrics = QFontMetrics(font)
            if all(metrics.horizontalAdvance(text) <= slot * span - 2 for text, span in texts):
                break
            size -= 1
        font.setPixelSize(size)
        return font

    def _slot_width(self) -> float:
        return (self.width() - self._left() - PAD) / max(1, len(self.bars))

    def top_text_box(self) -> tuple[QRectF, int]:
        """Where the hint or a picked bar's value goes, and how it is aligned: beside the
        "Show as table" button when every text it can show fits there within the button's
        height (two lines at 100 %), else wrapped on lines of their own below the button,
        across the chart (Welsh; 200 % text). The box fits the longest of them, so the
        bars do not move when a tap changes the text."""
        metrics = self.fontMetrics()
        button = self.view.button.geometry()
        texts = [self.scale_text, *(b.spoken for b in self.bars if b.spoken)]

        def needed(text: str, width: int) -> QRect:
            return metrics.boundingRect(QRect(0, 0, width, 100000), TOP_TEXT_FLAGS, text)

        beside = max(1, button.left() - 2 * PAD)
        room = max(metrics.height(), button.height())
        if all(needed(t, beside).height() <= room and needed(t, beside).width() <= beside
               for t in texts):
            return QRectF(PAD, PAD, beside, room), BESIDE_FLAGS
        width = max(1, self.width() - 2 * PAD)
        height = max(needed(text, width).height() for text in texts)
        return QRectF(PAD, button.bottom() + 1 + PAD, width, height), TOP_TEXT_FLAGS

    def header_height(self) -> int:
        """The chart's top: the table button and the hint (or picked value)."""
        return max(self.view.reserved_height(), int(self.top_text_box()[0].bottom()) + PAD)

    def _refit(self) -> None:
        # the hint's lines depend on the width and the texts: a new height for the layout
        height = self.header_height()
        if height != self._header_px:
            self._header_px = height
            self.updateGeometry()

    def sizeHint(self) -> QSize:
        line = self.fontMetrics().height()
        return QSize(400, line * 12 + self.header_height())

    def minimumSizeHint(self) -> QSize:
        line = self.fontMetrics().height()
        return QSize(200, line * 7 + self.header_height())

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.showing_table():
            return  # the table covers the chart
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.painted = []
        scale_line = self.fontMetrics().height()
        lines = self.label_lines()
        font = self.label_font(lines)
        line = QFontMetrics(font).height()
        rows = max((len(bar) for bar in lines), default=1)
        # room for the top line (the hint, or the picked value), then the axis's top label
        box, flags = self.top_text_box()
        top = box.bottom() + PAD + (scale_line // 2 if self.axis_top else 0)
        bottom = self.height() - PAD - rows * line - PAD
        left = self._left()
        painter.setPen(self.text_colour)
        self._draw_text(painter, box, flags, self.selected_text() or self.scale_text)
        highest = max((b.value for b in self.bars), default=Decimal(0))
        if self.axis_top is not None:
            highest = max(highest, self.axis_top[0])
            self._draw_text(painter, QRectF(PAD, top - scale_line / 2, left - 2 * PAD,
                                            scale_line),
                            int(Qt.AlignmentFlag.AlignRight), self.axis_top[1])
            self._draw_text(painter, QRectF(PAD, bottom - scale_line / 2, left - 2 * PAD,
                                            scale_line),
                            int(Qt.AlignmentFlag.AlignRight), "0")
            painter.setPen(QPen(self.axis_colour, 1, Qt.PenStyle.DotLine))
            painter.drawLine(int(left), int(top), self.width() - PAD, int(top))
        slot = self._slot_width()
        shade = QColor(self.shade_colour)
        shade.setAlpha(60)
        for index, bar in enumerate(self.bars):
            if bar.shaded:  # a cheaper-rate half-hour: a band behind it
                painter.fillRect(QRectF(left + index * slot, top, slot + 0.5, bottom - top),
                                 shade)
        painter.setPen(QPen(self.axis_colour, 2))
        painter.drawLine(int(left), int(bottom), self.width() - PAD, int(bottom))
        painter.drawLine(int(left), int(top), int(left), int(bottom))
        painter.setFont(font)
        stub = max(4.0, line / 2)
        for index, bar in enumerate(self.bars):
            x = left + index * slot
            box = QRectF(x + slot * 0.15, 0, slot * 0.7, 0)
            if bar.kind == "none":  # no data: a dashed outline, never a zero bar
                painter.setPen(QPen(self.axis_colour, 1.5, Qt.PenStyle.DashLine))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(QRectF(box.left(), bottom - stub, box.width(), stub))
            elif highest > 0 and bar.value > 0 and bar.kind != "future":
                height = float(bar.value / highest) * (bottom - top)
                rect = QRectF(box.left(), bottom - height, box.width(), height)
                if bar.kind == "partial":  # part of the period: striped, outlined
                    painter.setPen(QPen(self.bar_colour, 2))
                    painter.setBrush(QBrush(self.bar_colour, Qt.BrushStyle.BDiagPattern))
                    painter.drawRect(rect)
                else:
                    painter.fillRect(rect, self.bar_colour)
            if index == self.selected:
                painter.setPen(QPen(self.text_colour, 2))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(QRectF(x + 1, top, slot - 2, bottom - top))
            painter.setPen(self.text_colour)
            width = min(slot * bar.label_span, self.width() - PAD - x)  # never off the edge
            for row, text in enumerate(lines[index]):
                if not text:
                    continue
                align = Qt.AlignmentFlag.AlignHCenter if bar.label_span == 1 else \
                    Qt.AlignmentFlag.AlignLeft
                self._draw_text(painter, QRectF(x, bottom + PAD + row * line, width, line),
                                int(align), text)
        painter.end()

    def _draw_text(self, painter: QPainter, box: QRectF, flags: int, text: str) -> None:
        """Draw ``text`` in ``box`` and keep what it needed (Qt draws past a box too small)."""
        needed = painter.boundingRect(box, flags, text)
        painter.drawText(box, flags, text)
        self.painted.append(PaintedText(text, box, needed))
