"""Settings lists the changes the meter accepted, with who made them (en and cy)."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from han_home.ihd_app.settings import Settings
from han_home.shared.han.changes import ChangeEvent, ChangeNotice
from han_home.shared.security.profiles import Role

from .conftest import open_window
from .helpers import joined


def _notices(now: dt.datetime) -> list[ChangeNotice]:
    meter = bytes(8)
    return [
        ChangeNotice("tariff", Role.SUPPLIER, "Demo Energy Supplier", meter, now,
                     effective=dt.datetime(2026, 12, 1, tzinfo=dt.UTC)),
        ChangeNotice("top_up", Role.SUPPLIER, "Demo Energy Supplier", meter, now,
                     amount_gbp=Decimal("20")),
        ChangeNotice("clock", Role.NETWORK_OPERATOR, "Demo Network Operator", meter, now,
                     offset_s=420),
    ]


async def test_changes_and_certificates_appear_in_settings(qtbot: QtBot, live):
    """Changes only once the gateway reports the meter applied them; then certificates."""
    window, _ = await open_window(qtbot, live)
    window.show_screen("settings")
    QApplication.processEvents()
    panel = window.screens["settings"].changes
    assert "No changes yet" in joined(panel)
    for notice in _notices(live.gateway.now()):
        live.gateway._emit(ChangeEvent(notice))  # what the WAN end point emits (tunnel tests)
    QApplication.processEvents()
    text = joined(panel)
    assert "No changes yet" not in text
    assert "Credit added: £20.00, by your energy supplier (Demo Energy Supplier)." in text
    assert "Your tariff changes from 1 December 2026" in text
    assert "corrected by 7 minutes, by the network operator" in text
    window.apply_settings(Settings(language="cy"))
    QApplication.processEvents()
    cy = joined(window.screens["settings"].changes)
    assert "Newidiadau i'ch mesurydd" in cy and "gan eich cyflenwr ynni" in cy
    window.apply_settings(Settings(language="en"))
    await _certificates(window, live)


async def _certificates(window, live) -> None:
    """Settings shows the gateway's and the meter's certificates (same window: one home)."""
    import asyncio

    from han_home.ihd_app.changes import load_certificates
    from han_home.shared.sim.demo_pki import give_gateway_identity

    give_gateway_identity(live.gateway)
    load = asyncio.ensure_future(load_certificates(live.gateway, live.model.changes))
    for _step in range(200):  # the probe crosses the virtual air: let the home run
        if load.done():
            break
        await live.gateway.clock.advance(0.5)
        await asyncio.sleep(0)
    await load
    QApplication.processEvents()
    text = joined(window.screens["settings"].changes)
    assert "Certificates" in text
    assert "Gateway: certified by Demo Meter Manufacturer CA until" in text
    assert "Electricity meter: certified by Demo Meter Manufacturer CA until" in text
    shots = os.environ.get("HAN_SHOTS")
    if shots:  # look at it: HAN_SHOTS=/tmp/shots pytest tests/ihd/test_changes_panel.py
        for theme in ("normal", "high-contrast"):
            for lang in ("en", "cy"):
                window.apply_settings(Settings(language=lang, theme=theme))
                QApplication.processEvents()
                screen = window.screens["settings"]
                screen.body.grab().save(str(Path(shots) / f"settings-{lang}-{theme}.png"))
