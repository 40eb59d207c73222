"""Insights, pure (issue 15): cheapest time to run equals a brute-force search over the
tariff; a bill projection with standing charges and VAT; always-on from night minimums;
the stopwatch's arithmetic; ambient thresholds from the household's own use."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest

from han_home.shared.energy.calendar import HALF_HOUR
from han_home.shared.energy.insights import (
    Stopwatch,
    always_on,
    ambient_thresholds,
    billing_period,
    cheapest_window,
    cost_of_run,
    project_bill,
    rates_with_published,
)
from han_home.shared.energy.supplier_tariff import SupplierTariff
from han_home.shared.han.tariffs import from_supplier_tariff


def tariff_rate():
    schedule = from_supplier_tariff(SupplierTariff()).electricity
    return lambda when: schedule.tariff_at(when).rate_at(when)


def brute_force(rate_at, now: datetime, duration: timedelta) -> D:
    """Every whole-minute start in the next 24 hours, each run priced minute by minute."""
    best = None
    start = now
    while start + duration <= now + timedelta(hours=24):
        minutes, t = D(0), start  # GBP-minutes, exact; one division at the end
        while t < start + duration:
            minutes += rate_at(t)
            t += timedelta(minutes=1)
        cost = minutes / 60
        best = cost if best is None else min(best, cost)
        start += timedelta(minutes=1)
    return best


@pytest.mark.parametrize("now, minutes", [
    (datetime(2026, 12, 1, 14, 7, tzinfo=UTC), 120),  # a 2-hour wash, in winter (GMT)
    (datetime(2026, 7, 1, 18, 0, tzinfo=UTC), 45),  # 45 minutes, in summer (BST bands)
    (datetime(2026, 12, 1, 1, 0, tzinfo=UTC), 600),  # longer than the cheap band
])
def test_cheapest_window_equals_a_brute_force_search(now, minutes) -> None:
    rate_at = tariff_rate()
    if minutes == 45:  # and a price the meter has published for tonight, cheaper still
        cheap = (datetime(2026, 7, 1, 21, 0, tzinfo=UTC), datetime(2026, 7, 1, 22, 0,
                                                                     tzinfo=UTC), D("0.05"))
        rate_at = rates_with_published(rate_at, [cheap])
    duration = timedelta(minutes=minutes)
    window = cheapest_window(rate_at, now, duration)
    assert window is not None
    assert window.gbp_per_kw == brute_force(rate_at, now, duration)
    assert window.gbp_per_kw == cost_of_run(rate_at, window.start, duration)
    assert now <= window.start and window.end <= now + timedelta(hours=24)
    if minutes == 45:
        assert window.start >= datetime(2026, 7, 1, 21, 0, tzinfo=UTC)  # inside the price
        assert window.average_rate == D("0.05")


def test_a_cheapest_window_is_not_guessed_over_an_unknown_rate() -> None:
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    assert cheapest_window(lambda t: None, now, timedelta(hours=2)) is None


def test_bill_projection_includes_standing_charges_and_vat() -> None:
    # billing day the 15th; on 20 December the period is 15 Dec - 15 Jan (31 days)
    assert billing_period(date(2026, 12, 20), 15) == (date(2026, 12, 15), date(2027, 1, 15))
    assert billing_period(date(2026, 12, 3), 15) == (date(2026, 11, 15), date(2026, 12, 15))
    assert billing_period(date(2027, 2, 10), 31) == (date(2027, 1, 31), date(2027, 2, 28))
    days = [D("2.00")] * 6 + [D("3.00")]  # average 2.142857...
    bill = project_bill(date(2026, 12, 20), 15, D("12.00"), days, D("0.5335"))
    assert bill is not None
    average = sum(days) / 7
    assert bill.energy_projected_gbp == D("12.00") + average * 25  # 21 Dec .. 14 Jan
    assert bill.standing_gbp == D("0.5335") * 31
    assert bill.vat_gbp == (bill.energy_projected_gbp + bill.standing_gbp) * D("0.05")
    assert bill.total_gbp == bill.energy_projected_gbp + bill.standing_gbp + bill.vat_gbp
    other = project_bill(date(2026, 12, 20), 15, D("12.00"), days, D("0.5335"),
                         vat_rate=D("0.20"))
    assert other.vat_gbp == 4 * bill.vat_gbp  # configurable
    assert project_bill(date(2026, 12, 20), 15, D("12"), days[:6], D("0.5")) is None


def test_always_on_is_the_median_of_night_minimums() -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)  # GMT: local = UTC
    rows = []
    for night, low in enumerate((D("0.10"), D("0.11"), D("0.30"))):  # one night the heater
        for k in range(48):
            rows.append((start + timedelta(days=night) + k * HALF_HOUR,
                         low if k == 5 else D("0.5")))
    result = always_on(rows, D("0.25"))
    assert result.watts == D("220") and result.nights == 3  # 0.11 kWh in 30 min = 220 W
    assert result.gbp_per_year == D("0.220") * 8760 * D("0.25")
    assert always_on(rows[:96], D("0.25")) is None  # two nights are not enough


def test_stopwatch_prices_each_step_at_its_rate_and_subtracts_the_start_power() -> None:
    t0 = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)  # 00:30 the rate falls to off-peak
    rate_at = tariff_rate()
    watch = Stopwatch(rate_at)
    watch.start(t0, D("100"), power_kw=D("0.2"))
    watch.reading(t0 + timedelta(minutes=30), D("101.1"))  # 0.2 kW + a 2 kW heater
    result = watch.stop(t0 + timedelta(hours=1), D("102.2"))
    assert result.kwh == D("2.2") and result.seconds == 3600
    assert result.cost_gbp == D("1.1") * D("0.2750") + D("1.1") * D("0.1350")
    assert result.above_start_kwh == D("2.0")
    assert result.above_start_gbp == D("1.0") * D("0.2750") + D("1.0") * D("0.1350")
    with pytest.raises(ValueError):
        watch.stop(t0, D("1"))


def test_ambient_thresholds_come_from_the_households_use() -> None:
    quiet = [D("0.1")] * 40 + [D("1.0")] * 8  # 0.2 kW most of the day, 2 kW peaks
    low, high = ambient_thresholds(D("200"), quiet)
    assert low == D("0.40") and high == D("2.00")  # twice 200 W; the busiest tenth
    assert ambient_thresholds(D("200"), quiet[:40]) is None


async def test_appliance_steps_from_the_command_line_switch_on_and_off_on_time() -> None:
    import argparse
    import asyncio

    from han_home.shared.han.appliance_steps import appliance_step, run_steps
    from han_home.shared.han.clock import ManualClock

    step = appliance_step("heater=2000W@30m+40m")
    assert (step.name, step.watts, step.after, step.duration) == (
        "heater", 2000, timedelta(minutes=30), timedelta(minutes=40))
    for bad in ("heater=2000@30m", "heater=0W@1m", "=5W@1m", "heater=5W@1m+0s"):
        with pytest.raises(argparse.ArgumentTypeError):
            appliance_step(bad)
    clock = ManualClock(datetime(2026, 11, 20, 2, tzinfo=UTC))
    switched: list[tuple[datetime, str, int | None]] = []

    class Home:
        def switch_appliance(self, name: str, watts: int | None) -> None:
            switched.append((clock.now(), name, watts))

    task = asyncio.ensure_future(run_steps(Home(), clock, [step]))
    await clock.advance(3 * 3600)
    await task
    begun = datetime(2026, 11, 20, 2, tzinfo=UTC)
    assert switched == [(begun + timedelta(minutes=30), "heater", 2000),
                        (begun + timedelta(minutes=70), "heater", None)]


def test_cost_per_hour_reads_in_pence() -> None:
    from han_home.ihd_app.ui import text as t
    from han_home.shared.i18n import catalog as cat

    previous = cat.set_translator(cat.Translator("en"))
    try:
        assert t.pence_per_hour(D("0.054")) == "5.4p an hour"
        assert t.pence_per_hour(D("1.204")) == "£1.20 an hour"
        cat.set_language("cy")
        assert t.pence_per_hour(D("0.054")) == "5.4c yr awr"
    finally:
        cat.set_translator(previous)


def test_the_nightly_median_is_statistics_median() -> None:
    """always_on's median (kept off the first frame's imports) is statistics.median's."""
    import random
    import statistics

    from han_home.shared.energy.insights import _median

    rng = random.Random(4)
    for n in range(1, 40):
        kwh = [D(rng.randint(0, 900)) / 1000 for _ in range(n)]
        assert _median(sorted(kwh)) == statistics.median(kwh)
