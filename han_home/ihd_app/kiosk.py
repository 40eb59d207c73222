"""The kiosk's systemd user unit and .desktop file, written for the installation that runs
this code: the templates in resources/kiosk name no path, so the files work wherever the
wheel was installed (a venv in /opt, a user's home, a system site-packages)."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from string import Template

from han_home.shared.package_data import resources_dir

KIOSK_FILES = ("ihd-app.service", "ihd-app.desktop")


def launch_command() -> str:
    """This interpreter running this package: right for any install location, and needs no
    PATH (systemd user units do not see a venv's bin directory)."""
    return f"{shlex.quote(sys.executable)} -m han_home.ihd_app.main"


def render(name: str, command: str | None = None) -> str:
    template = Template((resources_dir() / "kiosk" / name).read_text(encoding="utf-8"))
    return template.substitute(command=command or launch_command())


def write_kiosk_files(directory: Path) -> list[Path]:
    """Write both files into `directory` (made if missing); returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in KIOSK_FILES:
        target = directory / name
        target.write_text(render(name), encoding="utf-8")
        written.append(target)
    return written
