"""Whole translated sentences for events, stages and verdicts (shared by CLI and GUI; no Qt)."""

from __future__ import annotations

from han_home.installer_app.job import LinkVerdict, LogEntry
from han_home.shared.i18n import _, ngettext


def event_text(kind: str, eui64: str = "", detail: str = "", lqi: object = None,
               rssi: object = None) -> str:
    p = {"eui64": eui64, "lqi": "—" if lqi is None else lqi,
         "rssi": "—" if rssi is None else rssi, "detail": detail}
    if kind == "refused":
        if detail == "wrong_key":
            return _("Refused %(eui64)s: its key does not match the install code entered "
                     "(LQI %(lqi)s, RSSI %(rssi)s dBm).") % p
        return _("Refused %(eui64)s: not on the device list (LQI %(lqi)s, RSSI %(rssi)s dBm)."
                 ) % p
    if kind == "joined":
        return _("%(eui64)s joined.") % p
    if kind == "interviewed":
        return _("%(eui64)s answered its interview.") % p
    if kind == "configured":
        return _("%(eui64)s is configured.") % p
    if kind == "config_failed":
        return _("Setting up %(eui64)s failed three times (%(detail)s).") % p
    if kind == "config_retry":
        return _("Setting up %(eui64)s again.") % p
    if kind == "corrected":
        return _("The EUI-64 %(detail)s was corrected to %(eui64)s by the engineer.") % p
    if kind == "identify":
        return (_("%(eui64)s is showing its identify signal.") if detail == "sent" else
                _("%(eui64)s did not answer the identify request.")) % p
    if kind == "identify_confirmed":
        return _("The engineer saw the identify signal of %(eui64)s.") % p
    if kind == "identify_denied":
        return _("The engineer did not see the identify signal of %(eui64)s.") % p
    if kind == "foreign":
        return _("%(eui64)s belongs to other premises (premises number %(detail)s): told "
                 "to leave.") % p
    if kind == "guard_accepted":
        return _("The engineer accepted the guard “%(detail)s” for %(eui64)s, with a note "
                 "(see the verdict).") % p
    if kind == "left":
        return _("%(eui64)s left the network.") % p
    if kind == "radio_lost":
        return _("The radio was lost: the job is paused until it comes back.")
    if kind == "radio_reconnecting":
        return _("Reconnecting to the radio…")
    if kind == "radio_connected":
        return _("The radio is connected.")
    if kind == "window_opened":
        seconds = int(detail) if detail.isdigit() else 0
        return ngettext("Join window opened for %(seconds)d second.",
                        "Join window opened for %(seconds)d seconds.", seconds) % {
            "seconds": seconds}
    if kind == "window_reopened":
        return _("Join window opened again after the radio came back.")
    if kind == "window_closed":
        return {"all_joined": _("Join window closed: every listed device has joined."),
                "expired": _("Join window closed: the time ran out."),
                "closed": _("Join window closed by the engineer.")}.get(
            detail, _("Join window closed."))
    return f"{kind} {eui64} {detail}".strip()


def refused_text(eui64: str, reason: str, attempts: int, lqi: object = None,
                 rssi: object = None) -> str:
    """One line for a device refused (perhaps many times) during the join window."""
    p = {"eui64": eui64, "n": attempts, "lqi": "—" if lqi is None else lqi,
         "rssi": "—" if rssi is None else rssi}
    if reason == "wrong_key":
        return ngettext(
            "Refused %(eui64)s %(n)d time: its key does not match the install code entered "
            "(LQI %(lqi)s, RSSI %(rssi)s dBm).",
            "Refused %(eui64)s %(n)d times: its key does not match the install code entered "
            "(LQI %(lqi)s, RSSI %(rssi)s dBm).", attempts) % p
    return ngettext(
        "Refused %(eui64)s %(n)d time: not on the device list (LQI %(lqi)s, RSSI %(rssi)s dBm).",
        "Refused %(eui64)s %(n)d times: not on the device list (LQI %(lqi)s, RSSI %(rssi)s dBm).",
        attempts) % p


def log_text(entry: LogEntry) -> str:
    return event_text(entry.kind, entry.eui64, entry.detail, entry.lqi, entry.rssi)


def verdict_text(verdict: LinkVerdict) -> str:
    """Symbol and word: colour is never the only cue."""
    return {LinkVerdict.PASS: _("✓ Pass"), LinkVerdict.MARGINAL: _("! Marginal"),
            LinkVerdict.FAIL: _("✗ Fail")}.get(verdict, _("? Not known"))
