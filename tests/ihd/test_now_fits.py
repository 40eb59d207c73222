"""The home screen fits: at 800x480 and 1024x600, in English and Welsh, every visible widget
of Now lies inside the window and nothing scrolls, in the states a household meets (first
start, weeks of history, stale readings, low credit, over budget). The a11y walk checks the
same from outside the process."""

from __future__ import annotations

from decimal import Decimal
from itertools import product
from pathlib import Path

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from han_home.ihd_app.model import DisplayModel, RefusedRegister
from han_home.ihd_app.settings import Settings
from han_home.ihd_app.ui.window import MainWindow
from han_home.shared.energy.readings import Fuel
from han_home.shared.energy.supplier_tariff import SupplierTariff
from han_home.shared.han.tariffs import from_supplier_tariff
from han_home.shared.store.async_history import AsyncHistory
from tests.ihd.conftest import LiveOptions, live_home, open_window, pump

SIZES = ((800, 480), (1024, 600))


def outside(window: MainWindow) -> list[str]:
    """Visible widgets of Now that end outside the window, and a Now that would scroll."""
    screen = window.screens["now"]
    problems = []
    if screen.verticalScrollBar().maximum() > 0:
        problems.append(f"scrolls by {screen.verticalScrollBar().maximum()} px")
    for widget in [screen, *screen.findChildren(QWidget)]:
        if not widget.isVisibleTo(window) or widget is screen.viewport():
            continue
        top_left = widget.mapTo(window, QPoint(0, 0))
        bottom = top_left.y() + widget.height()
        right = top_left.x() + widget.width()
        if top_left.x() < 0 or top_left.y() < 0 or right > window.width() or \
                bottom > window.height():
            problems.append(f"{type(widget).__name__} {widget.objectName()!r} "
                            f"{widget.accessibleName()[:30]!r} ends at ({right}, {bottom})")
    return problems


def check_all(window: MainWindow) -> dict:
    failures = {}
    for size, language in product(SIZES, ("en", "cy")):
        window.apply_settings(window.ctx.settings.changed(language=language))
        window.resize(*size)
        window.show_screen("now")
        for _ in range(3):
            QApplication.processEvents()
        problems = outside(window)
        if (window.width(), window.height()) != size:
            problems.append(f"window is {window.width()}x{window.height()}")
        if problems:
            failures[(size, language)] = problems
    window.apply_settings(window.ctx.settings.changed(language="en"))
    return failures


async def test_now_fits_with_low_credit_over_budget_and_stale(qtbot: QtBot,
                                                              tmp_path: Path) -> None:
    options = LiveOptions(credit_gbp=Decimal("0.6"),
                          settings=Settings(budget_gbp_per_day=Decimal("0.50")))
    live = await live_home(tmp_path, options, warm_up=3 * 3600)
    try:
        window, _ = await open_window(qtbot, live, settings=options.settings)
        now = window.screens["now"]
        kinds = [a.kind for a in now.shown_alerts]
        assert kinds[:2] == ["low_credit", "over_budget"], kinds  # most urgent first
        assert "new_message" in kinds  # the supplier's message, 20 minutes after joining
        strip = now.strip.accessibleDescription()
        assert strip.startswith("No credit left: -£") or strip.startswith("Low credit: £")
        assert now.spend.figure.text().startswith("£") and now.spend.figure.property(
            "role") == "figure"
        # over budget: coloured (and told in words and by the bar), and announced once
        assert now.budget_text.property("role") == "over" and now.budget_bar.over
        assert now.budget_text.text().startswith("Over budget: £")
        said = window.ctx.announcer._last.get("over-budget")
        assert said is not None and said[1].startswith("Over budget: £")
        assert check_all(window) == {}
        # and with a notice as well (a refused register): still no scrolling
        live.model.refused_register = lambda: RefusedRegister(  # type: ignore[method-assign]
            Fuel.ELECTRICITY, "older", Decimal(0))
        now.render_view()
        assert now.notice.isVisibleTo(window)
        assert check_all(window) == {}
        del live.model.refused_register  # the model's own again
        live.gateway.config.sim_home.unplug_radio()
        await pump(live, 360)
        assert "stale" in [a.kind for a in now.shown_alerts] or "connection_lost" in [
            a.kind for a in now.shown_alerts]
        assert now.power.figure.property("role") == "figure"  # the value keeps its size
        assert now.power.source.property("role") == "stale"
        assert check_all(window) == {}
    finally:
        await live.close()


async def test_now_fits_on_a_first_start(qtbot: QtBot, tmp_path: Path) -> None:
    from datetime import UTC, datetime

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
        QApplication.processEvents()
        # the start's focus is on the screen, not the language switch's loud focus ring
        assert window.language.hasFocus() is False and now.hasFocus()
        assert now.spend.figure.text() == "Not known yet"  # never the standing charge alone
        assert "Standing charge £0.53 a day" in now.spend.source.text()
        # 06:46 in the off-peak band: the peak rate from 07:30 is a price change coming
        change = [a for a in now.shown_alerts if a.kind == "price_change"]
        assert change and change[0].amount == Decimal("0.2750")
        assert now.alert_cards[0].text.text() == "Price changes to 27.50p/kWh at 07:30"
        assert check_all(window) == {}
        # not "this home has no prepayment meter" before the meter has said anything
        window.show_screen("credit")
        assert window.screens["credit"].not_prepay.text().startswith(
            "Waiting for your electricity meter")
        window.close()
    finally:
        await history.close()
