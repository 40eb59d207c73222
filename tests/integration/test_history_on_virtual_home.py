"""Readings flow into the store; local-day aggregates across the clock changes match the
meters' own registers; a radio outage loses no energy from history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from han_home.shared.energy.calendar import HALF_HOUR, Period, local_midnight_utc
from han_home.shared.han.clock import ManualClock
from han_home.shared.han.history_feed import HistoryFeed
from han_home.shared.han.setup import RadioOptions, build_gateway
from han_home.shared.store.async_history import AsyncHistory

# On a manual clock a report is received at the simulated second it was sent, so the only
# difference left is the register's resolution on the air: whole Wh at each end of the span.
KWH_TOLERANCE = Decimal("0.001")


async def run_home(
    tmp_path,
    start: datetime,
    until: datetime,
    outage: tuple[datetime, datetime] | None = None,
    profile: bool = True,
):
    clock = ManualClock(start)
    gateway = build_gateway(RadioOptions(sim_seed=11, sim_clock=clock))
    history = AsyncHistory(tmp_path / "home.db")
    await history.ready()
    # two days of the meter's stored history at this first start, not 13 months: no test
    # here looks before its own run (tests/ihd_model/test_first_start.py reads all 13)
    feed = HistoryFeed(history, gateway.tariffs, backfill=timedelta(days=2))
    await feed.resume()  # the last run's registers and open half-hour
    feed.connect(gateway)  # readings, gap profiles, first-start backfill
    if not profile:
        feed.profile_source = None  # a meter that keeps no profile
    await gateway.start()
    assert await clock.run(gateway.commission_expected(), within=120)
    home = gateway.config.sim_home
    if outage is not None:
        await clock.run_until(outage[0])
        home.unplug_radio()
        await clock.run_until(outage[1])
        home.plug_radio()
        await clock.wait_for(lambda: gateway.radio_state == "connected", within=60)
    await clock.run_until(until)
    await gateway.stop()
    feed.flush(until)
    await feed.drain()
    return gateway, history, home


@pytest.mark.parametrize(("day", "hours"), [(date(2026, 10, 25), 25), (date(2026, 3, 29), 23)])
async def test_clock_change_day_totals_match_the_meter(tmp_path, day: date, hours: int) -> None:
    day_start = local_midnight_utc(day)
    day_end = local_midnight_utc(day + timedelta(days=1))
    gateway, history, home = await run_home(
        tmp_path, day_start - timedelta(minutes=40), day_end + timedelta(minutes=40)
    )
    try:
        [total] = await history.aggregate("electricity", Period.DAY, day, day)
        assert total.period == day.isoformat()
        assert total.hours == hours
        meter_kwh = home.esme.register_at(day_end) - home.esme.register_at(day_start)
        assert abs(total.kwh - meter_kwh) <= KWH_TOLERANCE, (total.kwh, meter_kwh)
        assert total.standing_charge_gbp == Decimal("0.5335")
        # every half-hour of the local day is priced: 46 or 50 of them
        rows = await history.half_hours("electricity", day_start, day_end)
        assert len(rows) == hours * 2
        [gas] = await history.aggregate("gas", Period.DAY, day, day)
        assert gas.hours == hours and gas.m3 is not None and gas.m3 > 0
        assert gas.cv == Decimal("39.5")
    finally:
        await history.close()


async def test_radio_outage_is_filled_from_the_meters_own_half_hours(tmp_path) -> None:
    start = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
    outage = (start + timedelta(hours=2), start + timedelta(hours=4))
    until = start + timedelta(hours=7)
    gateway, history, home = await run_home(tmp_path, start, until, outage)
    try:
        first = start + timedelta(hours=1)
        last = start + timedelta(hours=6, minutes=30)
        rows = await history.half_hours("electricity", first, last)
        assert [r.start_utc for r in rows] == [first + i * HALF_HOUR for i in range(11)]
        inside = [r for r in rows if outage[0] + HALF_HOUR <= r.start_utc < outage[1]]
        assert inside and all(r.source == "meter" for r in inside)
        def raw(when: datetime) -> int:  # the register as the meter reports it (Wh)
            return int(home.esme.register_at(when) * 1000)

        for row in inside:  # the meter's own half-hours, to its last digit
            assert row.kwh * 1000 == raw(row.start_utc + HALF_HOUR) - raw(row.start_utc)
        assert await history.gaps("electricity", first, last) == []
        stored = sum((r.kwh for r in rows), Decimal(0))
        meter = home.esme.register_at(last) - home.esme.register_at(first)
        assert abs(stored - meter) <= KWH_TOLERANCE, (stored, meter)
        # the latest readings were saved for the display's next start
        kinds = {r.kind for r in await history.latest_readings()}
        assert {"summation", "credit", "price"} <= {str(k) for k in kinds}
    finally:
        await history.close()


async def test_outage_without_a_meter_profile_is_one_marked_interval(tmp_path) -> None:
    start = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
    outage = (start + timedelta(hours=2), start + timedelta(hours=4))
    until = start + timedelta(hours=7)
    gateway, history, home = await run_home(tmp_path, start, until, outage, profile=False)
    try:
        first = start + timedelta(hours=1)
        last = start + timedelta(hours=6, minutes=30)
        rows = await history.half_hours("electricity", first, last)
        inside = [r for r in rows if outage[0] + HALF_HOUR <= r.start_utc < outage[1]]
        assert inside == [], "no half-hour inside the outage is invented"
        [gap] = await history.gaps("electricity", first, last)
        assert gap.start_utc <= outage[0] + timedelta(minutes=2) and gap.end_utc >= outage[1]
        stored = sum((r.kwh for r in rows), Decimal(0)) + gap.kwh
        meter = home.esme.register_at(last) - home.esme.register_at(first)
        assert abs(stored - meter) < KWH_TOLERANCE, (stored, meter)
        [day] = await history.aggregate("electricity", Period.DAY, start.date(), start.date())
        assert day.gap_kwh == gap.kwh  # the day's total includes it, and says so
    finally:
        await history.close()
