"""Accessible roles Qt does not give our widgets by itself, through one accessibility factory.

Qt exposes every checkable QPushButton as a check box ("Now, check box, checked"). The
display's navigation is really a tab list and its segmented choices radio groups, so those
buttons, and their containers, carry a ``a11yRole`` property that this factory reads:

* ``tab`` / ``tablist``: a page tab (selected while checked) in a page tab list;
* ``radio`` / ``radiogroup``: a radio button (checked) in a named grouping;
* ``chart``: a painted chart (name and description set by the widget).

Widgets mark themselves with :func:`mark`; :func:`install` (idempotent) must run before the
first window is shown, because Qt caches each widget's interface when it first makes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtCore import QObject
    from PySide6.QtGui import QAccessibleInterface
    from PySide6.QtWidgets import QAbstractButton, QWidget

PROPERTY = "a11yRole"
_installed = False


def mark(widget: QWidget, role: str) -> None:
    """Give ``widget`` one of the roles above (before it is first shown)."""
    widget.setProperty(PROPERTY, role)


def install() -> None:
    global _installed
    if _installed:
        return
    from PySide6.QtGui import QAccessible

    QAccessible.installFactory(_factory)
    _installed = True


def _factory(_class_name: str, obj: QObject) -> QAccessibleInterface | None:
    from PySide6.QtWidgets import QAbstractButton, QWidget

    if not isinstance(obj, QWidget):
        return None
    role = obj.property(PROPERTY)
    if not role:
        return None
    iface: Any
    if role in ("tab", "radio") and isinstance(obj, QAbstractButton):
        iface = _button_class()(obj, role)
    elif role in ("tablist", "radiogroup", "chart"):
        iface = _container_class()(obj, role)
    else:
        return None
    # Qt owns the interface (its cache deletes it with the widget); keep the Python side
    # alive as long as the widget so PySide never collects it under Qt.
    obj.__dict__["_a11y_iface"] = iface
    return iface  # type: ignore[no-any-return]


_classes: dict[str, type] = {}


def _container_class() -> type:
    if "container" not in _classes:
        from PySide6.QtGui import QAccessible
        from PySide6.QtWidgets import QAccessibleWidget

        roles = {"tablist": QAccessible.Role.PageTabList,
                 "radiogroup": QAccessible.Role.Grouping,
                 "chart": QAccessible.Role.Chart}

        class ContainerAccessible(QAccessibleWidget):
            def __init__(self, widget: QWidget, role: str) -> None:
                super().__init__(widget, roles[role])

        _classes["container"] = ContainerAccessible
    return _classes["container"]


def _button_class() -> type:
    if "button" not in _classes:
        from PySide6.QtGui import QAccessible, QAccessibleActionInterface
        from PySide6.QtWidgets import QAccessibleWidget

        press = QAccessibleActionInterface.pressAction()
        roles = {"tab": QAccessible.Role.PageTab, "radio": QAccessible.Role.RadioButton}

        class ButtonAccessible(QAccessibleWidget):
            """A checkable button read as a tab (selected) or a radio button (checked)."""

            def __init__(self, widget: QAbstractButton, role: str) -> None:
                super().__init__(widget, roles[role])
                self._tab = role == "tab"

            def _button(self) -> QAbstractButton:
                button: QAbstractButton = self.widget()  # type: ignore[assignment]
                return button

            def state(self) -> QAccessible.State:
                state = super().state()
                checked = self._button().isChecked()
                if self._tab:
                    state.selectable = True
                    state.selected = checked
                else:
                    state.checkable = True
                    state.checked = checked
                return state

            def text(self, kind: QAccessible.Text) -> str:
                if kind == QAccessible.Text.Name:
                    button = self._button()
                    return button.accessibleName() or button.text().replace("&", "")
                return str(super().text(kind))

            def actionNames(self) -> list[str]:
                names = list(super().actionNames())
                return [press, *names] if self._button().isEnabled() else names

            def doAction(self, name: str) -> None:
                if name == press:
                    self._button().click()
                else:
                    super().doAction(name)

        _classes["button"] = ButtonAccessible
    return _classes["button"]


def notify_selected(button: QAbstractButton, role: str) -> None:
    """Tell a screen reader a tab's selected (or a radio's checked) state changed: Qt sends
    only "checked" for a push button, which a tab does not have."""
    from PySide6.QtGui import QAccessible, QAccessibleStateChangeEvent

    if not QAccessible.isActive():
        return
    changed = QAccessible.State()
    if role == "tab":
        changed.selected = True
    else:
        changed.checked = True
    QAccessible.updateAccessibility(QAccessibleStateChangeEvent(button, changed))
