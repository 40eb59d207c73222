"""`han-gateway run --appliance NAME=WATTSW@START[+DURATION]`: switch a named load in the
virtual home on START after the run begins (and off DURATION later), e.g.
`--appliance kettle=2800W@1h+3m`. A known step for checking the display's stopwatch and
always-on figures from the command line. No zigpy here; the home is given."""

from __future__ import annotations

import argparse
import asyncio
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from han_home.shared.cli_args import parse_duration
from han_home.shared.i18n import _

_STEP = re.compile(r"^([A-Za-z][A-Za-z0-9_-]{0,31})=(\d{1,5})W@([^+]+)(?:\+(.+))?$")
MAX_WATTS = 23_000  # a domestic supply (the register guard's default limit)


@dataclass(frozen=True)
class ApplianceStep:
    name: str
    watts: int
    after: timedelta
    duration: timedelta | None  # None: left on


def appliance_step(text: str) -> ApplianceStep:
    match = _STEP.match(text.strip())
    bad = _("Invalid appliance “%(value)s”: use NAME=WATTSW@START[+DURATION], for example "
            "kettle=2800W@1h+3m.") % {"value": text}
    if not match:
        raise argparse.ArgumentTypeError(bad)
    watts = int(match.group(2))
    if not 0 < watts <= MAX_WATTS:
        raise argparse.ArgumentTypeError(
            _("An appliance draws between 1 and %(max)d W, not %(watts)d W.")
            % {"max": MAX_WATTS, "watts": watts})
    after = parse_duration(match.group(3))
    duration = parse_duration(match.group(4)) if match.group(4) else None
    if duration is not None and duration <= timedelta(0):
        raise argparse.ArgumentTypeError(bad)
    return ApplianceStep(match.group(1), watts, after, duration)


async def run_steps(home: Any, clock: Any, steps: list[ApplianceStep]) -> None:
    """Switch each load on and off at its time on the home's clock."""
    begun = clock.now()
    events: list[tuple[timedelta, str, int | None]] = []
    for step in steps:
        events.append((step.after, step.name, step.watts))
        if step.duration is not None:
            events.append((step.after + step.duration, step.name, None))
    for offset, name, watts in sorted(events, key=lambda e: (e[0], e[2] is not None)):
        await clock.sleep_until(begun + offset)
        home.switch_appliance(name, watts)
        await asyncio.sleep(0)
