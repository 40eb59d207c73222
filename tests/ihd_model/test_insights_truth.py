"""Insights against the virtual home's truth (issue 15): always-on within 10 % of the load
model's base load; the stopwatch within 2 % on a known appliance step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from han_home.shared.energy.readings import Fuel, ReadingKind
from han_home.shared.sim.appliances import base_load_w

from .live import live_model


async def test_always_on_is_within_ten_percent_of_the_base_load(tmp_path) -> None:
    start = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    async with live_model(tmp_path, start=start, backfill_days=5) as (model, gateway, home):
        feed = model.feed
        await home.clock.wait_for(lambda: feed.backfilled_half_hours >= 2 * 4 * 48, within=60)
        await feed.drain()
        await model.refresh_usage()
        result = model.always_on()
        assert result is not None and result.nights >= 4
        truth = Decimal(base_load_w(7))
        assert abs(result.watts - truth) <= truth / 10, (result.watts, truth)
        assert result.gbp_per_year > 0
        # ambient thresholds from this household's own use, not fixed kW
        low, high = model.ambient_thresholds()
        assert low >= 2 * result.watts / 1000 and high >= 2 * low
        assert low > Decimal("0.36")  # its usual always-on level reads as low


async def test_the_stopwatch_measures_a_known_appliance_within_two_percent(tmp_path) -> None:
    start = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # a quiet night: off-peak, no kettles
    async with live_model(tmp_path, start=start) as (model, gateway, home):
        elec = (Fuel.ELECTRICITY, ReadingKind.SUMMATION)
        await home.clock.wait_for(lambda: not model.shown(*elec).missing, within=600)
        await home.clock.wait_for(lambda: not model.power().missing, within=600)
        assert model.start_stopwatch()
        home.switch_appliance("heater", 3000)  # 3 kW for 20 minutes: 1 kWh
        await home.clock.advance(20 * 60)
        home.switch_appliance("heater", None)
        before = model.shown(*elec).received
        await home.clock.wait_for(lambda: model.shown(*elec).received > before + timedelta(
            seconds=30), within=300)
        result = model.stop_stopwatch()
        truth = Decimal(3000 * 20 * 60) / 3_600_000
        assert abs(result.above_start_kwh - truth) <= truth * Decimal("0.02"), result
        # priced at the off-peak rate in force (the virtual home's tariff)
        assert abs(result.above_start_gbp - result.above_start_kwh * Decimal("0.1350")) < \
            Decimal("0.001")
