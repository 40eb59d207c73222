"""The whole job on the virtual home: happy path, wrong code, neighbours, expiry, early
close, radio loss, and no secret in logs or reports."""

from __future__ import annotations

import asyncio
import logging

import pytest
from crccheck.crc import CrcX25

from han_home.installer_app import report
from han_home.installer_app.commission import JobRunner, run_job, status_message
from han_home.installer_app.job import DeviceType, Job, Stage, parse_type
from han_home.shared.han.client import DeviceEventKind
from han_home.shared.han.setup import RadioOptions, build_gateway
from han_home.shared.i18n import set_language


async def _started(speed: float = 60):
    gw = build_gateway(RadioOptions(sim_seed=7, sim_speed=speed), commission_home=False)
    await gw.start()
    return gw


@pytest.fixture
async def gw():
    gateway = await _started()
    yield gateway
    await gateway.stop()


def home_job(gw, *, qr: bool = True) -> Job:
    job = Job(site_ref="SITE-42", engineer_id="ENG-7")
    for label in gw.config.sim_home.labels():
        if qr:
            job.add_qr(label.qr, parse_type(label.device_type))
        else:
            job.add_typed(label.eui64, label.install_code, parse_type(label.device_type))
    return job


def admitted(gw) -> set[str]:
    return {str(i) for i in gw.app.devices} - {str(gw.app.state.node_info.ieee)}


def a_code(seed: int) -> str:
    body = bytes((seed + i) & 0xFF for i in range(16))
    return (body + CrcX25.calc(body).to_bytes(2, "little")).hex()


async def test_happy_path_two_meters_and_a_display(gw):
    job = home_job(gw)
    ok, runner = await run_job(gw, job, window_s=30)
    home = gw.config.sim_home
    own = {str(d.ieee) for d in home.own}
    assert ok
    assert admitted(gw) == own, "exactly the listed devices were admitted"
    assert all(d.stage == Stage.VERIFIED for d in job.devices)
    assert all(d.read_type == d.entered_type and not d.type_mismatch for d in job.devices)
    firmware = {d.eui64: d.firmware for d in job.devices}
    assert firmware[str(home.esme.ieee)] == "2.3.1" and firmware[str(home.gsme.ieee)] == "1.4.0"
    gas = job.find(str(home.gsme.ieee))
    assert gas.battery_pct == 96 and gas.live_reading.endswith("m3")
    assert job.window_end_reason == "all_joined" and job.secrets_wiped
    data = report.build(job, ok=ok)
    assert data["result"] == "pass" and data["site_ref"] == "SITE-42"
    assert {d["link"] for d in data["devices"]} == {"pass"}


async def test_a_neighbour_joining_in_the_window_is_refused_and_reported(gw):
    job = home_job(gw)
    ok, _ = await run_job(gw, job, window_s=30)
    neighbours = {str(d.ieee): d for d in gw.config.sim_home.neighbours}
    refused = {r.eui64: r for r in job.refused}
    assert ok and set(refused) & set(neighbours)
    assert not admitted(gw) & set(neighbours)
    for eui, r in refused.items():
        assert r.reason == "not_listed"
        assert (r.lqi, r.rssi) == (neighbours[eui].lqi, neighbours[eui].rssi)
    data = report.build(job, ok=ok)
    listed = {r["eui64"]: r for r in data["refused_joiners"]}
    assert set(listed) == set(refused)
    assert all(not r["listed"] and r["attempts"] >= 1 and r["rssi"] < 0 for r in listed.values())
    html = report.to_html(data)
    assert all(eui in html for eui in refused)


async def test_a_wrong_install_code_keeps_the_device_out_and_says_why(gw):
    home = gw.config.sim_home
    job = Job()
    job.add_typed(home.esme.label.eui64, a_code(3), DeviceType.ELECTRICITY_METER)
    runner = JobRunner(gw, job)
    outcome = await runner.pair(window_s=3)
    runner.detach()
    entry = job.devices[0]
    assert not outcome.ok and entry.stage == Stage.NOT_JOINED and not home.esme.joined
    assert entry.eui64 in runner.wrong_key
    assert any(r.eui64 == entry.eui64 and r.reason == "wrong_key" for r in job.refused)
    message = status_message(entry, runner)
    assert "key does not match the install code" in message and "re-type" in message


async def test_window_expiry_reports_who_did_not_join(gw):
    home = gw.config.sim_home
    job = Job()
    job.add_qr(home.esme.label.qr, DeviceType.ELECTRICITY_METER)
    job.add_typed("00:1b:c5:0c:60:00:00:42", a_code(9), DeviceType.DISPLAY)  # not in this home
    loop = asyncio.get_running_loop()
    started = loop.time()
    ok, runner = await run_job(gw, job, window_s=2)
    assert not ok and 2 <= loop.time() - started < 10
    assert job.window_end_reason == "expired" and job.secrets_wiped
    assert job.devices[0].stage == Stage.VERIFIED
    assert job.devices[1].stage == Stage.NOT_JOINED
    assert "did not join before the window closed" in status_message(job.devices[1])
    assert report.build(job, ok=ok)["result"] == "fail"


async def test_closing_the_window_early(gw):
    job = Job()
    job.add_typed("00:1b:c5:0c:60:00:00:43", a_code(11), DeviceType.OTHER)
    runner = JobRunner(gw, job)
    loop = asyncio.get_running_loop()
    loop.call_later(0.3, runner.close_window)
    started = loop.time()
    outcome = await runner.pair(window_s=120)
    runner.detach()
    assert outcome.reason == "closed" and loop.time() - started < 3
    assert not gw.app.window_open and job.secrets_wiped and runner.window_remaining() == 0


async def test_radio_loss_mid_join_pauses_and_resumes():
    gw = await _started(speed=1)  # real time: joins take a second or two
    try:
        home = gw.config.sim_home
        job = home_job(gw, qr=False)
        runner = JobRunner(gw, job)
        seen_paused = []
        runner.listeners.append(lambda what: seen_paused.append(runner.paused))
        task = asyncio.create_task(runner.pair(window_s=60))
        await asyncio.sleep(0.05)
        home.unplug_radio()
        await asyncio.sleep(0.5)
        assert runner.paused and runner.window_open
        frozen = runner.window_remaining()
        await asyncio.sleep(0.5)
        assert runner.window_remaining() == frozen, "the countdown stops while paused"
        home.plug_radio()
        outcome = await asyncio.wait_for(task, timeout=60)
        assert outcome.ok, [(d.eui64, d.stage) for d in job.devices]
        assert await runner.verify()
        runner.detach()
        assert True in seen_paused and not runner.paused
        assert job.radio_interruptions >= 1
        kinds = [e.kind for e in job.log]
        assert "radio_lost" in kinds and "window_reopened" in kinds
    finally:
        await gw.stop()


async def test_no_secret_in_logs_or_reports(gw, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    home = gw.config.sim_home
    codes = [label.install_code for label in home.labels()]
    from han_home.installer_app.codes import link_key_of

    keys = [link_key_of(bytes.fromhex(c)).hex() for c in codes]
    job = home_job(gw)
    ok, _ = await run_job(gw, job, window_s=30)
    assert ok
    data = report.build(job, ok=ok)
    texts = {"log": "\n".join(r.getMessage() for r in caplog.records),
             "json": report.to_json(data)}
    for lang in ("en", "cy"):
        set_language(lang)
        texts[f"html-{lang}"] = report.to_html(data)
    set_language("en")
    texts["job repr"] = repr(job)
    for name, text in texts.items():
        assert report.find_secrets(text, codes + keys) == [], name
    assert job.secrets_wiped
    assert any(e.kind == DeviceEventKind.REFUSED for e in gw.refused)
