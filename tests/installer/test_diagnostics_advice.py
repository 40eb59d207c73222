"""Channel advice an installer can act on: stay put unless clearly quieter; busy only when
busy; the event log's refused attempts carry their link."""

from __future__ import annotations

from datetime import UTC, datetime

from han_home.installer_app.diagnostics import BUSY_ENERGY, CLEARLY_QUIETER, ScanResult, recommend
from han_home.installer_app.job import Job
from han_home.installer_app.texts import log_text

QUIET = {c: 20.0 for c in range(11, 27)}


def test_similar_scans_say_stay_on_the_current_channel():
    for wobble in (0.0, 3.0, -3.0, 10.0):
        energy = {c: v + (wobble if c % 2 else -wobble) for c, v in QUIET.items()}
        assert recommend(energy, 15) == 15
    assert ScanResult(QUIET, recommend(QUIET, 15), 15).stay


def test_a_clearly_quieter_channel_is_recommended():
    energy = {**QUIET, 15: 20.0 + CLEARLY_QUIETER + 60, 14: 90.0, 16: 90.0}
    chosen = recommend(energy, 15)
    assert chosen != 15 and energy[chosen] <= energy[15] - CLEARLY_QUIETER
    assert not ScanResult(energy, chosen, 15).stay


def test_busy_only_on_busy_channels():
    scan = ScanResult(QUIET, 15, 15)
    assert not scan.any_busy() and not scan.busy(15)
    loud = ScanResult({**QUIET, 19: float(BUSY_ENERGY)}, 15, 15)
    assert loud.any_busy() and loud.busy(19) and not loud.busy(18)
    assert loud.as_dict()["busy_channels"] == [19]


def test_a_refused_attempt_in_the_log_carries_its_link():
    job = Job()
    job.add_log(datetime(2026, 11, 2, 9, 0, 7, tzinfo=UTC), "refused",
                "00:1b:c5:00:00:00:00:01", "not_listed", 200, -60)
    text = log_text(job.log[0])
    assert "LQI 200" in text and "RSSI -60 dBm" in text
