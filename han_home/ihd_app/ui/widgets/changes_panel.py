"""Settings' "Changes to your meter": what the meter accepted, when and by whom; then the
gateway's and the meter's certificates (holder and expiry) in plain words.

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
        self.cert_heading = label("heading")
        self.certs = [label() for _i in range(3)]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.heading, self.empty, *self.lines, self.cert_heading, *self.certs):
            layout.addWidget(widget)

    def show_changes(self, changes: object) -> None:
        from han_home.ihd_app.changes import describe, describe_certificate, when

        notices = list(getattr(changes, "notices", []))[:SHOWN]
        self.heading.setText(_("Changes to your meter"))
        self.empty.setText(_("No changes yet: a change appears here once the meter has "
                             "accepted it."))
        self.empty.setVisible(not notices)
        for line, notice in zip(self.lines, [*notices, *[None] * SHOWN], strict=False):
            line.setVisible(notice is not None)
            if notice is not None:
                line.setText(f"{when(notice)}: {describe(notice)}")
        certificates = list(getattr(changes, "certificates", []))[:len(self.certs)]
        self.cert_heading.setText(_("Certificates"))
        self.cert_heading.setVisible(bool(certificates))
        for line, cert in zip(self.certs, [*certificates, *[None] * len(self.certs)],
                              strict=False):
            line.setVisible(cert is not None)
            if cert is not None:
                line.setText(describe_certificate(cert))
