"""The engineer's decision on a held guard (issue 14 item 2): an accepted guard becomes a
warning naming the note (never Pass), recorded with its time in the reports; a meter of
other premises can never be accepted."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from han_home.installer_app import report
from han_home.installer_app.decisions import DecisionError, parse_cli, take
from han_home.installer_app.job import DeviceType, Job, Stage
from han_home.installer_app.verdict import Level, judge
from han_home.shared.sim.home import HomeOptions, VirtualHome

AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
HOME = VirtualHome(HomeOptions(seed=7))




def verified(job: Job, qr: str, entered: DeviceType, read: DeviceType, lqi: int = 200,
             rssi: int = -60, site_id: str | None = None):
    entry = job.add_qr(qr, entered)
    entry.stage, entry.read_type, entry.lqi, entry.rssi = Stage.VERIFIED, read, lqi, rssi
    entry.site_id = site_id
    return entry


def two_gas_meters() -> tuple[Job, str, str]:
    job = Job(site_ref="S", engineer_id="E")
    job.mpan, job.mprn = HOME.premises()
    gas = DeviceType.GAS_METER
    ours = verified(job, HOME.gsme.label.qr, gas, gas, site_id=job.mprn)
    other = verified(job, HOME.neighbours[1].label.qr, gas, gas, site_id=job.mprn)
    return job, ours.eui64, other.eui64


def test_two_gas_meters_fail_until_the_engineer_accepts_them_with_a_note():
    job, _ours, other = two_gas_meters()
    before = judge(job)
    assert before.level == Level.FAIL
    assert [(r.code, r.fail) for r in before.reasons] == [("two_of_a_kind", True)]
    assert before.as_dict()["reasons"][0]["held"] is True
    take(job, "two_of_a_kind", other, "  The flat really has two gas meters  ", AT)
    after = judge(job)
    assert after.level == Level.WARN and after.exit_code == 3  # never plain Pass
    (reason,) = after.reasons
    assert reason.code == "two_of_a_kind" and not reason.fail
    assert "Accepted by the engineer: “The flat really has two gas meters”." in reason.text()
    data = report.build(job, verdict=after)
    assert data["result"] == "pass_with_warnings"
    assert data["decisions"] == [{"code": "two_of_a_kind", "eui64": other,
                                  "note": "The flat really has two gas meters",
                                  "at": AT.isoformat(), "source": "gui", "applied": True}]
    assert data["verdict"]["reasons"][0]["accepted_note"] == "The flat really has two gas meters"
    html = report.to_html(data)
    assert "Guards accepted by the engineer" in html and "The flat really has two gas" in html
    assert "More than one meter of a kind" in html
    assert [e.kind for e in job.log] == ["guard_accepted"]


def test_an_accepted_type_mismatch_is_a_warning_and_other_fails_stay():
    job = Job()
    job.mpan, job.mprn = HOME.premises()
    esme = verified(job, HOME.esme.label.qr, DeviceType.GAS_METER, DeviceType.ELECTRICITY_METER,
                    site_id=job.mpan)
    weak = verified(job, HOME.gsme.label.qr, DeviceType.GAS_METER, DeviceType.GAS_METER,
                    lqi=40, rssi=-95, site_id=job.mprn)  # too weak: not a held guard
    take(job, "type_mismatch", esme.eui64, "Label was wrong; the device's own type is right",
         AT)
    verdict = judge(job)
    codes = {(r.code, r.eui64): r.fail for r in verdict.reasons}
    assert codes == {("type_mismatch", esme.eui64): False, ("link_fail", weak.eui64): True}
    assert verdict.level == Level.FAIL
    # a decision for one device does not accept the same guard on another
    take(job, "type_mismatch", weak.eui64, "not needed", AT)
    assert judge(job).level == Level.FAIL
    data = report.build(job)
    assert [(d["eui64"], d["applied"]) for d in data["decisions"]] == [
        (esme.eui64, True), (weak.eui64, False)]
    html = report.to_html(data)
    assert "Label was wrong" in html and "not needed" not in html


def test_a_marginal_link_accepted_names_the_note():
    job = Job()
    job.mpan, job.mprn = HOME.premises()
    esme = verified(job, HOME.esme.label.qr, DeviceType.ELECTRICITY_METER,
                    DeviceType.ELECTRICITY_METER, lqi=90, rssi=-85, site_id=job.mpan)
    assert [r.code for r in judge(job).reasons] == ["link_marginal"]
    take(job, "link_marginal", esme.eui64, "Meter in a steel cupboard; checked twice", AT)
    (reason,) = judge(job).reasons
    assert not reason.fail and "steel cupboard" in reason.text()


def test_a_meter_of_other_premises_can_never_be_accepted():
    job = Job()
    job.mpan, job.mprn = HOME.premises()
    theirs = job.add_qr(HOME.neighbours[0].label.qr, DeviceType.ELECTRICITY_METER)
    theirs.stage, theirs.site_id = Stage.FOREIGN, HOME.neighbours[0].site_id
    (reason,) = judge(job).reasons
    assert reason.code == "foreign" and judge(job).as_dict()["reasons"][0]["held"] is False
    with pytest.raises(DecisionError, match="never be accepted"):
        take(job, "foreign", theirs.eui64, "it is ours really", AT)
    with pytest.raises(DecisionError, match="never be accepted"):
        parse_cli(f"foreign:{theirs.eui64}:it is ours really")
    # even a decision smuggled onto the job does not turn it into a warning
    from han_home.installer_app.decisions import Decision

    job.decisions.append(Decision("foreign", theirs.eui64, "it is ours", AT))
    assert judge(job).level == Level.FAIL and judge(job).reasons[0].fail


@pytest.mark.parametrize(("value", "says"), [
    ("two_of_a_kind:00:1b:c5:3d:17:8d:6c:0f:", "short note"),
    ("two_of_a_kind:00:1b:c5:3d:17:8d:6c:0f:" + "x" * 201, "too long"),
    ("not_joined:00:1b:c5:3d:17:8d:6c:0f:it is fine", "cannot be accepted"),
    ("two_of_a_kind:two gas meters", "CODE:EUI64:NOTE"),
])
def test_bad_accept_values_say_what_is_wrong(value, says):
    with pytest.raises(DecisionError, match=says):
        parse_cli(value)


def test_a_cli_accept_value_parses_with_or_without_colons():
    assert parse_cli("two_of_a_kind:001BC53D178D6C0F:two meters: both ours") == (
        "two_of_a_kind", "00:1b:c5:3d:17:8d:6c:0f", "two meters: both ours")


def test_a_decision_needs_a_listed_device():
    job, _ours, _other = two_gas_meters()
    with pytest.raises(DecisionError, match="not on the device list"):
        take(job, "two_of_a_kind", "00:1b:c5:00:00:00:00:01", "note", AT)
