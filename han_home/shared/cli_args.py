"""Argument types and the parser shared by the command lines (kept light: no asyncio, no zigpy).

Every message here is a whole translated sentence (gettext), so a Welsh engineer or
occupier reads the project's own part of an error in Welsh; argparse's own framing
("argument --sim-speed:") stays English, as argparse only ships English.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from datetime import UTC, datetime, timedelta
from typing import NoReturn

from han_home.shared.i18n import _

EXIT_USAGE = 2
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)([smhd])$")
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_DURATION_DAYS = 36500
MAX_SPEED = 100_000.0  # a year of the virtual home in about five minutes
MAX_JOIN_WINDOW_S = 3600.0
# The virtual home's calendar: tariffs are in force from 2000-01-01 (and ZCL UTCTime counts
# from then); the end keeps every date, week and month sum well inside datetime's range.
SIM_FIRST = datetime(2000, 1, 1, tzinfo=UTC)
SIM_END = datetime(2100, 1, 1, tzinfo=UTC)


def error_line(prog: str, message: str) -> str:
    # TRANSLATORS: the one line a command prints before exiting with status 2
    return _("%(prog)s: error: %(message)s") % {"prog": prog, "message": message}


def fail(prog: str, message: str) -> NoReturn:
    print(error_line(prog, message), file=sys.stderr)
    raise SystemExit(EXIT_USAGE)


class OneLineParser(argparse.ArgumentParser):
    """An argparse parser whose errors are one line (no usage block), exit status 2."""

    def error(self, message: str) -> NoReturn:
        fail(self.prog, message)


def language_from_env(*first: str) -> str:
    """cy or en from the environment (``first`` variables win over the locale ones)."""
    for var in (*first, "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "cy" if value.lower().startswith("cy") else "en"
    return "en"


def language_in_argv(argv: list[str]) -> str | None:
    """The value of --lang on a command line, read before parsing (so that the parser's
    own errors are already in that language)."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
        else:
            continue
        return value if value in ("en", "cy") else None
    return None


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_duration(text: str) -> timedelta:
    match = _DURATION.match(text.strip())
    if not match:
        raise argparse.ArgumentTypeError(
            _("Invalid duration “%(value)s”: use a number and s, m, h or d, e.g. 90s, 30m, 3d.")
            % {"value": text})
    seconds = float(match.group(1)) * _UNIT_S[match.group(2)]
    if not math.isfinite(seconds) or seconds > MAX_DURATION_DAYS * 86400:
        raise argparse.ArgumentTypeError(
            _("The duration “%(value)s” is too long: at most %(days)d days.")
            % {"value": text, "days": MAX_DURATION_DAYS})
    return timedelta(seconds=seconds)


def parse_utc(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            _("Invalid time “%(value)s”: use ISO 8601, e.g. 2026-10-24T00:00:00Z.")
            % {"value": text}) from exc
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(
            _("The time “%(value)s” has no time zone: add Z for UTC.") % {"value": text})
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:
        raise argparse.ArgumentTypeError(sim_start_message(text)) from exc


def sim_start_message(text: str) -> str:
    return _("There is no tariff in force at %(time)s: the virtual home runs from "
             "2000-01-01 to 2099-12-31 (UTC).") % {"time": text}


def check_sim_start(value: datetime, text: str | None = None) -> str | None:
    """None if the virtual home can start at ``value``, else the message."""
    if SIM_FIRST <= value < SIM_END:
        return None
    return sim_start_message(text or value.isoformat().replace("+00:00", "Z"))


def sim_start(text: str) -> datetime:
    """--sim-start: an aware UTC time from which the virtual home can run."""
    value = parse_utc(text)
    message = check_sim_start(value, text)
    if message is not None:
        raise argparse.ArgumentTypeError(message)
    return value


def check_sim_end(start: datetime, duration: timedelta) -> str | None:
    end = start + duration
    if end <= SIM_END:
        return None
    return _("The run would end on %(end)s, after 2099-12-31: the virtual home cannot run "
             "past the end of 2099; choose an earlier start or a shorter duration."
             ) % {"end": end.date().isoformat()}


def speed_message(value: object) -> str:
    return _("The clock speed must be a number more than 0 and at most %(max)s, "
             "not “%(value)s”.") % {"max": f"{MAX_SPEED:g}", "value": value}


def check_speed(value: float) -> str | None:
    """None if ``value`` is a usable virtual-home clock speed, else the message."""
    if math.isfinite(value) and 0 < value <= MAX_SPEED:
        return None
    return speed_message(f"{value:g}")


def clock_speed(text: str) -> float:
    """--sim-speed: finite, more than 0, at most MAX_SPEED."""
    value = _number(text)
    if value is None or check_speed(value) is not None:
        raise argparse.ArgumentTypeError(speed_message(text))
    return value


def join_window(text: str) -> float:
    """--window (seconds): finite, more than 0, at most an hour."""
    value = _number(text)
    if value is None or not 0 < value <= MAX_JOIN_WINDOW_S:
        raise argparse.ArgumentTypeError(
            _("The join window must be a number of seconds more than 0 and at most "
              "%(max)d, not “%(value)s”.") % {"max": MAX_JOIN_WINDOW_S, "value": text})
    return value


def positive_float(text: str) -> float:
    value = _number(text)
    if value is None or value <= 0:
        raise argparse.ArgumentTypeError(
            _("The value must be a number more than 0, not “%(value)s”.") % {"value": text})
    return value


def text_scale(text: str) -> float:
    """--text-scale: 1.0 to 2.0 (WCAG 1.4.4: text to 200 %)."""
    value = _number(text)
    if value is None or not 1.0 <= value <= 2.0:
        raise argparse.ArgumentTypeError(
            _("The text scale must be a number from 1.0 to 2.0, not “%(value)s”.")
            % {"value": text})
    return value
