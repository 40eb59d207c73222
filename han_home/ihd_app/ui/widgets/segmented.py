"""A row of checkable buttons where exactly one is chosen (fuel, span, measure), wrapping
into more rows when the labels are long."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QButtonGroup, QPushButton, QWidget

from han_home.ihd_app.ui.widgets.grid import ResponsiveGrid


class Segmented(ResponsiveGrid):
    def __init__(self, keys: list[str], on_change: Callable[[str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(0, max_columns=len(keys), parent=parent)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, QPushButton] = {}
        self.value = keys[0]
        for key in keys:
            button = QPushButton()
            button.setCheckable(True)
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

    def set_texts(self, texts: dict[str, str], visible: set[str] | None = None) -> None:
        for key, button in self.buttons.items():
            button.setText(texts[key])
            button.setAccessibleName(texts[key])
            self.set_member_visible(button, visible is None or key in visible)
        self.refresh()
