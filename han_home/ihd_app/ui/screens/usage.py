"""Usage: totals for today .. this year, and bar charts (8 days, 5 weeks, 13 months) of
energy, cost, carbon or (gas) volume. Days of 23 or 25 hours say so."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QWidget

from han_home.ihd_app.model import ChartBar, Shown
from han_home.ihd_app.ui import text as t
from han_home.ihd_app.ui.context import UiContext
from han_home.ihd_app.ui.screens.base import Screen
from han_home.ihd_app.ui.widgets.bar_chart import Bar, BarChart
from han_home.ihd_app.ui.widgets.common import label
from han_home.ihd_app.ui.widgets.segmented import Segmented
from han_home.ihd_app.ui.widgets.value_tile import ValueTile
from han_home.shared.energy.calendar import HALF_HOUR, LONDON
from han_home.shared.energy.readings import Fuel
from han_home.shared.i18n import N_, _, get_translator, ngettext
from han_home.shared.i18n import ihd_strings as s
from han_home.shared.i18n.date_names import format_date
from han_home.shared.i18n.formatting import (
    DURATIONS,
    format_month_year,
    format_time,
    format_weekday_date,
)
from han_home.shared.store.history import PeriodTotal

PERIODS = {"today": s.TODAY, "yesterday": s.YESTERDAY, "this_week": s.THIS_WEEK,
           "this_month": s.THIS_MONTH, "this_year": s.THIS_YEAR}
TODAY_BY_HALF_HOUR = N_("Today by half-hour")
SPANS = {"today": TODAY_BY_HALF_HOUR, "8d": s.LAST_8_DAYS, "5w": s.LAST_5_WEEKS,
         "13m": s.LAST_13_MONTHS}
SPAN_BUTTONS = {**SPANS, "today": s.TODAY}
LABEL_EVERY = 12  # half-hours: the today chart labels every 6 hours
VOLUME = "m3"
VOLUME_LABEL = N_("Volume (m³)")


def short_date(day: date, pattern: str) -> str:
    locale = get_translator().locale
    if pattern == "LLL" and locale == "en_GB":
        locale = "en"  # en_GB's CLDR abbreviates September as "Sept" among three letters
    return format_date(day, pattern, locale)  # CLDR's names, Babel not loaded (date_names)


class UsageScreen(Screen):
    key = "usage"
    sections = frozenset({"usage", "insights"})

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        # the chart leads (issue 15): controls, the chart and what it shows, then totals
        self.chart_heading = label("heading")
        self.fuel = Segmented([Fuel.ELECTRICITY.value, Fuel.GAS.value], self._changed)
        self.span = Segmented(list(SPANS), self._changed)
        self.measure = Segmented(["kwh", "gbp", "carbon", VOLUME], self._changed)
        self.empty = label("muted")
        self.chart = BarChart()
        self.chart.setObjectName("usage-chart")
        # the chart fills the first screenful under its heading, its time labels included
        # (see resizeEvent); never shorter than its minimum (it scrolls at 200 %)
        self.chart.setMinimumHeight(int(self.chart.fontMetrics().height() * 11))
        self.chart.installEventFilter(self)
        self.legend = label("muted")
        self.legend.setObjectName("chart-legend")
        self.compare = label()
        self.compare.setObjectName("usage-compare")
        self.note = label("muted")
        from han_home.ihd_app.ui.screens.insights_panel import InsightsPanel

        self.insights = InsightsPanel(ctx)
        self.grid = self.tile_grid(max_columns=3)
        # two lines of text per card, not one big figure
        self.cards = {key: ValueTile(figure_role="") for key in PERIODS}
        for card in self.cards.values():
            self.grid.add(card)
        for widget in (self.chart_heading, self.chart, self.empty, self.legend, self.span,
                       self.fuel, self.measure, self.compare, self.grid, self.insights,
                       self.note):
            self.column.addWidget(widget)
        self.finish()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_chart()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # the chart moves when the heading above it wraps (language, text size)
        if watched is getattr(self, "chart", None) and event.type() == QEvent.Type.Move:
            self.fit_chart()
        return super().eventFilter(watched, event)

    def fit_chart(self) -> None:
        """The chart's height: what is left of the first screenful below its top (its
        heading above it), so its time labels are on screen without scrolling."""
        room = self.viewport().height() - self.chart.y() - self.column.spacing()
        least = max(self.chart.minimumSizeHint().height(),
                    int(self.chart.fontMetrics().height() * 9))
        height = max(least, room)
        if self.chart.minimumHeight() != height:
            self.chart.setMinimumHeight(height)
            self.chart.setMaximumHeight(height)

    def _changed(self, _key: str) -> None:
        self.render_view()

    def render_view(self) -> None:
        self.note.setText(_("Energy comes from your meter's readings. Costs are estimated "
                            "by this display and include standing charges."))
        for key, card in self.cards.items():
            self._render_card(key, card)
        self._render_controls()
        self._render_chart()
        self._render_compare()
        self.insights.render_view()

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
        if key in ("this_week", "this_month", "this_year") and either is not None:
            known, days = model.days_with_data(Fuel.ELECTRICITY, key)
            source = ngettext("From %(known)d of its %(n)d day so far.",
                              "From %(known)d of its %(n)d days so far.", days) % {
                "known": known, "n": days}
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
        fuel_name = _(s.ELECTRICITY) if self.fuel.value == Fuel.ELECTRICITY.value else _(s.GAS)
        self.chart_heading.setText(f"{fuel_name}: {_(SPANS[self.span.value])}")
        self.fuel.set_texts({Fuel.ELECTRICITY.value: _(s.ELECTRICITY), Fuel.GAS.value: _(s.GAS)},
                            group=_("Fuel"))
        # the button says "Today" (four must fit one row at 800 px); the heading says more
        self.span.set_texts({k: _(v) for k, v in SPAN_BUTTONS.items()}, group=_("Period"))
        visible = {"kwh", "gbp"} | ({"carbon"} if self.ctx.settings.show_carbon else set()) \
            | ({VOLUME} if gas else set())
        if self.measure.value not in visible:
            self.measure.set_value("kwh")
        self.measure.set_texts({"kwh": _(s.SHOW_ENERGY), "gbp": _(s.SHOW_COST),
                                "carbon": _(s.SHOW_CARBON), VOLUME: _(VOLUME_LABEL)}, visible,
                               group=_("Measure"))

    def _render_chart(self) -> None:
        fuel = Fuel(self.fuel.value)
        span, measure = self.span.value, self.measure.value
        rows = self.ctx.model.chart(fuel, span)
        bars = [self._bar(row, span, measure, index) for index, row in enumerate(rows)]
        self.empty.setVisible(not any(row.has_data for row in rows))
        self.empty.setText(_("No data yet for this period: nothing is drawn as zero."))
        highest = max((b.value for b in bars), default=Decimal(0))
        palette = self.ctx.palette
        name = _("Electricity usage chart") if fuel == Fuel.ELECTRICITY else _("Gas usage chart")
        heads = {"kwh": s.SHOW_ENERGY, "gbp": s.SHOW_COST, "carbon": s.SHOW_CARBON,
                 VOLUME: VOLUME_LABEL}
        head = f"{_(SPANS[span])}. {_(heads[measure])}."
        hint = _("Tap a bar, or use the arrow keys, to hear its value.")
        self.chart.set_bars(name, bars, hint, head,
                            palette.chart_electricity if fuel == Fuel.ELECTRICITY
                            else palette.chart_gas, palette.text, palette.control_border)
        top = nice_ceiling(highest)
        self.chart.set_axis(top, measure_text(measure, top), palette.control_border)
        legend = [_("Striped: part of a period (so far, or with days missing). Dashed "
                    "outline: no data.")]
        if span == "today" and any(row.cheap for row in rows):
            legend.append(_("Shaded: cheaper-rate times."))
        self.legend.setText(" ".join(legend))

    def _render_compare(self) -> None:
        """Today against yesterday and the same day last week, from the 8-day chart."""
        fuel = Fuel(self.fuel.value)
        days = self.ctx.model.chart(fuel, "8d")
        if len(days) < 8:
            self.compare.setVisible(False)
            return
        week_ago, yesterday = days[0], days[-2]

        def said(row: ChartBar) -> str:
            if not row.has_data:
                return _(s.NO_DATA_YET).lower()
            return _("%(energy)s, %(cost)s") % {"energy": t.kwh(row.kwh),
                                              "cost": t.money(row.cost_gbp)}

        self.compare.setVisible(True)
        self.compare.setText(_("Yesterday: %(yesterday)s. Same day last week (%(day)s): "
                               "%(week)s.") % {
            "yesterday": said(yesterday), "day": short_date(week_ago.start, "EEE d"),
            "week": said(week_ago)})

    def _bar(self, row: ChartBar, span: str, measure: str, index: int = 0) -> Bar:
        value = measure_value(row, measure)
        text = measure_text(measure, value)
        note, label_span = "", 1
        if span == "today":
            start = row.start_utc
            rows_left = len(self.ctx.model.chart(Fuel(self.fuel.value), span)) - index
            labelled = index % LABEL_EVERY == 0 and rows_left >= LABEL_EVERY // 2
            label_text = format_time(start) if start and labelled else ""
            label_span = LABEL_EVERY
            period = half_hour_period(start) if start else ""
        elif span == "8d":
            label_text, period = short_date(row.start, "EEE d"), format_weekday_date(row.start)
            note = "" if row.hours == 24 else hours_text(row.hours)
        elif span == "5w":
            label_text = short_date(row.start, "d MMM")
            period = _("Week starting %(date)s") % {"date": format_weekday_date(row.start)}
        else:
            label_text, period = short_date(row.start, "LLL"), format_month_year(row.start)
        kind = "full"
        if span == "today" and not row.has_data and (row.running or (
                row.start_utc is not None and row.start_utc > self.ctx.model.now())):
            kind = "future"  # the open half-hour and those to come: nothing to draw yet
        elif not row.has_data:
            kind = "none"
        elif row.partial:
            kind = "partial"
        if kind == "future":
            spoken = ""
        elif kind == "none":
            spoken = _("%(period)s: no data.") % {"period": period}
        elif kind == "partial" and span == "today":
            spoken = _("%(period)s: %(value)s so far.") % {"period": period, "value": text}
        elif kind == "partial":
            spoken = ngettext("%(period)s: %(value)s, from %(known)d of %(n)d day.",
                              "%(period)s: %(value)s, from %(known)d of %(n)d days.",
                              row.of) % {"period": period, "value": text,
                                         "known": row.with_data, "n": row.of} \
                if not row.running or span != "8d" else (_(
                "%(period)s, a day of %(hours)s: %(value)s so far.") % {
                "period": period, "hours": note, "value": text} if note else _(
                "%(period)s: %(value)s so far.") % {"period": period, "value": text})
        elif note:
            spoken = _("%(period)s, a day of %(hours)s: %(value)s.") % {
                "period": period, "hours": note, "value": text}
        else:
            spoken = _("%(period)s: %(value)s.") % {"period": period, "value": text}
        if row.cheap and kind != "future":
            cheaper = _("Cheaper rate.")  # not inside the f-string: extraction missed it there
            spoken = f"{spoken} {cheaper}"
        if kind in ("none", "future"):
            text = _(s.NO_DATA_YET)  # the table reads "no data", never "0.00 kWh"
        return Bar(label_text, note, value, spoken, text, kind=kind, shaded=row.cheap,
                   label_span=label_span, period=period)


def nice_ceiling(value: Decimal) -> Decimal:
    """The axis top: 1, 2 or 5 times a power of ten at or above the tallest bar."""
    if value <= 0:
        return Decimal(1)
    exponent = Decimal(value).adjusted()
    for step in (1, 2, 5, 10):
        top = Decimal(step).scaleb(exponent)
        if top >= value:
            return top
    return Decimal(10).scaleb(exponent)


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


def half_hour_period(start: datetime) -> str:
    """A half-hour as a listener tells it apart: "01:00 to 01:30". On the day the clocks go
    back, 01:00 to 02:00 happens twice, so those say which of the two they are."""
    wall = start.astimezone(LONDON).replace(tzinfo=None)
    values = {"time": format_time(start), "end": format_time(start + HALF_HOUR)}
    if (start + timedelta(hours=1)).astimezone(LONDON).replace(tzinfo=None) == wall:
        return _("%(time)s to %(end)s, before the clocks went back") % values
    if (start - timedelta(hours=1)).astimezone(LONDON).replace(tzinfo=None) == wall:
        return _("%(time)s to %(end)s, after the clocks went back") % values
    return _("%(time)s to %(end)s") % values
