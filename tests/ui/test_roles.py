"""Roles a screen reader gets from the shared widgets, checked in process (offscreen);
tests/atspi walks the same over AT-SPI under Xvfb."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QPushButton

from han_home.ihd_app.ui.nav import NavBar
from han_home.ihd_app.ui.widgets.bar_chart import Bar, BarChart
from han_home.ihd_app.ui.widgets.segmented import Segmented
from han_home.installer_app.diagnostics import ScanResult
from han_home.installer_app.ui.widgets import ChannelChart
from han_home.shared.ui import roles


def iface(widget):  # type: ignore[no-untyped-def]
    found = QAccessible.queryAccessibleInterface(widget)
    assert found is not None
    return found


def test_navigation_is_a_tab_list_and_the_chosen_tab_is_selected(qapp: QApplication) -> None:
    roles.install()
    chosen: list[str] = []
    nav = NavBar(chosen.append)
    nav.render_view(0)
    nav.select("usage")
    assert iface(nav).role() == QAccessible.Role.PageTabList
    assert iface(nav).text(QAccessible.Text.Name) == "Screens"
    tab = iface(nav.buttons["usage"])
    assert tab.role() == QAccessible.Role.PageTab
    assert tab.state().selected and not iface(nav.buttons["now"]).state().selected
    assert tab.text(QAccessible.Text.Name) == "Usage"
    # a screen reader's "press" action chooses the screen
    actions = iface(nav.buttons["tariff"]).actionInterface()
    actions.doAction(actions.pressAction())
    assert chosen == ["tariff"] and nav.buttons["tariff"].isChecked()
    assert iface(nav.buttons["tariff"]).state().selected


def test_segmented_choice_is_a_named_radio_group(qapp: QApplication) -> None:
    roles.install()
    seg = Segmented(["a", "b"], lambda _key: None)
    seg.set_texts({"a": "Electricity", "b": "Gas"}, group="Fuel")
    assert iface(seg).role() == QAccessible.Role.Grouping
    assert iface(seg).text(QAccessible.Text.Name) == "Fuel"
    radio = iface(seg.buttons["a"])
    assert radio.role() == QAccessible.Role.RadioButton
    assert radio.state().checked and radio.state().checkable
    assert not iface(seg.buttons["b"]).state().checked
    # an ordinary checkable button elsewhere keeps Qt's own role
    plain = QPushButton("High contrast")
    plain.setCheckable(True)
    assert iface(plain).role() == QAccessible.Role.CheckBox


def test_bar_chart_has_a_chart_role_and_a_table_with_no_data_said_so(
        qapp: QApplication) -> None:
    roles.install()
    chart = BarChart()
    chart.resize(600, 300)
    bars = [Bar("Mon 23", "", Decimal(0), "Monday: No data yet.", "No data yet",
                period="Monday, 23 November 2026", kind="none"),
            Bar("Tue 24", "", Decimal("3.2"), "Tuesday: 3.20 kWh.", "3.20 kWh",
                period="Tuesday, 24 November 2026")]
    chart.set_bars("Electricity usage chart", bars, "Highest bar: 3.20 kWh", "Last 8 days.",
                   "#1565c0", "#000000", "#444444")
    assert iface(chart).role() == QAccessible.Role.Chart
    assert not chart.showing_table()
    chart.view.button.click()
    table = chart.view.table
    assert chart.showing_table() and table.accessibleName() == (
        "Electricity usage chart, as a table")
    cells = [[table.item(r, c).text() for c in range(2)] for r in range(table.rowCount())]
    assert cells == [["Monday, 23 November 2026", "No data yet"],
                     ["Tuesday, 24 November 2026", "3.20 kWh"]]
    assert chart.view.button.text() == "Show as chart"


def test_channel_chart_table_lists_every_channel_with_its_marks(qapp: QApplication) -> None:
    roles.install()
    chart = ChannelChart()
    assert chart.view.table.rowCount() == 0  # no scan: nothing to list
    energy = {c: 10.0 for c in range(11, 27)}
    energy[15] = 250.0
    chart.set_result(ScanResult(energy, recommended=20, current=11))
    table = chart.view.table
    rows = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert len(rows) == 16
    assert rows["Channel 20"] == "10 of 255, recommended"
    assert rows["Channel 15"] == "250 of 255, busy"
    assert rows["Channel 11"] == "10 of 255"
    assert iface(chart).role() == QAccessible.Role.Chart
