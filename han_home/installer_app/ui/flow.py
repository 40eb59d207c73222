"""A row of buttons that wraps onto further lines when it does not fit its width.

At 200 % text two or three buttons side by side ("Accept with this note", "Correct the
job instead") are wider than an 800 px window: in a QHBoxLayout they are squeezed and
their text is cut off. Here each button keeps its size hint and the row breaks between
buttons instead (after Qt's own flow-layout example), so nothing needs sideways scrolling.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QTextLayout, QTextOption
from PySide6.QtWidgets import QLayout, QLayoutItem, QPushButton, QSizePolicy, QWidget


class FlowRow(QLayout):
    def __init__(self, *widgets: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            self.addWidget(widget)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        """All on one line (what it asks for when there is room)."""
        shown = [i for i in self._items if not i.isEmpty()]
        spacing = self._spacing()
        width = sum(i.sizeHint().width() for i in shown) + spacing * max(0, len(shown) - 1)
        height = max((i.sizeHint().height() for i in shown), default=0)
        return QSize(width, height)

    def minimumSize(self) -> QSize:
        """As narrow as its widest button: the rest goes onto further lines."""
        size = QSize()
        for item in self._items:
            if not item.isEmpty():
                size = size.expandedTo(item.minimumSize()).expandedTo(
                    QSize(item.sizeHint().width(), 0))
        return size

    def _spacing(self) -> int:
        if self.spacing() >= 0:
            return self.spacing()
        parent = self.parentWidget()
        style = parent.style() if parent is not None else None
        if style is None:
            return 6
        return style.layoutSpacing(QSizePolicy.ControlType.PushButton,
                                   QSizePolicy.ControlType.PushButton, Qt.Orientation.Horizontal)

    def _arrange(self, rect: QRect, move: bool) -> int:
        """Place the items line by line; the height used."""
        spacing = self._spacing()
        x, y, line_height = rect.x(), rect.y(), 0
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            width = min(hint.width(), rect.width())
            if x > rect.x() and x + width > rect.right() + 1:
                x, y = rect.x(), y + line_height + spacing
                line_height = 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), QSize(width, hint.height())))
            x += width + spacing
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y()


def set_wrapped_text(button: QPushButton, text: str, width: int) -> None:
    """Give ``button`` ``text`` broken between words onto as many lines as it needs to be
    at most ``width`` px wide (a push button never wraps by itself: a sentence on one
    line, "Use 00:1b:… and open the window again", ran off an 800 px window at 200 %).
    Its accessible name stays the sentence on one line."""
    button.setText(text)
    button.setAccessibleName(text.replace("&", ""))
    padding = button.sizeHint().width() - button.fontMetrics().horizontalAdvance(
        text.replace("&", ""))
    room = width - padding
    if room <= 0 or button.sizeHint().width() <= width:
        return
    layout = QTextLayout(text, button.font())
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    layout.beginLayout()
    lines = []
    while (line := layout.createLine()).isValid():
        line.setLineWidth(room)
        lines.append(text[line.textStart():line.textStart() + line.textLength()].strip())
    layout.endLayout()
    button.setText("\n".join(lines))


__all__ = ["FlowRow", "set_wrapped_text"]
