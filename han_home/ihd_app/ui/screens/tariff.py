"""Tariff: the rate now and the next rate with when it starts, today's time-of-use bands,
standing charges, and the gas calorific value."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QWidget

from han_home.ihd_app.ui import text as t
from han_home.ihd_app.ui.context import UiContext
from han_home.ihd_app.ui.screens.base import Screen
from han_home.ihd_app.ui.screens.now import show
from han_home.ihd_app.ui.widgets.common import label
from han_home.ihd_app.ui.widgets.value_tile import ValueTile
from han_home.shared.energy.readings import Fuel
from han_home.shared.i18n import _
from han_home.shared.i18n import ihd_strings as s
from han_home.shared.i18n.formatting import format_decimal, format_kwh


class TariffScreen(Screen):
    key = "tariff"
    sections = frozenset({"tariff", "now"})

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.grid = self.tile_grid(max_columns=3)
        self.elec_rate, self.gas_rate = ValueTile(), ValueTile()
        self.elec_standing, self.gas_standing = ValueTile(), ValueTile()
        self.cv = ValueTile()
        for tile in (self.elec_rate, self.gas_rate, self.elec_standing, self.gas_standing,
                     self.cv):
            self.grid.add(tile)
        self.bands_heading = label("heading")
        self.bands = label()
        self.bands.setObjectName("bands")
        for widget in (self.grid, self.bands_heading, self.bands):
            self.column.addWidget(widget)
        self.finish()

    def render_view(self) -> None:
        model, settings = self.ctx.model, self.ctx.settings
        nxt = model.next_rate(Fuel.ELECTRICITY)
        detail = s.next_rate_from(t.rate(nxt[1]), t.when(nxt[0], model.now(), settings)) \
            if nxt else _("No rate change is due.")
        show(self.elec_rate, _("Electricity rate now"), model.rate_now(Fuel.ELECTRICITY),
             t.rate, detail)
        show(self.gas_rate, _("Gas rate now"), model.rate_now(Fuel.GAS), t.rate)
        show(self.elec_standing, _("Electricity standing charge"),
             model.standing_charge(Fuel.ELECTRICITY), t.per_day)
        show(self.gas_standing, _("Gas standing charge"), model.standing_charge(Fuel.GAS),
             t.per_day)
        cv = model.calorific_value()
        show(self.cv, _(s.GAS_CALORIFIC_VALUE), cv,
             lambda v: _("%(value)s MJ/m³") % {"value": format_decimal(v, 1)},
             _("1 m³ of gas gives about %(energy)s.") % {
                 "energy": format_kwh(model.gas_kwh_per_m3().quantize(Decimal("0.01")))})
        self.bands_heading.setText(_("Electricity rates today"))
        lines = [s.time_band(t.clock_time(b.start_utc, settings),
                             t.clock_time(b.end_utc, settings), t.rate(b.rate_gbp_per_kwh))
                 for b in model.bands_today(Fuel.ELECTRICITY)]
        self.bands.setText("\n".join(lines) if lines else _(s.NO_DATA_YET))
        self.bands.setAccessibleName(_("Electricity rates today"))
        self.bands.setAccessibleDescription(" ".join(f"{line}." for line in lines))
