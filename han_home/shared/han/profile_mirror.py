"""The gateway's copy of a sleepy gas meter's profile (GB's gas proxy function, GPF).

A GSME sleeps: it wakes every 30 minutes to push its register to the gateway and is
never polled. So, as the GPF of a GB comms hub does, the gateway answers for it:
* while the meter is still awake in pairing mode (commissioning, before configuration
  lets it sleep) the gateway reads its 13-month profile (GetProfile) into this mirror;
* every half-hourly push extends it by one interval (this push's register minus the
  previous push's, both taken by the meter at the half-hour boundary);
* a gap (pushes lost while the radio or the gateway was down) is noted, and filled from
  the meter's own profile in the moment it listens after its next push.
Raw values (the meter's units before multiplier / divisor) keyed by interval start (UTC s).
"""

from __future__ import annotations

HALF_HOUR_S = 1800


class ProfileMirror:
    def __init__(self) -> None:
        self.intervals: dict[int, int] = {}  # interval start ts -> raw consumption
        self.last_push: tuple[int, int] | None = None  # (half-hour boundary ts, raw register)
        self.oldest: int | None = None  # start of the oldest interval the meter offered
        self.gaps: list[tuple[int, int]] = []  # [start, end) spans missing from the mirror

    def add(self, start_ts: int, raw: int) -> None:
        self.intervals[start_ts] = raw
        if self.oldest is None or start_ts < self.oldest:
            self.oldest = start_ts

    def push(self, ts: int, raw_register: int) -> tuple[int, int] | None:
        """A half-hourly push at (about) boundary ts; returns a newly found gap, if any."""
        boundary = ts - ts % HALF_HOUR_S
        gap = None
        if self.last_push is not None:
            last_ts, last_raw = self.last_push
            if boundary == last_ts + HALF_HOUR_S and raw_register >= last_raw:
                self.add(last_ts, raw_register - last_raw)
            elif boundary > last_ts + HALF_HOUR_S:
                missing = [
                    s for s in range(last_ts, boundary, HALF_HOUR_S) if s not in self.intervals
                ]
                if missing:
                    gap = (missing[0], missing[-1] + HALF_HOUR_S)
                    self.gaps.append(gap)
        if boundary >= (self.last_push or (0, 0))[0]:
            self.last_push = (boundary, raw_register)
        return gap

    def newest_end(self) -> int | None:
        return max(self.intervals) + HALF_HOUR_S if self.intervals else None

    def span(self, end_ts: int, periods: int) -> list[tuple[int, int]]:
        """(start, raw) of the held intervals among the `periods` half-hours ending at
        end_ts (floored to a boundary), oldest first."""
        end = end_ts - end_ts % HALF_HOUR_S
        starts = range(end - periods * HALF_HOUR_S, end, HALF_HOUR_S)
        return [(s, self.intervals[s]) for s in starts if s in self.intervals]

    def missing(self, end_ts: int, periods: int) -> list[int]:
        """Interval starts in that span the mirror lacks (and the meter could have)."""
        end = end_ts - end_ts % HALF_HOUR_S
        floor = self.oldest if self.oldest is not None else end
        return [
            s
            for s in range(end - periods * HALF_HOUR_S, end, HALF_HOUR_S)
            if s >= floor and s not in self.intervals
        ]
