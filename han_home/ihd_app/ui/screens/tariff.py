"""Tariff: per fuel, the rate now (electricity: the next rate and when it starts, and today's
time-of-use bands) and the standing charge, gas with its calorific value.

Each fuel is one card of table-like rows (caption left, value right, on one line), not a
tile per figure: at 200 % text on 800x480 five tiles scrolled about four screens."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QWidget

from han_home.ihd_app.ui import text as t
from han_home.ihd_app.ui.context import UiContext
from han_home.ihd_app.ui.screens.base import Screen
from han_home.ihd_app.ui.widgets.common import label
from han_home.ihd_app.ui.widgets.figure_rows import RowCard, show_row
from han_home.shared.energy.readings import Fuel
from han_home.shared.i18n import _
from han_home.shared.i18n import ihd_strings as s
from han_home.shared.i18n.formatting import format_decimal, format_kwh


class TariffScreen(Screen):
    key = "tariff"
    sections = frozenset({"tariff", "now"})

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.grid = self.tile_grid(max_columns=2)
        self.elec, self.gas = RowCard(), RowCard()
        self.elec.setObjectName("tariff-electricity")
        self.gas.setObjectName("tariff-gas")
        self.elec_rate, self.elec_standing = self.elec.add_row(), self.elec.add_row()
        self.gas_rate, self.gas_standing = self.gas.add_row(), self.gas.add_row()
        self.cv = self.gas.add_row()
        # today's bands in the electricity card, under its own line, not a page heading
        self.bands_heading = self.elec.add(label("value"))
        self.bands = self.elec.add(label())
        self.bands.setObjectName("bands")
        self.grid.extend([self.elec, self.gas])
        self.column.addWidget(self.grid)
        self.finish()

    def render_view(self) -> None:
        model, settings = self.ctx.model, self.ctx.settings
        self.elec.set_title(_(s.ELECTRICITY))
        self.gas.set_title(_(s.GAS))
        nxt = model.next_rate(Fuel.ELECTRICITY)
        detail = s.next_rate_from(t.rate(nxt[1]), t.when(nxt[0], model.now(), settings)) \
            if nxt else _("No rate change is due.")
        show_row(self.elec_rate, _("Electricity rate now"), _(s.RATE_NOW),
                 model.rate_now(Fuel.ELECTRICITY), t.rate, detail)
        show_row(self.elec_standing, _("Electricity standing charge"), _(s.STANDING_CHARGE),
                 model.standing_charge(Fuel.ELECTRICITY), t.per_day)
        show_row(self.gas_rate, _("Gas rate now"), _(s.RATE_NOW), model.rate_now(Fuel.GAS),
                 t.rate)
        show_row(self.gas_standing, _("Gas standing charge"), _(s.STANDING_CHARGE),
                 model.standing_charge(Fuel.GAS), t.per_day)
        cv = model.calorific_value()
        show_row(self.cv, _(s.GAS_CALORIFIC_VALUE), _("Calorific value"), cv,
                 lambda v: _("%(value)s MJ/m³") % {"value": format_decimal(v, 1)},
                 _("1 m³ of gas gives about %(energy)s.") % {
                     "energy": format_kwh(model.gas_kwh_per_m3().quantize(Decimal("0.01")))})
        for card in (self.elec, self.gas):
            card.settle_sources()
        self.bands_heading.setText(_("Electricity rates today"))
        lines = [s.time_band(t.clock_time(b.start_utc, settings),
                             t.clock_time(b.end_utc, settings), t.rate(b.rate_gbp_per_kwh))
                 for b in model.bands_today(Fuel.ELECTRICITY)]
        self.bands.setText("\n".join(lines) if lines else _(s.NO_DATA_YET))
        self.bands.setAccessibleName(_("Electricity rates today"))
        self.bands.setAccessibleDescription(" ".join(f"{line}." for line in lines))
