"""The installer's steps: Job, Devices, Pair, Configure, Verify, Report, Diagnostics.

Each page renders from the controller's job in the current language (``refresh``) and sets
its own texts (``retranslate``); no Qt standard button texts are used.
"""

from __future__ import annotations

import errno
import os
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QStandardPaths, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from han_home.installer_app import report
from han_home.installer_app.codes import (
    CodeError,
    Fault,
    FaultKind,
    check_eui64,
    check_install_code,
    format_eui64,
    looks_like_qr,
    mask,
)
from han_home.installer_app.commission import DEFAULT_WINDOW_S, progress_of, status_message
from han_home.installer_app.diagnostics import BUSY_ENERGY, link_table
from han_home.installer_app.job import DeviceEntry, DeviceType, Stage, type_name
from han_home.installer_app.report import unit_symbols
from han_home.installer_app.texts import log_text, verdict_text
from han_home.installer_app.ui.controller import Controller
from han_home.installer_app.ui.flow import FlowRow, set_wrapped_text
from han_home.installer_app.ui.widgets import ChannelChart, label, set_rows, table
from han_home.shared.i18n import _, ngettext
from han_home.shared.i18n.formatting import format_date_long, format_time
from han_home.shared.private_files import create_private
from han_home.shared.ui.accessibility import Announcer
from han_home.shared.ui.step_box import StepBox

LONDON = ZoneInfo("Europe/London")
# Background work the pages start (shared.ui.background): how long each may take.
VERIFY_TIMEOUT_S = 60.0  # every device is read at once, 10 s each
SCAN_TIMEOUT_S = 120.0  # 16 channels
RETRY_TIMEOUT_S = 180.0  # three attempts per device, each a dozen requests


def _error(exc: BaseException) -> str:
    """What went wrong, for the engineer: short, and never a secret."""
    return _("no answer in time") if isinstance(exc, TimeoutError) else type(exc).__name__


def _dash(value: object) -> str:
    return "—" if value is None or value == "" else str(value)


def _identify_short(value: str) -> str:
    """The engineer's identify answer in a table cell: symbol and word."""
    return {"confirmed": _("✓ Seen"), "denied": _("✗ Not seen")}.get(value, _("? Not confirmed"))


def _when_seconds(moment: datetime) -> str:
    """An event's time to the second (events a second apart must not look simultaneous)."""
    local = moment.astimezone(LONDON)
    return f"{format_date_long(local.date())} {local:%H:%M:%S}"


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    return f"{format_date_long(moment.astimezone(LONDON).date())} {format_time(moment)}"


class Page(QWidget):
    key = ""

    def __init__(self, ctl: Controller, announcer: Announcer) -> None:
        super().__init__()
        self.ctl = ctl
        self.announcer = announcer
        self.heading = label("heading")
        self.intro = label()
        self.box = QVBoxLayout(self)
        self.box.addWidget(self.heading)
        self.box.addWidget(self.intro)
        ctl.changed.connect(lambda _what: self.refresh())

    def title(self) -> str:
        raise NotImplementedError

    def short(self) -> str:
        """The step's number ("2"), all a narrow window's step row has room for."""
        return self.title().split(".", 1)[0]

    def retranslate(self) -> None:
        self.heading.setText(self.title())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit(self.width() / max(1, self.fontMetrics().height()))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # the text size: same width, fewer lines
            self.fit(self.width() / max(1, self.fontMetrics().height()))

    def fit(self, lines: float) -> None:
        """Arrange the page for a width of this many lines of text (large text or a
        small window: fields under their captions, lists under the fields)."""

    def refresh(self) -> None:
        """Re-render values from the job."""


# ---- 1 Job ----------------------------------------------------------------------------
class JobPage(Page):
    key = "job"

    def __init__(self, ctl: Controller, announcer: Announcer) -> None:
        super().__init__(ctl, announcer)
        self.form = form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.site = QLineEdit(ctl.job.site_ref)
        self.engineer = QLineEdit(ctl.job.engineer_id)
        self.site_label, self.engineer_label = label(), label()
        self.site_label.setBuddy(self.site)
        self.engineer_label.setBuddy(self.engineer)
        self.utc, self.local = label(), label()
        self.utc_label, self.local_label = label(), label()
        form.addRow(self.site_label, self.site)
        form.addRow(self.engineer_label, self.engineer)
        # the premises: the meters' SiteIDs must match them (a neighbour's is sent away)
        self.mpan, self.mprn = QLineEdit(ctl.job.mpan), QLineEdit(ctl.job.mprn)
        self.mpan_label, self.mprn_label = label(), label()
        self.mpan_label.setBuddy(self.mpan)
        self.mprn_label.setBuddy(self.mprn)
        self.premises_error = label("error")
        form.addRow(self.mpan_label, self.mpan)
        form.addRow(self.mprn_label, self.mprn)
        form.addRow(self.premises_error)
        self.mpan.textChanged.connect(lambda _t: self._premises_changed())
        self.mprn.textChanged.connect(lambda _t: self._premises_changed())
        form.addRow(self.utc_label, self.utc)
        form.addRow(self.local_label, self.local)
        self.box.addLayout(form)
        self.box.addStretch(1)
        self.site.textChanged.connect(lambda text: setattr(ctl.job, "site_ref", text.strip()))
        self.engineer.textChanged.connect(
            lambda text: setattr(ctl.job, "engineer_id", text.strip()))
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh)
        self.timer.start(1000)

    def title(self) -> str:
        return _("1. Job")

    def fit(self, lines: float) -> None:
        # beside their fields a wrapped caption was cut off at 200 %: above them instead
        policy = (QFormLayout.RowWrapPolicy.WrapLongRows if lines >= 30
                  else QFormLayout.RowWrapPolicy.WrapAllRows)
        if self.form.rowWrapPolicy() != policy:
            self.form.setRowWrapPolicy(policy)
            # above its field a caption has the page's width: on one line (the form
            # sized a wrapping one as if it were beside the field, and cut it off)
            wide = policy == QFormLayout.RowWrapPolicy.WrapLongRows
            for caption in (self.site_label, self.engineer_label, self.mpan_label,
                            self.mprn_label, self.utc_label, self.local_label, self.utc,
                            self.local):
                caption.setWordWrap(wide)

    def _premises_changed(self, write: bool = True) -> None:
        """Keep each valid id in the job; say at once what is wrong with one that is not
        (``write=False``: only say it again, in the language now chosen)."""
        from han_home.installer_app.premises_input import premises_fault
        from han_home.shared.energy.premises import digits_only

        errors = []
        for kind, edit in (("mpan", self.mpan), ("mprn", self.mprn)):
            text = edit.text().strip()
            fault = premises_fault(kind, text) if text else None
            if write:
                setattr(self.ctl.job, kind, digits_only(text) if text and fault is None else "")
            if fault is not None:
                errors.append(fault)
        self.premises_error.setText("\n".join(errors))
        self.premises_error.setVisible(bool(errors))

    def retranslate(self) -> None:
        super().retranslate()
        self.intro.setText(_("Who is doing the job, where and when. The report carries these."))
        self.site_label.setText(_("&Site reference"))
        self.engineer_label.setText(_("&Engineer ID"))
        self.utc_label.setText(_("Date and time (UTC)"))
        self.local_label.setText(_("Date and time (UK)"))
        self.site.setAccessibleName(_("Site reference"))
        self.engineer.setAccessibleName(_("Engineer ID"))
        self.mpan_label.setText(_("MPA&N (13 digits)"))
        self.mprn_label.setText(_("MP&RN (6 to 10 digits)"))
        self.mpan.setAccessibleName(_("MPAN"))
        self.mprn.setAccessibleName(_("MPRN"))
        self._premises_changed(write=False)
        self.refresh()

    def refresh(self) -> None:
        job = self.ctl.job
        for edit, value in ((self.site, job.site_ref), (self.engineer, job.engineer_id),
                            (self.mpan, job.mpan), (self.mprn, job.mprn)):
            if value and not edit.text():  # filled in elsewhere (a job file, a demo)
                edit.setText(value)
        now = self.ctl.gw.now() if self.ctl.gw is not None else datetime.now(UTC)
        self.utc.setText(f"{now.astimezone(UTC):%Y-%m-%d} {format_time(now, utc=True)}")
        self.local.setText(_when(now))


# ---- 2 Devices ------------------------------------------------------------------------
class DevicesPage(Page):
    key = "devices"

    def __init__(self, ctl: Controller, announcer: Announcer) -> None:
        super().__init__(ctl, announcer)
        self.scan_label = label()
        self.scan = QLineEdit()
        self.scan.setObjectName("scan")
        self.scan_label.setBuddy(self.scan)
        self.scan.returnPressed.connect(self._scanned)
        self.scan_status = label()
        self.scan_status.setVisible(False)
        self.manual_heading = label()
        form = QVBoxLayout()
        self.eui = QLineEdit()
        self.code = QLineEdit()
        # Shown while typed, masked as soon as the field is left (keys are masked after entry)
        self.code.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
        self.type = QComboBox()
        for device_type in DeviceType:
            self.type.addItem("", device_type.value)
        self.eui_label, self.code_label, self.type_label = label(), label(), label()
        self.eui_label.setBuddy(self.eui)
        self.code_label.setBuddy(self.code)
        self.type_label.setBuddy(self.type)
        self.eui_error, self.code_error = label("error"), label("error")
        self.eui_error.setVisible(False)
        self.code_error.setVisible(False)
        eui_box, code_box = QVBoxLayout(), QVBoxLayout()
        eui_box.addWidget(self.eui)
        eui_box.addWidget(self.eui_error)
        code_box.addWidget(self.code)
        code_box.addWidget(self.code_error)
        for caption, field in ((self.eui_label, eui_box), (self.code_label, code_box),
                               (self.type_label, self.type)):
            form.addWidget(caption)
            if isinstance(field, QVBoxLayout):
                form.addLayout(field)
            else:
                form.addWidget(field)
        self.add = QPushButton()
        self.add.setProperty("role", "primary")
        self.add.clicked.connect(self._add_typed)
        self.remove = QPushButton()
        self.remove.clicked.connect(self._remove)
        self.table = table(5)
        # the entry fields and, beside them, the list so far (a laptop screen is wide)
        entry = QVBoxLayout()
        entry.addWidget(self.scan_label)
        entry.addWidget(self.scan)
        entry.addWidget(self.scan_status)
        entry.addWidget(self.manual_heading)
        entry.addLayout(form)
        entry.addLayout(FlowRow(self.add, self.remove))
        entry.addStretch(1)
        # side by side while both have room; else the list below the fields
        self.side = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.side.addLayout(entry, 2)
        self.side.addWidget(self.table, 3)
        self.box.addLayout(self.side, 1)
        self.eui.textChanged.connect(self._check_eui)
        self.code.textChanged.connect(self._check_code)
        self.code.editingFinished.connect(lambda: self._check_code(self.code.text(), final=True))
        self.eui.returnPressed.connect(self.code.setFocus)
        self.code.returnPressed.connect(self._add_typed)

    def title(self) -> str:
        return _("2. Devices")

    def fit(self, lines: float) -> None:
        direction = (QBoxLayout.Direction.LeftToRight if lines >= 40
                     else QBoxLayout.Direction.TopToBottom)
        if self.side.direction() != direction:
            self.side.setDirection(direction)

    def retranslate(self) -> None:
        super().retranslate()
        self.intro.setText(_("Scan each device’s label. The device type is read from the "
                             "device when it joins, so one scan is all each device needs."))
        self.scan_label.setText(_("S&can or paste the label’s QR code, then press Enter"))
        self.scan.setAccessibleName(_("Scan or paste the label’s QR code"))
        self.manual_heading.setText(_("Or type the EUI-64 and install code from the label:"))
        self.eui_label.setText(_("E&UI-64 (16 digits)"))
        self.code_label.setText(_("&Install code (16, 20, 28 or 36 digits)"))
        self.type_label.setText(_("Device &type"))
        self.eui.setAccessibleName(_("EUI-64"))
        self.code.setAccessibleName(_("Install code"))
        self.type.setAccessibleName(_("Device type"))
        for i in range(self.type.count()):
            self.type.setItemText(i, type_name(DeviceType(self.type.itemData(i))))
        self.add.setText(_("&Add device"))
        self.add.setAccessibleName(_("Add device"))
        self.remove.setText(_("&Remove selected device"))
        self.remove.setAccessibleName(_("Remove selected device"))
        self.table.setAccessibleName(_("Device list"))
        self._check_eui(self.eui.text())
        self._check_code(self.code.text())
        self.refresh()

    def _show(self, target: QLabel, field: QLineEdit, fault: Fault | None, ok_text: str = "",
              ) -> None:
        text = fault.message() if fault is not None else ok_text
        target.setText(text)
        target.setVisible(bool(text))
        target.setProperty("role", "error" if fault is not None else "muted")
        target.style().unpolish(target)
        target.style().polish(target)
        field.setAccessibleDescription(text)
        if fault is not None:
            self.announcer.announce(field, text, assertive=True, key=field.objectName() or "f")

    def _check_eui(self, text: str) -> None:
        if not text.strip():
            self._show(self.eui_error, self.eui, None)
            return
        fault = check_eui64(text)
        if fault is not None and fault.kind == FaultKind.EUI_LENGTH \
                and fault.params["digits"] < 16:  # type: ignore[operator]
            fault = None if all(c in "0123456789abcdefABCDEF:- " for c in text) else fault
            self._show(self.eui_error, self.eui, fault)
            return
        if fault is None:
            fault = self.ctl.job.check_duplicate(format_eui64(text))
        self._show(self.eui_error, self.eui, fault,
                   _("✓ EUI-64 looks right.") if fault is None else "")

    def _group_code(self, text: str) -> str:
        """Show the install code in groups of four as it is typed or corrected, the way
        labels print it; the cursor stays after the same digit."""
        hexdigits = "0123456789abcdefABCDEF"
        if looks_like_qr(text) or any(c not in hexdigits + " -" for c in text):
            return text  # something else (a QR payload, a typo the check will point at)
        digits = "".join(c for c in text if c in hexdigits).upper()
        grouped = " ".join(digits[i:i + 4] for i in range(0, len(digits), 4))
        if grouped == text:
            return text
        before = sum(c in hexdigits for c in text[:self.code.cursorPosition()])
        position = before + (before - 1) // 4 if before else 0
        if before and before % 4 == 0 and before < len(digits):
            position += 1  # past the space that now follows a full group
        self.code.blockSignals(True)
        self.code.setText(grouped)
        self.code.setCursorPosition(min(position, len(grouped)))
        self.code.blockSignals(False)
        return grouped

    def _check_code(self, text: str, final: bool = False) -> None:
        text = self._group_code(text)
        if not text.strip():
            self._show(self.code_error, self.code, None)
            return
        if looks_like_qr(text):
            self._show(self.code_error, self.code, None, _("This is a QR payload: press Enter "
                                                             "to add the device from it."))
            return
        fault = check_install_code(text)
        digits = sum(c in "0123456789abcdefABCDEF" for c in text)
        if fault is not None and not final and fault.kind in (
                FaultKind.ODD_DIGITS, FaultKind.BAD_LENGTH, FaultKind.BAD_CRC) and digits < 36:
            # still typing: only say how far they have got
            self._show(self.code_error, self.code, None,
                       ngettext("%(digits)d digit typed.", "%(digits)d digits typed.",
                                digits) % {"digits": digits})
            return
        self._show(self.code_error, self.code, fault,
                   _("✓ Install code is valid (check digits match).") if fault is None else "")

    def _scanned(self) -> None:
        text = self.scan.text()
        if not text.strip():
            return
        try:
            entry = self.ctl.job.add_qr(text)
        except CodeError as exc:
            self._show(self.scan_status, self.scan, exc.fault)
            return
        self.scan.clear()
        self._added(entry.eui64)

    def _add_typed(self) -> None:
        text = self.code.text()
        device_type = DeviceType(self.type.currentData())
        try:
            if looks_like_qr(text):
                entry = self.ctl.job.add_qr(text, device_type)
            else:
                entry = self.ctl.job.add_typed(self.eui.text(), text, device_type)
        except CodeError as exc:
            target = self.code_error if exc.fault.kind in (
                FaultKind.EMPTY, FaultKind.NOT_HEX, FaultKind.ODD_DIGITS, FaultKind.BAD_LENGTH,
                FaultKind.BAD_CRC, FaultKind.DUPLICATE_CODE) else self.eui_error
            self._show(target, self.code if target is self.code_error else self.eui, exc.fault)
            return
        self.eui.clear()
        self.code.clear()  # the code itself is not kept in the field
        self._added(entry.eui64)

    def _added(self, eui64: str) -> None:
        count = len(self.ctl.job.devices)
        text = ngettext("Added %(eui64)s. %(count)d device on the list.",
                        "Added %(eui64)s. %(count)d devices on the list.", count) % {
            "eui64": eui64, "count": count}
        self._show(self.scan_status, self.scan, None, text)
        self.announcer.announce(self, text, key="added-" + eui64)
        self.refresh()

    def _remove(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.ctl.job.devices) and not self.ctl.pairing:
            self.ctl.job.remove(self.ctl.job.devices[row].eui64)
            self.refresh()

    def refresh(self) -> None:
        rows = []
        for d in self.ctl.job.devices:
            secret = d.install_code or d.link_key
            rows.append([d.eui64, type_name(d.entered_type),
                         mask(b"x") if secret else _("Wiped after the join window"),
                         type_name(d.read_type) if d.read_type else "—",
                         status_message(d, self.ctl.runner)])
        set_rows(self.table, [_("EUI-64"), _("Type entered"), _("Install code"),
                              _("Type read from device"), _("Status")], rows)


# ---- 3 Pair ---------------------------------------------------------------------------
class PairPage(Page):
    key = "pair"

    def __init__(self, ctl: Controller, announcer: Announcer) -> None:
        super().__init__(ctl, announcer)
        self.length_row = row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.length_label = label(wrap=False)
        self.length = QSpinBox()
        self.length.setRange(30, 900)
        self.length.setSingleStep(30)
        self.length.setValue(int(DEFAULT_WINDOW_S))
        self.length.setMinimumWidth(self.length.fontMetrics().horizontalAdvance("0000") * 3)
        self.length_label.setBuddy(self.length)
        # "−" and "+" as big as the other buttons: Qt's arrows stay ~20 px at 200 % text
        self.length_steps = StepBox(self.length)
        self.open_button = QPushButton()
        self.open_button.setProperty("role", "primary")
        self.open_button.clicked.connect(self._open)
        self.close_button = QPushButton()
        self.close_button.clicked.connect(ctl.close_window)
        row.addWidget(self.length_label)
        row.addWidget(self.length_steps)
        row.addStretch(1)
        self.box.addLayout(row)
        self.box.addLayout(FlowRow(self.open_button, self.close_button))
        self.countdown = label("heading")
        self.countdown_bar = QProgressBar()
        self.countdown_bar.setTextVisible(False)
        self.banner = label("warning")
        self.box.addWidget(self.countdown)
        self.box.addWidget(self.countdown_bar)
        self.box.addWidget(self.banner)
        self.devices = table(4)
        self.devices.mode_changed.connect(lambda _cards: self.refresh())  # the bars again
        self.retry = retry_button(self)
        # a listed EUI-64 never joined while one a typing slip away was refused: one step
        # corrects it and opens the window for that device (never done automatically)
        self.near_miss = label("warning")
        self.correct = QPushButton()
        self.correct.clicked.connect(self._correct)
        self.refused_heading = label()
        self.refused = table(4)
        self.box.addWidget(self.devices, 2)
        self.box.addLayout(_left(self.retry))
        self.box.addWidget(self.near_miss)
        self.box.addLayout(_left(self.correct))
        self.box.addWidget(self.refused_heading)
        self.box.addWidget(self.refused, 1)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self.timer.start(250)
        self._window_s = float(DEFAULT_WINDOW_S)
        self._last_minute = -1

    def title(self) -> str:
        return _("3. Pair")

    def fit(self, lines: float) -> None:
        # the caption above the box when both do not fit on one line
        room = self.width() - self.box.contentsMargins().left() - self.box.contentsMargins().right()
        box = self.length_steps.sizeHint().width()
        wide = self.length_label.sizeHint().width() + self.length_row.spacing() + box <= room
        direction = (QBoxLayout.Direction.LeftToRight if wide
                     else QBoxLayout.Direction.TopToBottom)
        if self.length_row.direction() != direction:
            self.length_row.setDirection(direction)

    def retranslate(self) -> None:
        super().retranslate()
        self.intro.setText(_("One join window admits exactly the listed devices, each with its "
                             "own key. Any other device that tries is refused and listed below."))
        self.length_label.setText(_("&Window length (seconds)"))
        self.length_steps.name(_("Window length in seconds"))
        self.open_button.setText(_("&Open join window"))
        self.open_button.setAccessibleName(_("Open join window"))
        self.close_button.setText(_("&Close window now"))
        self.close_button.setAccessibleName(_("Close window now"))
        self.devices.setAccessibleName(_("Listed devices and their progress"))
        self.correct.setAccessibleName(_("Correct the EUI-64 and open the window again"))
        self.refused_heading.setText(_("Refused joiners (never admitted):"))
        self.refused.setAccessibleName(_("Refused joiners"))
        self.countdown_bar.setAccessibleName(_("Time left in the join window"))
        retranslate_retry(self.retry)
        self.refresh()

    def _open(self) -> None:
        self._window_s = float(self.length.value())
        # no timeout: the window bounds it, and it must wait out a radio loss
        self.ctl.run(self, self.ctl.pair(self._window_s), timeout_s=None, describe=lambda e: _(
            "Pairing stopped because of an error (%(error)s). Check the radio, then open the "
            "join window again.") % {"error": _error(e)})
        self.announcer.announce(self, _("Join window opened."), key="window")

    def _correction(self) -> tuple[str, str] | None:
        corrections = self.ctl.job.corrections
        return next(iter(corrections.items())) if corrections else None

    def _correct(self) -> None:
        found = self._correction()
        if found is None or self.ctl.pairing:
            return
        self.ctl.run(self, self.ctl.pair(self._window_s, correct=found[0]), timeout_s=None,
                     describe=lambda e: _("Pairing stopped because of an error (%(error)s). "
                                          "Check the radio, then open the join window "
                                          "again.") % {"error": _error(e)})

    def _show_correction(self) -> None:
        found = self._correction()
        shown = found is not None and not self.ctl.pairing
        self.near_miss.setVisible(shown)
        self.correct.setVisible(shown)
        if found is None:
            return
        listed, refused = found
        self.near_miss.setText(_("%(listed)s never joined, but %(refused)s, one typing slip "
                                 "away, was refused. If the label says %(refused)s, correct "
                                 "it in one step:") % {"listed": listed, "refused": refused})
        margins = self.box.contentsMargins()
        set_wrapped_text(self.correct, _("Use %(refused)s and open the window again") % {
            "refused": refused}, self.width() - margins.left() - margins.right())

    def _tick(self) -> None:
        self._show_correction()
        remaining = self.ctl.window_remaining()
        open_ = self.ctl.runner is not None and self.ctl.runner.window_open
        self.open_button.setEnabled(not self.ctl.pairing and bool(self.ctl.job.devices)
                             and self.ctl.gw is not None)
        self.close_button.setEnabled(open_)
        self.countdown_bar.setRange(0, max(1, int(self._window_s)))
        self.countdown_bar.setValue(int(remaining))
        if open_:
            minutes, seconds = divmod(int(remaining + 0.999), 60)
            text = _("Join window open: %(time)s left") % {"time": f"{minutes}:{seconds:02d}"}
            if minutes != self._last_minute:  # announce once a minute, not every second
                self._last_minute = minutes
                self.announcer.announce(self.countdown, text, key="countdown")
        elif self.ctl.job.window_end_reason:
            text = {
                "all_joined": _("Join window closed: every listed device has joined."),
                "expired": _("Join window closed: the time ran out."),
                "closed": _("Join window closed by the engineer.")}.get(
                self.ctl.job.window_end_reason, "")
        else:
            text = _("Join window closed.")
        self.countdown.setText(text)
        self.countdown_bar.setAccessibleDescription(text)
        paused = self.ctl.paused
        self.banner.setVisible(paused)
        if paused:
            self.banner.setText(_("The radio was lost: the job is paused until it comes back. "
                                  "Check the radio’s cable; nothing needs to be entered again."))

    def refresh(self) -> None:
        job = self.ctl.job
        # the progress as text too: what a card shows, and what the bar's cell holds
        rows = [[d.eui64, type_name(d.read_type or d.entered_type), f"{progress_of(d)} %",
                 status_message(d, self.ctl.runner)] for d in job.devices]
        set_rows(self.devices, [_("EUI-64"), _("Type"), _("Progress"), _("Status")], rows)
        for row, d in enumerate(job.devices if not self.devices.cards else ()):
            bar = self.devices.cellWidget(row, 2)
            if not isinstance(bar, QProgressBar):
                bar = QProgressBar()
                self.devices.setCellWidget(row, 2, bar)
            bar.setValue(progress_of(d))
            bar.setAccessibleName(_("Progress for %(eui64)s") % {"eui64": d.eui64})
        seen: dict[str, list[str]] = {}
        for r in job.refused:
            reason = (_("Key does not match the install code entered")
                      if r.reason == "wrong_key" else _("Not on the device list"))
            seen[r.eui64] = [r.eui64, reason, _dash(r.lqi), _dash(r.rssi)]
        set_rows(self.refused, [_("EUI-64"), _("Why refused"), _("LQI"), _("RSSI (dBm)")],
                 list(seen.values()))
        refresh_retry(self.retry, self.ctl, hide=True)
        self._tick()


# ---- 4 Configure ----------------------------------------------------------------------
class ConfigurePage(Page):
    key = "configure"

    def __init__(self, ctl: Controller, announcer: Announcer) -> None:
        super().__init__(ctl, announcer)
        self.table = table(6)
        self.box.addWidget(self.table, 1)
        self.failures = label("error")
        self.box.addWidget(self.failures)
        self.retry = retry_button(self)
        self.box.addLayout(_left(self.retry))
        self.mismatch = label("warning")
        self.box.addWidget(self.mismatch)
        self._failed_before: set[str] = set()

    def title(self) -> str:
        return _("4. Configure")

    def retranslate(self) -> None:
        super().retranslate()
        self.intro.setText(_("As each device joins, the gateway binds its clusters, sets up "
                             "reporting and reads its identity. Nothing to do here but check."))
        self.table.setAccessibleName(_("Device identity and configuration"))
        retranslate_retry(self.retry)
        self.refresh()

    def refresh(self) -> None:
        rows, warnings, failures = [], [], []
        for d in self.ctl.job.devices:
            configured = (_("Yes") if d.stage in (Stage.CONFIGURED, Stage.VERIFIED) else
                          _("Failed") if d.stage == Stage.CONFIG_FAILED else
                          _("Setting up…") if d.stage == Stage.INTERVIEWED else _("No"))
            rows.append([d.eui64, type_name(d.read_type) if d.read_type else "—",
                         _dash(d.manufacturer) + " " + _dash(d.model), _dash(d.firmware),
                         _dash(d.battery_pct) + (" %" if d.battery_pct is not None else ""),
                         configured])
            if d.stage == Stage.CONFIG_FAILED:
                failures.append(_("✗ Setting up %(eui64)s failed three times (%(reason)s). "
                                  "Check it is powered and in range, then press Retry set-up."
                                  ) % {"eui64": d.eui64, "reason": d.config_error or "—"})
            if d.type_mismatch and d.read_type is not None:
                warnings.append(_("⚠ %(eui64)s was entered as: %(entered)s. The device says: "
                                  "%(read)s. Check the label.") % {
                    "eui64": d.eui64, "entered": type_name(d.entered_type),
                    "read": type_name(d.read_type)})
        set_rows(self.table, [_("EUI-64"), _("Type read from device"), _("Make and model"),
                              _("Firmware"), _("Battery"), _("Configured")], rows)
        self.mismatch.setText("\n".join(warnings))
        self.mismatch.setVisible(bool(warnings))
        self.failures.setText("\n".join(failures))
        self.failures.setVisible(bool(failures))
        refresh_retry(self.retry, self.ctl)
        failed = {d.eui64 for d in self.ctl.job.devices if d.stage == Stage.CONFIG_FAILED}
        for eui64 in sorted(failed - self._failed_before):
            self.announcer.announce(self, _("Setting up %(eui64)s failed.") % {"eui64": eui64},
                                    assertive=True, key="config-failed-" + eui64)
        self._failed_before = failed


def retry_button(page: Page) -> QPushButton:
    """Retry set-up of the devices whose configuration failed (Pair and Configure pages)."""
    button = QPushButton()
    button.setObjectName("retry-configure")
    button.setProperty("role", "primary")
    ctl = page.ctl
    button.clicked.connect(lambda: ctl.run(
        page, ctl.retry_configure(), timeout_s=RETRY_TIMEOUT_S, describe=lambda e: _(
            "Setting the devices up again did not finish (%(error)s). Press Retry set-up to "
            "try once more.") % {"error": _error(e)}))
    return button


def retranslate_retry(button: QPushButton) -> None:
    button.setText(_("&Retry set-up"))
    button.setAccessibleName(_("Retry set-up of the devices that failed"))


def refresh_retry(button: QPushButton, ctl: Controller, hide: bool = False) -> None:
    failed = any(d.stage == Stage.CONFIG_FAILED for d in ctl.job.devices)
    button.setEnabled(failed and not ctl.retrying and ctl.gw is not None)
    if hide:
        button.setVisible(failed or ctl.retrying)


def _left(widget: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(widget)
    row.addStretch(1)
    return row


# ---- 5 Verify -------------------------------------------------------------------------
class VerifyPage(Page):
    key = "verify"

    def __init__(self, ctl: Controller, announcer: Announcer) -> None:
        super().__init__(ctl, announcer)
        self.again = QPushButton()
        self.again.clicked.connect(lambda: ctl.run(
            self, ctl.verify(), timeout_s=VERIFY_TIMEOUT_S, describe=lambda e: _(
                "The check did not finish (%(error)s). Press Check again.") % {
                "error": _error(e)}))
        row = QHBoxLayout()
        row.addWidget(self.again)
        row.addStretch(1)
        self.box.addLayout(row)
        self.table = table(7)
        self.box.addWidget(self.table, 1)
        # Identify: the engineer looks at the meter in front of them and says what they see
        self.question = label()
        self.identify_again, self.seen, self.not_seen = QPushButton(), QPushButton(), QPushButton()
        self.identify_again.clicked.connect(self._identify_again)
        self.seen.clicked.connect(lambda: self._answer(True))
        self.not_seen.clicked.connect(lambda: self._answer(False))
        self.box.addWidget(self.question)
        self.box.addLayout(FlowRow(self.seen, self.not_seen, self.identify_again))
        self.summary = label("heading")
        self.reasons = label()  # the verdict's reasons, in plain words
        self.thresholds = label("muted")
        from han_home.installer_app.ui.held import HeldGuards

        self.held = HeldGuards(ctl, announcer)  # each held guard: accept, or correct the job
        self.held.setVisible(False)
        self.box.addWidget(self.summary)
        self.box.addWidget(self.reasons)
        self.box.addWidget(self.held)
        self.box.addWidget(self.thresholds)

    def title(self) -> str:
        return _("5. Verify")

    def selected(self) -> DeviceEntry | None:
        """The device of the selected row (the first one when none is selected)."""
        devices = self.ctl.job.devices
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        index = rows[0].row() if rows else 0
        return devices[index] if 0 <= index < len(devices) else None

    def _answer(self, seen: bool) -> None:
        entry = self.selected()
        if entry is not None and self.ctl.runner is not None:
            self.ctl.runner.confirm_identify(entry, seen)
            self.refresh()

    def _identify_again(self) -> None:
        entry, runner = self.selected(), self.ctl.runner
        if entry is not None and runner is not None:
            self.ctl.run(self, runner.identify(entry), timeout_s=30, describe=lambda e: _(
                "The identify request did not finish (%(error)s).") % {"error": _error(e)})

    def retranslate(self) -> None:
        super().retranslate()
        self.intro.setText(_("A live reading from each device and its link quality. The gas "
                             "meter sleeps once configured, so its reading is the one it gave "
                             "while pairing."))
        self.again.setText(_("&Check again"))
        self.again.setAccessibleName(_("Check again"))
        self.question.setText(_("Is the meter in front of you showing the identify signal? "
                                "Select its row, then answer."))
        self.seen.setText(_("&Yes, it is showing"))
        self.not_seen.setText(_("&No, not this meter"))
        self.identify_again.setText(_("&Identify again"))
        self.table.setAccessibleName(_("Live readings and link quality"))
        from han_home.installer_app.job import LQI_MARGINAL, LQI_PASS, RSSI_MARGINAL, RSSI_PASS

        self.thresholds.setText(_(
            "Link pass: LQI at least %(lqi_pass)d and RSSI at least %(rssi_pass)d dBm; "
            "marginal: LQI at least %(lqi_marginal)d and RSSI at least %(rssi_marginal)d "
            "dBm; otherwise fail.") % {"lqi_pass": LQI_PASS, "rssi_pass": RSSI_PASS,
                                       "lqi_marginal": LQI_MARGINAL,
                                       "rssi_marginal": RSSI_MARGINAL})
        self.refresh()

    def refresh(self) -> None:
        rows = [[d.eui64, type_name(d.read_type or d.entered_type),
                 unit_symbols(_dash(d.live_reading)), _dash(d.lqi), _dash(d.rssi),
                 verdict_text(d.verdict), _identify_short(d.identify)]
                for d in self.ctl.job.devices]
        set_rows(self.table, [_("EUI-64"), _("Type"), _("Live reading"), _("LQI"),
                              _("RSSI (dBm)"), _("Link"), _("Identify")], rows)
        self.again.setEnabled(self.ctl.runner is not None and not self.ctl.pairing)
        answerable = self.ctl.runner is not None and not self.ctl.pairing
        for button in (self.seen, self.not_seen, self.identify_again):
            button.setEnabled(answerable)
        if self.ctl.verified is None:
            self.summary.setText(_("Not checked yet: pair the devices first."))
            self.reasons.setText("")
            self.reasons.setVisible(False)
            self.held.show_reasons([])
            return
        from han_home.installer_app.ui.held import held_reasons
        from han_home.installer_app.verdict import Level
        from han_home.installer_app.verdict_texts import level_text

        verdict = self.ctl.verdict()  # the same verdict as the reports and the CLI
        mark = {Level.PASS: "✓", Level.WARN: "!", Level.FAIL: "✗"}[verdict.level]
        self.summary.setText(f"{mark} {level_text(verdict.level)}")
        held = held_reasons(verdict.reasons)  # shown below, each with its two choices
        self.reasons.setText("\n".join(f"• {r.text()}" for r in verdict.reasons
                                       if r not in held))
        self.reasons.setVisible(bool(self.reasons.text()))
        self.held.show_reasons(verdict.reasons)


# ---- 6 Report -------------------------------------------------------------------------
class ReportPage(Page):
    key = "report"

    def __init__(self, ctl: Controller, announcer: Announcer) -> None:
        super().__init__(ctl, announcer)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.folder = QLineEdit(str(default_folder()))
        self.folder_label = label(wrap=False)  # a wrapped "Cadw yn y &ffolder" lost its last word
        self.folder_label.setBuddy(self.folder)
        self.browse = QPushButton()
        self.browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.browse)
        form.addRow(self.folder_label, folder_row)
        self.box.addLayout(form)
        row = FlowRow()
        self.save_json, self.save_html, self.save_pdf = QPushButton(), QPushButton(), QPushButton()
        self.save_pcap = QPushButton()  # the join window's HAN traffic, for Wireshark
        for button, kind in ((self.save_json, "json"), (self.save_html, "html"),
                             (self.save_pdf, "pdf"), (self.save_pcap, "pcap")):
            button.clicked.connect(lambda _c=False, k=kind: self.save(k))
            row.addWidget(button)
        self.box.addLayout(row)
        self.saved = label()
        self.box.addWidget(self.saved)
        self.preview = QTextBrowser()
        self.box.addWidget(self.preview, 1)

    def title(self) -> str:
        return _("6. Report")

    def retranslate(self) -> None:
        super().retranslate()
        self.intro.setText(_("The commissioning report: devices, link quality, refused "
                             "joiners, engineer and site. It never contains a code or key."))
        self.folder_label.setText(_("Save in &folder"))
        self.folder.setAccessibleName(_("Folder for the report files"))
        self.browse.setText(_("&Browse…"))
        self.browse.setAccessibleName(_("Choose the folder"))
        self.save_json.setText(_("Save &JSON"))
        self.save_html.setText(_("Save &HTML"))
        self.save_pdf.setText(_("Save &PDF"))
        self.save_pcap.setText(_("Save HAN &capture"))
        self.save_pcap.setToolTip(_("The join window's traffic as a pcap file for Wireshark "
                                    "(no keys)."))
        for button in (self.save_json, self.save_html, self.save_pdf, self.save_pcap):
            button.setAccessibleName(button.text().replace("&", ""))
        self.preview.setAccessibleName(_("Report preview"))
        self.refresh()

    def refresh(self) -> None:
        if self.isVisible() or not self.preview.toPlainText():
            self._preview()

    def _preview(self) -> None:
        """The report as saved; as cards when its tables would scroll sideways."""
        data = self.ctl.report_data()
        self.preview.setHtml(report.to_html(data))
        room = self.preview.viewport().width()
        self._preview_width = self.preview.width()
        if self.preview.document().idealWidth() > room:
            self.preview.setHtml(report.to_html(data, cards=True))

    def fit(self, lines: float) -> None:
        # room for the preview to be read even when the page above it scrolls (200 %)
        self.preview.setMinimumHeight(10 * self.fontMetrics().height())
        if self.preview.width() != getattr(self, "_preview_width", -1) \
                and self.preview.toPlainText():
            self._preview()

    def _browse(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        chosen = QFileDialog.getExistingDirectory(self, _("Choose the folder"),
                                                  self.folder.text() or str(default_folder()))
        if chosen:
            self.folder.setText(chosen)

    def save(self, kind: str) -> Path | None:
        """Write the report; on failure say why (translated) and keep it: nothing is lost,
        the engineer can choose another folder and save again. None when not saved."""
        no_site, no_engineer = (not self.ctl.job.site_ref.strip(),
                                not self.ctl.job.engineer_id.strip())
        if no_site or no_engineer:  # a supplier cannot file a report without where and who
            self._say(_("Enter the site reference and the engineer ID on the Job page before "
                        "saving the report.") if no_site and no_engineer else
                      _("Enter the site reference on the Job page before saving the report.")
                      if no_site else
                      _("Enter the engineer ID on the Job page before saving the report."),
                      error=True)
            return None
        data = self.ctl.report_data()
        stem = "".join(c for c in (self.ctl.job.site_ref or "job") if c.isalnum() or c in "-_")
        folder = Path(self.folder.text().strip() or str(default_folder())).expanduser()
        path = folder / f"commissioning-{stem}.{kind}"
        if kind == "json":
            payload = report.to_json(data).encode("utf-8")
        elif kind == "html":
            payload = report.to_html(data).encode("utf-8")
        elif kind == "pcap":
            import io

            from han_home.shared.han.pcap import write_pcap

            buffer = io.BytesIO()
            write_pcap(buffer, self.ctl.capture, self.ctl.capture_pan_id)
            payload = buffer.getvalue()
        else:
            from han_home.installer_app.ui.pdf import pdf_bytes

            payload = pdf_bytes(report.to_html(data))
        try:
            _write_whole(path, payload)
        except OSError as exc:
            text = " ".join([save_error_text(folder, exc),
                             _("The report is still here: choose another folder and save "
                               "again.")])
            self._say(text, error=True)
            return None
        self._say(_("Saved %(path)s") % {"path": str(path)}, error=False)
        return path

    def _say(self, text: str, error: bool) -> None:
        self.saved.setText(text)
        self.saved.setProperty("role", "error" if error else "")
        self.saved.style().unpolish(self.saved)
        self.saved.style().polish(self.saved)
        self.announcer.announce(self, text, assertive=error, key="saved")


def default_folder() -> Path:
    """The user's documents folder (XDG), else home: never the working directory, which
    is / when the tool is started from a launcher."""
    documents = QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return Path(documents)
    return Path.home()


def _write_whole(path: Path, payload: bytes) -> None:
    """All or nothing: a failed save leaves no half-written report behind."""
    part = path.with_name(path.name + ".part")
    try:
        create_private(part)  # a household's report: 0600
        part.write_bytes(payload)
        os.replace(part, path)
    except OSError:
        part.unlink(missing_ok=True)
        raise


def save_error_text(folder: Path, exc: OSError) -> str:
    p = {"folder": str(folder), "error": exc.strerror or type(exc).__name__}
    if exc.errno == errno.ENOENT:
        return _("The report was not saved: the folder %(folder)s does not exist.") % p
    if exc.errno in (errno.EACCES, errno.EPERM):
        return _("The report was not saved: this tool may not write in %(folder)s.") % p
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return _("The report was not saved: the disk is full.") % p
    if exc.errno == errno.EROFS:
        return _("The report was not saved: %(folder)s is read-only.") % p
    if exc.errno == errno.ENOTDIR:
        return _("The report was not saved: %(folder)s is not a folder.") % p
    return _("The report was not saved in %(folder)s (%(error)s).") % p


# ---- Diagnostics ----------------------------------------------------------------------
class DiagnosticsPage(Page):
    key = "diagnostics"

    def __init__(self, ctl: Controller, announcer: Announcer, theme: str = "normal") -> None:
        super().__init__(ctl, announcer)
        row = QHBoxLayout()
        self.scan = QPushButton()
        self.scan.clicked.connect(lambda: ctl.run(
            self, ctl.energy_scan(), timeout_s=SCAN_TIMEOUT_S, describe=lambda e: _(
                "The channel scan did not finish (%(error)s). Scan again.") % {
                "error": _error(e)}))
        self.progress = QProgressBar()
        row.addWidget(self.scan)
        row.addWidget(self.progress, 1)
        self.box.addLayout(row)
        self.chart = ChannelChart(theme)
        self.box.addWidget(self.chart, 2)
        self.recommended = label("heading")
        self.box.addWidget(self.recommended)
        self.links = table(9)
        self.box.addWidget(self.links, 1)
        self.log_heading = label()
        self.log = table(2)
        self.box.addWidget(self.log_heading)
        self.box.addWidget(self.log, 1)
        ctl.scan_progress.connect(self._progress)

    def title(self) -> str:
        return _("Diagnostics")

    def short(self) -> str:
        return "⚙"  # not a numbered step: it is there at any time

    def retranslate(self) -> None:
        super().retranslate()
        self.intro.setText(_("Channel energy (2.4 GHz interference), each device’s link, and "
                             "everything that happened. Available at any time."))
        self.scan.setText(_("&Scan channels 11–26"))
        self.scan.setAccessibleName(_("Scan channels 11 to 26"))
        self.progress.setAccessibleName(_("Channel scan progress"))
        self.links.setAccessibleName(_("Link quality of each device"))
        self.log_heading.setText(_("Event log:"))
        self.log.setAccessibleName(_("Event log"))
        self.chart.retranslate()
        self.refresh()

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def refresh(self) -> None:
        ctl = self.ctl
        self.scan.setEnabled(ctl.gw is not None and not ctl.scanning and not ctl.paused)
        self.chart.set_result(ctl.scan)
        if ctl.scan is not None:
            p = {"channel": ctl.scan.recommended, "current": _dash(ctl.scan.current),
                 "threshold": BUSY_ENERGY}
            advice = (_("★ Stay on channel %(channel)d: no other channel is clearly quieter.")
                      if ctl.scan.stay else
                      _("★ Recommended channel: %(channel)d (now on channel %(current)s): it "
                        "is clearly quieter.")) % p
            if ctl.scan.any_busy():
                advice += " " + _("▲ marks a busy channel (energy %(threshold)d or more).") % p
            self.recommended.setText(advice)
        else:
            self.recommended.setText(_("No scan yet."))
        rows = []
        if ctl.gw is not None:
            battery = ctl.battery()
            offsets = {d.eui64: d.clock_offset_s for d in ctl.job.devices}
            certificates = {d.eui64: d.certificate for d in ctl.job.devices}
            for r in link_table(ctl.gw, battery):
                offset = offsets.get(r.eui64)
                # the trust line only ("Trusted: chains to ..."): the report has it all
                certificate = (certificates.get(r.eui64) or ("—",))[-1]
                rows.append([r.eui64, type_name(_type_of_role(r.role)), _dash(r.lqi),
                             _dash(r.rssi), verdict_text(r.verdict), _when(r.last_seen),
                             _dash(r.firmware),
                             _dash(r.battery_pct) + (" %" if r.battery_pct is not None else ""),
                             "—" if offset is None else f"{offset:+d} s", certificate])
        set_rows(self.links, [_("EUI-64"), _("Type"), _("LQI"), _("RSSI (dBm)"), _("Link"),
                              _("Last seen"), _("Firmware"), _("Battery"), _("Clock offset"),
                              _("Certificate")],
                 rows)
        set_rows(self.log, [_("Time (UK)"), _("Event")],
                 [[_when_seconds(e.at), log_text(e)] for e in reversed(ctl.job.log[-200:])])


def _type_of_role(role: str) -> DeviceType:
    from han_home.installer_app.job import TYPE_OF_ROLE
    from han_home.shared.han.registry import Role

    return TYPE_OF_ROLE.get(Role(role), DeviceType.OTHER)


PAGES = (JobPage, DevicesPage, PairPage, ConfigurePage, VerifyPage, ReportPage, DiagnosticsPage)
