"""What the engineer sees when background work fails (issue 7): a device whose set-up failed,
a report that cannot be saved, counts in the right plural, and a clean stop()."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import zigpy.exceptions
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from han_home.installer_app.job import Stage
from han_home.installer_app.ui.controller import Controller
from han_home.installer_app.ui.pages import (
    ConfigurePage,
    DevicesPage,
    PairPage,
    ReportPage,
    default_folder,
)
from han_home.installer_app.ui.window import InstallerWindow
from han_home.shared.han.client import DeviceEvent, DeviceEventKind
from han_home.shared.han.clock import ManualClock
from han_home.shared.han.setup import RadioOptions, build_gateway
from han_home.shared.i18n import set_language

VECTOR = "83FED3407A939723A5C639B26916D505C3B5"




def page(window: InstallerWindow, cls: type) -> Any:
    return next(p for p in window.pages if isinstance(p, cls))


async def pump(seconds: float) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while loop.time() < end:
        QApplication.processEvents()
        await asyncio.sleep(0.02)


async def until(condition: Any, seconds: float = 30.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pump(0.05)
    raise AssertionError("condition not met")


def offline_window(qtbot: Any) -> InstallerWindow:
    window = InstallerWindow(Controller(None), "normal", 1.0)
    qtbot.addWidget(window)
    window.resize(1280, 860)
    window.show()
    return window


async def clock_until(clock: ManualClock, condition: Any, within: float) -> None:
    """Advance the home's clock until `condition`, letting Qt paint between its steps."""
    limit = clock.now() + timedelta(seconds=within)
    await clock.settle()
    while not condition():
        QApplication.processEvents()
        due = clock.next_due()
        if due is None or due > limit:
            raise AssertionError(f"condition not met within {within} s of clock time")
        await clock.step()
    QApplication.processEvents()


async def test_a_device_whose_set_up_failed_says_so_and_can_be_set_up_again(qtbot) -> None:
    # on a ManualClock: the join window, the joiners' back-off and the set-up retries cost
    # no host time (at 60x in real time they were two seconds of waiting)
    clock = ManualClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    gw = build_gateway(RadioOptions(sim_seed=7, sim_clock=clock), commission_home=False)
    gw.config.gas_profile_prime_periods = 0  # as installer-app's gateway (installer_app/ui/app.py)
    ctl = Controller(gw)
    window = InstallerWindow(ctl, "normal", 1.0)
    qtbot.addWidget(window)
    window.show()
    await ctl.start()
    events: list[DeviceEvent] = []
    gw.subscribe(lambda e: events.append(e) if isinstance(e, DeviceEvent) else None)
    try:
        home = gw.config.sim_home
        electricity = str(home.esme.ieee)
        real_configure = gw.configure
        broken = {"on": True}

        async def configure(device: Any) -> None:
            if broken["on"] and str(device.ieee) == electricity:
                raise zigpy.exceptions.DeliveryError("no answer from the meter")
            await real_configure(device)

        gw.configure = configure  # type: ignore[method-assign]
        devices = page(window, DevicesPage)
        for label in home.labels():
            devices.scan.setText(label.qr)
            devices.scan.returnPressed.emit()
        pair = page(window, PairPage)
        window.go(2)
        pair.length.setValue(60)
        assert not pair.retry.isVisibleTo(window)
        qtbot.mouseClick(pair.open_button, Qt.MouseButton.LeftButton)
        await clock_until(clock, lambda: ctl.outcome is not None and not ctl.pairing, 600)

        failed = [e for e in events if e.kind == DeviceEventKind.CONFIG_FAILED]
        assert [e.eui64 for e in failed] == [electricity]
        assert "DeliveryError" in failed[0].detail
        entry = ctl.job.find(electricity)
        assert entry is not None and entry.stage == Stage.CONFIG_FAILED
        row = [d.eui64 for d in ctl.job.devices].index(electricity)
        status = pair.devices.cell(row, 3)
        assert status == "Set-up failed three times: check the device, then press Retry set-up."
        assert "setting up bindings" not in status  # no longer "setting up..." forever
        assert pair.retry.isVisibleTo(window) and pair.retry.isEnabled()
        assert not ctl.ok()

        configure_page = page(window, ConfigurePage)
        window.go(3)
        assert configure_page.table.cell(row, 5) == "Failed"
        assert configure_page.failures.isVisibleTo(window)
        assert "DeliveryError" in configure_page.failures.text()
        set_language("cy")
        assert configure_page.retry.text() == "&Ffurfweddu eto"
        assert configure_page.failures.text().startswith(f"✗ Methodd ffurfweddu {electricity}")
        set_language("en")

        broken["on"] = False  # the engineer moved the gateway closer
        qtbot.mouseClick(configure_page.retry, Qt.MouseButton.LeftButton)
        await clock_until(clock, lambda: ctl.ok() and not ctl.retrying, 600)
        assert entry.stage == Stage.VERIFIED
        assert configure_page.table.cell(row, 5) == "Yes"
        assert not configure_page.failures.isVisibleTo(window)
        assert not pair.retry.isVisibleTo(window)
        assert window.failure.isHidden()
        kinds = [e.kind for e in ctl.job.log]
        assert "config_failed" in kinds and "config_retry" in kinds
    finally:
        await ctl.stop()


def test_the_report_folder_defaults_to_documents_or_home_never_the_working_dir(
        qtbot, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir("/")
    window = offline_window(qtbot)
    report_page = page(window, ReportPage)
    folder = Path(report_page.folder.text())
    assert folder == default_folder() and folder != Path("/")
    assert folder.is_dir() and (folder == Path.home() or folder.parent == Path.home())


@pytest.mark.parametrize("problem", ["missing", "not_a_folder", "no_permission"])
def test_a_report_that_cannot_be_saved_says_why_translated_and_is_kept(
        qtbot, tmp_path, monkeypatch, problem) -> None:
    window = offline_window(qtbot)
    window.ctl.job.site_ref = "SITE-7"
    window.ctl.job.engineer_id = "ENG-1"
    report_page = page(window, ReportPage)
    preview = report_page.preview.toPlainText()
    target = tmp_path / "nowhere"
    if problem == "not_a_folder":
        target.write_text("a file, not a folder")
    if problem == "no_permission":
        target.mkdir()

        def refuse(self: Path, data: bytes) -> int:
            raise PermissionError(13, "Permission denied", str(self))

        monkeypatch.setattr(Path, "write_bytes", refuse)
    report_page.folder.setText(str(target))
    assert report_page.save("json") is None  # no exception reaches Qt's event loop
    text = report_page.saved.text()
    first = {"missing": f"The report was not saved: the folder {target} does not exist.",
             "not_a_folder": f"The report was not saved: {target} is not a folder.",
             "no_permission": f"The report was not saved: this tool may not write in {target}."}
    assert text == first[problem] + (" The report is still here: choose another folder and "
                                     "save again.")
    assert report_page.saved.property("role") == "error"
    assert report_page.preview.toPlainText() == preview  # the report is not lost
    assert not list(tmp_path.rglob("*.part"))  # nor is half a file left behind
    set_language("cy")
    assert report_page.save("html") is None
    assert report_page.saved.text().startswith("Ni chadwyd yr adroddiad")
    assert report_page.saved.text().endswith("dewiswch ffolder arall a'i gadw eto.")
    set_language("en")
    monkeypatch.undo()
    good = tmp_path / "good"
    good.mkdir()
    report_page.folder.setText(str(good))  # another folder, the same report
    path = report_page.save("json")
    assert path is not None and json.loads(path.read_text())["site_ref"] == "SITE-7"
    assert report_page.saved.text() == f"Saved {path}"
    assert report_page.saved.property("role") == ""


def test_counts_use_the_right_plural_in_english_and_welsh(qtbot) -> None:
    window = offline_window(qtbot)
    devices = page(window, DevicesPage)
    window.go(1)
    qtbot.keyClicks(devices.code, "8")
    assert devices.code_error.text() == "1 digit typed."
    qtbot.keyClicks(devices.code, "3")
    assert devices.code_error.text() == "2 digits typed."
    set_language("cy")
    devices._check_code(devices.code.text())
    assert devices.code_error.text() == "2 ddigid wedi'u teipio."
    devices.code.setText("83F")
    assert devices.code_error.text() == "3 digid wedi'u teipio."
    devices.code.setText("8")
    assert devices.code_error.text() == "1 digid wedi'i deipio."
    set_language("en")
    devices.code.clear()
    devices.scan.setText(f"Z:001BC50C60000099$I:{VECTOR}")
    devices.scan.returnPressed.emit()
    assert devices.scan_status.text() == ("Added 00:1b:c5:0c:60:00:00:99. 1 device on the list.")
    from han_home.installer_app.codes import check_eui64, check_install_code
    from han_home.installer_app.texts import event_text

    assert check_eui64("1").message().startswith("The EUI-64 has 1 digit;")
    assert check_install_code("1").message().startswith("The install code has 1 digit,")
    assert check_install_code("12").message().startswith("The install code has 2 digits;")
    assert event_text("window_opened", detail="1") == "Join window opened for 1 second."
    set_language("cy")
    assert check_eui64("12").message().startswith("Mae gan yr EUI-64 2 ddigid;")
    assert check_eui64("123456").message().startswith("Mae gan yr EUI-64 6 digid;")


async def test_controller_stop_awaits_what_the_pages_started(qtbot) -> None:
    window = offline_window(qtbot)
    ctl = window.ctl
    log: list[str] = []

    async def long_job() -> None:
        try:
            await asyncio.sleep(30)
        finally:
            await asyncio.sleep(0.02)
            log.append("cleaned up")

    ctl.run(page(window, PairPage), long_job(), timeout_s=None)
    await pump(0.05)
    await ctl.stop()
    assert log == ["cleaned up"] and ctl.tasks.running() == []


async def test_a_failed_scan_is_shown_in_the_window_translated(qtbot, monkeypatch) -> None:
    window = offline_window(qtbot)
    ctl = window.ctl
    diagnostics = window.pages[-1]
    window.go(len(window.pages) - 1)

    async def broken_scan() -> None:
        raise zigpy.exceptions.ControllerException("radio busy")

    monkeypatch.setattr(ctl, "energy_scan", broken_scan)
    set_language("cy")
    diagnostics.scan.setEnabled(True)  # offline, the button is normally off
    qtbot.mouseClick(diagnostics.scan, Qt.MouseButton.LeftButton)
    await until(lambda: window.failure.isVisibleTo(window), 5)
    assert window.failure.text() == ("Ni orffennodd y sgan sianeli (ControllerException). "
                                     "Sganiwch eto.")
