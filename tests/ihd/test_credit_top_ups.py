"""The Credit screen lists the top-ups the meter applied, newest first, with who made them;
a short list with "Show all", below days left, which does not move (en and cy)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from han_home.ihd_app.settings import Settings
from han_home.shared.han.changes import ChangeEvent, ChangeNotice
from han_home.shared.security.profiles import Role

from .conftest import LiveHome, open_window


def _top_up(at: dt.datetime, amount: str) -> ChangeEvent:
    meter = bytes(8)
    return ChangeEvent(ChangeNotice("top_up", Role.SUPPLIER, "Demo Energy Supplier", meter, at,
                                    amount_gbp=Decimal(amount)))


async def test_top_ups_listed_below_days_left(qtbot: QtBot, live: LiveHome) -> None:
    window, _ = await open_window(qtbot, live)
    window.show_screen("credit")
    QApplication.processEvents()
    credit = window.screens["credit"]
    days, box = credit.days, credit.top_ups
    top = days.mapTo(window, days.rect().topLeft())
    assert top.y() + days.height() <= 480  # the leading figure is on the 800x480 screen
    assert box.empty.isVisibleTo(window) and box.empty.text().startswith("No top-ups yet")
    now = live.gateway.now()
    # not a ReadingEvent: a top-up is listed only from the gateway's ChangeEvent
    live.gateway._emit(_top_up(now - dt.timedelta(days=2), "20"))
    QApplication.processEvents()
    rows = [r for r in box.rows if r.isVisibleTo(window)]
    assert not box.empty.isVisibleTo(window)
    local = (now - dt.timedelta(days=2)).astimezone(ZoneInfo("Europe/London"))
    assert [r.text() for r in rows] == [
        f"£20.00 on {local.day} {local:%B %Y} at {local:%H:%M}, by your energy supplier"]
    assert rows[0].accessibleDescription() == "Demo Energy Supplier"  # who, by certificate
    assert rows[0].accessibleName().startswith("Top-up: £20.00 on ")
    for hours, amount in ((30, "10"), (20, "5.50"), (10, "15"), (1, "7.25")):
        live.gateway._emit(_top_up(now - dt.timedelta(hours=hours), amount))
    QApplication.processEvents()
    shown = [r.text().split(" on ")[0] for r in box.rows if r.isVisibleTo(window)]
    assert shown == ["£7.25", "£15.00", "£5.50"]  # newest first, a short list
    assert box.more.isVisibleTo(window) and box.more.text() == "Show all"
    assert box.more.accessibleName() == "Show all 5 top-ups"
    assert days.mapTo(window, days.rect().topLeft()) == top  # days left did not move
    qtbot.mouseClick(box.more, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    shown = [r.text().split(" on ")[0] for r in box.rows if r.isVisibleTo(window)]
    assert shown == ["£7.25", "£15.00", "£5.50", "£10.00", "£20.00"]
    assert box.more.text() == "Show fewer"
    assert days.mapTo(window, days.rect().topLeft()) == top
    window.apply_settings(Settings(language="cy"))
    QApplication.processEvents()
    welsh = [r.text() for r in box.rows if r.isVisibleTo(window)]
    assert box.heading.text() == "Taliadau ychwanegu credyd"
    assert welsh[0].startswith("£7.25 ar ") and "gan eich cyflenwr ynni" in welsh[0]
    window.apply_settings(Settings(language="en"))
