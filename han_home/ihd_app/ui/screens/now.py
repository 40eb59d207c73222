"""Now: power and cost per hour, ambient level, gas for the latest half-hour, today so far."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QWidget

from han_home.ihd_app.model import Ambient, DayCost, Shown
from han_home.ihd_app.ui import text as t
from han_home.ihd_app.ui.context import UiContext
from han_home.ihd_app.ui.screens.base import Screen
from han_home.ihd_app.ui.widgets.ambient import AmbientIndicator
from han_home.ihd_app.ui.widgets.common import label
from han_home.ihd_app.ui.widgets.grid import ResponsiveGrid
from han_home.ihd_app.ui.widgets.value_tile import ValueTile
from han_home.shared.energy.readings import Fuel
from han_home.shared.i18n import N_, _
from han_home.shared.i18n import ihd_strings as s
from han_home.shared.i18n.formatting import format_kw, format_percent

WAITING_FOR_PRICE = N_("Waiting for the current price from your meter")


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


def show(tile: ValueTile, title: str, shown: Shown, fmt: t.Formatter, detail: str = "") -> None:
    tile.set_content(title, t.value_text(shown, fmt), t.source_text(shown),
                     detail=detail if not shown.missing else "", stale=shown.stale,
                     missing=shown.missing)


class NowScreen(Screen):
    key = "now"
    sections = frozenset({"now", "usage", "tariff", "stale"})

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.notice = label("warning")
        self.elec_heading = label("heading")
        self.elec_grid, self.elec = self.tiles(4)
        self.ambient = AmbientIndicator()
        self.budget = label()
        self.gas_heading = label("heading")
        self.gas_grid, self.gas = self.tiles(3)
        for widget in (self.notice, self.elec_heading, self.elec_grid, self.ambient,
                       self.budget, self.gas_heading, self.gas_grid):
            self.column.addWidget(widget)
        self.finish()

    def tiles(self, count: int) -> tuple[ResponsiveGrid, list[ValueTile]]:
        grid = self.tile_grid()
        tiles = [ValueTile() for _ in range(count)]
        grid.extend(list(tiles))
        return grid, tiles

    def render_view(self) -> None:
        model = self.ctx.model
        self._render_notice()
        self.elec_heading.setText(_(s.ELECTRICITY))
        power, cost_hour, elec_today, elec_cost = self.elec
        power.figure_role = "figure"  # the one big number on the display
        show(power, _(s.POWER_NOW), model.power(), t.kw)
        show(cost_hour, _(s.COST_PER_HOUR), model.cost_per_hour(), t.pence_per_hour)
        if model.waiting_for_price():
            cost_hour.set_content(_(s.COST_PER_HOUR), _(s.NO_DATA_YET), _(WAITING_FOR_PRICE),
                                  missing=True)
        energy, cost = model.today(Fuel.ELECTRICITY)
        show(elec_today, _("Electricity used today"), energy, t.kwh)
        show(elec_cost, _("Electricity cost today"), cost, t.money)
        elec_cost.set_detail(self._standing(Fuel.ELECTRICITY))
        self._render_ambient(model.ambient())
        share = model.budget_used_share()
        self.budget.setVisible(share is not None)
        if share is not None:
            self.budget.setText(_("Estimated spend today is %(percent)s of your daily budget "
                                  "of %(budget)s.") % {
                "percent": format_percent(share.quantize(Decimal("0.01"))),
                "budget": t.money(self.ctx.settings.budget_gbp_per_day)})
        self.gas_heading.setText(_(s.GAS))
        half_hour, gas_today, gas_cost = self.gas
        volume, gas_kwh, gas_gbp = model.gas_latest_half_hour()
        detail = "" if gas_kwh.missing else _(
            "%(energy)s, about %(cost)s (estimated by this display)") % {
            "energy": t.kwh(gas_kwh.value or Decimal(0)),
            "cost": t.money(gas_gbp.value or Decimal(0))}
        show(half_hour, _(s.GAS_LATEST_HALF_HOUR), volume, t.m3, detail)
        energy, cost = model.today(Fuel.GAS)
        show(gas_today, _("Gas used today"), energy, t.kwh)
        show(gas_cost, _("Gas cost today"), cost, t.money)
        gas_cost.set_detail(self._standing(Fuel.GAS))

    def _standing(self, fuel: Fuel) -> str:
        return standing_text(self.ctx.model.day_cost(fuel))

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
        settings = self.ctx.settings
        description = _("Usage is low below %(low)s and high from %(high)s.") % {
            "low": format_kw(settings.ambient_low_kw), "high": format_kw(settings.ambient_high_kw)}
        self.ambient.set_level(level, text, description, self.ctx.palette)
