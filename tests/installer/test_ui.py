"""Installer screens (pytest-qt, offscreen): names on every control, live validation,
masking, the whole job through the GUI on the virtual home, screenshots at 200 %."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QTableWidget, QWidget

from han_home.installer_app.codes import link_key_of
from han_home.installer_app.job import DeviceType, Stage, parse_type
from han_home.installer_app.report import find_secrets
from han_home.installer_app.ui.controller import Controller
from han_home.installer_app.ui.pages import (
    DevicesPage,
    JobPage,
    PairPage,
    ReportPage,
    VerifyPage,
)
from han_home.installer_app.ui.screens import render_all
from han_home.installer_app.ui.window import InstallerWindow
from han_home.shared.han.clock import ManualClock
from han_home.shared.han.setup import RadioOptions, build_gateway
from han_home.shared.i18n import set_language
from han_home.shared.ui.accessibility import unnamed_controls

VECTOR = "83FED3407A939723A5C639B26916D505C3B5"




def texts(root: QWidget) -> str:
    out = []
    for w in root.findChildren(QWidget):
        if isinstance(w, QLabel | QAbstractButton):
            out.append(w.text())
        if isinstance(w, QTableWidget):
            out += [w.item(r, c).text() for r in range(w.rowCount()) for c in
                    range(w.columnCount()) if w.item(r, c) is not None]
    return "\n".join(out)


def offline_window(qtbot, theme: str = "normal", scale: float = 1.0) -> InstallerWindow:
    window = InstallerWindow(Controller(None), theme, scale)
    qtbot.addWidget(window)
    window.resize(1280, 860)
    window.show()
    return window


def page(window: InstallerWindow, cls: type):
    return next(p for p in window.pages if isinstance(p, cls))


@pytest.mark.parametrize("language", ["en", "cy"])
def test_every_control_on_every_page_has_an_accessible_name(qtbot, language):
    set_language(language)
    window = offline_window(qtbot)
    for index in range(len(window.pages)):
        window.go(index)
        QApplication.processEvents()
        assert unnamed_controls(window) == [], window.pages[index].key


def test_language_switch_rerenders_with_own_button_texts(qtbot):
    window = offline_window(qtbot)
    assert window.next.text() == "&Next >"
    window.language.setCurrentIndex(window.language.findData("cy"))
    assert window.next.text() == "&Nesaf >" and window.steps.item(2).text() == "3. Paru"
    assert window.language.itemText(0) == "Cymraeg"  # Welsh first


def test_typing_validates_as_you_go_and_masks_the_code(qtbot):
    window = offline_window(qtbot)
    devices = page(window, DevicesPage)
    window.go(1)
    qtbot.keyClicks(devices.eui, "00:1b:c5:0c:60:00:00:99")
    assert "looks right" in devices.eui_error.text()
    qtbot.keyClicks(devices.code, VECTOR[:20])
    assert "20 digits typed" in devices.code_error.text()  # no nagging while typing
    devices.code.clear()
    qtbot.keyClicks(devices.code, VECTOR[:-1] + "4")
    assert "check digits at the end" in devices.code_error.text()
    assert devices.code.accessibleDescription() == devices.code_error.text()
    devices.code.clear()
    qtbot.keyClicks(devices.code, VECTOR)
    assert "valid" in devices.code_error.text()
    assert devices.code.echoMode() == devices.code.EchoMode.PasswordEchoOnEdit
    qtbot.mouseClick(devices.add, Qt.MouseButton.LeftButton)
    assert len(window.ctl.job.devices) == 1 and devices.code.text() == ""
    shown = texts(window)
    assert find_secrets(shown, [VECTOR, link_key_of(bytes.fromhex(VECTOR)).hex()]) == []
    # a duplicate is caught as the EUI-64 is typed
    qtbot.keyClicks(devices.eui, "001BC50C60000099")
    assert "already on the device list (row 1)" in devices.eui_error.text()


def test_one_scan_adds_a_device_and_a_bad_scan_says_why(qtbot):
    window = offline_window(qtbot)
    devices = page(window, DevicesPage)
    qtbot.keyClicks(devices.scan, f"Z:001BC50C60000099$I:{VECTOR}")
    qtbot.keyClick(devices.scan, Qt.Key.Key_Return)
    assert [d.eui64 for d in window.ctl.job.devices] == ["00:1b:c5:0c:60:00:00:99"]
    assert window.ctl.job.devices[0].entered_type == DeviceType.OTHER
    qtbot.keyClicks(devices.scan, "not a label")
    qtbot.keyClick(devices.scan, Qt.Key.Key_Return)
    assert "not a device label format" in devices.scan_status.text()


async def pump(clock: ManualClock, seconds: float) -> None:
    """Advance the home's clock in small steps, letting Qt paint in between."""
    end = clock.now() + timedelta(seconds=seconds)
    while clock.now() < end:
        await clock.advance(0.02)
        QApplication.processEvents()
    await asyncio.sleep(0)


async def test_the_whole_job_through_the_gui_on_the_virtual_home(qtbot, tmp_path):
    clock = ManualClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    gw = build_gateway(RadioOptions(sim_seed=7, sim_clock=clock), commission_home=False)
    gw.config.gas_profile_prime_periods = 0  # as installer-app's gateway (installer_app/ui/app.py)
    ctl = Controller(gw)
    window = InstallerWindow(ctl, "normal", 1.0)
    qtbot.addWidget(window)
    window.show()
    await ctl.start()
    try:
        home = gw.config.sim_home
        job_page = page(window, JobPage)
        job_page.site.setText("SITE-42")
        job_page.engineer.setText("ENG-7")
        job_page.mpan.setText("1234567890123")  # a check digit wrong: said at once
        assert "does not match" in job_page.premises_error.text() and not ctl.job.mpan
        job_page.mpan.setText(home.premises()[0])
        job_page.mprn.setText(home.premises()[1])
        assert (ctl.job.mpan, ctl.job.mprn) == home.premises()
        assert job_page.premises_error.text() == ""
        devices = page(window, DevicesPage)
        for label in home.labels():  # one scan per device, nothing else
            devices.scan.setText(label.qr)
            devices.scan.returnPressed.emit()
        pair = page(window, PairPage)
        window.go(2)
        pair.length.setValue(60)
        qtbot.mouseClick(pair.open_button, Qt.MouseButton.LeftButton)
        for _ in range(300):
            await pump(clock, 0.05)
            if ctl.outcome is not None and not ctl.pairing:
                break
        assert ctl.ok(), [(d.eui64, d.stage) for d in ctl.job.devices]
        refused = {pair.refused.cell(r, 0) for r in range(pair.refused.rowCount())}
        assert refused and refused <= {str(d.ieee) for d in home.neighbours}
        assert "every listed device has joined" in pair.countdown.text()
        report_page = page(window, ReportPage)
        report_page.folder.setText(str(tmp_path))
        json_path = report_page.save("json")
        html_path = report_page.save("html")
        pdf_path = report_page.save("pdf")
        pcap_path = report_page.save("pcap")
        assert pcap_path.suffix == ".pcap" and pcap_path.read_bytes()[:4] == b"\xd4\xc3\xb2\xa1"
        assert len(ctl.capture) > 40  # the interviews and configuration of three devices
        data = json.loads(json_path.read_text())
        assert data["result"] == "pass" and len(data["devices"]) == 3
        assert pdf_path.read_bytes()[:5] == b"%PDF-"
        codes = [label.install_code for label in home.labels()]
        keys = [link_key_of(bytes.fromhex(c)).hex() for c in codes]
        for text in (json_path.read_text(), html_path.read_text(), texts(window)):
            assert find_secrets(text, codes + keys) == []
        # Verify: every device was asked to identify; the engineer answers for the gas meter
        assert all(d.identifying for d in home.own)
        verify = page(window, VerifyPage)
        verify.refresh()
        assert verify.summary.text().startswith("✓ Pass")
        gas_row = [d.eui64 for d in ctl.job.devices].index(str(home.gsme.ieee))
        verify.table.selectRow(gas_row)
        qtbot.mouseClick(verify.not_seen, Qt.MouseButton.LeftButton)
        assert ctl.job.devices[gas_row].identify == "denied"
        assert verify.summary.text() == "✗ Fail" and "identify" in verify.reasons.text()
        assert json.loads(report_page.save("json").read_text())["result"] == "fail"
        verify.table.selectRow(gas_row)
        qtbot.mouseClick(verify.seen, Qt.MouseButton.LeftButton)
        assert verify.summary.text().startswith("✓ Pass")
        await ctl.energy_scan()
        await pump(clock, 0.1)
        assert ctl.scan is not None and 11 <= ctl.scan.recommended <= 26
        shots = await render_all(window, tmp_path / "shots", 2.0)
        assert len(shots) == 2 * 2 * len(window.pages)
        assert all(p.stat().st_size > 1000 for p in shots)
    finally:
        await ctl.stop()


def test_saving_needs_no_dialog_and_names_the_file_after_the_site(qtbot, tmp_path):
    window = offline_window(qtbot)
    report_page = page(window, ReportPage)
    report_page.folder.setText(str(tmp_path))
    window.ctl.job.site_ref = "AB/12 3"
    assert report_page.save("json") is None  # who did the job is required
    assert "engineer ID" in report_page.saved.text() and not list(tmp_path.iterdir())
    window.ctl.job.engineer_id = "E-9"
    path = report_page.save("json")
    assert path == Path(tmp_path) / "commissioning-AB123.json"
    assert json.loads(path.read_text())["site_ref"] == "AB/12 3"


def test_the_install_code_is_grouped_in_fours_as_it_is_typed_and_corrected(qtbot):
    window = offline_window(qtbot)
    devices = page(window, DevicesPage)
    window.go(1)
    qtbot.keyClicks(devices.code, VECTOR[:10].lower())
    assert devices.code.text() == "83FE D340 7A"
    assert devices.code.cursorPosition() == len("83FE D340 7A")  # typing goes on at the end
    qtbot.keyClicks(devices.code, VECTOR[10:])
    assert devices.code.text() == " ".join(VECTOR[i:i + 4] for i in range(0, 36, 4))
    assert "valid" in devices.code_error.text()
    # a correction in the middle: the digit goes where the cursor was, still in fours
    devices.code.setCursorPosition(2)
    qtbot.keyClick(devices.code, Qt.Key.Key_Backspace)
    assert devices.code.text().startswith("8FED 3407") and devices.code.cursorPosition() == 1


async def test_a_mistyped_eui64_is_corrected_in_one_step_and_then_joins(qtbot):
    clock = ManualClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    gw = build_gateway(RadioOptions(sim_seed=7, sim_clock=clock), commission_home=False)
    gw.config.gas_profile_prime_periods = 0
    ctl = Controller(gw)
    window = InstallerWindow(ctl, "normal", 1.0)
    qtbot.addWidget(window)
    window.show()
    await ctl.start()
    try:
        home = gw.config.sim_home
        esme = home.esme.label
        typo = esme.eui64[:-1] + ("0" if esme.eui64[-1] != "0" else "1")
        ctl.job.add_typed(typo, esme.install_code, parse_type("electricity_meter"))
        pair = page(window, PairPage)
        window.go(2)
        pair.length.setValue(30)
        qtbot.mouseClick(pair.open_button, Qt.MouseButton.LeftButton)
        for _ in range(400):
            await pump(clock, 0.1)
            if ctl.outcome is not None and not ctl.pairing:
                break
        assert ctl.job.corrections == {typo: esme.eui64} and not home.esme.joined
        pair._tick()
        assert pair.correct.isVisibleTo(window) and esme.eui64 in pair.correct.text()
        # only that key is kept, for the correction
        assert not ctl.job.devices[0].link_key.wiped
        qtbot.mouseClick(pair.correct, Qt.MouseButton.LeftButton)
        for _ in range(400):
            await pump(clock, 0.1)
            if ctl.outcome is not None and not ctl.pairing and home.esme.joined:
                break
        entry = ctl.job.devices[0]
        assert entry.eui64 == esme.eui64 and home.esme.joined
        assert entry.stage in (Stage.CONFIGURED, Stage.VERIFIED)
        assert ctl.job.secrets_wiped and not ctl.job.corrections
        assert any(e.kind == "corrected" for e in ctl.job.log)
    finally:
        await ctl.stop()


def test_a_held_guard_is_accepted_with_a_note_and_a_foreign_meter_never(qtbot):
    """Two gas meters hold the job; the engineer accepts with a note (a warning naming it,
    in the report too) or corrects the job; a meter of other premises has no accept."""
    from han_home.installer_app.ui.held import HeldGuards
    from han_home.shared.sim.home import HomeOptions, VirtualHome

    home = VirtualHome(HomeOptions(seed=7))
    window = offline_window(qtbot)
    ctl = window.ctl
    ctl.job.mpan, ctl.job.mprn = home.premises()
    gas = DeviceType.GAS_METER
    for qr, site in ((home.gsme.label.qr, ctl.job.mprn),
                     (home.neighbours[1].label.qr, ctl.job.mprn)):
        entry = ctl.job.add_qr(qr, gas)
        entry.stage, entry.read_type, entry.lqi, entry.rssi = Stage.VERIFIED, gas, 200, -60
        entry.site_id = site
    theirs = ctl.job.add_qr(home.neighbours[0].label.qr, DeviceType.ELECTRICITY_METER)
    theirs.stage, theirs.site_id = Stage.FOREIGN, home.neighbours[0].site_id
    ctl.verified = True
    verify = page(window, VerifyPage)
    window.go(4)
    held = verify.findChild(HeldGuards)
    assert [(r.code, r.eui64) for r in held.rows] == [
        ("two_of_a_kind", str(home.neighbours[1].ieee))]  # none for the foreign meter
    row = held.rows[0]
    assert row.isVisibleTo(window) and "Held for your decision" in row.text.text()
    assert "belongs to other premises" in verify.reasons.text()
    qtbot.mouseClick(row.accept, Qt.MouseButton.LeftButton)  # no note: refused, said why
    assert "short note" in row.error.text() and not ctl.job.decisions
    assert verify.summary.text() == "✗ Fail"
    qtbot.keyClicks(row.note, "Two gas meters: flat has a second supply")
    qtbot.mouseClick(row.accept, Qt.MouseButton.LeftButton)
    assert [d.note for d in ctl.job.decisions] == ["Two gas meters: flat has a second supply"]
    assert held.rows == [] and "Accepted by the engineer" in verify.reasons.text()
    assert verify.summary.text() == "✗ Fail"  # the foreign meter still fails the job
    ctl.job.remove(theirs.eui64)  # the engineer takes the neighbour's meter off the list
    verify.refresh()
    assert verify.summary.text() == "! Pass with warnings"  # never plain Pass
    data = ctl.report_data()
    assert data["decisions"][0]["note"] == "Two gas meters: flat has a second supply"
    # the other choice: correct the job (the device list, no typing slip on offer)
    ctl.job.decisions.clear()
    verify.refresh()
    qtbot.mouseClick(held.rows[0].correct, Qt.MouseButton.LeftButton)
    assert window.stack.currentIndex() == 1


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_window_length_has_touch_sized_steps_at_200_percent(qtbot, language):
    """Qt's spin-box arrows stay ~20 px at 200 % text: the length has "−" and "+" buttons
    as tall as the field, named after it, stepping 30 s and dimmed at the ends."""
    set_language(language)
    window = offline_window(qtbot, scale=2.0)
    window.resize(800, 480)
    pair = page(window, PairPage)
    window.go(2)
    QApplication.processEvents()
    steps = pair.length_steps
    assert steps.less.height() >= 44 and steps.more.height() >= 44
    assert steps.less.height() >= pair.length.height() - 2
    assert steps.more.accessibleName().startswith(pair.length.accessibleName())
    assert steps.less.accessibleName() != steps.more.accessibleName()
    before = pair.length.value()
    qtbot.mouseClick(steps.more, Qt.MouseButton.LeftButton)
    assert pair.length.value() == before + 30
    pair.length.setValue(pair.length.maximum())
    assert not steps.more.isEnabled() and steps.less.isEnabled()
