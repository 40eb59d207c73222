"""The gas proxy's mirror keeps 13 months of half-hours compactly (issue 7 part 6): it
answers exactly as the dict it replaced, in any order of arrival."""

from __future__ import annotations

import random
import sys

from han_home.shared.han.profile_mirror import HALF_HOUR_S, HalfHourValues, ProfileMirror

BASE = 1_790_000_000 - 1_790_000_000 % HALF_HOUR_S


def test_same_answers_as_a_dict_in_any_order() -> None:
    rng = random.Random(7)
    values, expected = HalfHourValues(), {}
    for _ in range(3000):
        start = BASE + rng.randrange(-400, 400) * HALF_HOUR_S
        if rng.random() < 0.02:
            start += 60  # off the grid: still kept
        raw = rng.randrange(0, 2**24)
        values[start] = raw
        expected[start] = raw
        probe = BASE + rng.randrange(-450, 450) * HALF_HOUR_S
        assert (probe in values) == (probe in expected)
    assert len(values) == len(expected)
    assert sorted(values) == sorted(expected)
    assert all(values[k] == v for k, v in expected.items())
    assert values.newest() == max(expected)


def test_a_years_profile_is_small_and_spans_read_back() -> None:
    mirror = ProfileMirror()
    periods = 13 * 31 * 48
    for i in range(periods):  # oldest first, as the priming read adds them
        mirror.add(BASE + i * HALF_HOUR_S, 1000 + i % 97)
    assert sys.getsizeof(mirror.intervals._raw) < 9 * periods  # one machine int each
    end = BASE + periods * HALF_HOUR_S
    assert mirror.newest_end() == end
    assert mirror.span(end, 3) == [(end - k * HALF_HOUR_S, 1000 + (periods - k) % 97)
                                   for k in (3, 2, 1)]
    assert mirror.missing(end + 2 * HALF_HOUR_S, 4) == [end, end + HALF_HOUR_S]
    assert mirror.missing(BASE + HALF_HOUR_S, 4) == []  # nothing before the oldest offered


def test_a_priming_read_newest_first_fills_one_array_reserved_for_it() -> None:
    """The gateway stages the 13-month priming read page by page (newest first) in one
    array reserved for the span: never a list of (start, raw) pairs, never regrown."""
    periods = 13 * 31 * 48
    end = BASE + periods * HALF_HOUR_S
    staged = HalfHourValues()
    staged.reserve(BASE, end)
    array_before = staged._raw
    expected = {}
    for page_end in range(end, BASE + 100 * HALF_HOUR_S, -24 * HALF_HOUR_S):
        for k in range(1, 25):  # the meter's 24 a page, newest first; it holds fewer
            start = page_end - k * HALF_HOUR_S
            staged[start] = expected[start] = start // HALF_HOUR_S % 1000
    assert staged._raw is array_before and len(staged._raw) == periods
    assert len(staged) == len(expected) and sorted(staged) == sorted(expected)
    assert staged.oldest() == min(expected) and staged.newest() == max(expected)

    mirror = ProfileMirror()
    mirror.add_values(staged)  # an empty mirror takes the staged values as they are
    assert mirror.intervals is staged and mirror.oldest == min(expected)
    assert mirror.span(end, 2) == [(end - k * HALF_HOUR_S, expected[end - k * HALF_HOUR_S])
                                   for k in (2, 1)]

    older = HalfHourValues()  # a later read merges in, the oldest moving back
    older[BASE] = 5
    mirror.add_values(older)
    assert mirror.oldest == BASE and mirror.intervals[BASE] == 5
    assert mirror.intervals[end - HALF_HOUR_S] == expected[end - HALF_HOUR_S]
    mirror.add_values(HalfHourValues())  # nothing read: nothing changes
    assert mirror.oldest == BASE and len(mirror.intervals) == len(expected) + 1
