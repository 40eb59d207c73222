"""A screen: a vertical scroll area (text at 200 % on 800x480 needs it) that re-renders all
its text from the model and the current language whenever ``render()`` is called."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from han_home.ihd_app.ui.context import UiContext
from han_home.ihd_app.ui.widgets.grid import ResponsiveGrid
from han_home.ihd_app.ui.widgets.qt_values import FOCUS_STRONG, SCROLL_BAR_ALWAYS_OFF
from han_home.shared.i18n import _

TILE_MIN_PX = 230  # a tile's narrowest column at 100 % text
# Touch scrolling is set up this long after a screen is built: the first viewport() call
# in a process costs ~8 ms of PySide6 type look-ups that the first frame need not wait for.
TOUCH_SETUP_MS = 250


class Screen(QScrollArea):
    key = ""
    # model sections ('now', 'usage', ...) that make this screen re-render
    sections: frozenset[str] = frozenset()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName(f"screen-{self.key}")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setProperty("horizontalScrollBarPolicy", SCROLL_BAR_ALWAYS_OFF)  # qt_values.py
        self.body = QWidget()
        self.body.setObjectName(f"body-{self.key}")
        self.column = QVBoxLayout(self.body)
        self.column.setContentsMargins(8, 8, 8, 8)
        self.column.setSpacing(10)
        self.setWidget(self.body)
        # Touch: drag to scroll (just after the first frame). Keyboard: the screen takes
        # focus so arrows / Page Down scroll content with no focusable control (tiles) at
        # 200 % text.
        QTimer.singleShot(TOUCH_SETUP_MS, self, self._grab_touch)
        self.setProperty("focusPolicy", FOCUS_STRONG)
        self.grids: list[ResponsiveGrid] = []  # tile grids whose column width follows text size
        self._set_up = False  # touch scrolling and the scroll bar's name (after the first frame)

    def _grab_touch(self) -> None:
        from PySide6.QtWidgets import QScroller  # its type and enums: not for the first frame

        QScroller.grabGesture(self.viewport_widget(),
                              QScroller.ScrollerGestureType.TouchGesture)
        self._set_up = True
        self.name_scroll_bar()

    def viewport_widget(self) -> QWidget:
        """viewport(), first reached as the scroll area's child of that object name: the
        first viewport() call in a process has PySide6 look the widget's type up among all
        of QtWidgets' classes, creating ~80 of their enum types on the way (~1 MiB the
        display then keeps, ~8 ms); found as a child it is wrapped as the plain QWidget it
        is, and viewport() returns that wrapper from then on."""
        found = self.findChild(QWidget, "qt_scrollarea_viewport")
        if found is not None and found.parentWidget() is self:
            return found
        return self.viewport()

    def name_scroll_bar(self) -> None:
        """A screen reader says "Scroll this screen, scroll bar", not just "scroll bar"
        (again after a language switch; nothing to do before the screen is set up)."""
        if self._set_up:
            self.verticalScrollBar().setAccessibleName(_("Scroll this screen"))

    def tile_grid(self, max_columns: int = 4) -> ResponsiveGrid:
        grid = ResponsiveGrid(self._tile_px(), max_columns)
        self.grids.append(grid)
        return grid

    def _tile_px(self) -> int:
        return int(TILE_MIN_PX * self.ctx.settings.text_scale)

    def rescale(self) -> None:
        """After the text size or style changed (and once styled): tile grids take the new
        column width, and every grid measures its members again (a button row's widths
        are kept between resizes)."""
        for grid in self.grids:
            grid.min_column_px = self._tile_px()
        for grid in self.body.findChildren(ResponsiveGrid):
            grid.refresh()

    def render_view(self) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Call at the end of a subclass __init__: push the content to the top."""
        self.column.addStretch(1)
