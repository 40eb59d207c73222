"""Table-like figure rows (Tariff, Credit): a source shown once for the rows it covers, never
hiding a stale figure's warning, and every figure still spoken with its own source."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from han_home.ihd_app.ui.widgets.figure_rows import RowCard


def card_of(qtbot: QtBot, contents: list[tuple[str, str, str, bool]]) -> RowCard:
    card = RowCard()
    qtbot.addWidget(card)
    for name, value, source, stale in contents:
        card.add_row().set_content(name, name, value, source, stale=stale)
    card.settle_sources()
    card.show()
    QApplication.processEvents()
    return card


def shown_sources(card: RowCard) -> list[str]:
    return [row.source.text() if row.source.isVisibleTo(card) else "" for row in card.rows]


def test_a_source_the_next_row_repeats_is_shown_once_below_both(qtbot: QtBot) -> None:
    card = card_of(qtbot, [("Gas rate now", "6.24p/kWh", "Estimated by this display", False),
                           ("Gas standing charge", "£0.31 a day", "Estimated by this display",
                            False),
                           ("Gas calorific value", "39.5 MJ/m³", "Meter reading, 1 hour old",
                            False)])
    assert shown_sources(card) == ["", "Estimated by this display", "Meter reading, 1 hour old"]
    # a screen reader still hears each figure's own source
    assert card.rows[0].accessibleName() == "Gas rate now"
    assert card.rows[0].accessibleDescription() == "6.24p/kWh. Estimated by this display."


def test_a_stale_figure_keeps_its_own_warning(qtbot: QtBot) -> None:
    old = "Meter reading, 3 hours old"
    card = card_of(qtbot, [("Credit balance", "£10.80", old, True),
                           ("Debt", "£45.20", old, False)])
    # same words, but one is stale: each says so under its own figure
    assert shown_sources(card) == [old, old]
    stale, live = card.rows
    assert stale.source.property("role") == "warning" and stale.figure.property("role") == "muted"
    assert live.source.property("role") == "source" and live.figure.property("role") == "value"


def test_the_title_shows_only_when_given(qtbot: QtBot) -> None:
    card = card_of(qtbot, [("Debt", "£45.20", "", False)])
    assert not card.title.isVisibleTo(card) and shown_sources(card) == [""]
    card.set_title("Gas")
    assert card.title.isVisibleTo(card) and card.accessibleName() == "Gas"
