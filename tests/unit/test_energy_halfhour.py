from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from han_home.shared.energy.halfhour import HalfHourAccumulator, HalfHourUsage
from han_home.shared.energy.readings import Fuel

D = Decimal
E = Fuel.ELECTRICITY
T0 = datetime(2026, 10, 25, 0, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_delta_split_in_proportion_across_boundary() -> None:
    acc = HalfHourAccumulator()
    assert acc.add(E, at(20), D("100")) == []
    # 20 min .. 50 min: 10 min in the first half-hour, 20 in the second
    done = acc.add(E, at(50), D("103"))
    assert done == [HalfHourUsage(T0, D(1), E)]
    done = acc.add(E, at(60), D("104"))
    assert done == [HalfHourUsage(at(30), D(3), E)]
    assert acc.pending_total(E) == 0


def test_repeated_and_older_readings_ignored() -> None:
    acc = HalfHourAccumulator()
    acc.add(E, at(0), D(10))
    acc.add(E, at(10), D(11))
    assert acc.add(E, at(10), D(11)) == []
    assert acc.add(E, at(5), D("10.5")) == []
    assert acc.add(E, at(30), D(12)) == [HalfHourUsage(T0, D(2), E)]


def test_register_reset_rebases() -> None:
    acc = HalfHourAccumulator()
    acc.add(E, at(0), D(5000))
    acc.add(E, at(10), D(5001))
    acc.add(E, at(20), D(3))  # meter exchanged: new register starts near zero
    done = acc.add(E, at(30), D(4))
    assert done == [HalfHourUsage(T0, D(2), E)]  # 1 before the reset + 1 after, no -4998


def test_big_gap_spread_linearly() -> None:
    acc = HalfHourAccumulator()
    acc.add(E, at(0), D(0))
    done = acc.add(E, at(180), D(12))  # 3 hours, 12 kWh
    assert [u.start_utc for u in done] == [at(30 * i) for i in range(6)]
    assert all(u.quantity == 2 for u in done)


def test_fuels_are_independent() -> None:
    acc = HalfHourAccumulator()
    acc.add(E, at(0), D(1))
    acc.add(Fuel.GAS, at(0), D(500))
    assert acc.add(Fuel.GAS, at(30), D("500.25")) == [HalfHourUsage(T0, D("0.25"), Fuel.GAS)]
    assert acc.add(E, at(30), D(2)) == [HalfHourUsage(T0, D(1), E)]


def test_flush_until_then_late_energy_goes_to_open_half_hour() -> None:
    acc = HalfHourAccumulator()
    acc.add(E, at(0), D(0))
    acc.add(E, at(15), D(1))
    flushed = acc.flush_until(at(65))
    assert flushed == [HalfHourUsage(T0, D(1), E), HalfHourUsage(at(30), D(0), E)]
    # the reading at 75 min covers 15..75: its share of the flushed half-hours lands in 60..90
    assert acc.add(E, at(90), D(6)) == [HalfHourUsage(at(60), D(5), E)]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 6000), st.decimals(0, 50, places=3)), min_size=1, max_size=40
    )
)
def test_conserves_total_energy(steps: list[tuple[int, Decimal]]) -> None:
    acc = HalfHourAccumulator()
    t, reg = T0 + timedelta(seconds=17), D("1234.5")
    acc.add(E, t, reg)
    emitted: list[HalfHourUsage] = []
    for seconds, delta in steps:
        t += timedelta(seconds=seconds)
        reg += delta
        emitted += acc.add(E, t, reg)
    emitted += acc.flush_until(t + timedelta(minutes=30))
    assert sum(u.quantity for u in emitted) == reg - D("1234.5")
    starts = [u.start_utc for u in emitted]
    assert starts == sorted(set(starts))  # each half-hour once, in order
    assert all(u.quantity >= 0 for u in emitted)


def test_a_gap_is_not_spread_and_no_half_hour_inside_it_is_invented() -> None:
    acc = HalfHourAccumulator(gap_after=timedelta(minutes=35))
    acc.add(E, at(0), D(0))
    acc.add(E, at(10), D(1))  # 10:00 half-hour measured 1 so far
    done = acc.add(E, at(130), D(13))  # two hours later: down in between
    assert done == []  # nothing emitted: the 00:00 half-hour is held in the gap
    (gap,) = acc.pop_gaps(E)
    assert (gap.start, gap.end, gap.quantity) == (at(10), at(130), D(12))
    assert (gap.begin_slot, gap.begin_partial, gap.end_slot) == (T0, D(1), at(120))
    assert acc.pop_gaps() == []
    # after the gap, half-hours are measured again from the reading that ended it
    assert acc.add(E, at(150), D(14)) == [HalfHourUsage(at(120), D(1), E)]


def test_credit_lands_in_the_half_hour_or_the_first_open_one() -> None:
    acc = HalfHourAccumulator(gap_after=timedelta(minutes=35))
    acc.add(E, at(0), D(0))
    acc.add(E, at(130), D(10))
    (gap,) = acc.pop_gaps()
    acc.credit(E, gap.end_slot, D("0.5"))  # what the meter's profile leaves for 02:00
    assert acc.add(E, at(150), D(11)) == [HalfHourUsage(at(120), D("1.5"), E)]


def test_state_survives_export_and_restore() -> None:
    acc = HalfHourAccumulator(gap_after=timedelta(minutes=35))
    acc.add(E, at(0), D(100))
    acc.add(E, at(20), D(101))  # 00:00 half-hour open with 1
    acc.add(Fuel.GAS, at(0), D(7))
    acc.add(Fuel.GAS, at(200), D(9))  # a gas gap, not yet filled
    saved = {f: acc.export_state(f) for f in Fuel}
    import json

    again = HalfHourAccumulator(gap_after=timedelta(minutes=35))
    for fuel, data in saved.items():
        assert data is not None
        again.restore_state(fuel, json.loads(json.dumps(data)))
    # the restarted accumulator finishes the same half-hour, not a fresh, partial one
    assert again.add(E, at(30), D("101.5")) == [HalfHourUsage(T0, D("1.5"), E)]
    assert [g.quantity for g in again.pop_gaps(Fuel.GAS)] == [D(2)]
    assert again.last(E) == (at(30), D("101.5"))


def test_rollover_delta_is_used_instead_of_register_difference() -> None:
    acc = HalfHourAccumulator()
    acc.add(E, at(0), D("999.9"))
    assert acc.add(E, at(30), D("0.1"), delta=D("0.2")) == [HalfHourUsage(T0, D("0.2"), E)]


def test_where_the_accounts_began_survives_a_restart_and_a_rebase() -> None:
    """The half-hour the first reading fell in holds energy the display never saw: the
    meter's figure for it is not a debt of later half-hours (history_feed relies on this)."""
    import json

    acc = HalfHourAccumulator()
    acc.add(E, at(10), D(100))
    assert acc.counting_began(E) == at(10)
    assert acc.began_within(E, T0) and not acc.began_within(E, at(30))
    again = HalfHourAccumulator()
    again.restore_state(E, json.loads(json.dumps(acc.export_state(E))))
    assert again.began_within(E, T0)
    again.rebase(E, at(75), D(50))  # a meter exchanged: the accounts begin again
    assert again.counting_began(E) == at(75) and again.began_within(E, at(60))
    assert not again.began_within(E, T0)


def test_a_credit_that_would_leave_a_negative_half_hour_is_refused_beforehand() -> None:
    acc = HalfHourAccumulator()
    acc.add(E, at(0), D(100))
    acc.add(E, at(40), D(104))  # 00:00 closed with 3, 00:30 open with 1
    assert acc.can_credit(E, at(30), D(-1)) and not acc.can_credit(E, at(30), D("-1.001"))
    # a credit to a closed half-hour lands in the one still open
    assert acc.can_credit(E, T0, D(-1)) and not acc.can_credit(E, T0, D(-2))
