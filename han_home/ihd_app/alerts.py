"""What the home screen's alert strip says, most urgent first. No Qt here.

One place decides what needs the household's attention now (issue 15): emergency or low
credit, over budget, a new message, the meters lost or readings out of date, a price change
coming, and a price that is waiting for the meter. Each alert names the screen with its
details, so the strip is one tap (or key) from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from enum import IntEnum
from typing import TYPE_CHECKING

from han_home.shared.energy.readings import Fuel, ReadingKind
from han_home.shared.han.radio_state import RadioState

if TYPE_CHECKING:
    from han_home.ihd_app.model import DisplayModel

# A price change this close is announced on the strip (long enough to delay a wash).
PRICE_CHANGE_AHEAD = timedelta(hours=1)
LIVE_KINDS = ((Fuel.ELECTRICITY, ReadingKind.DEMAND), (Fuel.ELECTRICITY, ReadingKind.SUMMATION),
              (Fuel.GAS, ReadingKind.SUMMATION))


class Severity(IntEnum):  # higher first
    INFO = 1
    WARNING = 2
    URGENT = 3


@dataclass(frozen=True)
class Alert:
    kind: str  # emergency_credit | low_credit | over_budget | connection_lost | stale |
    #            waiting_for_price | price_change | new_message
    severity: Severity
    screen: str | None  # where the details are
    amount: Decimal | None = None  # credit left, share of budget, or the new rate
    count: int = 0  # unread messages
    when: object = None  # datetime of a coming price change


def alerts(model: DisplayModel) -> list[Alert]:
    """Every alert that applies now, most urgent first (stable within a severity)."""
    found: list[Alert] = []
    credit = model.credit()
    if credit is not None and credit.emergency_in_use:
        found.append(Alert("emergency_credit", Severity.URGENT, "credit",
                           credit.emergency_remaining.value))
    elif credit is not None and credit.low:
        found.append(Alert("low_credit", Severity.URGENT, "credit", credit.balance.value))
    share = model.budget_used_share()
    if share is not None and share > 1:
        found.append(Alert("over_budget", Severity.WARNING, "usage", share))
    if model.client is not None and model.radio != RadioState.CONNECTED:
        found.append(Alert("connection_lost", Severity.WARNING, None))
    elif any(model.shown(f, k).stale for f, k in LIVE_KINDS):
        found.append(Alert("stale", Severity.WARNING, None))
    if model.waiting_for_price():
        found.append(Alert("waiting_for_price", Severity.INFO, "tariff"))
    change = _price_change_soon(model)
    if change is not None:
        found.append(change)
    if model.unread:
        found.append(Alert("new_message", Severity.INFO, "messages", count=model.unread))
    return sorted(found, key=lambda a: -a.severity)


def _price_change_soon(model: DisplayModel) -> Alert | None:
    try:
        change = model.next_rate()
    except LookupError:
        return None
    if change is None:
        return None
    when, rate = change
    if when - model.now() > PRICE_CHANGE_AHEAD:
        return None
    return Alert("price_change", Severity.INFO, "tariff", rate, when=when)
