"""The status line: is the radio up, and are these values live or the last run's."""

from __future__ import annotations

from datetime import datetime

from han_home.ihd_app.model import DisplayModel
from han_home.ihd_app.settings import Settings
from han_home.ihd_app.ui import text as t
from han_home.shared.energy.readings import Fuel, ReadingKind
from han_home.shared.han.radio_state import RadioState
from han_home.shared.i18n import _

KINDS = [(Fuel.ELECTRICITY, ReadingKind.DEMAND), (Fuel.ELECTRICITY, ReadingKind.SUMMATION),
         (Fuel.ELECTRICITY, ReadingKind.CREDIT), (Fuel.GAS, ReadingKind.SUMMATION)]


def last_known(model: DisplayModel) -> datetime | None:
    times = [s.received for s in (model.shown(f, k) for f, k in KINDS) if s.received]
    return max(times, default=None)


def radio_text(state: RadioState) -> str:
    if state == RadioState.CONNECTED:
        return _("Connected to your meters.")
    if state == RadioState.RECONNECTING:
        return _("Reconnecting to your meters.")
    return _("No contact with your meters.")


def status_text(model: DisplayModel, settings: Settings) -> str:
    parts = [radio_text(model.radio)]
    live = [model.shown(f, k) for f, k in KINDS if k != ReadingKind.CREDIT]
    if model.radio == RadioState.CONNECTED and not model.from_history and any(
            s.stale for s in live if not s.missing):
        # connected, yet the meters have gone quiet: the header must not say all is well
        parts = [_("Connected, but some readings are out of date.")]
    when = last_known(model)
    if model.from_history and when is not None:
        parts.append(_("Last known values from %(time)s, waiting for the meter.") % {
            "time": t.when(when, model.now(), settings)})
    elif when is None:
        parts.append(_("No data yet."))
    return " ".join(parts)
