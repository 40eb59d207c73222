"""kill -9 of a real han-gateway process, at points of a run on the virtual home, and a
restart a minute, two hours or three days later: the history still adds up to the meter's
register (benchmarks/restart_kill.py runs 20 such points)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.integration.killed_gateway import kill_matrix

POINTS = [
    (25, timedelta(minutes=1), True),  # killed in the first half-hour it counted
    (40, timedelta(hours=2), True),
    (15, timedelta(days=3), True),
]


def test_a_killed_gateway_loses_and_invents_no_energy(tmp_path: Path) -> None:
    segments, outcome = kill_matrix(tmp_path / "home.db", POINTS)
    assert [s.killed for s in segments] == [True, True, True, False]
    assert all(s.readings > 0 for s in segments)
    # every Wh the meter counted, once: in half-hours, gap intervals or the open half-hour
    # (give or take the receipt stamps' error at the one boundary nothing corrects)
    assert abs(outcome.error_wh) <= 1 + outcome.boundary_wh, outcome
    assert outcome.negative_slots == 0
