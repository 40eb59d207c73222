"""One frame must not poison history: a spoofed jump, a replayed old register and fuzzed
values sent from the meter's own address reach the gateway as real frames, and none of them
is billed; the day's history still matches the meter's own register."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from han_home.shared.energy.calendar import Period
from han_home.shared.energy.register_guard import Verdict
from han_home.shared.han.clock import ManualClock
from han_home.shared.han.history_feed import HistoryFeed
from han_home.shared.han.setup import RadioOptions, build_gateway
from han_home.shared.han.zcl_ids import METERING_CLUSTER, MeteringAttr
from han_home.shared.store.async_history import AsyncHistory

from .test_history_on_virtual_home import KWH_TOLERANCE

SUMMATION = MeteringAttr.current_summ_delivered.id


def send_register(meter, raw: int) -> None:
    """The meter's radio sends a report carrying this raw register (divisor 1000)."""
    attributes = meter.endpoints[1].servers[METERING_CLUSTER]  # (sent a second after the last)
    real = attributes[SUMMATION]
    attributes[SUMMATION] = raw
    try:
        meter.report(1, METERING_CLUSTER, [SUMMATION])
    finally:
        attributes[SUMMATION] = real


async def test_spoofed_replayed_and_fuzzed_registers_are_not_billed(tmp_path) -> None:
    start = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
    clock = ManualClock(start)
    gateway = build_gateway(RadioOptions(sim_seed=5, sim_clock=clock))
    history = AsyncHistory(tmp_path / "home.db")
    await history.ready()
    feed = HistoryFeed(history, gateway.tariffs, backfill=timedelta(days=1))  # not 13 months
    await feed.resume()
    feed.connect(gateway)  # readings, gap profiles, first-start backfill
    await gateway.start()
    try:
        assert await clock.run(gateway.commission_expected(), within=300)
        home = gateway.config.sim_home
        esme = home.esme
        await clock.run_until(start + timedelta(hours=1, seconds=1))  # not a real report's second
        old_raw = int(esme.register_at(start + timedelta(minutes=30)) * 1000)
        now_raw = int(esme.total_kwh * 1000)
        send_register(esme, now_raw + 1_000_000)  # +1000 kWh from the meter's own address
        await clock.advance(0.5)
        await clock.advance(120)
        send_register(esme, old_raw)  # a frame captured 40 minutes ago, replayed
        await clock.advance(120)
        for raw in (2**48 - 1, 0, now_raw * 7):  # fuzzed values
            send_register(esme, raw)
            await clock.advance(90)
        await clock.run_until(start + timedelta(hours=3))
        await gateway.stop()
        feed.flush(clock.now())
        await feed.drain()
        verdicts = {d.verdict for _fuel, _when, d in feed.rejections}
        assert {Verdict.IMPLAUSIBLE, Verdict.BACKWARDS} <= verdicts
        assert Verdict.REBASED not in verdicts  # scattered bad frames never move the baseline
        first, last = start + timedelta(minutes=30), start + timedelta(hours=2, minutes=30)
        rows = await history.half_hours("electricity", first, last)
        assert all(r.kwh < 5 for r in rows), max(r.kwh for r in rows)
        stored = sum((r.kwh for r in rows), Decimal(0))
        meter = esme.register_at(last) - esme.register_at(first)
        assert abs(stored - meter) < KWH_TOLERANCE, (stored, meter)
        [day] = await history.aggregate("electricity", Period.DAY, start.date(), start.date())
        assert day.cost_gbp < 5
    finally:
        await history.close()
