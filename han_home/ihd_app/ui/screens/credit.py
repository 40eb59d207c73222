"""Credit (prepayment): balance, emergency credit (available / activate / in use), debt and
recovery, an estimate of days left, the low-credit alert. A credit home is told so."""

from __future__ import annotations

import math
from decimal import Decimal

from PySide6.QtWidgets import QPushButton, QWidget

from han_home.ihd_app.model import MIN_SPEND_DAYS, MISSING, CreditView, Shown
from han_home.ihd_app.ui import text as t
from han_home.ihd_app.ui.context import UiContext
from han_home.ihd_app.ui.screens.base import Screen
from han_home.ihd_app.ui.screens.now import FigureCard
from han_home.ihd_app.ui.widgets.common import label
from han_home.ihd_app.ui.widgets.figure_rows import RowCard, show_row
from han_home.ihd_app.ui.widgets.top_up_list import TopUpList
from han_home.shared.energy.readings import Fuel, Source
from han_home.shared.i18n import _, ngettext
from han_home.shared.i18n import ihd_strings as s
from han_home.shared.ui.background import BackgroundTask, run_in_background

# The meter answers in a second or two; beyond this it is not going to.
METER_TIMEOUT_S = 20.0


class CreditScreen(Screen):
    key = "credit"
    sections = frozenset({"credit", "usage", "stale"})

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.alert = label("warning")
        self.alert.setObjectName("low-credit-alert")
        self.not_prepay = label()
        # the figure a prepayment household lives by leads: days of credit left, per fuel
        self.days = FigureCard(None, lines=1)
        self.days.setObjectName("days-left")
        # balance, emergency credit and debt: one card of one-line rows, not three tiles
        # (at 200 % on 800x480 the tiles took two and a half screenfuls)
        self.grid = RowCard()
        self.grid.setObjectName("credit-figures")
        self.balance, self.emergency, self.debt = (self.grid.add_row() for _ in range(3))
        self.activate = QPushButton()
        self.activate.setObjectName("activate-emergency")
        self.activate.setProperty("role", "primary")
        self.activate.clicked.connect(self._activate)
        self.result = label()
        self._result_key = ""
        self._task: BackgroundTask[bool] | None = None
        # last: it grows as top-ups arrive, and nothing above it (days left) may move
        self.top_ups = TopUpList()
        for widget in (self.alert, self.not_prepay, self.days, self.grid, self.activate,
                       self.result, self.top_ups):
            self.column.addWidget(widget)
        self.finish()

    def render_view(self) -> None:
        credit = self.ctx.model.credit()
        self.not_prepay.setVisible(credit is None)
        self.grid.setVisible(credit is not None)
        self.days.setVisible(credit is not None)
        self.top_ups.setVisible(credit is not None or bool(self.ctx.model.top_ups))
        self.top_ups.show_top_ups(self.ctx.model.top_ups)
        if credit is None:
            self.not_prepay.setText(_("This home does not have a prepayment meter: you pay for "
                                      "your energy after you use it, so there is no credit "
                                      "to show.") if self.ctx.model.heard_from(Fuel.ELECTRICITY)
                                    else _("Waiting for your electricity meter: its credit is "
                                           "shown once it has reported."))
            self.alert.hide()
            self.activate.hide()
            self.result.hide()
            return
        self.alert.setVisible(credit.low)
        self.alert.setText(" ".join([_(s.LOW_CREDIT_ALERT), _(
            "Your supplier warns you when credit is below %(amount)s.") % {
            "amount": t.money(credit.low_level_gbp)}]))
        show_row(self.balance, _(s.CREDIT_BALANCE), _(s.CREDIT_BALANCE), credit.balance,
                 t.money)
        self._render_emergency(credit)
        show_row(self.debt, _(s.DEBT), _(s.DEBT), credit.debt, t.money,
                 s.debt_recovery_per_day(t.money(credit.recovery_gbp_per_day))
                 if (credit.debt.value or 0) > 0 else "")
        self.grid.settle_sources()
        self._render_days(credit)
        self.result.setVisible(bool(self._result_key))
        self.result.setText(self._result_text())

    def _render_emergency(self, credit: CreditView) -> None:
        limit = t.money(credit.emergency_limit_gbp)
        if credit.emergency_in_use:
            detail = _("Emergency credit is in use. You will pay it back when you top up.")
        elif credit.emergency_available:
            detail = s.emergency_credit_available(limit)
        else:
            detail = _("Emergency credit of %(amount)s becomes available when your credit "
                       "runs low.") % {"amount": limit}
        show_row(self.emergency, _(s.EMERGENCY_CREDIT), _(s.EMERGENCY_CREDIT),
                 credit.emergency_remaining, t.money, detail)
        can_activate = credit.emergency_available and not credit.emergency_in_use
        if self._result_key == "no_answer" and credit.emergency_in_use:
            self._result_key = "ok"  # the answer was lost, but the meter did it
        self.activate.setVisible(can_activate)
        self.activate.setEnabled(self._result_key != "asking")
        if self._result_key == "no_answer":
            self.activate.setText(_("Try again"))
            self.activate.setAccessibleName(_("Try again to turn on emergency credit"))
        else:
            self.activate.setText(_(s.ACTIVATE_EMERGENCY_CREDIT))
            self.activate.setAccessibleName(_(s.ACTIVATE_EMERGENCY_CREDIT))
        self.activate.setAccessibleDescription(s.emergency_credit_available(limit))

    def _render_days(self, credit: CreditView) -> None:
        title = _("Electricity credit") if credit.fuel == Fuel.ELECTRICITY else \
            _("Gas credit")
        amount = t.money(credit.balance.value or Decimal(0))
        balance = "" if credit.balance.missing else _("%(amount)s of credit") % {
            "amount": amount}
        if credit.days_left is None or credit.spend_gbp_per_day is None:
            self.days.set_figure(title, MISSING, t.money, [balance], missing_text=_(
                "Days left: not known yet"), source=_(
                "Days left come from your own spending: this display needs %(n)d full days "
                "of it first.") % {"n": MIN_SPEND_DAYS})
            return
        days = int(math.floor(credit.days_left))
        figure = Shown(Decimal(days), "", Source.ESTIMATE, None, credit.balance.age_s,
                       credit.balance.stale)
        self.days.set_figure(title, figure, lambda _v: s.days_of_credit_left(days), [balance],
                             source=ngettext(
            "Estimated by this display from your spending over the last %(n)d day "
            "(%(amount)s a day).",
            "Estimated by this display from your spending over the last %(n)d days "
            "(%(amount)s a day).", credit.spend_days) % {
            "n": credit.spend_days, "amount": t.money(credit.spend_gbp_per_day)})

    def _activate(self) -> None:
        if self._task is not None and not self._task.done():
            return
        self._result_key = "asking"
        self.render_view()
        self._task = run_in_background(
            self, self.ctx.model.activate_emergency_credit(), timeout_s=METER_TIMEOUT_S,
            on_success=self._answered, on_failure=lambda _exc: self._answered(None))

    def _answered(self, ok: bool | None) -> None:
        """ok: the meter's answer; None: no answer (the call failed or timed out)."""
        self._result_key = "no_answer" if ok is None else "ok" if ok else "refused"
        self.render_view()
        self.ctx.announcer.announce(self, self._result_text(), assertive=not ok,
                                    key="emergency-credit")

    def _result_text(self) -> str:
        return {"asking": _("Asking the meter to turn on emergency credit."),
                "ok": _("The meter has turned on emergency credit."),
                "refused": _("The meter did not turn on emergency credit. Please try again or "
                             "contact your supplier."),
                "no_answer": _("The meter did not answer, so emergency credit is not on yet. "
                               "Please try again."),
                "": ""}[self._result_key]

