"""Whether a price the meter published (ZCL PublishPrice) is the one in force now.

A PublishPrice carries a start time and a duration (0xFFFF minutes: until changed). A
price is only the rate now inside that window. An open-ended price kept from the last run
cannot be trusted after a restart (the meter may have changed it while the display was
off), so it waits for the meter to publish again. Pure: no Qt, no zigpy.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from han_home.shared.energy.readings import Reading, ReadingKind

UNTIL_CHANGED = 0xFFFF  # duration_in_minutes meaning "until a new price is published"


class PriceState(StrEnum):
    CURRENT = "current"  # inside its validity window: the rate now
    EXPIRED = "expired"  # past its validity: stale, never used for a cost per hour
    NOT_YET = "not_yet"  # published ahead of time: a price change coming
    UNCONFIRMED = "unconfirmed"  # open-ended and from the last run: wait for the meter


class PriceWindow(NamedTuple):
    start: datetime
    end: datetime | None  # None: until the meter publishes another


def price_window(reading: Reading) -> PriceWindow | None:
    """The validity of a PRICE reading, or None when it carries none we can read."""
    if reading.kind != ReadingKind.PRICE:
        return None
    try:
        start = datetime.fromisoformat(reading.extra["start"])
        minutes = int(reading.extra.get("duration_min", str(UNTIL_CHANGED)))
    except (KeyError, ValueError):
        return None
    if start.tzinfo is None:
        return None
    end = None if minutes == UNTIL_CHANGED else start + timedelta(minutes=minutes)
    return PriceWindow(start, end)


def price_state(reading: Reading, now: datetime, from_last_run: bool) -> PriceState:
    """The state of a published price at `now`. A price with no readable window is only
    trusted while it is live (this run), like an open-ended one."""
    window = price_window(reading)
    if window is not None and now < window.start:
        return PriceState.NOT_YET
    if window is not None and window.end is not None:
        return PriceState.CURRENT if now < window.end else PriceState.EXPIRED
    return PriceState.UNCONFIRMED if from_last_run else PriceState.CURRENT
