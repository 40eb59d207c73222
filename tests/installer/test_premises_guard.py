"""Premises identity through the real gateway: a meter of other premises is never this
home's; one verdict with its reasons; the mistakes matrix on the house and on flats."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from han_home.installer_app import report
from han_home.installer_app.commission import run_job, status_message
from han_home.installer_app.job import Job, Stage, parse_type
from han_home.installer_app.mistakes import CASES, run_matrix, table, unsafe
from han_home.installer_app.verdict import Level, judge
from han_home.shared.han.client import DeviceEventKind
from han_home.shared.han.clock import ManualClock
from han_home.shared.han.registry import InstallState
from han_home.shared.han.setup import RadioOptions, build_gateway

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
async def gw():
    gateway = build_gateway(RadioOptions(sim_seed=7, sim_clock=ManualClock(START)),
                            commission_home=False)
    gateway.config.gas_profile_prime_periods = 0
    await gateway.start()
    yield gateway
    await gateway.stop()


async def test_the_gateway_reads_each_meters_site_id_and_serial(gw):
    home = gw.config.sim_home
    job = Job()
    job.mpan, job.mprn = home.premises()
    for label in home.labels():
        job.add_qr(label.qr, parse_type(label.device_type))
    ok, _ = await gw.clock.run(run_job(gw, job, window_s=10), within=200)
    assert ok
    esme, gsme = gw.device(str(home.esme.ieee)), gw.device(str(home.gsme.ieee))
    assert (esme.site_id, esme.serial) == (home.esme.site_id, home.esme.serial)
    assert (gsme.site_id, gsme.serial) == (home.gsme.site_id, home.gsme.serial)
    entry = job.find(str(home.esme.ieee))
    assert entry.serial == home.esme.serial and entry.site_id == job.mpan
    assert judge(job).level == Level.PASS


async def test_a_neighbours_meter_listed_by_mistake_is_told_to_leave(gw):
    home = gw.config.sim_home
    theirs = home.neighbours[0]  # neighbour-1's electricity meter
    events = []
    gw.subscribe(events.append)
    job = Job(site_ref="S", engineer_id="E")
    job.mpan, job.mprn = home.premises()
    job.add_qr(theirs.label.qr, parse_type("electricity_meter"))
    for label in home.labels()[1:]:
        job.add_qr(label.qr, parse_type(label.device_type))
    ok, runner = await gw.clock.run(run_job(gw, job, window_s=10), within=200)
    entry = job.find(str(theirs.ieee))
    assert not ok and entry.stage == Stage.FOREIGN
    assert not theirs.joined and str(theirs.ieee) not in {str(i) for i in gw.app.devices}
    assert gw.device(str(theirs.ieee)).state != InstallState.CONFIGURED
    # never read as this home's: no reading of the neighbour's meter reached the clients
    assert not any(getattr(e, "reading", None) is not None
                   and e.reading.device == str(theirs.ieee) for e in events)
    assert [e.detail for e in events if getattr(e, "kind", None) == DeviceEventKind.FOREIGN
            ] == [theirs.site_id]
    message = status_message(entry, runner)
    assert theirs.site_id in message and theirs.serial in message
    verdict = judge(job, runner.unlisted_admitted)
    assert verdict.level == Level.FAIL and verdict.exit_code == 1
    foreign = [r for r in verdict.reasons if r.code == "foreign"]
    assert len(foreign) == 1 and theirs.site_id in foreign[0].text()
    assert job.mpan in foreign[0].text()
    data = report.build(job, verdict=verdict)
    assert data["result"] == "fail" and data["mpan"] == job.mpan
    html = report.to_html(data)
    assert theirs.site_id in html and "white-space:nowrap" in html


async def test_the_mistakes_matrix_never_passes_a_meter_of_other_premises():
    rows = await run_matrix()
    print("\n" + table(rows))  # the lead's table (pytest -s)
    assert not [r for r in rows if unsafe(r)]
    by = {(r.home, r.case): r for r in rows}
    assert len(by) == 2 * len(CASES)
    expected = {  # case -> (level, a reason code the advice must give)
        "correct job": (Level.PASS, None),
        "neighbour's meter instead of ours": (Level.FAIL, "foreign"),
        "both listed": (Level.FAIL, "foreign"),
        "a second gas meter": (Level.FAIL, "foreign"),
        "EUI typo (one digit)": (Level.FAIL, "near_miss"),
        "EUI transposition": (Level.FAIL, "near_miss"),
        "swapped types": (Level.FAIL, "type_mismatch"),
        "wrong install code": (Level.FAIL, "wrong_key"),
        "QR-only job": (Level.PASS, None),
        "missing device": (Level.FAIL, "not_joined"),
        "neighbour's meter, no MPAN/MPRN": (Level.WARN, "no_mpan"),
        "a second gas meter, no MPAN/MPRN": (Level.FAIL, "two_of_a_kind"),
    }
    for (home, case), row in by.items():
        level, code = expected[case]
        assert row.verdict.level == level, (home, case, row.advice)
        assert code is None or code in row.advice, (home, case, row.advice)
    # in a house the guards see the listed neighbour's weak link; in flats only the
    # premises identity can tell (the neighbour's meter is as loud as ours)
    house = by[("house", "neighbour's meter, no MPAN/MPRN")].advice
    flats = by[("flats", "neighbour's meter, no MPAN/MPRN")].advice
    assert "weaker_than_refused" in house and "link_marginal" in house
    assert "weaker_than_refused" not in flats and "link_marginal" not in flats
    near = next(r for r in by[("house", "EUI transposition")].verdict.reasons
                if r.code == "near_miss")
    assert near.params["slip"] == "swap" and "LQI 200" in near.text()


async def test_every_admitted_device_identifies_itself_and_the_answer_is_recorded(gw):
    home = gw.config.sim_home
    job = Job()
    job.mpan, job.mprn = home.premises()
    for label in home.labels():
        job.add_qr(label.qr, parse_type(label.device_type))
    ok, runner = await gw.clock.run(run_job(gw, job, window_s=10), within=200)
    assert ok
    # the gas meter too: it was asked while still awake in pairing mode
    assert all(d.identify_requests == 1 and d.identifying for d in home.own)
    assert all(e.identify_sent for e in job.devices)
    assert all(e.identify == "not_confirmed" for e in job.devices)  # headless: not seen
    assert not any(d.identifying for d in home.neighbours)
    gas = job.find(str(home.gsme.ieee))
    runner.confirm_identify(job.find(str(home.esme.ieee)), True)
    runner.confirm_identify(gas, False)
    verdict = judge(job)
    assert verdict.level == Level.FAIL
    assert [r.code for r in verdict.reasons] == ["identify_denied"]
    data = report.build(job, verdict=verdict)
    assert {d["eui64"]: d["identify"] for d in data["devices"]} == {
        str(home.esme.ieee): "confirmed", str(home.gsme.ieee): "denied",
        str(home.ihd.ieee): "not_confirmed"}
    assert "Not confirmed on site" in report.to_html(data)
    await gw.clock.advance(301)
    assert not any(d.identifying for d in home.own)  # the signal ends on its own


async def test_each_meters_clock_offset_is_shown_and_a_large_one_warned(gw):
    home = gw.config.sim_home
    home.esme.clock_drift_s = 95.0  # the meter's clock runs 95 s ahead of the gateway's
    job = Job(site_ref="S", engineer_id="E")
    job.mpan, job.mprn = home.premises()
    for label in home.labels():
        job.add_qr(label.qr, parse_type(label.device_type))
    ok, _ = await gw.clock.run(run_job(gw, job, window_s=10), within=200)
    assert ok
    esme, gsme = job.find(str(home.esme.ieee)), job.find(str(home.gsme.ieee))
    assert esme.clock_offset_s == 95
    assert gsme.clock_offset_s is None  # it stamps no time: not known, never guessed
    verdict = judge(job)
    assert verdict.level == Level.WARN
    assert [(r.code, r.eui64) for r in verdict.reasons] == [("clock_offset", esme.eui64)]
    assert "+95 s" in verdict.reasons[0].text()
    html = report.to_html(report.build(job, verdict=verdict))
    assert "+95 s" in html


async def test_swapped_types_fail_and_the_report_shows_the_type_each_device_reported(gw):
    home = gw.config.sim_home
    job = Job(site_ref="S", engineer_id="E")
    job.mpan, job.mprn = home.premises()
    esme, gsme, ihd = home.labels()
    job.add_qr(esme.qr, parse_type("gas_meter"))
    job.add_qr(gsme.qr, parse_type("electricity_meter"))
    job.add_qr(ihd.qr, parse_type("display"))
    await gw.clock.run(run_job(gw, job, window_s=10), within=200)
    verdict = judge(job)
    assert verdict.exit_code == 1
    assert [r.code for r in verdict.reasons] == ["type_mismatch", "type_mismatch"]
    html = report.to_html(report.build(job, verdict=verdict))
    assert "Electricity meter (entered as: Gas meter)" in html
    assert "Gas meter (entered as: Electricity meter)" in html
