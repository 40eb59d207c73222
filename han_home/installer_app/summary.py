"""The console's closing lines: the verdict and its reasons, then one line per device."""

from __future__ import annotations

from han_home.installer_app.job import DeviceEntry, Job, Stage, type_name
from han_home.installer_app.texts import verdict_text
from han_home.installer_app.verdict import Verdict, kind_of
from han_home.installer_app.verdict_texts import level_text
from han_home.shared.i18n import _


def _state(entry: DeviceEntry) -> str:
    return {
        Stage.VERIFIED: _("verified with a live reading"),
        Stage.CONFIGURED: _("configured, no live reading"),
        Stage.CONFIG_FAILED: _("set-up failed"),
        Stage.FOREIGN: _("other premises: told to leave"),
        Stage.INTERVIEWED: _("interviewed, not set up"),
        Stage.JOINED: _("joined, not set up"),
        Stage.LEFT: _("left the network"),
    }.get(entry.stage, _("did not join"))


def device_line(entry: DeviceEntry) -> str:
    identify = {"confirmed": _("identify seen on site"),
                "denied": _("identify not seen: not this meter")}.get(
        entry.identify, _("not confirmed on site"))
    return _("%(eui64)s  %(type)s: %(state)s; link %(link)s; serial %(serial)s; "
             "%(identify)s") % {
        "eui64": entry.eui64, "type": type_name(kind_of(entry)), "state": _state(entry),
        "link": verdict_text(entry.verdict), "serial": entry.serial or "—",
        "identify": identify}


def verdict_lines(job: Job, verdict: Verdict) -> list[str]:
    lines = [_("Verdict: %(verdict)s") % {"verdict": level_text(verdict.level)}]
    lines += [f"  - {r.text()}" for r in verdict.reasons]
    lines += [device_line(d) for d in job.devices]
    return lines
