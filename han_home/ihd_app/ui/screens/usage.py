"""Usage: totals for today .. this year, and bar charts (8 days, 5 weeks, 13 months) of
energy, cost, carbon or (gas) volume. Days of 23 or 25 hours say so."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel import dates as babel_dates
from PySide6.QtWidgets import QWidget

from han_home.ihd_app.model import ChartBar, Shown
from han_home.ihd_app.ui import text as t
from han_home.ihd_app.ui.context import UiContext
from han_home.ihd_app.ui.screens.base import Screen
from han_home.ihd_app.ui.widgets.bar_chart import Bar, BarChart
from han_home.ihd_app.ui.widgets.common import label
from han_home.ihd_app.ui.widgets.segmented import Segmented
from han_home.ihd_app.ui.widgets.value_tile import ValueTile
from han_home.shared.energy.readings import Fuel
from han_home.shared.i18n import N_, _, get_translator, ngettext
from han_home.shared.i18n import ihd_strings as s
from han_home.shared.i18n.formatting import DURATIONS, format_month_year, format_weekday_date
from han_home.shared.store.history import PeriodTotal

PERIODS = {"today": s.TODAY, "yesterday": s.YESTERDAY, "this_week": s.THIS_WEEK,
           "this_month": s.THIS_MONTH, "this_year": s.THIS_YEAR}
SPANS = {"8d": s.LAST_8_DAYS, "5w": s.LAST_5_WEEKS, "13m": s.LAST_13_MONTHS}
VOLUME = "m3"
VOLUME_LABEL = N_("Volume (m³)")


def short_date(day: date, pattern: str) -> str:
    return babel_dates.format_date(day, pattern, locale=get_translator().locale)


class UsageScreen(Screen):
    key = "usage"
    sections = frozenset({"usage"})

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.note = label("muted")
        self.grid = self.tile_grid(max_columns=3)
        # two lines of text per card, not one big figure
        self.cards = {key: ValueTile(figure_role="") for key in PERIODS}
        for card in self.cards.values():
            self.grid.add(card)
        self.chart_heading = label("heading")
        self.fuel = Segmented([Fuel.ELECTRICITY.value, Fuel.GAS.value], self._changed)
        self.span = Segmented(list(SPANS), self._changed)
        self.measure = Segmented(["kwh", "gbp", "carbon", VOLUME], self._changed)
        self.empty = label("muted")
        self.chart = BarChart()
        self.chart.setObjectName("usage-chart")
        for widget in (self.note, self.grid, self.chart_heading, self.fuel, self.span,
                       self.measure, self.empty, self.chart):
            self.column.addWidget(widget)
        self.finish()

    def _changed(self, _key: str) -> None:
        self.render_view()

    def render_view(self) -> None:
        self.note.setText(_("Energy comes from your meter's readings. Costs are estimated "
                            "by this display and include standing charges."))
        for key, card in self.cards.items():
            self._render_card(key, card)
        self._render_controls()
        self._render_chart()

    def _render_card(self, key: str, card: ValueTile) -> None:
        model = self.ctx.model
        elec = model.period_total(Fuel.ELECTRICITY, key)
        gas = model.period_total(Fuel.GAS, key)
        value = (_("Electricity: %(energy)s, %(cost)s") % {
            "energy": t.kwh(elec.kwh), "cost": cost_text(elec)}) if elec else \
            _("Electricity: no data yet")
        detail = (_("Gas: %(volume)s, %(energy)s, %(cost)s") % {
            "volume": t.m3(gas.m3 or Decimal(0)), "energy": t.kwh(gas.kwh),
            "cost": cost_text(gas)}) if gas else _("Gas: no data yet")
        missing = elec is None and gas is None
        if key == "today":  # the figures Now shows, from the same place, to the digit
            value, detail = self._today_texts()
            missing = model.day_cost(Fuel.ELECTRICITY).energy.missing and gas is None
        either = elec or gas
        hours = either.hours if either is not None and key in ("today", "yesterday") else 24
        source = "" if hours == 24 else _(
            "This day has %(hours)s because the clocks changed.") % {
            "hours": hours_text(hours)}
        card.set_content(_(PERIODS[key]), value, source, detail=detail, missing=missing)

    def _today_texts(self) -> tuple[str, str]:
        model = self.ctx.model
        elec, gas = model.day_cost(Fuel.ELECTRICITY), model.day_cost(Fuel.GAS)
        gas_total = model.period_total(Fuel.GAS, "today")
        value = _("Electricity: no data yet") if elec.energy.missing else (
            _("Electricity: %(energy)s, %(cost)s") % {
                "energy": t.kwh(elec.energy.value or Decimal(0)),
                "cost": day_cost_text(elec.total)})
        detail = _("Gas: no data yet") if gas.energy.missing or gas_total is None else (
            _("Gas: %(volume)s, %(energy)s, %(cost)s") % {
                "volume": t.m3(gas_total.m3 or Decimal(0)),
                "energy": t.kwh(gas.energy.value or Decimal(0)),
                "cost": day_cost_text(gas.total)})
        return value, detail

    def _render_controls(self) -> None:
        gas = self.fuel.value == Fuel.GAS.value
        self.chart_heading.setText(_(SPANS[self.span.value]))
        self.fuel.set_texts({Fuel.ELECTRICITY.value: _(s.ELECTRICITY), Fuel.GAS.value: _(s.GAS)})
        self.span.set_texts({k: _(v) for k, v in SPANS.items()})
        visible = {"kwh", "gbp"} | ({"carbon"} if self.ctx.settings.show_carbon else set()) \
            | ({VOLUME} if gas else set())
        if self.measure.value not in visible:
            self.measure.set_value("kwh")
        self.measure.set_texts({"kwh": _(s.SHOW_ENERGY), "gbp": _(s.SHOW_COST),
                                "carbon": _(s.SHOW_CARBON), VOLUME: _(VOLUME_LABEL)}, visible)

    def _render_chart(self) -> None:
        fuel = Fuel(self.fuel.value)
        span, measure = self.span.value, self.measure.value
        rows = self.ctx.model.chart(fuel, span)
        bars = [self._bar(row, span, measure) for row in rows]
        self.empty.setVisible(all(b.value == 0 for b in bars))
        self.empty.setText(_(s.NO_DATA_YET))
        highest = max((b.value for b in bars), default=Decimal(0))
        palette = self.ctx.palette
        name = _("Electricity usage chart") if fuel == Fuel.ELECTRICITY else _("Gas usage chart")
        heads = {"kwh": s.SHOW_ENERGY, "gbp": s.SHOW_COST, "carbon": s.SHOW_CARBON,
                 VOLUME: VOLUME_LABEL}
        head = f"{_(SPANS[span])}. {_(heads[measure])}."
        self.chart.set_bars(name, bars, _("Highest bar: %(value)s") % {
            "value": measure_text(measure, highest)}, head,
            palette.chart_electricity if fuel == Fuel.ELECTRICITY else palette.chart_gas,
            palette.text, palette.control_border)

    def _bar(self, row: ChartBar, span: str, measure: str) -> Bar:
        value = measure_value(row, measure)
        text = measure_text(measure, value)
        note = ""
        if span == "8d":
            label_text, period = short_date(row.start, "EEE d"), format_weekday_date(row.start)
            note = "" if row.hours == 24 else hours_text(row.hours)
        elif span == "5w":
            label_text = short_date(row.start, "d MMM")
            period = _("Week starting %(date)s") % {"date": format_weekday_date(row.start)}
        else:
            label_text, period = short_date(row.start, "LLL"), format_month_year(row.start)
        if note:
            spoken = _("%(period)s, a day of %(hours)s: %(value)s.") % {
                "period": period, "hours": note, "value": text}
        else:
            spoken = _("%(period)s: %(value)s.") % {"period": period, "value": text}
        return Bar(label_text, note, value, spoken, text)


def hours_text(hours: int) -> str:
    """'25 hours' / '25 awr' (format_duration would say '1 day')."""
    return ngettext(*DURATIONS["hours"], hours) % {"n": hours}


def total_cost(total: PeriodTotal) -> Decimal:
    return total.cost_gbp + total.standing_charge_gbp


def cost_text(total: PeriodTotal) -> str:
    """A period's cost, or that it is not known when some of its energy has no price."""
    return _(COST_NOT_KNOWN) if total.unpriced_kwh > 0 else t.money(total_cost(total))


def day_cost_text(total: Shown) -> str:
    return _(COST_NOT_KNOWN) if total.missing else t.money(total.value or Decimal(0))


COST_NOT_KNOWN = N_("cost not known yet")


def measure_value(row: ChartBar, measure: str) -> Decimal:
    if measure == "gbp":
        return row.cost_gbp
    if measure == "carbon":
        return row.carbon_kg
    if measure == VOLUME:
        return row.m3 or Decimal(0)
    return row.kwh


def measure_text(measure: str, value: Decimal) -> str:
    if measure == "gbp":
        return t.money(value)
    if measure == "carbon":
        return t.carbon(value)
    if measure == VOLUME:
        return t.m3(value)
    return t.kwh(value)
