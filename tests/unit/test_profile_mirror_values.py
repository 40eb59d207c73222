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
