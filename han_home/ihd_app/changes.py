"""Changes the meter accepted, in the household's words: what, from when, by whom.

``ChangeLog`` listens to the HAN client for ``ChangeEvent``s (the gateway emits one only
after the meter's signed answer says it applied the change) and keeps the newest
``KEEP``; ``describe`` says each one in the display's language. Qt-free.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from han_home.shared.han.client import ChangeEvent
from han_home.shared.i18n import N_, _
from han_home.shared.i18n.formatting import format_date_long, format_duration, format_money_gbp

if TYPE_CHECKING:  # the notice's module brings cryptography: not at the display's start
    from han_home.shared.han.changes import ChangeNotice

KEEP = 20
LONDON = ZoneInfo("Europe/London")

# by security.profiles.Role value (a StrEnum: its members look these up)
# TRANSLATORS: who made a change; always said after "by" (Welsh: after "gan", so give it
# soft-mutated: "dechnegydd", "rywun yn eich cartref")
WHO = {
    "supplier": N_("your energy supplier"),
    "network_operator": N_("the network operator"),
    "technician": N_("a technician"),
    "occupier": N_("someone in your home"),
    "manufacturer": N_("the meter's manufacturer"),
}


class ChangeLog:
    def __init__(self, on_change: Callable[[], None] | None = None) -> None:
        self.notices: list[ChangeNotice] = []  # newest first
        self.certificates: list[object] = []  # certificates.CertificateSummary
        self.on_change = on_change
        # Certificates are read when Settings first shows them, not at start: reading them
        # loads the PKI code and cryptography's X.509 layer into the display for good.
        self.certificates_wanted = False
        self._load_certificates: Callable[[], object] | None = None

    def want_certificates(self) -> None:
        """Settings is on view: read the certificates (once) if a reader is set."""
        if not self.certificates_wanted:
            self.certificates_wanted = True
            if self._load_certificates is not None:
                self._load_certificates()

    def read_certificates_with(self, load: Callable[[], object]) -> None:
        """``load`` starts reading the certificates: now if Settings has already been on
        view, else the first time it is."""
        self._load_certificates = load
        if self.certificates_wanted:
            load()

    def on_event(self, event: object) -> None:
        if isinstance(event, ChangeEvent):
            self.notices.insert(0, event.notice)
            del self.notices[KEEP:]
            if self.on_change is not None:
                self.on_change()


def _who(notice: ChangeNotice) -> str:
    who = _(WHO.get(notice.role, N_("someone with a certificate")))
    return f"{who} ({notice.organisation})" if notice.organisation else who


def describe(notice: ChangeNotice) -> str:
    """One sentence; only the numbers the meter itself signed."""
    who = _who(notice)
    if notice.kind == "tariff" and notice.effective is not None:
        day = notice.effective.astimezone(LONDON).date()
        return _("Your tariff changes from %(date)s: set by %(who)s.") % {
            "date": format_date_long(day), "who": who}
    if notice.kind == "top_up" and notice.amount_gbp is not None:
        return _("Credit added: %(amount)s, by %(who)s.") % {
            "amount": format_money_gbp(notice.amount_gbp), "who": who}
    if notice.kind == "clock" and notice.offset_s is not None:
        if abs(notice.offset_s) < 1:
            return _("The meter's clock was checked by %(who)s: it was right.") % {"who": who}
        seconds = abs(notice.offset_s)
        if seconds >= 60:  # to the nearest minute: the correction took a moment to arrive
            seconds = round(seconds / 60) * 60
        return _("The meter's clock was corrected by %(duration)s, by %(who)s.") % {
            "duration": format_duration(seconds), "who": who}
    if notice.kind == "message":
        return _("A new message from %(who)s.") % {"who": who}
    if notice.kind == "emergency_credit":
        return _("Your emergency credit was changed by %(who)s.") % {"who": who}
    if notice.kind == "emergency_credit_taken":
        return _("Emergency credit was turned on by %(who)s.") % {"who": who}
    if notice.kind == "debt":
        return _("Your debt repayments were changed by %(who)s.") % {"who": who}
    return _("A change was made by %(who)s.") % {"who": who}


def when(notice: ChangeNotice) -> str:
    """The day the meter applied it, as the household's calendar says it."""
    return format_date_long(notice.applied_at.astimezone(LONDON).date())


# ---- certificates, in plain words (Settings) -------------------------------------------
WHAT = {
    "esme": N_("Electricity meter"),
    "gsme": N_("Gas meter"),
    "gateway": N_("Gateway"),
    "ihd": N_("Display"),
}


def describe_certificate(summary: object) -> str:
    """e.g. "Electricity meter: certified by Demo Meter Manufacturer CA until 1 January
    2044." (a ``shared/han/certificates.CertificateSummary``)."""
    what = _(WHAT.get(getattr(summary, "device_type", None) or "", N_("Device")))
    not_after: dt.datetime = summary.not_after  # type: ignore[attr-defined]
    until = format_date_long(not_after.astimezone(LONDON).date())
    if not getattr(summary, "chains", False):
        return _("%(what)s: its certificate is not one this home trusts.") % {"what": what}
    return _("%(what)s: certified by %(issuer)s until %(date)s.") % {
        "what": what, "issuer": getattr(summary, "issuer", ""), "date": until}


async def load_certificates(gateway: object, log: ChangeLog) -> None:
    """The gateway's and the electricity meter's certificates into ``log.certificates``
    (the gas meter sleeps: its certificate is asked when it next wakes, not here)."""
    security = getattr(gateway, "security", None)
    if security is None:
        return
    found = [security.own_summary()]
    for record in gateway.devices():  # type: ignore[attr-defined]
        if str(getattr(record, "role", "")) == "electricity":  # registry.Role
            summary = await gateway.certificate_summary(record.eui64)  # type: ignore[attr-defined]
            if summary is not None:
                found.append(summary)
    log.certificates = found
    if log.on_change is not None:
        log.on_change()
