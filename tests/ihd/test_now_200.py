"""Now at 200 % text on the kiosk's 800x480, English and Welsh, in the states a household
meets (low or no credit, over budget, a notice, stale readings): the cards stack in one
column, every widget stays inside the window sideways, no text is cut off at the side or the
bottom, and no word is broken across lines (a negative amount "-£0.60" stays whole). Now may
scroll up and down at 200 % (the figures alone are taller than the 290 px left between the
header and the navigation), never sideways; at 100 % test_now_fits.py keeps it unscrolled."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from han_home.ihd_app.model import RefusedRegister
from han_home.ihd_app.settings import Settings
from han_home.ihd_app.ui.window import MainWindow
from han_home.shared.energy.readings import Fuel
from tests.ihd.conftest import LiveOptions, live_home, open_window, pump
from tests.ihd.test_layout_200 import outside


def check(window: MainWindow) -> dict[str, list[str]]:
    failures = {}
    for language in ("en", "cy"):
        window.apply_settings(window.ctx.settings.changed(language=language, text_scale=2.0))
        window.resize(800, 480)
        window.show_screen("now")
        for _ in range(3):
            QApplication.processEvents()
        screen = window.screens["now"]
        problems = outside(window, screen)
        if window.width() != 800:
            problems.append(f"window {window.width()} px wide")
        if screen.body.width() > screen.viewport().width():
            problems.append("content wider than the screen (sideways scroll)")
        if screen.horizontalScrollBar().isVisible():
            problems.append("a sideways scroll bar")
        # one column: the figure cards and the ambient/budget cards each take the width
        for card in (screen.spend, screen.power, screen.ambient_card, screen.budget_card):
            if card.width() < screen.viewport().width() * 0.9:
                problems.append(f"{card.objectName()} {card.width()} px: not one column")
        xs = {c.mapTo(window, QPoint(0, 0)).x() for c in (screen.spend, screen.power)}
        if len(xs) != 1:
            problems.append("the figure cards side by side")
        if problems:
            failures[language] = problems
    window.apply_settings(window.ctx.settings.changed(language="en", text_scale=1.0))
    return failures


async def test_now_at_200_percent_stacks_and_cuts_nothing(qtbot: QtBot,
                                                          tmp_path: Path) -> None:
    options = LiveOptions(credit_gbp=Decimal("0.6"),
                          settings=Settings(budget_gbp_per_day=Decimal("0.50")))
    live = await live_home(tmp_path, options, warm_up=3 * 3600)
    try:
        window, _ = await open_window(qtbot, live, settings=options.settings)
        now = window.screens["now"]
        assert [a.kind for a in now.shown_alerts][:2] == ["low_credit", "over_budget"]
        assert check(window) == {}
        # the no-credit alert keeps "-£0.60" whole on screen and reads the same aloud
        window.apply_settings(window.ctx.settings.changed(language="cy", text_scale=2.0))
        QApplication.processEvents()
        shown = now.alert_cards[0].text.text()
        assert shown.replace("\u2060", "") == now.alert_cards[0].accessibleName()
        assert shown.startswith("Dim credyd ar ôl: -")
        assert check(window) == {}
        # with a notice as well (a refused register)
        live.model.refused_register = lambda: RefusedRegister(  # type: ignore[method-assign]
            Fuel.ELECTRICITY, "older", Decimal(0))
        now.render_view()
        assert check(window) == {}
        del live.model.refused_register
        # stale: the radio unplugged, the alerts and the stale lines change
        live.gateway.config.sim_home.unplug_radio()
        await pump(live, 360)
        assert now.power.source.property("role") == "stale"
        assert check(window) == {}
        # at 100 % the cards are side by side again (the home screen's layout is unchanged)
        window.resize(800, 480)
        for _ in range(3):
            QApplication.processEvents()
        assert now.spend.mapTo(window, QPoint(0, 0)).y() == \
            now.power.mapTo(window, QPoint(0, 0)).y()
        assert now.verticalScrollBar().maximum() == 0
    finally:
        await live.close()


async def test_now_at_200_percent_on_a_first_start(qtbot: QtBot, tmp_path: Path) -> None:
    """Nothing known yet but the standing charge, and a price change coming (a rate with a
    "/" in a half-width alert): still nothing cut off or broken."""
    from datetime import UTC, datetime

    from han_home.ihd_app.model import DisplayModel
    from han_home.shared.energy.supplier_tariff import SupplierTariff
    from han_home.shared.han.tariffs import from_supplier_tariff
    from han_home.shared.store.async_history import AsyncHistory

    history = AsyncHistory(tmp_path / "history.db")
    await history.ready()
    clock_at = datetime(2026, 12, 1, 6, 46, tzinfo=UTC)
    model = DisplayModel(history, from_supplier_tariff(SupplierTariff()), lambda: clock_at,
                         Settings())
    await model.load_last_known()

    class Static:
        def __init__(self, model: DisplayModel) -> None:
            self.model = model

    try:
        window, _ = await open_window(qtbot, Static(model))  # type: ignore[arg-type]
        now = window.screens["now"]
        assert "price_change" in [a.kind for a in now.shown_alerts]
        assert check(window) == {}
        window.close()
    finally:
        await history.close()
