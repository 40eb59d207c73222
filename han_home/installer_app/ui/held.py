"""The Verify page's held guards: each with its reason and the engineer's two choices.

Accept it (a short note is required; decisions.py turns it into a warning naming the
note, so the job is at best Pass with warnings) or correct the job (the Pair page when a
near-miss correction is on offer, else the Devices page). A reason decisions.py does not
hold, a meter of other premises above all, is never offered an accept button.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtWidgets import QLineEdit, QPushButton, QVBoxLayout, QWidget

from han_home.installer_app.decisions import NOTE_MAX, DecisionError, acceptable, take
from han_home.installer_app.ui.controller import Controller
from han_home.installer_app.ui.flow import FlowRow
from han_home.installer_app.ui.widgets import label
from han_home.installer_app.verdict import Reason
from han_home.installer_app.verdict_texts import guard_name
from han_home.shared.i18n import _
from han_home.shared.ui.accessibility import Announcer


def held_reasons(reasons: list[Reason]) -> list[Reason]:
    """The reasons waiting for the engineer's decision (held, not yet accepted)."""
    return [r for r in reasons if acceptable(r) and "accepted_note" not in r.params]


def decision_eui(reason: Reason) -> str:
    # two of a kind names no one device: the decision is taken on the last one to join
    return reason.eui64 or str(list(reason.params.get("eui64s", [""]))[-1])


class HeldRow(QWidget):
    def __init__(self, ctl: Controller, announcer: Announcer, reason: Reason) -> None:
        super().__init__()
        self.ctl, self.announcer, self.reason = ctl, announcer, reason
        self.code, self.eui64 = reason.code, decision_eui(reason)
        self.setObjectName(f"held-{self.code}-{self.eui64}")
        self.text = label("warning")
        self.note = QLineEdit()
        self.note.setMaxLength(NOTE_MAX)
        self.accept = QPushButton()
        self.accept.clicked.connect(self._accept)
        self.note.returnPressed.connect(self._accept)
        self.correct = QPushButton()
        self.correct.clicked.connect(self._correct)
        self.error = label("error")
        self.error.setVisible(False)
        # the note on a line of its own: beside the buttons, Welsh at 150 % cut its hint
        row = FlowRow(self.accept, self.correct)  # one under the other when they must
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.text)
        box.addWidget(self.note)
        box.addLayout(row)
        box.addWidget(self.error)

    def retranslate(self, reason: Reason) -> None:
        self.reason = reason
        self.text.setText(_("⚠ Held for your decision: %(reason)s") % {"reason": reason.text()})
        name = guard_name(self.code)
        self.note.setPlaceholderText(_("Why you accept it (required)"))
        self.note.setAccessibleName(_("Note for accepting: %(guard)s, %(eui64)s") % {
            "guard": name, "eui64": self.eui64})
        self.accept.setText(_("Accept with this note"))
        self.accept.setAccessibleName(_("Accept %(guard)s for %(eui64)s with the note") % {
            "guard": name, "eui64": self.eui64})
        self.correct.setText(_("Correct the job instead"))
        self.correct.setAccessibleName(_("Correct the job instead of accepting %(guard)s") % {
            "guard": name})

    def _accept(self) -> None:
        now = self.ctl.gw.now() if self.ctl.gw is not None else datetime.now(UTC)
        try:
            take(self.ctl.job, self.code, self.eui64, self.note.text(), now)
        except DecisionError as exc:
            self.error.setText(str(exc))
            self.error.setVisible(True)
            self.announcer.announce(self.note, str(exc), assertive=True, key="held-note")
            return
        self.announcer.announce(self, _("Accepted, with your note: it is now a warning."),
                                key="held-accepted")
        self.ctl.changed.emit("verified")

    def _correct(self) -> None:
        # a typing slip has its one-step correction on the Pair page; the rest, the list
        self.ctl.navigate.emit("pair" if self.ctl.job.corrections else "devices")


class HeldGuards(QWidget):
    """One row per held guard; rebuilt only when the set of held guards changes (so a
    note being typed is not lost when the page refreshes)."""

    def __init__(self, ctl: Controller, announcer: Announcer) -> None:
        super().__init__()
        self.ctl, self.announcer = ctl, announcer
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.rows: list[HeldRow] = []

    def show_reasons(self, reasons: list[Reason]) -> None:
        held = held_reasons(reasons)
        keys = [(r.code, decision_eui(r)) for r in held]
        if keys != [(row.code, row.eui64) for row in self.rows]:
            for row in self.rows:
                self.box.removeWidget(row)
                row.deleteLater()
            self.rows = [HeldRow(self.ctl, self.announcer, r) for r in held]
            for row in self.rows:
                self.box.addWidget(row)
        for row, reason in zip(self.rows, held, strict=True):
            row.retranslate(reason)
        self.setVisible(bool(self.rows))
