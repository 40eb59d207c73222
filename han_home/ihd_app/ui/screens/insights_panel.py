"""Ways to save, on the Usage screen (issue 15): the forecast, always-on power, the
cheapest time to run something, the bill projection, and the "what did that cost?"
stopwatch. Each says what it is based on, or that it is not known yet."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from PySide6.QtWidgets import QFrame, QPushButton, QVBoxLayout, QWidget

from han_home.ihd_app.ui import text as t
from han_home.ihd_app.ui.context import UiContext
from han_home.ihd_app.ui.widgets.common import label
from han_home.ihd_app.ui.widgets.segmented import Segmented
from han_home.shared.i18n import _, ngettext
from han_home.shared.i18n.formatting import format_date_long, format_decimal, format_percent

RUN_HOURS = ("1", "2", "3")  # how long the cheapest-time search is for


class InsightsPanel(QFrame):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setProperty("role", "card")
        self.setObjectName("insights")
        self.heading = label("heading")
        self.forecast = label()
        self.always_on = label()
        self.cheapest_heading = label()
        self.hours = Segmented(list(RUN_HOURS), lambda _k: self.render_view())
        self.hours.set_value("2")  # a wash
        self.cheapest = label()
        self.bill = label()
        self.watch = QPushButton()
        self.watch.setObjectName("stopwatch")
        self.watch.clicked.connect(self._toggle_watch)
        self.watch_result = label()
        layout = QVBoxLayout(self)
        for widget in (self.heading, self.forecast, self.always_on, self.cheapest_heading,
                       self.hours, self.cheapest, self.bill, self.watch, self.watch_result):
            layout.addWidget(widget)

    def render_view(self) -> None:
        model = self.ctx.model
        self.heading.setText(_("Ways to save"))
        forecast = model.forecast()
        self.forecast.setText(_("On track for %(today)s today and %(month)s this month, from "
                                "your last %(n)d days.") % {
            "today": t.money(forecast[0]), "month": t.money(forecast[1]), "n": forecast[2]}
            if forecast else _("A forecast needs a week of your own use: not yet."))
        base = model.always_on()
        if base is None:
            self.always_on.setText(_("Always-on power: not known yet (it needs three nights "
                                     "of readings)."))
        else:
            values = {"watts": format_decimal(base.watts, 0), "n": base.nights}
            self.always_on.setText((_(
                "Always on: %(watts)s W, about %(year)s a year, from %(n)d nights. Switching "
                "off standby lowers it.") % {**values, "year": t.money(base.gbp_per_year)})
                if base.gbp_per_year is not None else
                _("Always on: %(watts)s W, from %(n)d nights.") % values)
        self._render_cheapest()
        self._render_bill()
        self._render_watch()

    def _render_cheapest(self) -> None:
        hours = int(self.hours.value)
        self.hours.set_texts({k: ngettext("%(n)d hour", "%(n)d hours", int(k)) % {"n": int(k)}
                              for k in RUN_HOURS}, group=_("How long it runs"))
        self.cheapest_heading.setText(_("Cheapest time to run something in the next 24 "
                                        "hours:"))
        model = self.ctx.model
        window = model.cheapest_window(timedelta(hours=hours))
        if window is None:
            self.cheapest.setText(_("Not known: this display has no tariff for all of the "
                                    "next 24 hours."))
            return
        self.cheapest.setText(t.unbroken(_(  # "13.50c/kWh" whole at 200 %
            "From %(start)s to %(end)s, at %(rate)s on average.") % {
            "start": t.when(window.start, model.now(), self.ctx.settings),
            "end": t.when(window.end, model.now(), self.ctx.settings),
            "rate": t.rate(window.average_rate)}))

    def _render_bill(self) -> None:
        bill = self.ctx.model.bill_projection()
        if bill is None:
            self.bill.setText(_("Bill projection: not known yet (it needs a week of your own "
                                "use, and every day of this bill so far)."))
            return
        self.bill.setText(_(
            "Your bill to %(day)s could be about %(total)s: energy %(energy)s, standing "
            "charges %(standing)s, VAT at %(vat)s %(vat_gbp)s. From your last %(n)d days.") % {
            "day": format_date_long(bill.period_end), "total": t.money(bill.total_gbp),
            "energy": t.money(bill.energy_projected_gbp), "standing": t.money(bill.standing_gbp),
            "vat": format_percent(bill.vat_rate), "vat_gbp": t.money(bill.vat_gbp),
            "n": bill.based_on_days})

    def _toggle_watch(self) -> None:
        model = self.ctx.model
        if model.stopwatch.running:
            model.stop_stopwatch()
        elif not model.start_stopwatch():
            self.watch_result.setText(_("The stopwatch needs a live reading from your "
                                        "electricity meter."))
            return
        self._render_watch()

    def _render_watch(self) -> None:
        model = self.ctx.model
        running = model.stopwatch.running
        self.watch.setText(_("Stop the stopwatch") if running else _("Start the stopwatch"))
        self.watch.setAccessibleName(self.watch.text())
        result = model.stopwatch_result
        if running:
            text = _("Switch the appliance on now, then stop the stopwatch when it is done.")
        elif result is None:
            text = _("What does something cost to run? Start the stopwatch, switch it on, "
                     "then stop the stopwatch.")
        elif result.above_start_gbp is None:
            text = _("%(energy)s more than when you started; its cost is not known.") % {
                "energy": t.kwh(result.above_start_kwh)}
        else:
            text = _("%(energy)s more than when you started, costing %(cost)s.") % {
                "energy": t.kwh(max(Decimal(0), result.above_start_kwh)),
                "cost": t.money(max(Decimal(0), result.above_start_gbp))}
        self.watch_result.setText(text)
        self.watch_result.setVisible(bool(text))
