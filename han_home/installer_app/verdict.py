"""One verdict for a commissioning job: Pass, Pass with warnings, or Fail, with reasons.

The CLI, the GUI's Verify page and the JSON/HTML/PDF reports all show this one verdict
(``judge``), so they cannot disagree. Guards and their thresholds (README, report):

* a meter whose SiteID names other premises: Fail (it was told to leave);
* a listed device that did not join, was not set up, or gave no live reading: Fail, with
  advice when a refused device is a typing slip away or the key did not match;
* more than one meter of a kind admitted: Fail, held for the installer's decision;
* a device type that differs from the type entered: Fail, held for the decision
  (accepted with a note, decisions.py, each held guard becomes a warning naming it);
* a link below the marginal thresholds: Fail; a marginal link: warning;
* a listed meter much weaker than a refused device of the same kind (mains powered or
  not): refused LQI at least ``WEAKER_LQI_MARGIN`` higher and RSSI at least
  ``WEAKER_RSSI_MARGIN_DB`` dB higher: warning (perhaps the wrong meter was listed);
* no MPAN/MPRN in the job for a listed meter, or a meter that gives no SiteID: warning
  (the premises could not be checked);
* a meter whose clock is more than ``CLOCK_OFFSET_WARN_S`` seconds from the gateway's:
  warning (its half-hours would be stamped in the wrong place).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from han_home.installer_app.decisions import acceptable
from han_home.installer_app.decisions import apply as apply_decisions
from han_home.installer_app.job import (
    DeviceEntry,
    DeviceType,
    Job,
    LinkVerdict,
    RefusedJoiner,
    Stage,
)
from han_home.installer_app.near_miss import slip

WEAKER_LQI_MARGIN = 60
WEAKER_RSSI_MARGIN_DB = 12
CLOCK_OFFSET_WARN_S = 60  # a meter's clock further than this from the gateway's: warning
METER_TYPES = (DeviceType.ELECTRICITY_METER, DeviceType.GAS_METER)


class Level(StrEnum):
    PASS = "pass"
    WARN = "pass_with_warnings"
    FAIL = "fail"


EXIT_CODES = {Level.PASS: 0, Level.WARN: 3, Level.FAIL: 1}


@dataclass(frozen=True)
class Reason:
    code: str
    fail: bool  # False: a warning
    eui64: str = ""
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def text(self) -> str:
        from han_home.installer_app.verdict_texts import reason_text

        return reason_text(self)


@dataclass
class Verdict:
    reasons: list[Reason]

    @property
    def level(self) -> Level:
        if any(r.fail for r in self.reasons):
            return Level.FAIL
        return Level.WARN if self.reasons else Level.PASS

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.level]

    def as_dict(self) -> dict[str, Any]:
        return {"level": self.level.value, "exit_code": self.exit_code,
                "reasons": [{"code": r.code, "severity": "fail" if r.fail else "warning",
                             "eui64": r.eui64 or None, "text": r.text(),
                             "held": acceptable(r),  # the engineer may accept it
                             **{k: v for k, v in r.params.items() if k != "text"}}
                            for r in self.reasons]}


def kind_of(entry: DeviceEntry) -> DeviceType:
    return entry.read_type or entry.entered_type


def _mains(device_type: DeviceType) -> bool:
    return device_type != DeviceType.GAS_METER  # a gas meter is the sleepy one


def _link(lqi: int | None, rssi: int | None) -> str:
    return f"LQI {'—' if lqi is None else lqi}, RSSI {'—' if rssi is None else rssi} dBm"


def _much_stronger(refused: RefusedJoiner, entry: DeviceEntry) -> bool:
    lqi = refused.lqi is not None and entry.lqi is not None \
        and refused.lqi >= entry.lqi + WEAKER_LQI_MARGIN
    rssi = refused.rssi is not None and entry.rssi is not None \
        and refused.rssi >= entry.rssi + WEAKER_RSSI_MARGIN_DB
    return lqi and rssi


def _not_arrived(entry: DeviceEntry, job: Job, wrong_key: bool) -> Reason:
    if wrong_key:
        got = next((r for r in job.refused if r.eui64 == entry.eui64), None)
        return Reason("wrong_key", True, entry.eui64, {
            "refused_eui64": entry.eui64, "link": _link(got.lqi, got.rssi) if got else "—",
            "attempts": got.attempts if got else 0})
    for r in job.refused:
        kind = slip(entry.eui64, r.eui64)
        if kind is not None and r.reason == "not_listed":
            return Reason("near_miss", True, entry.eui64, {
                "refused_eui64": r.eui64, "slip": kind, "attempts": r.attempts,
                "listed_link": _link(entry.lqi, entry.rssi), "link": _link(r.lqi, r.rssi)})
    return Reason("not_joined", True, entry.eui64)


def _device_reasons(entry: DeviceEntry, job: Job, wrong_key: set[str]) -> list[Reason]:
    stage, eui = entry.stage, entry.eui64
    if stage == Stage.FOREIGN:
        expected = job.mprn if kind_of(entry) == DeviceType.GAS_METER else job.mpan
        return [Reason("foreign", True, eui, {"site_id": entry.site_id or "?",
                                              "expected": expected or "?",
                                              "serial": entry.serial or "?"})]
    if stage in (Stage.NOT_JOINED, Stage.LISTED, Stage.WAITING, Stage.LEFT):
        return [_not_arrived(entry, job, eui in wrong_key)]
    out: list[Reason] = []
    if stage == Stage.CONFIG_FAILED:
        out.append(Reason("config_failed", True, eui))
    elif stage != Stage.VERIFIED:
        out.append(Reason("not_verified", True, eui))
    if entry.type_mismatch and entry.read_type is not None:
        out.append(Reason("type_mismatch", True, eui, {"entered": entry.entered_type.value,
                                                       "read": entry.read_type.value}))
    if entry.clock_offset_s is not None and abs(entry.clock_offset_s) > CLOCK_OFFSET_WARN_S:
        out.append(Reason("clock_offset", False, eui, {"seconds": entry.clock_offset_s}))
    if entry.identify == "denied":
        out.append(Reason("identify_denied", True, eui, {"serial": entry.serial or "?"}))
    link = entry.verdict
    if link == LinkVerdict.FAIL:
        out.append(Reason("link_fail", True, eui, {"link": _link(entry.lqi, entry.rssi)}))
    elif link == LinkVerdict.MARGINAL:
        out.append(Reason("link_marginal", False, eui, {"link": _link(entry.lqi, entry.rssi)}))
    kind = kind_of(entry)
    if kind in METER_TYPES:
        if entry.site_id is None:
            out.append(Reason("no_site_id", False, eui, {"serial": entry.serial or "?"}))
        for r in job.refused:
            if r.reason == "not_listed" and r.mains in (None, _mains(kind)) \
                    and _much_stronger(r, entry):
                out.append(Reason("weaker_than_refused", False, eui, {
                    "refused_eui64": r.eui64, "listed_link": _link(entry.lqi, entry.rssi),
                    "link": _link(r.lqi, r.rssi)}))
                break
    return out


def judge(job: Job, unlisted_admitted: list[str] | tuple[str, ...] = ()) -> Verdict:
    """The job's verdict from what happened (call after pairing and verification)."""
    reasons: list[Reason] = []
    if not job.devices:
        return Verdict([Reason("no_devices", True)])
    wrong_key = {r.eui64 for r in job.refused if r.reason == "wrong_key"} - {
        d.eui64 for d in job.devices if d.joined_at is not None}
    for entry in job.devices:
        reasons += _device_reasons(entry, job, wrong_key)
    reasons += [Reason("unlisted_admitted", True, eui) for eui in unlisted_admitted]
    admitted = [d for d in job.devices
                if d.stage in (Stage.CONFIGURED, Stage.VERIFIED, Stage.CONFIG_FAILED)]
    for kind in METER_TYPES:
        same = [d.eui64 for d in admitted if kind_of(d) == kind]
        if len(same) > 1:
            reasons.append(Reason("two_of_a_kind", True, "", {"kind": kind.value,
                                                              "eui64s": same}))
    listed_kinds = {d.entered_type for d in job.devices} | {kind_of(d) for d in job.devices}
    if DeviceType.ELECTRICITY_METER in listed_kinds and not job.mpan:
        reasons.append(Reason("no_mpan", False))
    if DeviceType.GAS_METER in listed_kinds and not job.mprn:
        reasons.append(Reason("no_mprn", False))
    # a held guard the engineer accepted (decisions.py): a warning naming their note
    return Verdict(apply_decisions(reasons, job.decisions))
