"""The usage cache keeps a month of day totals, not the year it reads (issue 7 part 6:
~0.6 MiB of PeriodTotals for the display's life): the forecast and the bill projection,
for any billing day, are the same as from every day the history holds, and the charts
still know which days of the year have data."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from han_home.ihd_app.model import DAY_TOTALS_KEPT
from han_home.shared.energy.calendar import Period, local_date
from han_home.shared.energy.readings import Fuel
from tests.ihd_model.live import live_model

START = datetime(2026, 10, 30, 8, tzinfo=UTC)  # a billing day of 31: the bill began 30 days ago


async def test_forecast_and_bill_from_a_month_of_day_totals(tmp_path) -> None:
    async with live_model(tmp_path, start=START, backfill_days=45) as (model, gateway, home):
        assert model.feed is not None
        await model.feed.drain()  # the backfill written
        await model.refresh_usage()
        today = local_date(model.now())
        kept_from = (today - DAY_TOTALS_KEPT).isoformat()
        for fuel in Fuel:
            kept = model._usage.day_totals[fuel]
            assert kept and min(kept) >= kept_from  # a month, not all that was read
            assert len(model._usage.data_days[fuel]) >= 44  # every day with data, still
        bills = {}
        for billing_day in (1, 2, 15, 29, 30, 31):
            model.settings = replace(model.settings, billing_day=billing_day)
            bills[billing_day] = model.bill_projection()
        forecast = model.forecast()
        assert forecast is not None and all(bill is not None for bill in bills.values())

        for fuel in Fuel:  # every day the history holds, as the cache kept them before
            model._usage.day_totals[fuel] = {
                t.period: t for t in await model.history.aggregate(fuel, Period.DAY)}
        assert min(model._usage.day_totals[Fuel.ELECTRICITY]) < kept_from
        for billing_day, bill in bills.items():
            model.settings = replace(model.settings, billing_day=billing_day)
            assert model.bill_projection() == bill, billing_day
        assert model.forecast() == forecast
