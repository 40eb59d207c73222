"""The engineer's decision on a held guard (issue 14, item 2): accept it, with a note.

Four guards hold a job for the installer's decision, because on site they can be right:

* ``two_of_a_kind``: more than one meter of a kind ("this home really has two gas meters");
* ``type_mismatch``: the device's own type differs from the type entered ("the label was
  wrong, the device's own type is right");
* ``link_marginal``: a marginal link;
* ``weaker_than_refused``: a listed meter much weaker than a refused one of the same kind.

An accepted guard stays in the verdict as a warning that names the engineer's note, so a
job with one is at best Pass with warnings, never Pass. Nothing else can be accepted: a
meter of other premises (``foreign``) above all is never this home's, whatever anyone says.
Plain Python (no Qt): the CLI's ``--accept`` and the GUI's Verify page both come here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from han_home.installer_app.codes import CodeError, normalise_eui64
from han_home.shared.i18n import _

if TYPE_CHECKING:
    from han_home.installer_app.verdict import Reason

HELD = ("two_of_a_kind", "type_mismatch", "link_marginal", "weaker_than_refused")
NOTE_MAX = 200  # a short note: one sentence on the report, not a story
_CLI = re.compile(r"^([a-z_]+):((?:[0-9A-Fa-f]{2}[:-]?){7}[0-9A-Fa-f]{2}):(.*)$", re.S)


class DecisionError(ValueError):
    """A decision that cannot be taken: a translated sentence for the engineer."""


@dataclass(frozen=True)
class Decision:
    code: str  # one of HELD
    eui64: str  # the device the guard is about (two of a kind: one of the meters)
    note: str  # why the engineer accepts it, in their words
    at: datetime  # when it was taken (gateway time, UTC)
    source: str = "gui"  # gui | command_line

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "eui64": self.eui64, "note": self.note,
                "at": self.at.isoformat(), "source": self.source}


def acceptable(reason: Reason) -> bool:
    """Whether the engineer may accept this reason (never a meter of other premises)."""
    return reason.code in HELD


def check_note(note: str) -> str:
    text = " ".join(note.split())
    if not text:
        raise DecisionError(_("Write a short note saying why you accept it."))
    if len(text) > NOTE_MAX:
        raise DecisionError(_("The note is too long: at most %(max)d characters.")
                            % {"max": NOTE_MAX})
    return text


def check_code(code: str) -> str:
    if code == "foreign":
        raise DecisionError(_("A meter of other premises can never be accepted: find this "
                              "home's own meter and list it instead."))
    if code not in HELD:
        raise DecisionError(_("“%(code)s” cannot be accepted: only %(codes)s can.")
                            % {"code": code, "codes": ", ".join(HELD)})
    return code


def parse_cli(text: str) -> tuple[str, str, str]:
    """``CODE:EUI64:NOTE`` (the EUI-64 with or without colons) -> (code, eui64, note)."""
    match = _CLI.match(text.strip())
    if match is None:
        raise DecisionError(_("Invalid --accept “%(value)s”: write CODE:EUI64:NOTE, e.g. "
                              "two_of_a_kind:00:1B:C5:52:F2:26:65:A6:two gas meters.")
                            % {"value": text})
    code, eui, note = match.groups()
    try:
        eui64 = normalise_eui64(eui)
    except CodeError as exc:
        raise DecisionError(exc.fault.message()) from None
    return check_code(code), eui64, check_note(note)


def matches(decision: Decision, reason: Reason) -> bool:
    if decision.code != reason.code or not acceptable(reason):
        return False
    return decision.eui64 == reason.eui64 or decision.eui64 in reason.params.get("eui64s", ())


def apply(reasons: list[Reason], decisions: list[Decision]) -> list[Reason]:
    """Each held reason the engineer accepted becomes a warning naming their note."""
    from han_home.installer_app.verdict import Reason

    out = []
    for reason in reasons:
        taken = next((d for d in decisions if matches(d, reason)), None)
        if taken is None:
            out.append(reason)
            continue
        out.append(Reason(reason.code, False, reason.eui64, {
            **reason.params, "accepted_note": taken.note, "accepted_at": taken.at.isoformat(),
            "was_fail": reason.fail}))
    return out


def take(job: Any, code: str, eui64: str, note: str, at: datetime, source: str = "gui"
         ) -> Decision:
    """Record the engineer's decision on the job (and in its event log); raises
    ``DecisionError`` for a guard that cannot be accepted, no note, or an unlisted device."""
    code, note = check_code(code), check_note(note)
    if job.find(eui64) is None:
        raise DecisionError(_("%(eui64)s is not on the device list: only a listed device's "
                              "guard can be accepted.") % {"eui64": eui64})
    decision = Decision(code, eui64, note, at, source)
    job.decisions = [d for d in job.decisions if (d.code, d.eui64) != (code, eui64)]
    job.decisions.append(decision)
    job.add_log(at, "guard_accepted", eui64, code)
    return decision
