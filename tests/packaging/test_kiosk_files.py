"""The kiosk files start the display from wherever the package is installed."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

from han_home.ihd_app.kiosk import write_kiosk_files


def test_kiosk_files_name_this_interpreter_and_no_fixed_path(tmp_path: Path) -> None:
    service, desktop = write_kiosk_files(tmp_path / "user")
    unit = service.read_text(encoding="utf-8")
    exec_line = next(line for line in unit.splitlines() if line.startswith("ExecStart="))
    argv = shlex.split(exec_line.removeprefix("ExecStart="))
    assert argv[0] == sys.executable and Path(argv[0]).is_absolute()
    assert argv[1:] == ["-m", "han_home.ihd_app.main", "--kiosk"]
    assert "%h/han-home" not in unit and "${" not in unit
    entry = desktop.read_text(encoding="utf-8")
    assert f"Exec={shlex.quote(sys.executable)} -m han_home.ihd_app.main --kiosk" in entry
    assert "Name[cy]=Sgrîn ynni cartref" in entry


def test_the_unit_command_really_starts_the_display(tmp_path: Path) -> None:
    service, _ = write_kiosk_files(tmp_path)
    exec_line = next(
        line for line in service.read_text().splitlines() if line.startswith("ExecStart=")
    )
    argv = shlex.split(exec_line.removeprefix("ExecStart="))
    done = subprocess.run([*argv[:-1], "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "--kiosk-files" in done.stdout


def test_kiosk_files_into_an_unwritable_place_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    done = subprocess.run(
        [sys.executable, "-m", "han_home.ihd_app.main", "--kiosk-files", str(blocker / "sub")],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
