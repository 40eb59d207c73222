"""What the occupier sees when background work fails or overlaps (issue 7): the Credit
screen when the meter does not answer, usage refreshes that arrive while one runs, stop()."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import zigpy.exceptions
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from han_home.ihd_app.model import DisplayModel
from han_home.ihd_app.settings import Settings
from han_home.ihd_app.ui.context import UiContext
from han_home.ihd_app.ui.live import LiveOptions
from han_home.ihd_app.ui.screens import credit as credit_screen
from han_home.ihd_app.ui.screens.usage import UsageScreen
from han_home.ihd_app.ui.window import MainWindow
from han_home.shared.energy.calendar import Period
from han_home.shared.energy.readings import Fuel
from han_home.shared.energy.supplier_tariff import SupplierTariff
from han_home.shared.han.tariffs import from_supplier_tariff
from han_home.shared.i18n import set_language
from han_home.shared.store.history import PeriodTotal
from han_home.shared.ui.accessibility import Announcer
from tests.ihd.conftest import live_home, open_window, pump

ASKING = "Asking the meter to turn on emergency credit."
NO_ANSWER = "The meter did not answer, so emergency credit is not on yet. Please try again."


async def wait_until(condition: Any, live: Any, seconds: float = 5.0) -> None:
    """Run the home and Qt until `condition`; the meter-call timeout is the occupier's
    (host) time, so real time passes too (at most `seconds` of it)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        if condition():
            return
        await pump(live, 0.05)
        await asyncio.sleep(0.01)
    raise AssertionError("condition not met")


@pytest.mark.parametrize("failure", ["raises", "times_out"])
async def test_credit_screen_says_the_meter_did_not_answer_and_offers_to_try_again(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str) -> None:
    live = await live_home(tmp_path, LiveOptions(credit_gbp=Decimal("0.60")))
    try:
        window, _ = await open_window(qtbot, live)
        window.show_screen("credit")
        screen = window.screens["credit"]
        real = live.gateway.activate_emergency_credit

        async def no_answer() -> bool:
            if failure == "raises":
                raise zigpy.exceptions.DeliveryError("no route to the meter")
            await asyncio.sleep(60)
            return True

        monkeypatch.setattr(live.gateway, "activate_emergency_credit", no_answer)
        monkeypatch.setattr(credit_screen, "METER_TIMEOUT_S", 0.3)
        qtbot.mouseClick(screen.activate, Qt.MouseButton.LeftButton)
        assert screen.result.text() == ASKING
        assert not screen.activate.isEnabled()  # one question at a time
        await wait_until(lambda: screen.result.text() != ASKING, live)
        assert screen.result.text() == NO_ANSWER
        assert screen.activate.isVisibleTo(window) and screen.activate.isEnabled()
        assert screen.activate.text() == "Try again"
        assert screen.activate.accessibleName() == "Try again to turn on emergency credit"
        set_language("cy")
        assert screen.result.text().startswith("Ni atebodd y mesurydd")
        assert screen.activate.text() == "Ceisio eto"
        set_language("en")

        monkeypatch.setattr(live.gateway, "activate_emergency_credit", real)
        qtbot.mouseClick(screen.activate, Qt.MouseButton.LeftButton)
        await wait_until(lambda: screen.result.text() not in (ASKING, NO_ANSWER), live)
        assert screen.result.text() == "The meter has turned on emergency credit."
    finally:
        await live.close()


class SlowHistory:
    """History whose aggregate waits until released; its figures can change meanwhile."""

    def __init__(self) -> None:
        self.kwh = Decimal("1.5")
        self.release = asyncio.Event()
        self.release.set()
        self.calls = 0

    async def latest_readings(self) -> list[Any]:
        return []

    async def aggregate(self, fuel: Fuel, by: Period, start: date | None = None,
                        end: date | None = None) -> list[PeriodTotal]:
        self.calls += 1
        kwh = self.kwh  # the figure as it was when this refresh read it
        await self.release.wait()
        if fuel != Fuel.ELECTRICITY or by != Period.DAY or end is None:
            return []
        return [PeriodTotal(end.isoformat(), 24, kwh, kwh * Decimal("0.25"), Decimal("0.5"),
                            None, None)]

    async def half_hours(self, fuel: Fuel, start: datetime, end: datetime) -> list[Any]:
        return []


async def test_a_usage_refresh_asked_for_while_one_runs_is_not_dropped(qtbot: QtBot) -> None:
    history = SlowHistory()
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    model = DisplayModel(history, from_supplier_tariff(SupplierTariff()), lambda: now, Settings())
    ctx = UiContext(model, Settings(), Announcer(60.0), lambda _s: None)
    screen = UsageScreen(ctx)
    qtbot.addWidget(screen)
    model.add_listener(lambda sections: screen.render_view() if "usage" in sections else None)
    screen.show()

    history.release.clear()
    model.schedule_usage_refresh()  # a half-hour closed
    await asyncio.sleep(0.05)
    history.kwh = Decimal("4.0")  # ... and another closes while the first refresh runs
    model.schedule_usage_refresh()
    model.schedule_usage_refresh()  # coalesced with the one before: one more run, not two
    history.release.set()
    for _ in range(50):
        await asyncio.sleep(0.01)
        QApplication.processEvents()
    today = screen.cards["today"].figure.text()
    assert today.startswith("Electricity: 4.00 kWh"), today  # the later figure, not 1.50
    calls_per_refresh = 4 * 2  # day, week, month, year for two fuels
    assert history.calls == 2 * calls_per_refresh
    await model.close()


async def test_stop_awaits_the_refresh_and_the_display_then_stays_still(qtbot: QtBot) -> None:
    history = SlowHistory()
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    model = DisplayModel(history, from_supplier_tariff(SupplierTariff()), lambda: now, Settings())
    heard: list[set[str]] = []
    model.add_listener(heard.append)
    history.release.clear()
    model.schedule_usage_refresh()
    await asyncio.sleep(0.02)
    await model.close()
    history.release.set()
    model.schedule_usage_refresh()  # after close: ignored
    await asyncio.sleep(0.05)
    assert heard == []


async def test_window_shows_a_failed_background_task_under_the_status_line(
        qtbot: QtBot, tmp_path: Path) -> None:
    from han_home.shared.ui.background import run_in_background

    live = await live_home(tmp_path, warm_up=1.0)
    try:
        window, _ = await open_window(qtbot, live)
        assert isinstance(window, MainWindow) and not window.notice.isVisibleTo(window)

        async def broken() -> None:
            raise RuntimeError("boom")

        set_language("cy")
        task = run_in_background(window.screens["now"], broken())
        with pytest.raises(RuntimeError):
            await task
        assert window.notice.isVisibleTo(window)
        assert window.notice.text().startswith("Aeth rhywbeth o'i le")
    finally:
        await live.close()


async def test_ihd_app_stop_ends_commissioning_and_refreshes_before_it_returns(
        qtbot: QtBot, tmp_path: Path) -> None:
    from han_home.ihd_app.app import IhdApp
    from han_home.ihd_app.cli import Options
    from han_home.ihd_app.settings import SettingsStore

    options = Options(radio="sim", device=None, sim_seed=7, sim_start=None, sim_speed=60.0,
                      lang="en", theme=None, text_scale=None, size=(800, 480), screen=None,
                      screenshot=None, kiosk=False, db=tmp_path / "ihd.db", timeout=30.0)
    app = IhdApp(options, SettingsStore(tmp_path / "ihd.json"))
    app.first_frame()
    qtbot.addWidget(app.window)
    await app.open_history()
    await app.start_han()
    assert len(app.tasks.running()) == 1  # commissioning; certificates wait for Settings
    app.window.show_screen("settings")  # the certificates are read when first on view
    QApplication.processEvents()
    started = app.tasks.running()
    assert len(started) == 2  # commissioning, and the certificates for Settings (issue 9)
    app.window.show_screen("now")
    app.window.show_screen("settings")  # read once, not at every visit
    QApplication.processEvents()
    assert len(app.tasks.running()) == 2
    app.model.schedule_usage_refresh()
    refresh = app.model._usage_task
    await asyncio.sleep(0.05)
    await app.stop()
    assert all(task.done() for task in started) and app.tasks.running() == []
    assert refresh is not None and refresh.done()
    assert all(task.done() for task in app.gateway._configuring.values())
    assert not app.window.notice.isVisibleTo(app.window)  # stopping is not a failure
