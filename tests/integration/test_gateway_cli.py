"""han-gateway prints what it promises, and refuses bad input with exit status 2."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

CLI = [sys.executable, "-m", "han_home.shared.han.cli"]


def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=Path(__file__).resolve().parents[2],
    )


async def test_run_prints_one_json_object_per_reading_and_history_per_local_day(
        tmp_path, monkeypatch, capsys) -> None:
    """`han-gateway run ... --db --json`, then `history`, in this process on a ManualClock:
    five simulated hours across the October clock change, the same whatever the host's
    load (at 3600x in real time a busy host commissioned the gas meter too late for a gas
    day). The real-time runs below start the command as a subprocess."""
    from dataclasses import replace

    from han_home.shared.han import cli, setup
    from han_home.shared.han.clock import ManualClock
    from han_home.shared.i18n import catalog

    clock = ManualClock(datetime(2026, 10, 24, 21, 0, tzinfo=UTC))
    real_build = setup.build_gateway
    monkeypatch.setattr(setup, "build_gateway", lambda options, **kw: real_build(
        replace(options, sim_clock=clock), **kw))
    monkeypatch.setattr(catalog, "_current", catalog.get_translator())  # main() sets it
    db = tmp_path / "home.db"
    args = ["run", "--radio", "sim", "--sim-seed", "7", "--sim-start", "2026-10-24T21:00:00Z",
            "--sim-speed", "3600", "--duration", "5h", "--db", str(db), "--json"]
    run_task = asyncio.ensure_future(cli._run(cli.build_parser().parse_args(args)))
    while not run_task.done():  # the clock moves whenever the run waits on it alone
        if clock.next_due() is None:
            await asyncio.sleep(0.001)  # waiting on the history's thread
        else:
            await clock.step()
    assert run_task.result() == 0
    assert clock.now() == datetime(2026, 10, 25, 2, 0, tzinfo=UTC)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) > 1000  # demand every 10 s for 5 h, plus the rest
    for obj in lines:
        assert {"t", "device", "fuel", "kind", "value", "unit"} <= obj.keys()
        assert obj["t"].endswith("Z") and obj["fuel"] in ("electricity", "gas")
    kinds = {obj["kind"] for obj in lines}
    assert {"demand", "summation", "price", "credit", "message"} <= kinds
    demand = next(o for o in lines if o["kind"] == "demand")
    assert demand["unit"] == "kW"
    gas = next(o for o in lines if o["fuel"] == "gas" and o["kind"] == "summation")
    assert gas["unit"] == "m3"

    def history(fuel: str) -> list[dict]:
        code = cli.main(["history", "--db", str(db), "--fuel", fuel, "--by", "day", "--json"])
        assert code == 0
        return [json.loads(line) for line in capsys.readouterr().out.splitlines()]

    days = history("electricity")
    # the run's own two days, and before them the meter's stored 13 months (a first start)
    assert [d["period"] for d in days[-2:]] == ["2026-10-24", "2026-10-25"]
    assert len(days) >= 390
    assert all(d["meter_kwh"] == d["kwh"] and float(d["kwh"]) > 0 for d in days[1:-2])
    assert days[-1]["hours"] == 25  # the clock went back an hour
    assert float(days[-1]["kwh"]) > 0 and float(days[-1]["cost_gbp"]) > 0
    gas_days = history("gas")
    assert [d["period"] for d in gas_days[-2:]] == ["2026-10-24", "2026-10-25"]
    first = gas_days[0]
    assert {"m3", "cv", "kwh", "cost_gbp", "standing_charge_gbp", "hours"} <= first.keys()
    assert gas_days[-1]["hours"] == 25 and float(gas_days[-1]["m3"]) > 0


def test_bad_arguments_exit_2_with_a_message(tmp_path) -> None:
    for args in (
        ["run", "--duration", "three days"],
        ["run", "--sim-start", "yesterday"],
        ["run", "--sim-speed", "-5"],
        ["run", "--radio", "zigbee3000"],
        ["history", "--db", str(tmp_path / "x.db"), "--fuel", "water", "--by", "day"],
    ):
        result = run(*args)
        assert result.returncode == 2, args
        assert "error" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_unreadable_database_exits_2_and_is_left_untouched(tmp_path) -> None:
    db = tmp_path / "notes.db"
    db.write_bytes(b"my shopping list, not a database\n" * 10)
    before = db.read_bytes()
    for args in (
        ["history", "--db", str(db), "--fuel", "gas", "--by", "week"],
        ["run", "--duration", "1m", "--db", str(db)],
    ):
        result = run(*args)
        assert result.returncode == 2
        assert "not" in result.stderr and str(db) in result.stderr
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]
    missing = run("history", "--db", str(tmp_path / "nope.db"), "--fuel", "gas", "--by", "day")
    assert missing.returncode == 2 and "No history database" in missing.stderr


def test_config_file_chooses_the_radio_and_a_bad_one_is_refused(tmp_path) -> None:
    good = tmp_path / "gateway.toml"
    good.write_text(
        '[radio]\ntype = "sim"\n[sim]\nseed = 3\nspeed = 3600\nstart = "2026-03-29T00:00:00Z"\n'
    )
    # two hours at 3600x: two real seconds for commissioning (a first start also reads
    # the meters' 13 months), so a busy host still has readings inside the run
    result = run("run", "--config", str(good), "--duration", "2h", "--json")
    assert result.returncode == 0, result.stderr
    first = json.loads(result.stdout.splitlines()[0])
    assert "2026-03-29T00:00" <= first["t"] < "2026-03-29T02:00", first  # the file's start
    bad = tmp_path / "bad.toml"
    bad.write_text('[radio]\ntype = "wifi"\n')
    refused = run("run", "--config", str(bad), "--duration", "1m")
    assert refused.returncode == 2 and "wifi" in refused.stderr
    needs_port = tmp_path / "znp.toml"
    needs_port.write_text('[radio]\ntype = "znp"\n')
    assert "needs --device" in run("run", "--config", str(needs_port)).stderr


def test_a_fast_virtual_home_carries_on_from_its_last_run(tmp_path) -> None:
    """Without --sim-start a virtual home starts now; at 3600x its first run ends hours
    ahead of the wall clock, and the second run carries on from there instead of starting
    earlier than the registers already counted (which would be refused as older)."""
    db = tmp_path / "home.db"
    runs = []
    for _ in range(2):
        # (two simulated hours, two real seconds: readings even if a busy host commissions
        # slowly)
        result = run("run", "--radio", "sim", "--sim-seed", "7", "--sim-speed", "3600",
                     "--duration", "2h", "--db", str(db), "--json")
        assert result.returncode == 0, result.stderr
        times = [json.loads(line)["t"] for line in result.stdout.splitlines()]
        runs.append((min(times), max(times), result.stderr))
    assert runs[1][0] >= runs[0][1], runs
    assert "older" not in runs[1][2], runs[1][2]
