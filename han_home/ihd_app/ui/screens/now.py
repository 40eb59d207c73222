"""Now: the home screen answers "what am I spending?" at a glance (issue 15).

"Today so far" for both fuels, large, with each fuel beneath; power now with its cost per
hour in pence; the ambient indicator and the budget bar; an alert strip for what needs
attention. Every card opens its details with a tap or a key. At 100 % text it fits
800x480 and 1024x600 in both languages without scrolling (tests/ihd/test_now_fits.py).
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QLabel, QWidget

from han_home.ihd_app.alerts import Alert, Severity, alerts
from han_home.ihd_app.model import Ambient, DayCost, Shown
from han_home.ihd_app.ui import text as t
from han_home.ihd_app.ui.context import UiContext
from han_home.ihd_app.ui.screens.base import Screen
from han_home.ihd_app.ui.widgets.ambient import AmbientIndicator
from han_home.ihd_app.ui.widgets.budget_bar import BudgetBar
from han_home.ihd_app.ui.widgets.common import label, set_role
from han_home.ihd_app.ui.widgets.grid import ResponsiveGrid
from han_home.ihd_app.ui.widgets.tap_card import TapCard
from han_home.ihd_app.ui.widgets.value_tile import ValueTile
from han_home.shared.energy.readings import Fuel
from han_home.shared.i18n import N_, _, ngettext
from han_home.shared.i18n import ihd_strings as s
from han_home.shared.i18n.formatting import format_kw, format_percent

WAITING_FOR_PRICE = N_("Waiting for the current price from your meter")
COST_NOT_KNOWN = N_("cost not known yet")
MAX_ALERTS = 3  # one row at 800 px; the strip's accessible text lists them all
# at 200 % a minus stays with its amount ("-£0.60"); a rate ("27.50p/kWh at 07:30") keeps
# its plain text: it fits a half-width alert whole (test_now_200.py checks both)
JOIN_AFTER = "-"


def show(tile: ValueTile, title: str, shown: Shown, fmt: t.Formatter, detail: str = "") -> None:
    """One figure in a tile (the Tariff and Credit screens' cards)."""
    tile.set_content(title, t.value_text(shown, fmt), t.source_text(shown),
                     detail=detail if not shown.missing else "", stale=shown.stale,
                     missing=shown.missing)


def standing_text(day: DayCost) -> str:
    """What a day's cost is made of: the standing charge is named as such, and when today's
    energy is not known yet the standing charge is all there is to say."""
    if day.standing_gbp is None:
        return ""
    amount = t.money(day.standing_gbp)
    if day.total.missing:
        return _("Standing charge %(amount)s a day; the cost of today's energy is not known "
                 "yet.") % {"amount": amount}
    return _("Includes the standing charge of %(amount)s a day.") % {"amount": amount}


def alert_text(alert: Alert, ctx: UiContext) -> str:
    model = ctx.model
    amount = alert.amount or Decimal(0)
    if alert.kind == "emergency_credit":
        return _("Using emergency credit: %(amount)s left") % {"amount": t.money(amount)}
    if alert.kind == "low_credit" and amount <= 0:
        return _("No credit left: %(amount)s") % {"amount": t.money(amount)}
    if alert.kind == "low_credit":
        return _("Low credit: %(amount)s left") % {"amount": t.money(amount)}
    if alert.kind == "over_budget":
        return _("Over today's budget: %(percent)s") % {"percent": format_percent(amount)}
    if alert.kind == "connection_lost":
        return _("No contact with your meters")
    if alert.kind == "stale":
        return _("Readings are out of date")
    if alert.kind == "waiting_for_price":
        return _("Waiting for the current price")
    if alert.kind == "price_change":
        when = t.when(alert.when, model.now(), ctx.settings)  # type: ignore[arg-type]
        return _("Price changes to %(rate)s at %(time)s") % {"rate": t.rate(amount),
                                                            "time": when}
    return ngettext("%(n)d new message", "%(n)d new messages", alert.count) % {
        "n": alert.count}


class FigureCard(TapCard):
    """A title, one large figure, lines beneath, and where the figure came from. Stale, the
    figure keeps its size and a small warning line says how old it is."""

    def __init__(self, on_activate, lines: int = 1) -> None:  # type: ignore[no-untyped-def]
        super().__init__(on_activate)
        self.title = label()
        self.figure = label("figure")
        self.lines = [label() for _ in range(lines)]
        self.source = label("source")
        # the figure is labelled by its title: a screen reader on "£2.14" hears "Today so
        # far" with it ("labelled by" / "label for" over AT-SPI)
        self.title.setBuddy(self.figure)
        for widget in (self.title, self.figure, *self.lines, self.source):
            self.column.addWidget(widget)
        self.column.addStretch(1)

    def set_figure(self, title: str, shown: Shown, fmt: t.Formatter, lines: list[str],
                   missing_text: str = "", source: str = "") -> None:
        """source: what the figure is made of, in place of the usual source line (a stale
        figure still says it is out of date)."""
        self.title.setText(title)
        missing = shown.missing or shown.value is None
        value = (missing_text or _(s.NO_DATA_YET)) if missing else fmt(shown.value or Decimal(0))
        self.figure.setText(value)
        set_role(self.figure, "muted" if missing else "figure")
        for widget, text in zip(self.lines, lines + [""] * len(self.lines), strict=False):
            widget.setText(t.unbroken(text, JOIN_AFTER))
            widget.setVisible(bool(text))
        if shown.stale or not source:
            source = "" if missing and not shown.stale else t.source_text(shown)
        self.source.setText(source)
        self.source.setVisible(bool(source))
        set_role(self.source, "stale" if shown.stale else "source")
        self.setAccessibleName(title)
        parts = [value, *lines, source]
        self.setAccessibleDescription(". ".join(p.rstrip(".") for p in parts if p) + ".")


class NowScreen(Screen):
    key = "now"
    sections = frozenset({"now", "usage", "tariff", "stale", "credit", "messages", "radio"})

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.column.setSpacing(4)  # 800x480 has no pixel to spare
        self.column.setContentsMargins(6, 2, 6, 2)
        self.strip = ResponsiveGrid(0, MAX_ALERTS)
        self.strip.setObjectName("alert-strip")
        self.alert_cards = [self._alert_card() for _ in range(MAX_ALERTS)]
        self.strip.extend(list(self.alert_cards))
        self.notice = label("stale")  # rare notices: small, so the figures stay in view
        self.spend = FigureCard(lambda: self._go("usage"), lines=1)
        self.spend.setObjectName("today-so-far")
        self.power = FigureCard(lambda: self._go("tariff"), lines=1)
        self.power.setObjectName("power-now")
        self.top = self.tile_grid(max_columns=2)
        self.top.extend([self.spend, self.power])
        self.ambient = AmbientIndicator()
        self.ambient_card = TapCard(lambda: self._go("settings"))
        self.ambient_card.setObjectName("ambient-card")
        self.ambient_card.column.addWidget(self.ambient)
        self.budget_text = label()
        self.budget_bar = BudgetBar()
        self.budget_card = TapCard(lambda: self._go("usage"))
        self.budget_card.setObjectName("budget-card")
        self.budget_card.column.addWidget(self.budget_text)
        self.budget_card.column.addWidget(self.budget_bar)
        self.bottom = self.tile_grid(max_columns=2)
        self.bottom.extend([self.ambient_card, self.budget_card])
        for grid in (self.strip, self.top, self.bottom):
            grid._grid.setSpacing(6)
        for widget in (self.strip, self.notice, self.top, self.bottom):
            self.column.addWidget(widget)
        self.shown_alerts: list[Alert] = []
        self._over_budget = False
        self.finish()

    def _alert_card(self) -> TapCard:
        card = TapCard(None, role="alert")
        text = label("warning")
        card.column.addWidget(text)
        card.text = text  # type: ignore[attr-defined]
        return card

    def _go(self, screen: str) -> None:
        if self.ctx.navigate is not None:
            self.ctx.navigate(screen)

    # ---- rendering ----------------------------------------------------------------
    def render_view(self) -> None:
        self._render_alerts()
        self._render_notice()
        self._render_spend()
        self._render_power()
        self._render_ambient(self.ctx.model.ambient())
        self._render_budget()

    def _render_alerts(self) -> None:
        found = alerts(self.ctx.model)
        self.shown_alerts = found[:MAX_ALERTS]
        texts = [alert_text(a, self.ctx) for a in found]
        for index, card in enumerate(self.alert_cards):
            alert = found[index] if index < len(found) else None
            self.strip.set_member_visible(card, alert is not None)
            if alert is None:
                continue
            text: QLabel = card.text  # type: ignore[attr-defined]
            text.setText(t.unbroken(texts[index], JOIN_AFTER))
            set_role(card, "alert-urgent" if alert.severity == Severity.URGENT else "alert")
            set_role(text, "error" if alert.severity == Severity.URGENT else "warning")
            target = alert.screen
            card.on_activate = (lambda key=target: self._go(key)) if target else None
            card.set_active(target is not None)
            card.setAccessibleName(texts[index])
        self.strip.setVisible(bool(found))
        self.strip.refresh()
        self.strip.setAccessibleName(_("Alerts"))
        self.strip.setAccessibleDescription(". ".join(texts) + "." if texts else "")

    def _render_spend(self) -> None:
        model = self.ctx.model
        elec, gas = model.day_cost(Fuel.ELECTRICITY), model.day_cost(Fuel.GAS)
        fuels = [_("Electricity %(cost)s") % {"cost": self._fuel_cost(elec)}]
        if model.period_total(Fuel.GAS, "today") is not None or not gas.energy.missing:
            fuels.append(_("Gas %(cost)s") % {"cost": self._fuel_cost(gas)})
        standing = [d.standing_gbp for d in (elec, gas) if d.standing_gbp is not None]
        total = model.day_total()
        made_of = ""
        if total.missing:
            made_of = standing_text(elec)
        elif standing:
            made_of = _("Estimated by this display, with standing charges of %(amount)s a "
                        "day.") % {"amount": t.money(sum(standing, Decimal(0)))}
        self.spend.set_figure(_("Today so far"), total, t.money, [" · ".join(fuels)],
                              missing_text=_("Not known yet"), source=made_of)

    @staticmethod
    def _fuel_cost(day: DayCost) -> str:
        return _(COST_NOT_KNOWN) if day.total.missing else t.money(day.total.value or Decimal(0))

    def _render_power(self) -> None:
        model = self.ctx.model
        cost = model.cost_per_hour()
        if model.waiting_for_price():
            line = _(WAITING_FOR_PRICE)
        elif cost.missing:
            line = ""
        else:
            line = t.pence_per_hour(cost.value or Decimal(0))
        self.power.set_figure(_(s.POWER_NOW), model.power(), t.kw, [line])

    def _render_budget(self) -> None:
        model = self.ctx.model
        budget = self.ctx.settings.budget_gbp_per_day
        share, total = model.budget_used_share(), model.day_total()
        if share is None or total.value is None:
            text = _("Budget %(budget)s a day: today's spend not known yet") % {
                "budget": t.money(budget)}
        else:
            values = {"spent": t.money(total.value), "budget": t.money(budget),
                      "percent": format_percent(share.quantize(Decimal("0.01")))}
            text = (_("Over budget: %(spent)s of %(budget)s (%(percent)s)")
                    if share > 1 else
                    _("%(spent)s of your %(budget)s budget (%(percent)s)")) % values
        over = share is not None and share > 1
        if over and not self._over_budget:  # said once when it happens, not every reading
            self.ctx.announcer.announce(self.budget_card, text, assertive=True,
                                        key="over-budget")
        self._over_budget = over
        self.budget_text.setText(t.unbroken(text, JOIN_AFTER))
        set_role(self.budget_text, "over" if over else "")
        self.budget_bar.set_share(share, text, self.ctx.palette)
        self.budget_card.setAccessibleName(_("Daily budget"))
        self.budget_card.setAccessibleDescription(text)

    def _render_notice(self) -> None:
        notes = []
        gap = self.ctx.model.discrepancy()
        if gap is not None and gap.differs:
            notes += [_(s.METER_IS_AUTHORITATIVE), _(
                "Since this display started, your meter's bill has gone up by %(meter)s; "
                "this display's estimate is %(estimate)s.") % {
                "meter": t.money(gap.meter_gbp), "estimate": t.money(gap.estimate_gbp)}]
        if not self.ctx.model.costs_known():
            notes.append(_("This display has no tariff from your meter or your supplier yet, "
                           "so it shows the energy you use but not what it costs."))
        refused = self.ctx.model.refused_register()
        if refused is not None:
            notes.append(_("A reading from your electricity meter was not counted because it "
                           "did not fit the meter's earlier readings. Your bill comes from the "
                           "meter's own register.") if refused.fuel == Fuel.ELECTRICITY else
                         _("A reading from your gas meter was not counted because it did not "
                           "fit the meter's earlier readings. Your bill comes from the meter's "
                           "own register."))
        self.notice.setVisible(bool(notes))
        if notes:
            self.notice.setText(" ".join(notes))

    def _render_ambient(self, level: Ambient | None) -> None:
        texts = {Ambient.LOW: s.AMBIENT_LOW, Ambient.MEDIUM: s.AMBIENT_MEDIUM,
                 Ambient.HIGH: s.AMBIENT_HIGH}
        text = _(texts[level]) if level else _("No live power reading")
        low, high = self.ctx.model.ambient_thresholds()
        description = _("Usage is low below %(low)s and high from %(high)s.") % {
            "low": format_kw(low), "high": format_kw(high)}
        self.ambient.set_level(level, text, description, self.ctx.palette)
        self.ambient_card.setAccessibleName(text)
        self.ambient_card.setAccessibleDescription(description)
