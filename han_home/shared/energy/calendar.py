"""Europe/London calendar periods over UTC instants (23- and 25-hour days included).

Everything inside is UTC; these helpers map UTC instants to the occupier's local day,
week (Monday start), month and year, and back to the UTC bounds of those periods.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
HALF_HOUR = timedelta(minutes=30)


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


def _require_aware(dt: datetime) -> None:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"naive datetime {dt!r}: times inside are aware UTC")


def local_date(utc_dt: datetime) -> date:
    """The Europe/London calendar date of an instant."""
    _require_aware(utc_dt)
    return utc_dt.astimezone(LONDON).date()


def _as_local_date(d: date | datetime) -> date:
    # datetime is a subclass of date: an instant means "the local day it falls in".
    return local_date(d) if isinstance(d, datetime) else d


def period_start_date(d: date | datetime, by: Period | str) -> date:
    """First local day of the period containing d (week: Monday; month: 1st; year: 1 Jan)."""
    d = _as_local_date(d)
    by = Period(by)
    if by is Period.DAY:
        return d
    if by is Period.WEEK:
        return d - timedelta(days=d.weekday())
    if by is Period.MONTH:
        return d.replace(day=1)
    return d.replace(month=1, day=1)


def next_period_start_date(d: date | datetime, by: Period | str) -> date:
    """First local day of the period after the one containing d."""
    start = period_start_date(d, by)
    by = Period(by)
    if by is Period.DAY:
        return start + timedelta(days=1)
    if by is Period.WEEK:
        return start + timedelta(days=7)
    if by is Period.MONTH:
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return date(start.year + 1, 1, 1)


def period_key(d: date | datetime, by: Period | str) -> str:
    """'2026-10-25' (day), the Monday '2026-10-19' (week), '2026-10' (month), '2026' (year)."""
    start = period_start_date(d, by)
    by = Period(by)
    if by is Period.MONTH:
        return f"{start.year:04d}-{start.month:02d}"
    if by is Period.YEAR:
        return f"{start.year:04d}"
    return start.isoformat()


def parse_period_key(key: str, by: Period | str) -> date:
    """Inverse of period_key: the first local day of the keyed period."""
    by = Period(by)
    if by is Period.YEAR:
        return date(int(key), 1, 1)
    if by is Period.MONTH:
        year, month = key.split("-")
        return date(int(year), int(month), 1)
    return period_start_date(date.fromisoformat(key), by)


def local_midnight_utc(d: date) -> datetime:
    """UTC instant of the local midnight starting day d.

    Never ambiguous in the UK: the clocks change at 01:00 UTC, not at midnight."""
    return datetime.combine(d, time(0), tzinfo=LONDON).astimezone(UTC)


def period_bounds_utc(d: date | datetime | str, by: Period | str) -> tuple[datetime, datetime]:
    """[start, end) UTC instants of the local period containing d (or keyed by d)."""
    first = parse_period_key(d, by) if isinstance(d, str) else period_start_date(d, by)
    return local_midnight_utc(first), local_midnight_utc(next_period_start_date(first, by))


def hours_in_period(d: date | datetime | str, by: Period | str) -> int:
    """Whole hours in the local period: 23 on 2026-03-29, 25 on 2026-10-25.

    UK offsets are whole hours, so this is always an integer."""
    start, end = period_bounds_utc(d, by)
    return int((end - start) // timedelta(hours=1))


def half_hour_start(utc_dt: datetime) -> datetime:
    """Floor to :00 or :30 UTC. UK offsets are whole hours, so this is also the local half-hour."""
    _require_aware(utc_dt)
    u = utc_dt.astimezone(UTC)
    return u.replace(minute=u.minute - u.minute % 30, second=0, microsecond=0)


def half_hours_between(start: datetime, end: datetime) -> Iterator[datetime]:
    """Start instants of the half-hours overlapping [start, end), in order."""
    _require_aware(end)
    t = half_hour_start(start)
    end_utc = end.astimezone(UTC)
    while t < end_utc:
        yield t
        t += HALF_HOUR


def local_days_between(start: date, end: date) -> Iterator[date]:
    """Local dates from start to end, both inclusive."""
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)
