"""A real han-gateway process on the virtual home, stopped by SIGKILL (or SIGTERM) at a
chosen point and started again later on the same database: what a power cut or an
out-of-memory kill does to a kiosk. Shared by the restart test and its benchmark.

The virtual meter's register is a function of the seed and the simulated time, so the
stored history can be checked against it afterwards without trusting anything the
gateway printed."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from han_home.shared.energy.calendar import HALF_HOUR, half_hour_start
from han_home.shared.han.clock import ManualClock
from han_home.shared.han.setup import RadioOptions, build_gateway
from han_home.shared.store.async_history import AsyncHistory

SEED = 23
START = datetime(2026, 11, 9, 5, 7, tzinfo=UTC)
SPEED = 1800  # one simulated half-hour a real second
# Reports carry no meter time: the gateway stamps each on receipt, so at SPEED a host delay
# of d ms moves a stamp by 1.8 d simulated seconds. Every half-hour boundary between two
# readings is interpolated from those stamps and then corrected by the meter's own figure
# for the half-hour, except the far boundary of the half-hour the accounts began in: the
# meter's figure for that one includes energy before the display's first reading, so
# nothing can be moved from it (history_feed._confirm_waiting). That one boundary may be
# off by the meter's power times this much stamp error (67 ms of host delay at SPEED).
STAMP_ERROR = timedelta(seconds=120)
CLI = [sys.executable, "-m", "han_home.shared.han.cli"]


@dataclass(frozen=True)
class Segment:
    start: datetime
    last_seen: datetime  # the newest reading the process printed before it was stopped
    killed: bool
    readings: int
    registers: dict[datetime, Decimal]  # the electricity registers it printed, by time


def run_segment(db: Path, start: datetime, summations: int, *, kill: bool,
                env: dict[str, str]) -> Segment:
    """Run the gateway from `start` until it has printed `summations` electricity register
    readings, then kill it (SIGKILL) or stop it (SIGTERM)."""
    cmd = [*CLI, "run", "--radio", "sim", "--sim-seed", str(SEED),
           "--sim-start", start.strftime("%Y-%m-%dT%H:%M:%SZ"), "--sim-speed", str(SPEED),
           "--db", str(db), "--json"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, env=env)
    assert proc.stdout is not None
    last, seen, registers = start, 0, {}
    try:
        for line in proc.stdout:
            event = json.loads(line)
            when = datetime.fromisoformat(event["t"].replace("Z", "+00:00"))
            last = max(last, when)
            if event["kind"] == "summation" and event["fuel"] == "electricity":
                seen += 1
                registers[when] = Decimal(event["value"])
                if seen >= summations:
                    break
    finally:
        proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        proc.communicate(timeout=60)  # read on: a full pipe would block its clean stop
    return Segment(start, last, kill, seen, registers)


@dataclass(frozen=True)
class Outcome:
    stored_wh: Decimal  # half-hours + gap intervals + what the accounts hold open
    meter_wh: Decimal  # the meter's register over the same stretch
    negative_slots: int
    meter_slots: int  # half-hours stored as the meter's own
    gap_intervals: int
    # what the stamp error can move across the first half-hour's far boundary, when the
    # meter's figure was taken for that half-hour (else the accounts are exact)
    boundary_wh: Decimal = Decimal(0)

    @property
    def error_wh(self) -> Decimal:
        return self.stored_wh - self.meter_wh


async def outcome(db: Path, printed: dict[datetime, Decimal]) -> Outcome:
    """Everything the database accounts for, against the virtual meter's register from
    where the accounts began to the last reading they hold. They began at a reading (looked
    up in what the processes `printed`), or at the start of its half-hour once the meter's
    own figure for that half-hour is stored: that figure includes what came before."""
    home = build_gateway(RadioOptions(sim_seed=SEED, sim_clock=ManualClock(START))).config.sim_home
    history = AsyncHistory(db, readonly=True)
    try:
        await history.ready()
        state = await history.accounting_state("electricity")
        assert state is not None, "the accounts were never saved"
        accounts = state["accumulator"]
        assert isinstance(accounts, dict)
        began = datetime.fromisoformat(str(accounts["counted_from"]))
        first = half_hour_start(began)
        end = datetime.fromisoformat(str(accounts["last_time"])) + HALF_HOUR
        rows = await history.half_hours("electricity", first, end)
        gaps = await history.gaps("electricity", first, end)
    finally:
        await history.close()
    held = sum((Decimal(v) for v in accounts["pending"].values()), Decimal(0))
    held += sum((Decimal(g["quantity"]) + Decimal(g["begin_partial"]) for g in accounts["gaps"]),
                Decimal(0))
    stored = sum((r.kwh for r in rows), Decimal(0)) + sum((g.kwh for g in gaps), Decimal(0))
    first_row = next((r for r in rows if r.start_utc == first), None)
    whole_first = first_row is not None and first_row.source == "meter"
    began_at = home.esme.register_at(first) if whole_first else printed[began]
    far = first + HALF_HOUR
    boundary = (home.esme.register_at(far + STAMP_ERROR) - home.esme.register_at(
        far - STAMP_ERROR)) / 2 if whole_first else Decimal(0)
    meter = Decimal(str(accounts["last_value"])) - began_at
    return Outcome(
        stored_wh=(stored + held) * 1000,
        meter_wh=meter * 1000,
        negative_slots=sum(1 for r in rows if r.kwh < 0),
        meter_slots=sum(1 for r in rows if r.source == "meter"),
        gap_intervals=len(gaps),
        boundary_wh=boundary * 1000,
    )


def _saved_until(db: Path) -> datetime:
    """The newest reading the accounts in `db` hold (START if none were saved yet)."""
    if not db.exists():
        return START
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        try:
            row = conn.execute("SELECT state FROM accounting_state WHERE fuel = 'electricity'"
                               ).fetchone()
        except sqlite3.OperationalError:  # killed before its tables were made
            row = None
    if row is None:
        return START
    return datetime.fromisoformat(json.loads(row[0])["accumulator"]["last_time"])


def kill_matrix(db: Path, points: list[tuple[int, timedelta, bool]]) -> tuple[list[Segment],
                                                                               Outcome]:
    """Each point: stop after that many readings, how long the display stays down, and
    whether it is killed (SIGKILL) or stopped (SIGTERM). A last clean run follows."""
    env = dict(os.environ, HAN_HOME_DATA_DIR=str(db.parent), HAN_HOME_CONFIG_DIR=str(db.parent))
    segments = []
    start = START
    for summations, down, kill in points:
        segment = run_segment(db, start, summations, kill=kill, env=env)
        segments.append(segment)
        # restarted `down` after it died: after the last reading it printed or saved,
        # whichever is newer (it runs on for a moment after the signal is sent)
        start = max(segment.last_seen, _saved_until(db)) + down
    segments.append(run_segment(db, start, 10, kill=False, env=env))
    printed = {t: v for segment in segments for t, v in segment.registers.items()}
    return segments, asyncio.run(outcome(db, printed))
