"""The Credit screen's list of top-ups: every one the meter applied (amount, when, who made
it), newest first. A short list (``SHOWN``) with "Show all" when there are more, so it sits
below the days-left figure without pushing anything above it."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from han_home.ihd_app.ui import text as t
from han_home.ihd_app.ui.widgets.common import label
from han_home.shared.i18n import N_, _, ngettext
from han_home.shared.i18n.formatting import format_date_long, format_time
from han_home.shared.store.history import StoredTopUp

SHOWN = 3


def describe_top_up(top_up: StoredTopUp) -> str:
    """e.g. "£20.00 on 1 December 2026 at 14:05, by your energy supplier": only what the
    meter's signed answer and the signer's certificate say (one line at 800x480; the
    organisation is in the row's accessible description and in Settings' changes)."""
    from han_home.ihd_app.changes import LONDON, WHO  # with the HAN, not the first frame

    return _("%(amount)s on %(date)s at %(time)s, by %(who)s") % {
        "amount": t.money(top_up.amount_gbp),
        "date": format_date_long(top_up.applied_at.astimezone(LONDON).date()),
        "time": format_time(top_up.applied_at),
        "who": _(WHO.get(top_up.role, N_("someone with a certificate")))}


class TopUpList(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("top-ups")
        self.heading = label("heading")
        self.empty = label("muted")
        self.rows: list[QLabel] = []
        self.more = QPushButton()
        self.more.setObjectName("top-ups-show-all")
        self.more.clicked.connect(self._toggle)
        self.expanded = False
        self._top_ups: list[StoredTopUp] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.heading, self.empty, self.more):
            self._layout.addWidget(widget)

    def show_top_ups(self, top_ups: Sequence[StoredTopUp]) -> None:
        self._top_ups = list(top_ups)
        if len(self._top_ups) <= SHOWN:
            self.expanded = False
        self.heading.setText(_("Top-ups"))
        self.heading.setAccessibleName(_("Top-ups"))
        self.empty.setText(_("No top-ups yet: each top-up appears here once the meter has "
                             "added it to your credit."))
        self.empty.setVisible(not self._top_ups)
        shown = self._top_ups if self.expanded else self._top_ups[:SHOWN]
        while len(self.rows) < len(shown):  # rows are made once and reused
            row = label()
            row.setObjectName("top-up")
            self._layout.insertWidget(2 + len(self.rows), row)
            self.rows.append(row)
        for index, row in enumerate(self.rows):
            row.setVisible(index < len(shown))
            if index < len(shown):
                text = describe_top_up(shown[index])
                row.setText(text)
                row.setAccessibleName(_("Top-up: %(top_up)s") % {"top_up": text})
                row.setAccessibleDescription(shown[index].organisation)
        n = len(self._top_ups)
        self.more.setVisible(n > SHOWN)
        if self.expanded:
            self.more.setText(_("Show fewer"))
            self.more.setAccessibleName(_("Show only the latest top-ups"))
        else:
            self.more.setText(_("Show all"))
            self.more.setAccessibleName(ngettext("Show all %(n)d top-up",
                                                 "Show all %(n)d top-ups", n) % {"n": n})

    def _toggle(self) -> None:
        self.expanded = not self.expanded
        self.show_top_ups(self._top_ups)
