"""Settings' "Changes to your meter": what the meter accepted, when and by whom.

Only changes the meter applied and signed for reach this list (``ihd_app/changes.py``);
the newest first, at most ``SHOWN``.
"""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from han_home.ihd_app.ui.widgets.common import label
from han_home.shared.i18n import _

SHOWN = 5


class ChangesPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("changes-panel")
        self.heading = label("heading")
        self.lines = [label() for _i in range(SHOWN)]
        self.empty = label()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.heading, self.empty, *self.lines):
            layout.addWidget(widget)

    def show_changes(self, changes: object) -> None:
        from han_home.ihd_app.changes import describe, when

        notices = list(getattr(changes, "notices", []))[:SHOWN]
        self.heading.setText(_("Changes to your meter"))
        self.empty.setText(_("No changes yet: a change appears here once the meter has "
                             "accepted it."))
        self.empty.setVisible(not notices)
        for line, notice in zip(self.lines, [*notices, *[None] * SHOWN], strict=False):
            line.setVisible(notice is not None)
            if notice is not None:
                line.setText(f"{when(notice)}: {describe(notice)}")
