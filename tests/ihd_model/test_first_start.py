"""A first start on a commissioned home shows the meter's own history at once (seed IH.2):
8 days, 5 weeks and 13 months of both fuels, marked as the meter's, not "no data yet"."""

from __future__ import annotations

from datetime import UTC, datetime

from han_home.shared.energy.readings import Fuel

from .live import live_model


async def test_first_start_shows_thirteen_months_from_the_meter(tmp_path) -> None:
    start = datetime(2026, 11, 20, 14, 10, tzinfo=UTC)
    async with live_model(tmp_path, start=start, backfill_days=396) as (model, gateway, home):
        feed = model.feed
        assert feed is not None
        # the whole backfill takes a few seconds of the home's time (frames on the air)
        await home.clock.wait_for(lambda: feed.backfilled_half_hours >= 2 * 19_000, within=60)
        await feed.drain()
        await model.refresh_usage()
        for fuel in (Fuel.ELECTRICITY, Fuel.GAS):
            for span, count in (("8d", 8), ("5w", 5), ("13m", 13)):
                bars = model.chart(fuel, span)
                assert len(bars) == count
                past = bars[:-1]  # the current day/week/month is still running
                assert all(b.kwh > 0 for b in past), (fuel, span)
                assert all(b.meter_kwh == b.kwh for b in past), "marked as the meter's data"
        yesterday = model.period_total(Fuel.ELECTRICITY, "yesterday")
        assert yesterday is not None and yesterday.kwh == yesterday.meter_kwh > 0
