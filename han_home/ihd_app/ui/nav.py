"""Navigation: one checkable button per screen, keyboard reachable, always one row.

Each button shows its screen's icon and name while all six fit the width; when they do not
(200 % text, or Welsh names) the row first drops the icons, then the names: icons only,
with the name as the button's accessible name and tooltip (and the unread count beside the
envelope). It never wraps into a second row, which at 200 % on 800x480 took a third of the
height from the screen above. A screen reader gets a page tab list: "Now, page tab,
selected" (shared.ui.roles), whatever the buttons show."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QButtonGroup, QPushButton, QWidget

from han_home.ihd_app.settings import SCREENS
from han_home.ihd_app.ui.widgets.grid import ResponsiveGrid
from han_home.shared.i18n import _, pgettext
from han_home.shared.i18n.ihd_strings import screen_title, unread_messages
from han_home.shared.ui import roles

if TYPE_CHECKING:  # an annotation only: importing it creates QEvent's enums at start-up
    from PySide6.QtGui import QResizeEvent

# What the buttons show, most first: the first mode whose six buttons fit one row is used.
MODES = ("icon+label", "label", "icon")
ICON_PX = 24  # at 100 % text, like the header's speaker
ICON_GAP = 4  # Qt's gap between a push button's icon and its text


class NavBar(ResponsiveGrid):
    def __init__(self, on_select: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(0, max_columns=len(SCREENS), parent=parent)
        self.setObjectName("nav")
        roles.mark(self, "tablist")
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, QPushButton] = {}
        self.mode = "label"  # until the width is known
        self._labels: dict[str, str] = {}  # what each button says in words
        self._counts: dict[str, str] = {}  # the unread count shown beside an icon
        self._icon_px = ICON_PX
        self._colours: tuple[str, str] = ("", "")  # (off, selected) icon colours
        self._icons: dict[str, QIcon] = {}  # painted when first shown (not at 100 % on 800)
        self._hints: dict[tuple[int, str, bool], int] = {}  # widths measured, until refresh
        self._sized = False  # given a width by the window's layout (first resizeEvent)
        for key in SCREENS:
            button = QPushButton()
            button.setObjectName(f"nav-{key}")
            button.setCheckable(True)
            button.setProperty("role", "nav")
            roles.mark(button, "tab")
            button.toggled.connect(lambda _on, b=button: roles.notify_selected(b, "tab"))
            button.clicked.connect(lambda _checked=False, k=key: on_select(k))
            self.group.addButton(button)
            self.buttons[key] = button
        self.extend(list(self.buttons.values()))

    def select(self, key: str) -> None:
        self.buttons[key].setChecked(True)

    def set_look(self, text_scale: float, colour: str, checked_colour: str) -> None:
        """Icons in the theme's colours at the text size (call on every settings change)."""
        self._icon_px = round(ICON_PX * text_scale)
        self._colours = (colour, checked_colour)
        self._icons = {}
        for button in self.buttons.values():
            button.setIconSize(QSize(self._icon_px, self._icon_px))
        self._show(self.mode)
        self.refresh()

    def render_view(self, unread: int) -> None:
        self.setAccessibleName(_("Screens"))
        for key, button in self.buttons.items():
            title = screen_title(key)
            if key == "messages" and unread:
                # TRANSLATORS: a navigation button with the number of unread messages.
                self._labels[key] = pgettext("nav", "%(screen)s (%(count)d)") % {
                    "screen": title, "count": unread}
                self._counts[key] = str(unread)
                button.setAccessibleDescription(unread_messages(unread))
            else:
                self._labels[key] = title
                self._counts.pop(key, None)
                button.setAccessibleDescription(_("Show this screen"))
            button.setAccessibleName(title)  # in every mode: the name is never an icon
        self._texts_changed()

    def _texts_changed(self) -> None:
        """Re-choose and re-place for new texts in the same look: a width measured for a
        text (with or without an icon) stays true until set_look() changes fonts or icons."""
        self._measured = None
        self._columns = 0
        self.relayout()

    # ---- one row, whatever the text size and language ------------------------------
    def _text(self, key: str, mode: str) -> str:
        if mode == "icon":
            return self._counts.get(key, "")
        return self._labels.get(key, "")

    def _widths(self) -> list[int]:
        # the buttons as _show() left them: the widths _fits() measured for this mode
        if not self._labels or not self._sized:
            return [0] * len(self.buttons)  # nothing worth measuring yet (see relayout)
        icon = self.mode != "label"
        return [self._hint_width(b, self._text(k, self.mode), icon)
                for k, b in self.buttons.items()]

    def forget_widths(self) -> None:
        super().forget_widths()
        self._hints = {}

    def _hint_width(self, button: QPushButton, text: str, icon: bool) -> int:
        key = (id(button), text, icon)
        if key not in self._hints:
            self._hints[key] = self._measure(button, text, icon)
        return self._hints[key]

    def _measure(self, button: QPushButton, text: str, icon: bool) -> int:
        """The width QPushButton.sizeHint() gives with this text and an icon of the current
        size: asked of the button itself, so the style's own sum (padding, minimum width)
        is used; asking the style directly would load QStyle's Python enums before the
        first frame. Text and icon are put back."""
        old_text, old_icon = button.text(), button.icon()
        button.setText(text)
        button.setIcon(self._icon_placeholder() if icon else QIcon())
        width = button.sizeHint().width()
        button.setText(old_text)
        button.setIcon(old_icon)
        return max(width, button.minimumWidth())

    def _icon_placeholder(self) -> QIcon:
        """An icon of the current size, for measuring (the real ones are painted only when
        a mode shows them)."""
        key = f"placeholder:{self._icon_px}"
        if key not in self._icons:
            self._icons[key] = QIcon(QPixmap(self._icon_px, self._icon_px))
        return self._icons[key]

    def _fits(self, mode: str, width: int) -> bool:
        icon = mode != "label"
        need = sum(self._hint_width(b, self._text(k, mode), icon)
                   for k, b in self.buttons.items())
        return need + self._grid.spacing() * (len(self.buttons) - 1) <= width

    def _choose(self, width: int) -> str:
        if not self._labels or not self._colours[0]:
            return "label"  # no texts or icons yet: nothing to measure
        return next((m for m in MODES[:-1] if self._fits(m, width)), MODES[-1])

    def _show(self, mode: str) -> None:
        self.mode = mode
        for key, button in self.buttons.items():
            button.setText(self._text(key, mode))
            # icons only: the name shows on hover (a mouse or stylus), and is read out
            button.setToolTip(self._labels.get(key, "") if mode == "icon" else "")
            button.setIcon(self._icon(key) if mode != "label" else QIcon())

    def _icon(self, key: str) -> QIcon:
        if key not in self._icons:
            from han_home.ihd_app.ui.nav_icons import screen_icon

            self._icons[key] = screen_icon(key, *self._colours, self._icon_px)
        return self._icons[key]

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._sized = True
        super().resizeEvent(event)

    def relayout(self) -> None:
        if not self._sized:
            # not laid out yet: its width is Qt's default for a child (100 px), and
            # choosing a mode for it would measure every button twice for nothing
            super().relayout()
            return
        mode = self._choose(self.width())
        shown = [b.text() for b in self.buttons.values()]
        if mode != self.mode or shown != [self._text(k, mode) for k in self.buttons]:
            self._show(mode)
            self._measured = None  # the buttons' texts changed: measure them again
            self._columns = 0  # new widths: re-place even if the column count is the same
        super().relayout()
