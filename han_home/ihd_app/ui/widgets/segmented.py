"""A row of checkable buttons where exactly one is chosen (fuel, span, measure), wrapping
into more rows when the labels are long. A screen reader gets a named radio group
("Period, grouping; Last 8 days, radio button, checked": shared.ui.roles)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QButtonGroup, QPushButton, QWidget

from han_home.ihd_app.ui.widgets.grid import ResponsiveGrid
from han_home.shared.ui import roles


class Segmented(ResponsiveGrid):
    def __init__(self, keys: list[str], on_change: Callable[[str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(0, max_columns=len(keys), parent=parent)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        roles.mark(self, "radiogroup")
        self.buttons: dict[str, QPushButton] = {}
        self.value = keys[0]
        for key in keys:
            button = QPushButton()
            button.setCheckable(True)
            roles.mark(button, "radio")
            button.toggled.connect(lambda _on, b=button: roles.notify_selected(b, "radio"))
            button.clicked.connect(lambda _checked=False, k=key: self._choose(k, on_change))
            self.group.addButton(button)
            self.buttons[key] = button
        self.extend(list(self.buttons.values()))
        self.buttons[self.value].setChecked(True)

    def _choose(self, key: str, on_change: Callable[[str], None]) -> None:
        self.value = key
        on_change(key)

    def set_value(self, key: str) -> None:
        self.value = key
        self.buttons[key].setChecked(True)

    def set_texts(self, texts: dict[str, str], visible: set[str] | None = None,
                  group: str | None = None) -> None:
        """The buttons' texts, which are shown, and the group's name ("Fuel")."""
        if group is not None:
            self.setAccessibleName(group)
        for key, button in self.buttons.items():
            button.setText(texts[key])
            button.setAccessibleName(texts[key])
            self.set_member_visible(button, visible is None or key in visible)
        self.refresh()
