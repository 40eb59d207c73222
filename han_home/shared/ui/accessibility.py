"""Accessibility helpers shared by both apps: names, throttled announcements, audits."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # QAccessible is imported when first used: its enums cost start-up time
    from PySide6.QtCore import QObject
    from PySide6.QtGui import QAccessible, QAccessibleInterface
    from PySide6.QtWidgets import QWidget


def set_accessible(widget: QWidget, name: str, description: str | None = None) -> None:
    """Name (and describe) a control; custom-painted widgets have no name otherwise."""
    widget.setAccessibleName(name)
    if description is not None:
        widget.setAccessibleDescription(description)


def name_scroll_bars(root: QWidget, name: str) -> None:
    """Name every scroll bar under ``root`` that has no name yet ("Scroll this page"):
    Qt leaves them unnamed and a screen reader says only "scroll bar"."""
    from PySide6.QtWidgets import QScrollBar

    for bar in root.findChildren(QScrollBar):
        if not bar.accessibleName() or bar.property("a11yAutoName"):
            bar.setAccessibleName(name)
            bar.setProperty("a11yAutoName", True)


class Announcer:
    """Sends screen-reader announcements, at most one per key per ``min_interval`` seconds.

    A power reading every 10 s must not be read out every 10 s; a warning (assertive)
    still goes out at once when its text changes.
    """

    def __init__(
        self, min_interval: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.min_interval = min_interval
        self._clock = clock
        self._last: dict[str, tuple[float, str]] = {}

    def announce(
        self, source: QObject, text: str, assertive: bool = False, key: str | None = None
    ) -> bool:
        """Announce ``text`` for ``source``; returns False when throttled."""
        k = key or text
        now = self._clock()
        previous = self._last.get(k)
        if previous is not None:
            when, last_text = previous
            changed_warning = assertive and last_text != text
            if now - when < self.min_interval and not changed_warning:
                return False
        self._last[k] = (now, text)
        from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent

        event = QAccessibleAnnouncementEvent(source, text)
        event.setPoliteness(
            QAccessible.AnnouncementPoliteness.Assertive
            if assertive
            else QAccessible.AnnouncementPoliteness.Polite
        )
        QAccessible.updateAccessibility(event)
        return True


@cache
def _interactive() -> frozenset[QAccessible.Role]:
    from PySide6.QtGui import QAccessible

    role = QAccessible.Role
    return frozenset({
        role.PushButton,
        role.CheckBox,
        role.RadioButton,
        role.ComboBox,
        role.EditableText,
        role.SpinBox,
        role.Slider,
        role.PageTab,
        role.ButtonMenu,
        role.Graphic,
        role.Chart,
    })


def unnamed_controls(root: QWidget) -> list[str]:
    """Interactive (or graphic/chart) accessibles under ``root`` that have no name.

    Works offscreen, so UI tests can fail on an unnamed control before a screen reader would.
    """
    from PySide6.QtGui import QAccessible

    found: list[str] = []
    interactive = _interactive()
    iface = QAccessible.queryAccessibleInterface(root)
    if iface is None:
        return found

    def walk(node: QAccessibleInterface, path: str) -> None:
        for i in range(node.childCount()):
            child = node.child(i)
            if child is None or not child.isValid():
                continue
            role = child.role()
            label = f"{path}/{role.name}[{i}]"
            if role in interactive and not child.text(QAccessible.Text.Name).strip():
                found.append(label)
            walk(child, label)

    walk(iface, root.objectName() or type(root).__name__)
    return found
