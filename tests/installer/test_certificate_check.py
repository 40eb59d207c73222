"""Commissioning checks each device's certificate; one that does not chain is flagged."""

from __future__ import annotations

from han_home.installer_app.job import Stage
from han_home.shared.security import pki
from han_home.shared.sim.demo_pki import DemoPki, give_gateway_identity

from .test_commission_sim import _started, home_job, job_on


async def test_a_meter_certified_under_another_root_is_flagged_not_commissioned():
    gw = await _started()
    try:
        give_gateway_identity(gw)
        home = gw.config.sim_home
        home.esme.manufacture(DemoPki(pki.make_hierarchy()))  # another scheme's meter
        job = home_job(gw)
        ok, runner = await job_on(gw, job, window_s=30)
        assert not ok
        by_eui = {d.eui64: d for d in job.devices}
        esme = by_eui[str(home.esme.ieee)]
        assert esme.stage == Stage.CONFIG_FAILED
        assert "Not trusted (UNTRUSTED_CHAIN)" in esme.config_error
        assert runner.certificates[str(home.esme.ieee)].flagged
        assert str(home.gsme.ieee) not in runner.certificates  # asleep: not asked (yet)
        assert by_eui[str(home.gsme.ieee)].stage == Stage.VERIFIED
        assert by_eui[str(home.ihd.ieee)].stage == Stage.VERIFIED  # no certificate asked
    finally:
        await gw.stop()


async def test_trusted_devices_are_summarised_and_commissioned():
    gw = await _started()
    try:
        give_gateway_identity(gw)
        home = gw.config.sim_home
        job = home_job(gw)
        ok, runner = await job_on(gw, job, window_s=30)
        assert ok
        check = runner.certificates[str(home.esme.ieee)]
        lines = check.lines()
        assert lines[0] == ("Certificate: ESME-SIM-2 " + str(home.esme.ieee)
                            + ", issued by Demo Meter Manufacturer CA.")
        assert lines[1].startswith("Role: device. Valid until")
        assert lines[2] == "Trusted: chains to HAN Home demo root CA."
        # the installer sees it in the report (JSON and HTML), not only when flagged
        from han_home.installer_app import report

        data = report.build(job)
        esme = next(d for d in data["devices"] if d["eui64"] == str(home.esme.ieee))
        assert esme["certificate"] == lines
        assert "Trusted: chains to HAN Home demo root CA." in report.to_html(data)
    finally:
        await gw.stop()
