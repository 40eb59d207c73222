"""Household data stays private and is never written by a program that only reads it.

* files the apps create are 0600 and folders they create 0700 (SQLite's -wal and -shm too);
* the display opens a gateway's history database read-only and never changes it;
* a bad settings file never stops the display: defaults, one warning line, file kept;
* a failed join window is one line per refused device with a count, in the terminal, the
  report and the log, not one per attempt.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from han_home.shared.store.history import (
    APP_ID_DISPLAY,
    APP_ID_GATEWAY,
    HalfHourRow,
    HistoryStore,
    database_owner,
)

ROOT = Path(__file__).resolve().parents[2]
CODE = "83FED3407A939723A5C639B26916D505C3B5"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def env_for(tmp: Path) -> dict[str, str]:
    home = tmp / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "HAN_HOME_"))}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
               XDG_DATA_HOME=str(home / ".local/share"), XDG_CACHE_HOME=str(home / ".cache"),
               QT_QPA_PLATFORM="offscreen", LANG="en_GB.UTF-8")
    return env


def test_history_database_and_its_wal_and_shm_are_0600(tmp_path, umask_022) -> None:
    tmp_path.chmod(0o755)
    path = tmp_path / "home.db"
    store = HistoryStore(path, owner=APP_ID_GATEWAY)
    store.set_standing_charge("gas", date(2026, 10, 24), Decimal("0.31"))
    try:
        for name in ("home.db", "home.db-wal", "home.db-shm"):
            assert mode(tmp_path / name) == 0o600, name
    finally:
        store.close()
    assert mode(tmp_path) == 0o755  # an existing folder is the user's: left alone
    assert database_owner(path) == APP_ID_GATEWAY


def test_settings_are_saved_0600_in_new_0700_folders(tmp_path, umask_022) -> None:
    from han_home.ihd_app.settings import Settings, SettingsStore

    tmp_path.chmod(0o755)
    path = tmp_path / "config" / "han-home" / "ihd.json"
    SettingsStore(path).save(Settings(language="cy"))
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700 and mode(path.parent.parent) == 0o700
    assert mode(tmp_path) == 0o755


def test_the_display_reads_a_gateways_database_and_never_writes_it(tmp_path) -> None:
    db = tmp_path / "gateway.db"
    with HistoryStore(db, owner=APP_ID_GATEWAY) as store:
        store.add_half_hours("electricity", [HalfHourRow(
            datetime(2026, 10, 24, 12, tzinfo=UTC), Decimal("0.5"), Decimal("0.12"))])
    before = (hashlib.sha256(db.read_bytes()).hexdigest(), db.stat().st_mtime_ns)
    shot = tmp_path / "shot.png"
    result = subprocess.run(
        [sys.executable, "-m", "han_home.ihd_app.main", "--db", str(db), "--screenshot",
         str(shot), "--sim-speed", "60", "--timeout", "60"],
        capture_output=True, text=True, timeout=120, env=env_for(tmp_path), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and shot.exists()
    assert (hashlib.sha256(db.read_bytes()).hexdigest(), db.stat().st_mtime_ns) == before
    wal = tmp_path / "gateway.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0  # a reader's side file, nothing in it
    # and the read-only store refuses to write, rather than trying
    with HistoryStore(db, readonly=True) as ro, pytest.raises(Exception, match="readonly"):
        ro.set_standing_charge("gas", date(2026, 10, 24), Decimal("1"))


def test_the_display_writes_its_own_database(tmp_path) -> None:
    from han_home.ihd_app.main import check_history

    own = tmp_path / "data" / "ihd-history.db"
    assert check_history(own) is False  # created, its own: read-write
    assert database_owner(own) == APP_ID_DISPLAY
    gateway = tmp_path / "gw.db"
    HistoryStore(gateway, owner=APP_ID_GATEWAY).close()
    assert check_history(gateway) is True
    legacy = tmp_path / "legacy.db"  # made before databases were marked
    HistoryStore(legacy).close()
    HistoryStore(legacy, owner=APP_ID_DISPLAY).close()  # a display does not claim it
    assert database_owner(legacy) == 0
    HistoryStore(legacy, owner=APP_ID_GATEWAY).close()  # the gateway does
    assert check_history(legacy) is True


@pytest.mark.parametrize("content, names", [
    ('["cy", "high-contrast"]', None),
    ("{not json", None),
    ('{"language": 5, "theme": "purple", "text_scale": "big", "show_carbon": "no",'
     ' "budget_gbp_per_day": "lots", "screen": "usage"}',
     ["language", "theme", "text_scale", "budget_gbp_per_day", "show_carbon"]),
])
def test_a_bad_settings_file_gives_defaults_one_warning_and_is_kept(
        tmp_path, caplog, content, names) -> None:
    from han_home.ihd_app.settings import Settings, SettingsStore

    path = tmp_path / "ihd.json"
    path.write_text(content)
    store = SettingsStore(path)
    settings = store.load()
    store.load()  # asked again (the app does): still one warning
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and str(path) in warnings[0].getMessage()
    if names is None:
        assert settings == Settings()
    else:
        assert settings == Settings(screen="usage")  # the good value kept
        assert all(name in warnings[0].getMessage() for name in names)
    assert path.read_text() == content
    store.save(settings.changed(language="cy"))  # the first save keeps the bad file aside
    assert (tmp_path / "ihd.json.bad").read_text() == content
    assert json.loads(path.read_text())["language"] == "cy"


def test_the_kiosk_starts_with_a_bad_settings_file(tmp_path) -> None:
    settings = tmp_path / "home" / ".config" / "han-home" / "ihd.json"
    settings.parent.mkdir(parents=True)
    settings.write_text('["a", "list"]')
    shot = tmp_path / "shot.png"
    result = subprocess.run(
        [sys.executable, "-m", "han_home.ihd_app.main", "--db", str(tmp_path / "ihd.db"),
         "--screenshot", str(shot), "--sim-speed", "60", "--timeout", "60"],
        capture_output=True, text=True, timeout=120, env=env_for(tmp_path), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if str(settings) in line]
    assert len(warnings) == 1 and "Traceback" not in result.stderr
    assert settings.read_text() == '["a", "list"]' and shot.exists()


def test_a_failed_join_window_is_one_line_per_refused_device(tmp_path, umask_022) -> None:
    devices = tmp_path / "devices.csv"
    devices.write_text(f"eui64,install_code,type\n00:1b:c5:0c:60:00:00:99,{CODE},gas\n")
    report, log = tmp_path / "r.json", tmp_path / "debug.log"
    result = subprocess.run(
        [sys.executable, "-m", "han_home.installer_app.main", "commission", "--sim-speed", "60",
         "--window", "4", "--devices", str(devices), "--report", str(report), "--log", str(log)],
        capture_output=True, text=True, timeout=120, env=env_for(tmp_path), cwd=ROOT)
    assert result.returncode == 1, result.stderr
    data = json.loads(report.read_text())
    refused = data["refused_joiners"]
    assert refused and sum(r["attempts"] for r in refused) > 2 * len(refused)  # they retried
    lines = [line for line in result.stderr.splitlines() if line.startswith("Refused")]
    assert len(lines) == len(refused)
    for r in refused:
        line = next(line for line in lines if r["eui64"] in line)
        assert f"{r['attempts']} time" in line
    events = [e for e in data["events"] if e["kind"] == "refused"]
    assert len(events) == len(refused)
    log_lines = [line for line in log.read_text().splitlines() if "Refused" in line]
    assert len(log_lines) == len(refused)
    assert mode(report) == 0o600 and mode(log) == 0o600
