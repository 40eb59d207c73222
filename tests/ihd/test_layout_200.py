"""200 % text on the kiosk's 800x480, English and Welsh: the navigation stays one row (icons
only, each still a named page tab that the keyboard reaches), every screen keeps every
widget inside the window sideways with no word cut or broken and no text cut off at the
bottom (Messages with supplier texts in both languages), the Usage chart's painted texts fit
their boxes, and Settings' numbers have full-size "−" and "+" buttons."""

from __future__ import annotations

import re
from decimal import Decimal

from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QAccessible, QTextLayout, QTextOption
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from han_home.ihd_app.model import Message
from han_home.ihd_app.settings import SCREENS
from han_home.ihd_app.ui.live import LiveHome
from han_home.ihd_app.ui.screens.credit import CreditScreen
from han_home.ihd_app.ui.screens.tariff import TariffScreen
from han_home.ihd_app.ui.screens.usage import SPANS, UsageScreen
from han_home.ihd_app.ui.widgets.bar_chart import BarChart
from han_home.ihd_app.ui.widgets.figure_rows import FigureRow
from han_home.ihd_app.ui.window import MainWindow
from han_home.shared.energy.message_language import message_language
from han_home.shared.i18n.ihd_strings import screen_title
from han_home.shared.ui.theme import KIOSK_TARGET_PX
from tests.ihd.conftest import open_window

SCREENS_200 = SCREENS  # every screen: now, usage, tariff, credit, messages, settings
# what suppliers send: Welsh and English, a web address (one long word), read and unread
MESSAGES = (
    ("Bydd eich tariff newydd yn dechrau ar 1 Rhagfyr. Mae prisiau uned yn gostwng 2%. "
     "Rhagor o wybodaeth: https://www.demo-energy-supplier.co.uk/cymraeg/tariffau-newydd",
     False),
    ("Top up before the bank holiday: our shops close at 17:00 on Friday. Help: "
     "https://www.demo-energy-supplier.co.uk/smart-prepayment/emergency-credit", True),
)


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def broken_word(text: str, label: QLabel, width: int) -> str:
    """The first word Qt's own line breaking splits when ``label`` wraps ``text`` in
    ``width`` px ("-" / "£0.60" counts: a line must end at a space), or "". A compound
    broken at its hyphen between letters ("half-" / "hour") is how print does it."""
    layout = QTextLayout(text, label.font())
    layout.setTextOption(QTextOption(Qt.AlignmentFlag.AlignLeft))
    option = layout.textOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    layout.beginLayout()
    starts = []
    while (line := layout.createLine()).isValid():
        line.setLineWidth(width)
        starts.append(line.textStart())
    layout.endLayout()
    for start in starts[1:]:
        compound = text[start - 1] == "-" and text[start - 2:start - 1].isalpha() \
            and text[start:start + 1].isalpha()
        word = text[:start].split()[-1] + text[start:].split()[0]
        at_slash = text[start - 1] == "/" and web_address(word)
        if not text[start - 1].isspace() and not compound and not at_slash:
            return word
    return ""


def web_address(word: str) -> bool:
    """A supplier's message may hold an address longer than a line: print breaks those
    after a slash (or at a hyphen), and so does Qt."""
    return "://" in word or word.startswith("www.")


def pieces(word: str) -> list[str]:
    """The parts of ``word`` that must fit one line: an address may break after "/" and "-"."""
    return re.split(r"(?<=[/-])", word) if web_address(word) else [word]


def painted_cut_off(chart: BarChart) -> list[str]:
    """Texts the Usage chart painted (its hint or the tapped bar's value, axis and bar
    labels) that need more room than their box, lie outside the chart or under its
    "Show as table" button: painted text is no widget, so ``outside`` cannot see it."""
    chart.grab()  # paint now, in the chart's current state
    problems = []
    inside = QRectF(chart.rect())
    button = QRectF(chart.view.button.geometry())
    for painted in chart.painted:
        needed = painted.needed.adjusted(1, 1, -1, -1)  # a pixel of rounding either way
        if not painted.box.contains(needed):
            problems.append(f"chart text {painted.text[:30]!r} cut off")
        if not inside.contains(needed):
            problems.append(f"chart text {painted.text[:30]!r} outside the chart")
        if needed.intersects(button):
            problems.append(f"chart text {painted.text[:30]!r} under the table button")
    return problems


def chart_problems(screen: UsageScreen) -> list[str]:
    """The chart's painted texts on every span, with its hint and with a bar picked."""
    problems = []
    chart, first = screen.chart, screen.span.value
    for span in SPANS:
        screen.span.set_value(span)
        screen.render_view()
        settle()
        chart.select(None)
        problems += [f"{span}: {p}" for p in painted_cut_off(chart)]
        # the longest value a tap can show, in the top line where the hint was
        known = [i for i, b in enumerate(chart.bars) if b.spoken]
        if known:
            chart.select(max(known, key=lambda i: len(chart.bars[i].spoken)))
            problems += [f"{span}, a bar picked: {p}" for p in painted_cut_off(chart)]
        chart.select(None)
    screen.span.set_value(first)
    screen.render_view()
    return problems


# a tile per figure scrolled 4.1 screenfuls at 200 %; a card per fuel takes 2.7 (English)
# and 3.0 (Welsh, UTC shown): a quarter screen of room for the kiosk's fonts
TARIFF_SCREENS = 3.25


def tariff_problems(screen: TariffScreen) -> list[str]:
    """Tariff at 200 %: at most TARIFF_SCREENS screenfuls, each value on its caption's line
    (the standing charge on one line, not a caption over a large figure)."""
    problems = []
    screenfuls = screen.body.height() / screen.viewport().height()
    if screenfuls > TARIFF_SCREENS:
        problems.append(f"Tariff scrolls {screenfuls:.1f} screens")
    return problems + beside_captions(screen.elec.rows + screen.gas.rows)


def beside_captions(rows: list[FigureRow]) -> list[str]:
    """Table-like rows (Tariff, Credit) keep each value on its caption's line."""
    return [f"{row.accessibleName()}: the value is not beside its caption" for row in rows
            if row.figure.y() != row.caption.y() or row.figure.x() <= row.caption.x()]


def outside(window: MainWindow, root: QWidget) -> list[str]:
    """Showing widgets under ``root`` that stick out of the window sideways, and texts
    narrower than they need (cut off) or with a word wider than the label (broken)."""
    problems = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisibleTo(window):
            continue
        name = f"{type(widget).__name__} {widget.objectName() or ''}"
        if isinstance(widget, (QLabel, QAbstractButton)):
            name += f" {widget.text()[:30]!r}"
        left = widget.mapTo(window, QPoint(0, 0)).x()
        if left < 0 or left + widget.width() > window.width():
            problems.append(f"{name} runs off the side ({left}..{left + widget.width()})")
        if isinstance(widget, QAbstractButton) and widget.width() < widget.sizeHint().width() - 2:
            problems.append(f"{name} narrower than its text")
        if isinstance(widget, QLabel) and widget.text():
            if widget.wordWrap():
                room = widget.contentsRect().width() - 2 * widget.margin()
                metrics = widget.fontMetrics()
                wide = [p for w in widget.text().split() for p in pieces(w)
                        if metrics.horizontalAdvance(p) > room]
                if wide:
                    problems.append(f"{name} breaks or cuts the word {wide[0]!r}")
                elif broken := broken_word(widget.text(), widget, room):
                    problems.append(f"{name} breaks the word {broken!r}")
                if widget.height() < widget.heightForWidth(widget.width()):
                    problems.append(f"{name} cut off at the bottom")
            elif widget.width() < widget.sizeHint().width() - 2:
                problems.append(f"{name} narrower than its text")
    return problems


async def test_200_percent_on_800x480_fits_in_one_row_and_sideways(
        qtbot: QtBot, live: LiveHome) -> None:
    window, saved = await open_window(qtbot, live)
    now = live.model.now()
    for index, (text, read) in enumerate(MESSAGES):
        live.model.messages.append(Message(f"layout-{index}", text, now, read,
                                           message_language(text)))
    live.model.messages.sort(key=lambda m: m.received, reverse=True)  # as the model keeps them
    failures: dict[tuple[str, bool, str], list[str]] = {}
    # UTC shown: the header's clock is at its widest ("18:30 UTC")
    for language, utc in (("en", False), ("cy", False), ("cy", True)):
        window.apply_settings(window.ctx.settings.changed(language=language, text_scale=2.0,
                                                          show_utc=utc))
        window.resize(800, 480)
        for key in SCREENS_200:
            window.show_screen(key)
            settle()
            nav = window.nav
            rows = {b.mapTo(window, QPoint(0, 0)).y() for b in nav.buttons.values()}
            problems = [] if len(rows) == 1 else [f"navigation in {len(rows)} rows"]
            if window.width() != 800:  # pushed wider than the display by a minimum size
                problems.append(f"window {window.width()} px wide")
            problems += outside(window, window)  # header, status, the screen, navigation
            screen = window.screens[key]
            if screen.body.width() > screen.viewport().width():
                problems.append("content wider than the screen (sideways scroll)")
            if screen.horizontalScrollBar().isVisible():
                problems.append("a sideways scroll bar")
            if isinstance(screen, UsageScreen):
                problems += chart_problems(screen)
            if isinstance(screen, TariffScreen):
                problems += tariff_problems(screen)
            if isinstance(screen, CreditScreen):  # balance, emergency credit, debt
                problems += beside_captions(screen.grid.rows)
            # icons only, but every tab keeps its name, also as its tooltip
            if getattr(nav, "mode", None) != "icon":
                problems.append("navigation not collapsed to icons")
            for name, button in nav.buttons.items():
                if button.accessibleName() != screen_title(name) \
                        or not button.toolTip().startswith(screen_title(name)) \
                        or button.icon().isNull():
                    problems.append(f"tab {name}: name, tooltip or icon missing")
            if problems:
                failures[(language, utc, key)] = problems
    assert failures == {}, "\n".join(f"{k}: {v}" for k, v in failures.items())
    # icons only (Welsh, 200 %), still a page tab list that the keyboard works
    nav = window.nav
    assert nav.mode == "icon"
    tab = QAccessible.queryAccessibleInterface(nav.buttons["settings"])
    assert tab.role() == QAccessible.Role.PageTab
    assert tab.text(QAccessible.Text.Name) == "Gosodiadau"
    assert QAccessible.queryAccessibleInterface(nav).role() == QAccessible.Role.PageTabList
    window.show_screen("settings")
    button = nav.buttons["tariff"]
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)
    settle()
    assert window.current_screen() == "tariff"
    assert QAccessible.queryAccessibleInterface(button).state().selected
    assert set(nav.buttons) == set(SCREENS)
    # Settings' numbers: "−" and "+" are full touch targets, named after the setting
    window.show_screen("settings")
    settle()
    screen = window.screens["settings"]
    step = screen.steps[screen.budget]  # type: ignore[attr-defined]
    for button in (step.less, step.more):
        assert min(button.width(), button.height()) >= KIOSK_TARGET_PX
    assert step.more.accessibleName() == "Cyllideb ddyddiol (£): mwy"
    for box in screen.steps:  # type: ignore[attr-defined]
        field = box.lineEdit()  # the value shows in full between the buttons
        assert field.width() >= field.fontMetrics().horizontalAdvance(box.text()), box.text()
    before = window.ctx.settings.budget_gbp_per_day
    qtbot.mouseClick(step.more, Qt.MouseButton.LeftButton)
    assert saved.saved[-1].budget_gbp_per_day == before + Decimal("0.5")
    screen.budget.setValue(screen.budget.maximum())  # type: ignore[attr-defined]
    assert not step.more.isEnabled() and step.less.isEnabled()


async def test_navigation_and_usage_chart_fit_at_every_text_size(
        qtbot: QtBot, live: LiveHome) -> None:
    """At 100 % the row shows the screen names (it collapses only when it must), and at
    every step up to 200 % it stays one row with no tab cut off; the Usage chart's painted
    texts fit at every step too (at 100 % the Welsh hint ran under the table button)."""
    window, _ = await open_window(qtbot, live)
    window.show_screen("usage")
    usage = window.screens["usage"]
    assert isinstance(usage, UsageScreen)
    for language in ("en", "cy"):
        window.apply_settings(window.ctx.settings.changed(language=language, text_scale=1.0))
        settle()
        assert window.nav.mode != "icon"
        assert window.nav.buttons["now"].text() == screen_title("now")
        rows = {b.y() for b in window.nav.buttons.values()}
        assert len(rows) == 1
        assert outside(window, window.nav) == []
        assert chart_problems(usage) == []
    # each Larger text step (Settings) in both languages: one row, no tab cut off
    failures = {}
    for language in ("en", "cy"):
        for scale in (1.25, 1.5, 1.75):
            window.apply_settings(window.ctx.settings.changed(language=language,
                                                              text_scale=scale))
            settle()
            rows = {b.y() for b in window.nav.buttons.values()}
            problems = outside(window, window.nav) + (
                [f"{len(rows)} rows"] if len(rows) > 1 else [])
            if scale == 1.5:  # the chart between 100 % and 200 % (each span costs a render)
                problems += chart_problems(usage)
            if problems:
                failures[(language, scale, window.nav.mode)] = problems
    assert failures == {}, "\n".join(f"{k}: {v}" for k, v in failures.items())
