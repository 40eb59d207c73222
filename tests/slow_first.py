"""Give the slowest tests an early start on every pytest-xdist worker.

`make test` runs two workers with `--dist worksteal`: each worker is first handed one
contiguous share of the collection (the first half, the second half) and runs it in
order; an idle worker then steals the *end* of the other's queue. A 9 s test that happens
to sit at the end of a share starts last and makes the run's tail 9 s long, while a test
at the front of a share can never be left for the end. So the collection is reordered:
the known slow tests are dealt out (longest first, each to the share with the least slow
work so far) to the front of the shares, and the rest keep their order behind them.

Only the order changes: every test still runs, on its own fixtures. The figures are
seconds of a `make test` on the 2-core machine (each test's CPU time, self and children,
which a shared machine's load does not inflate; wall time for the few that wait on a real
window or timeout); a test missing here just keeps its place, so a stale table costs
speed, never correctness.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

# node id (a module: the whole module stays together; a test: each of its parameters) ->
# seconds. Modules are kept whole where their tests share one expensive set-up.
SLOW: dict[str, float] = {
    # seven app starts under Xvfb walked over AT-SPI, shared by all the module's tests
    "tests/atspi/test_atspi_walk.py": 13.0,
    "tests/integration/test_history_on_virtual_home.py::test_clock_change_day_totals": 4.5,
    "tests/integration/test_killed_gateway.py": 5.5,
    "tests/integration/test_gateway_cli.py::test_a_fast_virtual_home_carries_on": 5.0,
    "tests/cli/test_household_files.py::test_the_kiosk_starts_with_a_bad_settings_file": 3.0,
    "tests/integration/test_gateway_cli.py::test_run_prints_one_json_object": 2.8,
    "tests/integration/test_gateway_cli.py::test_config_file_chooses_the_radio": 2.8,
    "tests/integration/test_restarts.py::test_a_backfill_cut_short": 2.4,
    "tests/ihd_model/test_display_model.py::test_meter_discrepancy": 2.2,
    "tests/integration/test_restarts.py::test_restarts_keep_history_equal_to_the_meter": 1.9,
    "tests/ihd_model/test_first_start.py": 1.9,
    "tests/ihd/test_a11y_i18n.py::test_important_changes_are_announced_once": 1.6,
    "tests/installer/test_layout_200.py::test_every_page_fits_800x480": 1.5,
    "tests/ihd/test_now_200.py::test_now_at_200_percent_stacks_and_cuts_nothing": 1.5,
    "tests/tunnel/test_headend_cli.py::test_han_gateway_run_with_wan_and_han_headend": 1.4,
    "tests/installer/test_pcap.py": 1.4,
    "tests/cli/test_household_files.py::test_a_failed_join_window": 4.5,  # a real window
    "tests/cli/test_household_files.py::test_the_display_reads_a_gateways_database": 1.2,
    "tests/ihd/test_layout.py::test_every_screen_fits": 1.2,
    "tests/installer/test_layout_200.py::test_at_100_percent_on_the_laptop": 1.2,
    "tests/ihd/test_layout_200.py::test_navigation_and_usage_chart_fit_at_every_text_size": 1.1,
    "tests/ihd/test_now_fits.py::test_now_fits_with_low_credit_over_budget_and_stale": 1.1,
    "tests/installer/test_premises_guard.py::test_the_mistakes_matrix": 1.1,
    "tests/ihd/test_screens.py::test_discrepancy_notice_when_meter_prices_differently": 1.1,
    "tests/installer/test_ui.py::test_the_whole_job_through_the_gui": 1.0,
    "tests/tunnel/test_attack_matrix.py": 1.0,
    "tests/tunnel/test_sleepy_gas_meter.py::test_han_headend_held_result_and_wait": 1.0,
}


class _Item(Protocol):
    nodeid: str


T = TypeVar("T", bound=_Item)


def _weight_key(nodeid: str) -> str | None:
    """The SLOW entry `nodeid` falls under: its module, or a prefix of its test's name."""
    module = nodeid.split("::", 1)[0]
    if module in SLOW:
        return module
    name = nodeid.split("[", 1)[0]
    for key in SLOW:
        if "::" in key and name.startswith(key):
            return key
    return None


def slow_first(items: Sequence[T], shares: int) -> list[T]:
    """`items` reordered so each of the `shares` contiguous shares xdist hands out starts
    with its part of the slow tests, balanced by their known seconds."""
    if shares < 2 or len(items) < 2 * shares:
        return list(items)
    units: dict[str, list[T]] = {}  # one unit per slow module, or per slow test (parameter)
    rest: list[T] = []
    for item in items:
        key = _weight_key(item.nodeid)
        if key is None:
            rest.append(item)
        else:
            unit = key if "::" not in key else item.nodeid
            units.setdefault(unit, []).append(item)

    def seconds(unit: str) -> float:
        return SLOW[_weight_key(unit) or unit]

    fronts: list[list[T]] = [[] for _ in range(shares)]
    loads = [0.0] * shares
    for unit in sorted(units, key=lambda u: (-seconds(u), u)):  # longest first
        i = loads.index(min(loads))
        fronts[i].extend(units[unit])
        loads[i] += seconds(unit)
    # xdist's first hand-out: share i is the next len(pending) // (shares - i) items
    out: list[T] = []
    remaining = len(items)
    fill = iter(rest)
    for i, front in enumerate(fronts):
        size = remaining // (shares - i)
        share = front + [next(fill) for _ in range(max(0, size - len(front)))]
        out.extend(share)
        remaining -= len(share)
    out.extend(fill)
    return out
