"""Argument types shared by the command lines (kept light: no asyncio, no zigpy)."""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime, timedelta

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)([smhd])$")
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> timedelta:
    match = _DURATION.match(text.strip())
    if not match:
        raise argparse.ArgumentTypeError(
            f"invalid duration {text!r}: use a number and s, m, h or d, e.g. 90s, 30m, 3d"
        )
    return timedelta(seconds=float(match.group(1)) * _UNIT_S[match.group(2)])


def parse_utc(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"invalid time {text!r}: use ISO 8601, e.g. 2026-10-24T00:00:00Z"
        ) from exc
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"time {text!r} has no zone: add Z for UTC")
    return value.astimezone(UTC)


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from exc
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be more than 0: {text!r}")
    return value
