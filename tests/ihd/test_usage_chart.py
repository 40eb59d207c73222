"""Usage leads with a chart that shows what is known (issue 15): today by half-hour with the
cheaper bands shaded; partial periods and periods with no data drawn and said differently
from zero; an axis with units; values on tap and keyboard focus; totals that say how many
days they cover."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from han_home.ihd_app.ui.live import LiveHome
from han_home.ihd_app.ui.screens.usage import UsageScreen, nice_ceiling
from tests.ihd.conftest import Decimal, open_window
from tests.ihd.helpers import tiles


async def test_the_chart_says_what_is_known(qtbot: QtBot, live: LiveHome) -> None:
    window, _ = await open_window(qtbot, live)
    window.show_screen("usage")
    usage = window.screens["usage"]
    assert isinstance(usage, UsageScreen)
    chart = usage.chart
    # it leads: right under the heading, above the controls and the totals
    assert chart.y() < usage.span.y() < usage.grid.y()
    # today by half-hour: the cheaper rate shaded, and said
    shaded = [b for b in chart.bars if b.shaded]
    assert shaded and any("Cheaper rate." in b.spoken for b in shaded if b.kind != "future")
    assert chart.axis_top is not None and chart.axis_top[1].endswith("kWh")
    assert chart.axis_top[0] >= max(b.value for b in chart.bars)
    # 13 months from five weeks of history: no data is not zero, part of a month is partial
    qtbot.mouseClick(usage.span.buttons["13m"], Qt.MouseButton.LeftButton)
    kinds = [b.kind for b in chart.bars]
    assert all(len(b.label) == 3 for b in chart.bars)  # "Sep", not "Sept", among them
    assert kinds[0] == "none" and "no data" in chart.bars[0].spoken
    first = kinds.index("partial")
    assert "from " in chart.bars[first].spoken and " days" in chart.bars[first].spoken
    assert kinds[-1] == "partial" and chart.bars[-1].spoken.endswith(".")
    assert all(k in ("none", "partial", "full") for k in kinds)
    # values on keyboard focus and on tap; the accessible text leads with the chosen one
    # a keyboard user reaches the chart in an active window (an earlier test's window may
    # have been the active one on this worker)
    window.activateWindow()
    chart.clearFocus()
    chart.setFocus()
    qtbot.waitUntil(chart.hasFocus, timeout=2000)
    assert chart.selected == len(chart.bars) - 1
    qtbot.keyClick(chart, Qt.Key.Key_Left)
    assert chart.selected == len(chart.bars) - 2
    assert chart.accessibleDescription().startswith(chart.bars[-2].spoken)
    slot = chart._slot_width()
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton,
                     pos=QPoint(int(chart._left() + slot * 0.5), chart.height() // 2))
    assert chart.selected == 0 and chart.selected_text() == chart.bars[0].spoken
    # totals say how many days they cover
    year = tiles(usage)["This year"].source.text()
    assert year.startswith("From ") and "days so far" in year


def test_the_axis_top_is_a_round_number_above_the_tallest_bar() -> None:
    assert nice_ceiling(Decimal("0.37")) == Decimal("0.5")
    assert nice_ceiling(Decimal("12.3")) == Decimal("20")
    assert nice_ceiling(Decimal("2")) == Decimal("2")
    assert nice_ceiling(Decimal("0")) == Decimal("1")


def test_the_repeated_hour_when_the_clocks_go_back_is_told_apart() -> None:
    """25 October 2026: 01:00 to 02:00 happens twice; the chart's table and its spoken
    values say which one each half-hour is, in English and Welsh."""
    from datetime import UTC, datetime

    from han_home.ihd_app.ui.screens.usage import half_hour_period
    from han_home.shared.i18n.catalog import set_language

    first, second = (datetime(2026, 10, 25, h, 0, tzinfo=UTC) for h in (0, 1))
    try:
        assert half_hour_period(first) == "01:00 to 01:30, before the clocks went back"
        assert half_hour_period(second) == "01:00 to 01:30, after the clocks went back"
        assert half_hour_period(datetime(2026, 10, 25, 3, 0, tzinfo=UTC)) == "03:00 to 03:30"
        assert half_hour_period(datetime(2026, 10, 24, 0, 0, tzinfo=UTC)) == "01:00 to 01:30"
        set_language("cy")
        assert half_hour_period(second) == "01:00 i 01:30, ar ôl i'r clociau fynd yn ôl"
    finally:
        set_language("en")


async def test_the_whole_chart_is_on_the_first_screenful(qtbot: QtBot, live: LiveHome) -> None:
    """At 100 % on the kiosk's 800x480 the chart, its time labels included, is on screen
    without scrolling, in English and in Welsh (whose two-line hint pushed the labels below
    the fold)."""
    from PySide6.QtCore import QPointF
    from PySide6.QtWidgets import QApplication

    window, _ = await open_window(qtbot, live)
    window.show_screen("usage")
    usage = window.screens["usage"]
    assert isinstance(usage, UsageScreen)
    for language in ("en", "cy"):
        window.apply_settings(window.ctx.settings.changed(language=language))
        for _pass in range(3):
            QApplication.processEvents()
        usage.chart.grab()  # a paint: the chart records where it drew its texts
        labels = [p for p in usage.chart.painted if p.text.endswith(":00")]
        assert labels, language
        bottom = max(usage.chart.mapTo(usage.viewport(),
                                       QPointF(0, p.needed.bottom()).toPoint()).y()
                     for p in labels)
        assert bottom <= usage.viewport().height(), (language, bottom)
        assert usage.verticalScrollBar().value() == 0
