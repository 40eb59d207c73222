"""Plain words for the verdict and each of its reasons (CLI, GUI and reports; no Qt)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from han_home.installer_app.job import DeviceType, type_name
from han_home.shared.i18n import _

if TYPE_CHECKING:
    from han_home.installer_app.verdict import Level, Reason


def level_text(level: Level) -> str:
    from han_home.installer_app.verdict import Level

    return {Level.PASS: _("Pass"), Level.WARN: _("Pass with warnings"),
            Level.FAIL: _("Fail")}[level]


def _type(value: str) -> str:
    try:
        return type_name(DeviceType(value))
    except ValueError:
        return value


def reason_text(reason: Reason) -> str:
    text = _guard_text(reason)
    note = reason.params.get("accepted_note")
    if note:  # a held guard the engineer accepted (decisions.py): their note, in quotes
        return text + " " + _("Accepted by the engineer: “%(note)s”.") % {"note": note}
    return text


def _guard_text(reason: Reason) -> str:
    p = {"eui64": reason.eui64, **reason.params}
    code = reason.code
    if code == "foreign":
        return _("%(eui64)s belongs to other premises: its premises number (SiteID) is "
                 "%(site_id)s, not this job's %(expected)s; its serial number is %(serial)s. "
                 "It was told to leave: find this home's own meter and list it instead.") % p
    if code == "wrong_key":
        return _("%(eui64)s tried to join %(attempts)d times (%(link)s) but its key does not "
                 "match the install code entered: check the code on its label and "
                 "re-type it.") % p
    if code == "near_miss":
        what = (_("two neighbouring digits swapped") if p.get("slip") == "swap"
                else _("one or two digits different"))
        return _("%(eui64)s (listed, %(listed_link)s) never joined, but %(refused_eui64)s "
                 "(%(link)s) was refused %(attempts)d times: it is the same number with "
                 "%(what)s. Check the label; if it is that device, correct the EUI-64 and "
                 "open the window again.") % {**p, "what": what}
    if code == "not_joined":
        return _("%(eui64)s did not join: check it is powered and in pairing mode, then "
                 "open the window again.") % p
    if code == "config_failed":
        return _("%(eui64)s joined but could not be set up: press Retry set-up.") % p
    if code == "not_verified":
        return _("%(eui64)s joined but gave no live reading.") % p
    if code == "type_mismatch":
        return _("%(eui64)s reports its type as “%(read)s”, but it was entered as "
                 "“%(entered)s”: check which meter is which before accepting the job.") % {
            **p, "read": _type(str(p["read"])), "entered": _type(str(p["entered"]))}
    if code == "clock_offset":
        return _("The clock of %(eui64)s is %(seconds)+d s from the gateway's: its "
                 "supplier should set it.") % p
    if code == "identify_denied":
        return _("The engineer saw no identify signal on the meter in front of them for "
                 "%(eui64)s (serial number %(serial)s): it may be another meter.") % p
    if code == "link_fail":
        return _("%(eui64)s has a link too weak to rely on (%(link)s).") % p
    if code == "link_marginal":
        return _("%(eui64)s has a marginal link (%(link)s): it may drop out.") % p
    if code == "weaker_than_refused":
        return _("%(eui64)s (%(listed_link)s) is much weaker than %(refused_eui64)s "
                 "(%(link)s), a device of the same kind that was refused: make sure the "
                 "listed meter is the one in this home.") % p
    if code == "no_site_id":
        return _("%(eui64)s did not say which premises it is in: compare its serial number "
                 "%(serial)s with the meter in front of you.") % p
    if code == "two_of_a_kind":
        return _("More than one device of type “%(kind)s” joined (%(eui64s)s): a home has "
                 "one; keep the meter of this home and remove the other.") % {
            "kind": _type(str(p["kind"])), "eui64s": ", ".join(p["eui64s"])}
    if code == "unlisted_admitted":
        return _("%(eui64)s was admitted without being on the device list.") % p
    if code == "no_mpan":
        return _("No MPAN was given: the electricity meter's premises were not checked.")
    if code == "no_mprn":
        return _("No MPRN was given: the gas meter's premises were not checked.")
    if code == "no_devices":
        return _("The device list has no devices.")
    return code


def guard_name(code: str) -> str:
    """A held guard's short name (the report's decisions table, the Verify page)."""
    return {"two_of_a_kind": _("More than one meter of a kind"),
            "type_mismatch": _("Device type differs from the type entered"),
            "link_marginal": _("Marginal link"),
            "weaker_than_refused": _("Much weaker than a refused device")}.get(code, code)
