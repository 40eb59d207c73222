"""Read aloud: the screen's screen-reader summary (the names and descriptions Orca would
read, in order), its figures turned into words for the current language, said through the
platform's speech service; and the optional spoken alerts (low credit, high use)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from han_home.shared.i18n import _, current_language
from han_home.shared.i18n import ihd_strings as s
from han_home.shared.ui.speech import Speaker

if TYPE_CHECKING:
    from PySide6.QtGui import QAccessibleInterface
    from PySide6.QtWidgets import QWidget

HIGH_USE_REPEAT = timedelta(minutes=15)  # a kettle boiling twice must not nag


def accessible_summary(roots: list[QWidget]) -> str:
    """What a screen reader reads of ``roots``: each label's text; for a named and
    described group (a value tile, a chart) "name: description", not its parts again.
    Controls (buttons, choices, scroll bars, tables) are left out: they are not content."""
    from PySide6.QtGui import QAccessible

    role = QAccessible.Role
    skip = {role.PushButton, role.RadioButton, role.CheckBox, role.PageTab, role.SpinBox,
            role.ScrollBar, role.Table, role.ComboBox, role.PageTabList, role.Grouping}
    parts: list[str] = []

    def walk(node: QAccessibleInterface) -> None:
        for i in range(node.childCount()):
            child = node.child(i)
            if child is None or not child.isValid() or child.state().invisible:
                continue
            kind = child.role()
            if kind in skip:
                continue
            name = child.text(QAccessible.Text.Name).strip()
            description = child.text(QAccessible.Text.Description).strip()
            if kind == role.StaticText:
                if name:
                    parts.append(name)
            elif name and description:
                parts.append(f"{name}: {description}")
                continue
            walk(child)

    for root in roots:
        iface = QAccessible.queryAccessibleInterface(root)
        if iface is not None:
            if iface.role() == role.StaticText:
                parts.append(iface.text(QAccessible.Text.Name).strip())
            else:
                walk(iface)
    return " ".join(p if p.endswith((".", "!", "?", ":")) else p + "." for p in parts if p)


class ReadAloud:
    """Speaks screens and alerts in the display's current language."""

    def __init__(self, speaker: Speaker | None = None) -> None:
        self.speaker = speaker or Speaker()
        self._alert_state = {"low": False, "high": False}
        self._last_high: datetime | None = None

    def say(self, text: str) -> bool:
        # num2words and the Welsh mutations load when something is first said, not at start
        from han_home.shared.i18n.spoken import for_ear

        language = current_language()
        return self.speaker.say(for_ear(text, language), language)

    def read(self, roots: list[QWidget]) -> bool:
        return self.say(accessible_summary(roots))

    def alerts(self, low_credit: bool, high_use: bool, now: datetime, enabled: bool) -> None:
        """Say an alert when it begins (credit turning low, use turning high), if the
        occupier chose spoken alerts; high use again only after HIGH_USE_REPEAT."""
        was = dict(self._alert_state)
        self._alert_state = {"low": low_credit, "high": high_use}
        if not enabled:
            return
        if low_credit and not was["low"]:
            self.say(_(s.LOW_CREDIT_ALERT))
        if high_use and not was["high"] and (
                self._last_high is None or now - self._last_high >= HIGH_USE_REPEAT):
            self._last_high = now
            self.say(_("Usage is high right now: you are using a lot of electricity."))
