from datetime import UTC, date, datetime, timedelta

import pytest

from han_home.shared.energy.calendar import (
    Period,
    half_hour_start,
    half_hours_between,
    hours_in_period,
    local_date,
    local_days_between,
    period_bounds_utc,
    period_key,
    period_start_date,
)


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, us, tzinfo=UTC)


def test_local_date_follows_bst() -> None:
    # 23:30 UTC in summer is 00:30 BST the next day; in winter it is the same day.
    assert local_date(utc(2026, 7, 1, 23, 30)) == date(2026, 7, 2)
    assert local_date(utc(2026, 1, 1, 23, 30)) == date(2026, 1, 1)
    with pytest.raises(ValueError):
        local_date(datetime(2026, 1, 1))


def test_week_starts_monday() -> None:
    # 2026-10-25 is a Sunday; its week started Monday 2026-10-19.
    assert period_start_date(date(2026, 10, 25), Period.WEEK) == date(2026, 10, 19)
    assert period_start_date(date(2026, 10, 19), Period.WEEK) == date(2026, 10, 19)
    assert period_start_date(date(2026, 10, 26), Period.WEEK) == date(2026, 10, 26)


def test_period_keys() -> None:
    d = date(2026, 10, 25)
    assert period_key(d, Period.DAY) == "2026-10-25"
    assert period_key(d, Period.WEEK) == "2026-10-19"
    assert period_key(d, Period.MONTH) == "2026-10"
    assert period_key(d, Period.YEAR) == "2026"
    # an instant is keyed by its local day: 23:30 UTC on 31 Mar is 1 Apr BST
    assert period_key(utc(2026, 3, 31, 23, 30), Period.MONTH) == "2026-04"


def test_day_hours_at_clock_changes() -> None:
    assert hours_in_period(date(2026, 3, 29), Period.DAY) == 23
    assert hours_in_period(date(2026, 10, 25), Period.DAY) == 25
    assert hours_in_period(date(2026, 10, 26), Period.DAY) == 24
    assert hours_in_period(date(2026, 3, 23), Period.WEEK) == 7 * 24 - 1
    assert hours_in_period(date(2026, 10, 1), Period.MONTH) == 31 * 24 + 1
    assert hours_in_period(date(2026, 3, 1), Period.MONTH) == 31 * 24 - 1
    assert hours_in_period(date(2026, 6, 1), Period.YEAR) == 365 * 24
    assert hours_in_period("2026-10", Period.MONTH) == 745


def test_bounds_around_dst() -> None:
    assert period_bounds_utc(date(2026, 3, 29), Period.DAY) == (
        utc(2026, 3, 29, 0), utc(2026, 3, 29, 23)
    )
    assert period_bounds_utc(date(2026, 10, 25), Period.DAY) == (
        utc(2026, 10, 24, 23), utc(2026, 10, 26, 0)
    )
    # April starts at BST midnight (23:00 UTC on 31 March); it ends in BST too.
    assert period_bounds_utc(date(2026, 4, 15), Period.MONTH) == (
        utc(2026, 3, 31, 23), utc(2026, 4, 30, 23)
    )
    # the year starts and ends in GMT
    assert period_bounds_utc(date(2026, 8, 1), Period.YEAR) == (utc(2026, 1, 1), utc(2027, 1, 1))
    assert period_bounds_utc("2026-10-19", Period.WEEK) == (
        utc(2026, 10, 18, 23), utc(2026, 10, 26, 0)
    )
    assert period_bounds_utc(date(2026, 12, 31), Period.MONTH)[1] == utc(2027, 1, 1)


def test_half_hours() -> None:
    assert half_hour_start(utc(2026, 1, 1, 10, 44, 59)) == utc(2026, 1, 1, 10, 30)
    assert half_hour_start(utc(2026, 1, 1, 10, 0)) == utc(2026, 1, 1, 10, 0)
    starts = list(half_hours_between(utc(2026, 1, 1, 10, 10), utc(2026, 1, 1, 11, 30)))
    assert starts == [utc(2026, 1, 1, 10), utc(2026, 1, 1, 10, 30), utc(2026, 1, 1, 11)]
    lo, hi = period_bounds_utc(date(2026, 10, 25), Period.DAY)
    assert len(list(half_hours_between(lo, hi))) == 50
    lo, hi = period_bounds_utc(date(2026, 3, 29), Period.DAY)
    assert len(list(half_hours_between(lo, hi))) == 46


def test_local_days_between_inclusive() -> None:
    days = list(local_days_between(date(2026, 2, 27), date(2026, 3, 2)))
    assert days == [date(2026, 2, 27), date(2026, 2, 28), date(2026, 3, 1), date(2026, 3, 2)]
    assert days[1] - days[0] == timedelta(days=1)
