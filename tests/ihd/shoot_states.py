"""Screenshots of Now, Usage and Credit in the states issue 15 names, for looking at:

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.ihd.shoot_states OUTDIR [--screens now]

first start, weeks of history ("history"), low credit with over budget ("low-credit"),
stale; 800x480 and 1024x600; en and cy; normal and high contrast. The virtual home runs on
a ManualClock, so the states are the same on every run.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from datetime import UTC, datetime
from decimal import Decimal
from itertools import product
from pathlib import Path

from PySide6.QtWidgets import QApplication

from han_home.ihd_app.model import DisplayModel
from han_home.ihd_app.settings import Settings
from han_home.ihd_app.ui.window import MainWindow
from han_home.shared.energy.supplier_tariff import SupplierTariff
from han_home.shared.han.tariffs import from_supplier_tariff
from han_home.shared.i18n import set_language
from han_home.shared.store.async_history import AsyncHistory
from tests.ihd.conftest import LiveOptions, live_home, pump

SIZES = ((800, 480), (1024, 600))


def shoot(window: MainWindow, outdir: Path, state: str, screens: list[str]) -> None:
    base = window.ctx.settings
    for size, language, theme in product(SIZES, ("en", "cy"), ("normal", "high-contrast")):
        window.apply_settings(base.changed(language=language, theme=theme))
        window.resize(*size)
        for key in screens:
            window.show_screen(key)
            for _ in range(3):
                QApplication.processEvents()
            name = f"{state}-{key}-{language}-{theme}-{size[0]}x{size[1]}.png"
            window.grab().save(str(outdir / name))
            if key != "now":  # and the whole scrolled content, to check nothing is cut off
                window.screens[key].body.grab().save(str(outdir / name.replace(
                    ".png", "-full.png")))


async def main_async(outdir: Path, screens: list[str]) -> None:
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        history = AsyncHistory(Path(tmp) / "first.db")
        await history.ready()
        at = datetime(2026, 12, 1, 6, 46, tzinfo=UTC)
        model = DisplayModel(history, from_supplier_tariff(SupplierTariff()), lambda: at,
                             Settings())
        await model.load_last_known()
        window = MainWindow(model, Settings(), lambda _s: None, kiosk=True)
        window.show()
        shoot(window, outdir, "first-start", screens)
        window.close()
        await history.close()
        for state, options in (
            ("history", LiveOptions()),
            ("low-credit", LiveOptions(credit_gbp=Decimal("0.6"), settings=Settings(
                budget_gbp_per_day=Decimal("0.50")))),
        ):
            (Path(tmp) / state).mkdir()
            live = await live_home(Path(tmp) / state, options, warm_up=3 * 3600)
            window = MainWindow(live.model, options.settings, lambda _s: None, kiosk=True)
            window.show()
            await pump(live, 60)
            shoot(window, outdir, state, screens)
            if state == "history":
                live.gateway.config.sim_home.unplug_radio()
                await pump(live, 360)
                shoot(window, outdir, "stale", screens)
            window.close()
            await live.close()
    set_language("en")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--screens", default="now,usage,credit")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    asyncio.run(main_async(args.outdir, args.screens.split(",")))
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
