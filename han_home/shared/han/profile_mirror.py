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

from array import array
from collections.abc import Iterator

HALF_HOUR_S = 1800
_MISSING = -1  # a raw interval is never negative (uint24 on the air, differences checked)


class HalfHourValues:
    """``{interval start ts: raw}`` for half-hours on one grid, kept as one array of machine
    integers from the oldest start: 13 months of a gas meter's profile as a dict held
    ~19,000 int keys and values and a hash table (~1.4 MiB for the display's life), this
    ~150 KiB. Starts off the grid (never from a GB meter) go to a small dict."""

    def __init__(self) -> None:
        self._first: int | None = None  # start of _raw[0]
        self._raw = array("q")
        self._count = 0
        self._odd: dict[int, int] = {}

    def _index(self, start: int) -> int | None:
        if self._first is None or (start - self._first) % HALF_HOUR_S:
            return None
        i = (start - self._first) // HALF_HOUR_S
        return i if 0 <= i < len(self._raw) else None

    def __setitem__(self, start: int, raw: int) -> None:
        if raw < 0 or (self._first is not None and (start - self._first) % HALF_HOUR_S):
            self._odd[start] = raw
            return
        if self._first is None:
            self._first = start
        if start < self._first:  # older than held: grow at the front
            grow = (self._first - start) // HALF_HOUR_S
            self._raw = array("q", [_MISSING]) * grow + self._raw
            self._first = start
        i = (start - self._first) // HALF_HOUR_S
        if i >= len(self._raw):
            self._raw.extend([_MISSING] * (i + 1 - len(self._raw)))
        if self._raw[i] == _MISSING:
            self._count += 1
        self._raw[i] = raw

    def __getitem__(self, start: int) -> int:
        i = self._index(start)
        if i is None or self._raw[i] == _MISSING:
            return self._odd[start]
        return self._raw[i]

    def __contains__(self, start: object) -> bool:
        if not isinstance(start, int):
            return False
        i = self._index(start)
        return (i is not None and self._raw[i] != _MISSING) or start in self._odd

    def __len__(self) -> int:
        return self._count + len(self._odd)

    def __iter__(self) -> Iterator[int]:
        if self._first is not None:
            for i, raw in enumerate(self._raw):
                if raw != _MISSING:
                    yield self._first + i * HALF_HOUR_S
        yield from self._odd

    def reserve(self, first: int, end: int) -> None:
        """Room for the grid's starts in [first, end) at once (a priming read arrives
        newest first: growing the array at the front for each page copied it each time).
        Nothing for starts off the grid held so far."""
        if self._first is None:
            self._first = first
        elif (first - self._first) % HALF_HOUR_S:
            return
        if first < self._first:
            self._raw = array("q", [_MISSING]) * ((self._first - first) // HALF_HOUR_S) + self._raw
            self._first = first
        size = -(-(end - self._first) // HALF_HOUR_S)
        if size > len(self._raw):
            self._raw.extend([_MISSING] * (size - len(self._raw)))

    def oldest(self) -> int | None:
        """The oldest start held (None: empty)."""
        oldest = min(self._odd) if self._odd else None
        for start in self:  # the array's first held start comes first
            return start if oldest is None else min(start, oldest)
        return oldest

    def newest(self) -> int | None:
        """The newest start held (None: empty)."""
        newest = max(self._odd) if self._odd else None
        if self._first is not None:
            for i in range(len(self._raw) - 1, -1, -1):
                if self._raw[i] != _MISSING:
                    start = self._first + i * HALF_HOUR_S
                    return start if newest is None else max(start, newest)
        return newest


class ProfileMirror:
    def __init__(self) -> None:
        self.intervals = HalfHourValues()  # interval start ts -> raw consumption
        self.last_push: tuple[int, int] | None = None  # (half-hour boundary ts, raw register)
        self.oldest: int | None = None  # start of the oldest interval the meter offered
        self.gaps: list[tuple[int, int]] = []  # [start, end) spans missing from the mirror

    def add(self, start_ts: int, raw: int) -> None:
        self.intervals[start_ts] = raw
        if self.oldest is None or start_ts < self.oldest:
            self.oldest = start_ts

    def add_values(self, values: HalfHourValues) -> None:
        """All of `values` (a priming read staged whole): taken as they are if the mirror
        holds nothing yet."""
        oldest = values.oldest()
        if oldest is None:
            return
        if not len(self.intervals):
            self.intervals = values
        else:
            for start in values:
                self.intervals[start] = values[start]
        if self.oldest is None or oldest < self.oldest:
            self.oldest = oldest

    def register(self, boundary: int, raw_register: int) -> None:
        """The meter's register at a half-hour boundary (read with its partial interval)."""
        boundary -= boundary % HALF_HOUR_S
        newest = self.newest_end()
        if newest is not None and newest < boundary:
            self.gaps.append((newest, boundary))
        self.last_push = (boundary, raw_register)

    def push(self, ts: int, raw_register: int) -> tuple[int, int] | None:
        """A half-hourly push at (about) boundary ts; returns a newly found gap, if any."""
        boundary = ts - ts % HALF_HOUR_S
        gap = None
        if self.last_push is not None and boundary > self.last_push[0]:
            # the register at the boundary before this push: the last known one plus the
            # intervals held since (the profile read at commissioning, filled gaps)
            known_ts, known_raw = self.last_push
            while known_ts + HALF_HOUR_S < boundary and known_ts in self.intervals:
                known_raw += self.intervals[known_ts]
                known_ts += HALF_HOUR_S
            if known_ts + HALF_HOUR_S == boundary and raw_register >= known_raw:
                self.add(known_ts, raw_register - known_raw)
            else:
                missing = [
                    s for s in range(known_ts, boundary, HALF_HOUR_S) if s not in self.intervals
                ]
                if missing:
                    gap = (missing[0], missing[-1] + HALF_HOUR_S)
                    self.gaps.append(gap)
        elif self.last_push is None:
            newest = self.newest_end()
            if newest is not None and boundary > newest:
                gap = (newest, boundary)
                self.gaps.append(gap)
        if self.last_push is None or boundary >= self.last_push[0]:
            self.last_push = (boundary, raw_register)
        return gap

    def newest_end(self) -> int | None:
        newest = self.intervals.newest()
        return None if newest is None else newest + HALF_HOUR_S

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
