"""The suite's order under xdist: the slow tests start first on each worker, none is lost."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests import slow_first
from tests.slow_first import SLOW

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Item:
    nodeid: str


def _items() -> list[Item]:
    fast = [Item(f"tests/unit/test_a.py::test_{i}") for i in range(40)]
    return [
        *fast[:10],
        Item("tests/atspi/test_atspi_walk.py::test_one[en]"),
        Item("tests/atspi/test_atspi_walk.py::test_one[cy]"),
        *fast[10:30],
        Item("tests/integration/test_restarts.py::test_restarts_keep_history_equal_to_the_"
             "meter[clean-stop]"),
        Item("tests/integration/test_restarts.py::test_restarts_keep_history_equal_to_the_"
             "meter[killed]"),
        Item("tests/integration/test_killed_gateway.py::test_a_killed_gateway"),
        *fast[30:],
    ]


def test_each_share_starts_with_its_slow_tests_and_every_test_runs_once() -> None:
    items = _items()
    ordered = slow_first.slow_first(items, 2)
    assert sorted(i.nodeid for i in ordered) == sorted(i.nodeid for i in items)
    first, second = ordered[: len(items) // 2], ordered[len(items) // 2:]
    # the AT-SPI module (the slowest) leads one share, whole; the other slow tests balance it
    assert [i.nodeid.split("::")[0] for i in first[:2]] == ["tests/atspi/test_atspi_walk.py"] * 2

    def slow_front(share: list[Item]) -> list[str]:
        front = []
        for item in share:
            if item.nodeid.startswith("tests/unit/"):
                break
            front.append(item.nodeid)
        return front

    fronts = [slow_front(first), slow_front(second)]
    assert sorted(n for f in fronts for n in f) == sorted(
        i.nodeid for i in items if not i.nodeid.startswith("tests/unit/"))

    def seconds(front: list[str]) -> float:  # a module counts once, a test per parameter
        keys = [slow_first._weight_key(n) for n in front]
        units = {k if "::" not in k else n for k, n in zip(keys, front, strict=True) if k}
        return sum(SLOW[slow_first._weight_key(u) or u] for u in units)

    heaviest = max(SLOW.values())
    assert abs(seconds(fronts[0]) - seconds(fronts[1])) <= heaviest  # balanced
    assert seconds(fronts[0]) > 0 and seconds(fronts[1]) > 0
    # the fast tests keep their order behind the slow ones
    fast = [i.nodeid for i in ordered if i.nodeid.startswith("tests/unit/test_a.py")]
    assert fast == [f"tests/unit/test_a.py::test_{i}" for i in range(40)]


def test_one_worker_keeps_the_collection_order() -> None:
    items = _items()
    assert slow_first.slow_first(items, 1) == items


def test_every_entry_names_a_test_that_exists() -> None:
    """A renamed or deleted slow test must leave the table (it would silently stop
    counting)."""
    for key in SLOW:
        module, _sep, name = key.partition("::")
        source = (ROOT / module).read_text(encoding="utf-8")
        assert not name or f"def {name}" in source, key
