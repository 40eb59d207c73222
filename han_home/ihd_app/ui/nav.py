"""Navigation: one checkable button per screen, keyboard reachable, wrapping into rows when
the text is large or Welsh (never cut off). A screen reader gets a page tab list: "Now,
page tab, selected" (shared.ui.roles)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QButtonGroup, QPushButton, QWidget

from han_home.ihd_app.settings import SCREENS
from han_home.ihd_app.ui.widgets.grid import ResponsiveGrid
from han_home.shared.i18n import _, pgettext
from han_home.shared.i18n.ihd_strings import screen_title, unread_messages
from han_home.shared.ui import roles


class NavBar(ResponsiveGrid):
    def __init__(self, on_select: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(0, max_columns=len(SCREENS), parent=parent)
        self.setObjectName("nav")
        roles.mark(self, "tablist")
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, QPushButton] = {}
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

    def render_view(self, unread: int) -> None:
        before = [b.text() for b in self.buttons.values()]
        self.setAccessibleName(_("Screens"))
        for key, button in self.buttons.items():
            title = screen_title(key)
            if key == "messages" and unread:
                # TRANSLATORS: a navigation button with the number of unread messages.
                button.setText(pgettext("nav", "%(screen)s (%(count)d)") % {
                    "screen": title, "count": unread})
                button.setAccessibleDescription(unread_messages(unread))
            else:
                button.setText(title)
                button.setAccessibleDescription(_("Show this screen"))
            button.setAccessibleName(title)
        if before != [b.text() for b in self.buttons.values()]:
            self.refresh()
