"""ihd-app command line (parsed before Qt is imported, so bad arguments fail fast)."""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from han_home.ihd_app.settings import SCREENS

RADIOS = ("sim", "znp", "ezsp", "deconz")


@dataclass
class Options:
    """The parsed ihd-app command line."""

    radio: str
    device: str | None
    sim_seed: int
    sim_start: datetime | None
    sim_speed: float
    lang: str | None
    theme: str | None
    text_scale: float | None
    size: tuple[int, int] | None
    screen: str | None
    screenshot: Path | None
    kiosk: bool
    db: Path | None
    timeout: float
    kiosk_files: Path | None = None


def _size(text: str) -> tuple[int, int]:
    from han_home.shared.i18n import _

    match = re.fullmatch(r"(\d{3,4})x(\d{3,4})", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(
            _("Invalid size “%(value)s”: use WIDTHxHEIGHT, e.g. 800x480.") % {"value": text})
    return int(match.group(1)), int(match.group(2))


def parse(argv: list[str] | None = None) -> Options:
    from han_home.shared.cli_args import (
        OneLineParser,
        clock_speed,
        positive_float,
        sim_start,
        text_scale,
    )
    from han_home.shared.i18n import _

    p = OneLineParser(prog="ihd-app", description="In-home display for the HAN.")
    p.add_argument("--radio", choices=RADIOS, default="sim")
    p.add_argument("--device", help="serial port of a real radio")
    p.add_argument("--sim-seed", type=int, default=7)
    p.add_argument("--sim-start", type=sim_start, default=None)
    p.add_argument("--sim-speed", type=clock_speed, default=1.0)
    p.add_argument("--lang", choices=("en", "cy"))
    p.add_argument("--theme", choices=("normal", "high-contrast"))
    p.add_argument("--text-scale", type=text_scale)
    p.add_argument("--size", type=_size, help="window size, e.g. 800x480 or 1024x600")
    p.add_argument("--screen", choices=SCREENS)
    p.add_argument("--screenshot", type=Path, help="render once live data arrives, save, exit")
    p.add_argument("--kiosk", action="store_true", help="full screen, no frame")
    p.add_argument("--db", type=Path, help="history database (default: XDG data dir)")
    p.add_argument(
        "--timeout",
        type=positive_float,
        default=120.0,
        help="with --screenshot: give up after this many seconds",
    )
    p.add_argument(
        "--kiosk-files",
        type=Path,
        metavar="DIR",
        help="write the kiosk's systemd user unit and .desktop file for this install into DIR",
    )
    a = p.parse_args(argv)
    if a.radio != "sim" and not a.device:
        p.error(_("--radio %(radio)s needs --device PORT (the radio's serial port, for example "
                  "/dev/ttyUSB0).") % {"radio": a.radio})
    from han_home.shared.han.radio_names import missing_library_message

    missing = missing_library_message(a.radio)
    if missing is not None:
        p.error(missing)
    return Options(
        a.radio,
        a.device,
        a.sim_seed,
        a.sim_start,
        a.sim_speed,
        a.lang,
        a.theme,
        a.text_scale,
        a.size,
        a.screen,
        a.screenshot,
        a.kiosk,
        a.db,
        a.timeout,
        a.kiosk_files,
    )
