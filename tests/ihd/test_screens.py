"""Every screen with a live model on the virtual home: values, honesty marks, credit, charts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from han_home.ihd_app.model import DisplayModel
from han_home.ihd_app.settings import Settings
from han_home.ihd_app.ui.live import LiveHome, LiveOptions
from han_home.ihd_app.ui.screens.credit import CreditScreen
from han_home.ihd_app.ui.screens.tariff import TariffScreen
from han_home.ihd_app.ui.screens.usage import UsageScreen
from han_home.ihd_app.ui.widgets.bar_chart import BarChart
from han_home.shared.energy.readings import Fuel
from han_home.shared.energy.supplier_tariff import SupplierTariff
from han_home.shared.han.tariffs import from_supplier_tariff
from han_home.shared.store.async_history import AsyncHistory
from tests.ihd.conftest import live_home, open_window, pump
from tests.ihd.helpers import joined, tiles


async def test_now_shows_meter_values_with_source_and_age(qtbot: QtBot, live: LiveHome) -> None:
    window, _ = await open_window(qtbot, live)
    now = window.screens["now"]
    power = now.power
    assert power.figure.text().endswith("kW")
    assert power.source.text().startswith("Meter reading")
    assert "Power now" == power.accessibleName()
    description = power.accessibleDescription()
    assert "kW" in description and "Meter reading" in description
    assert power.lines[0].text().endswith("p an hour")  # pence: "12.6p an hour"
    spend = now.spend
    assert spend.title.text() == "Today so far" and spend.figure.text().startswith("£")
    assert spend.figure.property("role") == "figure"  # the large figure
    total = live.model.day_total().value
    elec = live.model.day_cost(Fuel.ELECTRICITY).total.value
    gas = live.model.day_cost(Fuel.GAS).total.value
    assert total == elec + gas
    assert spend.lines[0].text() == f"Electricity £{elec:.2f} · Gas £{gas:.2f}"
    assert "standing charges of £0.85 a day" in spend.source.text()  # 0.5335 + 0.3143
    # Usage's today card: the same figures, to the digit
    window.show_screen("usage")
    today = tiles(window.screens["usage"])["Today"]
    assert f"£{elec:.2f}" in today.figure.text() and f"£{gas:.2f}" in today.detail.text()
    window.show_screen("now")
    # one tap or key from the details
    qtbot.mouseClick(spend, Qt.MouseButton.LeftButton)
    assert window.current_screen() == "usage"
    window.show_screen("now")
    power.setFocus()
    qtbot.keyClick(power, Qt.Key.Key_Return)
    assert window.current_screen() == "tariff"
    window.show_screen("now")
    assert now.ambient.text.startswith("Usage is")
    assert now.ambient.level is not None
    assert not now.notice.isVisibleTo(window)  # the virtual meter prices like the display


async def test_ambient_thresholds_come_from_settings(qtbot: QtBot, live: LiveHome) -> None:
    window, _ = await open_window(qtbot, live)
    window.apply_settings(Settings(ambient_low_kw=Decimal("0.01"), ambient_high_kw=Decimal("0.02")))
    await pump(live, 30)
    assert window.screens["now"].ambient.text == "Usage is high"
    window.apply_settings(Settings(ambient_low_kw=Decimal("9"), ambient_high_kw=Decimal("10")))
    await pump(live, 30)
    assert window.screens["now"].ambient.text == "Usage is low"
    assert "9.00 kW" in window.screens["now"].ambient.accessibleDescription()


async def test_usage_totals_and_charts(qtbot: QtBot, live: LiveHome) -> None:
    window, _ = await open_window(qtbot, live)
    window.show_screen("usage")
    usage = window.screens["usage"]
    assert isinstance(usage, UsageScreen)
    today = tiles(usage)["Today"]
    assert today.figure.text().startswith("Electricity: ") and "kWh" in today.figure.text()
    assert "m³" in today.detail.text()
    assert usage.span.value == "today"  # the chart leads with today by half-hour
    assert len(usage.chart.bars) == 50  # 25 October: a day of 25 hours
    qtbot.mouseClick(usage.span.buttons["8d"], Qt.MouseButton.LeftButton)
    assert len(usage.chart.bars) == 8
    qtbot.mouseClick(usage.measure.buttons["gbp"], Qt.MouseButton.LeftButton)
    assert usage.chart.bars[-1].value_text.startswith("£")
    qtbot.mouseClick(usage.fuel.buttons["gas"], Qt.MouseButton.LeftButton)
    assert usage.measure.buttons["m3"].isVisibleTo(window)
    qtbot.mouseClick(usage.measure.buttons["m3"], Qt.MouseButton.LeftButton)
    assert usage.chart.bars[-1].value_text.endswith("m³")
    qtbot.mouseClick(usage.span.buttons["13m"], Qt.MouseButton.LeftButton)
    assert len(usage.chart.bars) == 13
    qtbot.mouseClick(usage.span.buttons["5w"], Qt.MouseButton.LeftButton)
    assert len(usage.chart.bars) == 5
    qtbot.mouseClick(usage.measure.buttons["carbon"], Qt.MouseButton.LeftButton)
    assert "kg CO₂e" in usage.chart.accessibleDescription()
    # carbon off in settings: its switch goes away, and the chart falls back to kWh
    window.apply_settings(Settings(show_carbon=False))
    assert not usage.measure.buttons["carbon"].isVisibleTo(window)
    assert usage.measure.value == "kwh"


async def test_clock_change_day_today_and_in_the_chart(qtbot: QtBot, live: LiveHome) -> None:
    """The virtual home starts on 25 October 2026, when the clocks go back: 25 hours."""
    window, _ = await open_window(qtbot, live)
    usage = window.screens["usage"]
    assert isinstance(usage, UsageScreen)
    today = tiles(usage)["Today"].source.text()
    assert "This day has 25 hours because the clocks changed." in today
    qtbot.mouseClick(usage.span.buttons["8d"], Qt.MouseButton.LeftButton)
    last = usage.chart.bars[-1]
    assert last.note == "25 hours"
    assert "Sunday, 25 October 2026, a day of 25 hours:" in usage.chart.accessibleDescription()
    assert last.kind == "partial"  # today is not over: drawn and said as "so far"
    assert usage.chart.accessibleDescription().endswith("so far.")
    assert sum(1 for bar in usage.chart.bars if bar.note) == 1


async def test_clock_change_day_a_week_later(qtbot: QtBot, tmp_path: Path) -> None:
    start = datetime(2026, 10, 27, 9, 0, tzinfo=UTC)
    live = await live_home(tmp_path, LiveOptions(start=start), warm_up=300)
    try:
        window, _ = await open_window(qtbot, live)
        qtbot.mouseClick(window.screens["usage"].span.buttons["8d"], Qt.MouseButton.LeftButton)
        chart = window.screens["usage"].findChild(BarChart)
        notes = [(bar.label, bar.note) for bar in chart.bars if bar.note]
        assert notes == [("Sun 25", "25 hours")]
        window.apply_settings(Settings(language="cy"))
        assert [bar.note for bar in chart.bars if bar.note] == ["25 awr"]
    finally:
        await live.close()


async def test_tariff_screen(qtbot: QtBot, live: LiveHome) -> None:
    window, _ = await open_window(qtbot, live)
    window.show_screen("tariff")
    tariff = window.screens["tariff"]
    assert isinstance(tariff, TariffScreen)
    # one card per fuel, a row per figure: its caption, the value, its source
    rows = {row.accessibleName(): row for card in (tariff.elec, tariff.gas)
            for row in card.rows}
    assert set(rows) == {"Electricity rate now", "Electricity standing charge",
                         "Gas rate now", "Gas standing charge", "Gas calorific value"}
    assert [tariff.elec.title.text(), tariff.gas.title.text()] == ["Electricity", "Gas"]
    rate = rows["Electricity rate now"]
    assert rate.caption.text() == "Rate now" and rate.figure.text().endswith("p/kWh")
    assert rate.detail.text().startswith("Next rate: 13.50p/kWh from 00:30 tomorrow")
    standing = rows["Electricity standing charge"]
    assert standing.caption.text() == "Standing charge"
    assert standing.figure.text().endswith("a day")
    # its own source, spoken, though the card shows the shared one once
    assert standing.accessibleDescription() == f"{standing.figure.text()}. " \
        f"{rate.source.text()}." and rate.source.text().startswith("Meter reading")
    assert rows["Gas calorific value"].figure.text() == "39.5 MJ/m³"
    # gas's rate and standing charge are both the display's estimate: said once, below both
    gas_rate, gas_standing = rows["Gas rate now"], rows["Gas standing charge"]
    assert gas_standing.source.text() == "Estimated by this display"
    assert gas_standing.source.isVisibleTo(window) and not gas_rate.source.isVisibleTo(window)
    assert gas_rate.accessibleDescription().endswith("Estimated by this display.")
    assert rows["Gas calorific value"].source.text().startswith("Meter reading")
    assert rows["Gas calorific value"].source.isVisibleTo(window)
    bands = tariff.bands.text().splitlines()
    # 25 October: local midnight is 23:00 UTC the day before; bands shown in UK time
    assert bands[0].startswith("00:00 to ")
    window.apply_settings(Settings(show_utc=True))
    assert tariff.bands.text().splitlines()[0].startswith("23:00 UTC to ")


async def test_credit_screen_prepayment(qtbot: QtBot, live: LiveHome) -> None:
    window, _ = await open_window(qtbot, live)
    window.show_screen("credit")
    credit = window.screens["credit"]
    assert isinstance(credit, CreditScreen)
    # balance, emergency credit and debt: one card, a row each, the meter's reading
    rows = {row.accessibleName(): row for row in credit.grid.rows}
    assert list(rows) == ["Credit balance", "Emergency credit", "Debt"]
    balance = rows["Credit balance"]
    assert balance.figure.text().startswith("£")
    assert balance.accessibleDescription().startswith(balance.figure.text())
    assert "Meter reading" in balance.accessibleDescription()
    assert "Debt recovery: £0.50 a day" in rows["Debt"].detail.text()
    # the same meter reading for all three: said once, under the debt
    assert [row.source.isVisibleTo(window) for row in rows.values()] == [False, False, True]
    assert rows["Debt"].source.text().startswith("Meter reading")
    # days left leads, fuel named, from the household's own complete days of spending
    days = credit.days
    assert days.title.text() == "Electricity credit"
    basis = live.model.spending_basis()
    assert basis is not None and basis[1] == 7  # five weeks of history: the last 7 full days
    assert days.figure.text().endswith("days of credit left")
    assert days.figure.property("role") == "figure"
    assert "spending over the last 7 days" in days.source.text()
    assert days.mapTo(credit.body, days.rect().topLeft()).y() < balance.mapTo(
        credit.body, balance.rect().topLeft()).y()
    assert not credit.alert.isVisibleTo(window)
    assert not credit.activate.isVisibleTo(window)


async def test_low_credit_alert_and_emergency_credit(qtbot: QtBot, tmp_path: Path,
                                                     monkeypatch: object) -> None:
    live = await live_home(tmp_path, LiveOptions(credit_gbp=Decimal("0.60")))
    try:
        window, _ = await open_window(qtbot, live)
        window.show_screen("credit")
        credit = window.screens["credit"]
        assert credit.alert.isVisibleTo(window)
        assert credit.alert.text().startswith("Your credit is low. Top up soon.")
        assert credit.activate.isVisibleTo(window)
        assert credit.activate.text() == "Activate emergency credit"
        qtbot.mouseClick(credit.activate, Qt.MouseButton.LeftButton)
        assert credit.result.text() == "Asking the meter to turn on emergency credit."
        for _ in range(50):
            await pump(live, 10)
            if credit.result.text() != "Asking the meter to turn on emergency credit.":
                break
        assert credit.result.text() == "The meter has turned on emergency credit."
    finally:
        await live.close()


async def test_credit_home_says_so(qtbot: QtBot, tmp_path: Path) -> None:
    # end to end in real time: the SimClock at 600x, as the kiosk's demo mode runs
    live = await live_home(tmp_path, LiveOptions(prepayment=False), warm_up=600, real_time=True)
    try:
        window, _ = await open_window(qtbot, live)
        window.show_screen("credit")
        text = joined(window.screens["credit"])
        assert "This home does not have a prepayment meter" in text
        assert "£" not in text
    finally:
        await live.close()


async def test_messages_read_and_unread(qtbot: QtBot, live: LiveHome) -> None:
    window, _ = await open_window(qtbot, live)
    assert live.model.unread == 1
    assert window.nav.buttons["messages"].text() == "Messages (1)"
    window.show_screen("messages")
    screen = window.screens["messages"]
    text = joined(screen)
    assert "Unread messages: 1" in text and "Your new tariff starts on 1 December" in text
    assert "Unread, received 17:" in text
    button = screen.findChild(QPushButton, "mark-read")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    assert live.model.unread == 0
    text = joined(screen)
    assert "Read, received" in text and "Unread messages: 0" in text
    assert window.nav.buttons["messages"].text() == "Messages"
    assert screen.findChild(QPushButton, "mark-read") is None


async def test_discrepancy_notice_when_meter_prices_differently(qtbot: QtBot,
                                                                tmp_path: Path) -> None:
    live = await live_home(tmp_path, LiveOptions(meter_rate_factor=Decimal("1.2")),
                           warm_up=3.5 * 3600)
    try:
        window, _ = await open_window(qtbot, live)
        gap = live.model.discrepancy()
        assert gap is not None and gap.differs
        notice = window.screens["now"].notice
        assert notice.isVisibleTo(window)
        assert "The meter's figure is the one to believe." in notice.text()
    finally:
        await live.close()


async def test_no_discrepancy_notice_when_meter_agrees(qtbot: QtBot, tmp_path: Path) -> None:
    live = await live_home(tmp_path, LiveOptions(), warm_up=3.5 * 3600)
    try:
        window, _ = await open_window(qtbot, live)
        gap = live.model.discrepancy()
        assert gap is not None and not gap.differs
        assert not window.screens["now"].notice.isVisibleTo(window)
    finally:
        await live.close()


async def test_stale_values_are_marked_with_their_age(qtbot: QtBot, live: LiveHome) -> None:
    window, _ = await open_window(qtbot, live)
    live.gateway.config.sim_home.unplug_radio()
    await pump(live, 360)  # 6 simulated minutes without a reading
    power = window.screens["now"].power
    assert power.source.text().startswith("Stale: last reading ")
    assert power.source.property("role") == "stale"
    # the value keeps its size: a small note says how old it is, not a big warning
    assert power.figure.property("role") == "figure"
    assert "Stale" in power.accessibleDescription()
    assert window.screens["now"].ambient.text == "No live power reading"
    alerts = [a.kind for a in window.screens["now"].shown_alerts]
    assert "stale" in alerts or "connection_lost" in alerts


async def test_no_data_yet_and_last_known_values(qtbot: QtBot, tmp_path: Path) -> None:
    """Before any reading: "No data yet". After a run: last known values, with their time."""
    db = tmp_path / "history.db"
    tariffs = from_supplier_tariff(SupplierTariff())
    clock_at = datetime(2026, 10, 25, 17, 0, tzinfo=UTC)
    history = AsyncHistory(db)
    await history.ready()
    model = DisplayModel(history, tariffs, lambda: clock_at, Settings())
    await model.load_last_known()
    window, _ = await open_window(qtbot, _Static(model))
    assert window.screens["now"].power.figure.text() == "No data yet"
    assert "No contact with your meters." in window.status.text()
    window.close()
    await history.close()

    # a quarter of an hour of the virtual home on the ManualClock: whatever the host's
    # load, readings are stored before it stops (test_credit_home_says_so runs real time)
    live = await live_home(tmp_path, LiveOptions(), warm_up=900)
    await live.close()
    history = AsyncHistory(db)
    await history.ready()
    later = live.gateway.now() + timedelta(hours=2)
    model = DisplayModel(history, tariffs, lambda: later, Settings())
    await model.load_last_known()
    window, _ = await open_window(qtbot, _Static(model))
    assert "Last known values from 17:" in window.status.text()
    assert "waiting for the meter" in window.status.text()
    power = window.screens["now"].power
    assert power.source.text().startswith("Stale: last reading 2 hours ago")
    window.close()
    await history.close()


class _Static:
    """Just enough of LiveHome for open_window: a model without a HAN."""

    def __init__(self, model: DisplayModel) -> None:
        self.model = model


async def test_now_says_when_a_meter_reading_was_not_counted(qtbot: QtBot, live: LiveHome) -> None:
    """A spoofed jump from the meter's address is refused; the household is told, in its
    language, that the bill comes from the meter's own register."""
    from han_home.shared.han.zcl_ids import METERING_CLUSTER, MeteringAttr

    window, _ = await open_window(qtbot, live)
    now = window.screens["now"]
    assert not now.notice.isVisibleTo(window)
    esme = live.gateway.config.sim_home.esme
    attributes = esme.endpoints[1].servers[METERING_CLUSTER]
    summation = MeteringAttr.current_summ_delivered.id
    real = attributes[summation]
    attributes[summation] = int(esme.total_kwh * 1000) + 1_000_000  # +1000 kWh
    try:
        await pump(live, 1)
        esme.report(1, METERING_CLUSTER, [summation])
        await pump(live, 1)
    finally:
        attributes[summation] = real
    await pump(live, 5)
    assert now.notice.isVisibleTo(window)
    assert "was not counted" in now.notice.text()
    assert "meter's own register" in now.notice.text()
    from han_home.shared.i18n import set_language

    set_language("cy")  # switched while running, as from the header's language button
    await pump(live, 1)
    try:
        assert "Ni chafodd darlleniad o'ch mesurydd trydan ei gyfrif" in now.notice.text()
    finally:
        set_language("en")
