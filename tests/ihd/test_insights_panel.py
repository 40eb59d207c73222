"""Ways to save on the Usage screen (issue 15): a forecast and a bill projection only with
a week of the household's own days, saying what they are based on; always-on; the cheapest
time to run; the stopwatch from a tap."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from han_home.ihd_app.ui.live import LiveHome
from tests.ihd.conftest import open_window, pump


async def test_insights_say_what_they_are_based_on(qtbot: QtBot, live: LiveHome) -> None:
    window, _ = await open_window(qtbot, live)
    window.show_screen("usage")
    panel = window.screens["usage"].insights  # type: ignore[attr-defined]
    model = live.model
    forecast = model.forecast()
    assert forecast is not None and forecast[2] == 7
    assert panel.forecast.text().startswith("On track for £") and "last 7 days" in \
        panel.forecast.text()
    assert forecast[0] >= model.day_total().value  # today so far, plus the rest
    bill = model.bill_projection()
    assert bill is not None and bill.vat_rate == Decimal("0.05")
    assert bill.total_gbp == (bill.energy_projected_gbp + bill.standing_gbp) * Decimal("1.05")
    assert "Your bill to 1 November 2026 could be about £" in panel.bill.text()
    assert "VAT at 5%" in panel.bill.text()
    assert panel.always_on.text().startswith("Always on: ") and " W, about £" in \
        panel.always_on.text()
    assert panel.cheapest.text().startswith("From ")  # the next 24 hours are priced
    # the stopwatch, from a tap: start, the heater on for 20 minutes, stop
    qtbot.mouseClick(panel.watch, Qt.MouseButton.LeftButton)
    assert model.stopwatch.running
    live.gateway.config.sim_home.switch_appliance("heater", 3000)
    await pump(live, 20 * 60)
    live.gateway.config.sim_home.switch_appliance("heater", None)
    await pump(live, 90)
    qtbot.mouseClick(panel.watch, Qt.MouseButton.LeftButton)
    result = model.stopwatch_result
    assert result is not None and abs(result.above_start_kwh - Decimal(1)) < Decimal("0.1")
    assert "more than when you started, costing £" in panel.watch_result.text()

