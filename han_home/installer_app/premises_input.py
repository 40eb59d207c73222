"""The job's premises as the engineer enters them: MPAN core and MPRN, checked at once.

From ``--mpan``/``--mprn``, from the device list's ``mpan``/``mprn`` columns (``labels``
prints them on the meters' rows), or from the GUI's job page. Where two say different
things the job is refused: one job is for one premises.
"""

from __future__ import annotations

from han_home.installer_app.codes import CodeError, Fault, FaultKind
from han_home.shared.energy.premises import digits_only, mpan_problem, mprn_problem

_KINDS = {
    ("mpan", "length"): FaultKind.MPAN_LENGTH,
    ("mpan", "digits"): FaultKind.MPAN_NOT_DIGITS,
    ("mpan", "check"): FaultKind.MPAN_CHECK,
    ("mprn", "length"): FaultKind.MPRN_LENGTH,
    ("mprn", "digits"): FaultKind.MPRN_NOT_DIGITS,
}


def premises_problem(kind: str, text: str) -> Fault | None:
    """The fault of an MPAN core (kind 'mpan') or MPRN ('mprn'), None when it is valid."""
    problem = mpan_problem(text) if kind == "mpan" else mprn_problem(text)
    if problem is None:
        return None
    return Fault(_KINDS[(kind, problem)], {"value": text.strip()})


def premises_fault(kind: str, text: str) -> str | None:
    fault = premises_problem(kind, text)
    return None if fault is None else fault.message()


def merge_premises(kind: str, current: str, value: str) -> str:
    """The job's id after one more source named it; CodeError on a clash."""
    value = digits_only(value)
    if not value:
        return current
    if current and current != value:
        raise CodeError(Fault(FaultKind.PREMISES_DISAGREE, {
            "name": kind.upper(), "value": value, "other": current}))
    return value


def job_premises(job: object, mpan: str | None, mprn: str | None) -> tuple[str, str]:
    """(MPAN, MPRN) of the job: the command line's, agreeing with the device list's."""
    got_mpan = merge_premises("mpan", getattr(job, "mpan", ""), mpan or "")
    got_mprn = merge_premises("mprn", getattr(job, "mprn", ""), mprn or "")
    return got_mpan, got_mprn
