"""History from the meter (seed IH.2): the virtual meters keep 13 months of half-hourly
profile and answer GetProfile like a real SE 1.4 meter; plain zigpy requests page it back;
the registers are exact functions of seed and time."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import pytest_asyncio
from zigpy.util import convert_install_code

from han_home.shared.energy.profile import (
    MAX_PERIODS_PER_FRAME,
    PROFILE_CAPACITY,
    ProfileStatus,
    ProfileUnavailable,
)
from han_home.shared.energy.zcl_format import UTC_EPOCH_2000
from han_home.shared.han.clock import ManualClock
from han_home.shared.han.setup import RadioOptions, build_gateway
from han_home.shared.sim.home import VirtualHome
from han_home.shared.sim.meters import ElectricityMeter, GasMeter

from .sim_helpers import home, started_app

METERING = 0x0702
HH = timedelta(minutes=30)
START = datetime(2026, 11, 2, 9, 7, 12, tzinfo=UTC)


def zcl(when: datetime) -> int:
    return int((when - UTC_EPOCH_2000).total_seconds())


def from_zcl(value: int) -> datetime:
    return UTC_EPOCH_2000 + timedelta(seconds=int(value))


def floor_hh(when: datetime) -> datetime:
    return when.replace(minute=when.minute // 30 * 30, second=0, microsecond=0)


async def joined(h: VirtualHome, *meters):
    """Plain zigpy (no gateway) with the meters joined and interviewed, still awake. On the
    home's ManualClock: a joiner's back-off (0.2-2 s of its clock) costs no host time."""
    app = await started_app(h)
    h.start()
    for meter in meters:
        await app.permit_with_link_key(
            meter.ieee, convert_install_code(bytes.fromhex(meter.label.install_code)), 30
        )
    await h.clock.wait_for(
        lambda: all(m.ieee in app.devices and app.devices[m.ieee].is_initialized for m in meters),
        within=60,
    )
    return app


def metering(app, meter):
    return app.devices[meter.ieee].endpoints[1].in_clusters[METERING]


@pytest.fixture
async def plain_home():
    h = home(seed=3, start=START, clock=ManualClock(START))
    app = await joined(h, h.esme, h.gsme)
    yield h, app
    await h.stop()
    await app.shutdown()


@pytest.mark.parametrize("which", ["esme", "gsme"])
async def test_get_profile_is_newest_first_and_sums_to_the_register(plain_home, which) -> None:
    h, app = plain_home
    meter: ElectricityMeter | GasMeter = getattr(h, which)
    cluster = metering(app, meter)
    got, _ = await cluster.read_attributes(
        ["max_number_of_periods_delivered", "profile_interval_period"]
    )
    assert got["max_number_of_periods_delivered"] == MAX_PERIODS_PER_FRAME
    assert got["profile_interval_period"] == cluster.ProfileIntervalPeriod.Minutes_30

    rsp = await cluster.get_profile(0, 0, 24)
    assert rsp.status == ProfileStatus.SUCCESS
    assert rsp.profile_interval_period == cluster.ProfileIntervalPeriod.Minutes_30
    assert rsp.number_of_periods_delivered == len(rsp.intervals) == 24
    end = from_zcl(rsp.end_time)
    assert end == floor_hh(h.clock.now())  # the last complete half-hour
    for i, raw in enumerate(rsp.intervals):  # newest first
        assert raw == meter.profile_raw(end - (i + 1) * HH)
    assert sum(rsp.intervals) == meter.raw_register_at(end) - meter.raw_register_at(end - 24 * HH)

    # paging back: each request ends where the previous answer's oldest interval began
    intervals: list[int] = []
    end_time = 0
    for _ in range(20):
        page = await cluster.get_profile(0, end_time, 24)
        assert page.status == ProfileStatus.SUCCESS
        if intervals:
            assert from_zcl(page.end_time) == from_zcl(end_time)
        intervals += page.intervals
        end_time = page.end_time - 24 * 1800
    assert len(intervals) == 480
    assert sum(intervals) == meter.raw_register_at(end) - meter.raw_register_at(end - 480 * HH)
    # the live register agrees with the profile: the current half-hour so far
    got, _ = await cluster.read_attributes(
        ["current_summ_delivered", "cur_part_profile_int_value_delivered"]
    )
    assert got["current_summ_delivered"] >= meter.raw_register_at(end)
    assert (
        got["current_summ_delivered"] - got["cur_part_profile_int_value_delivered"]
        == meter.raw_register_at(end)
    )


async def test_get_profile_statuses_for_bad_requests(plain_home) -> None:
    h, app = plain_home
    cluster = metering(app, h.esme)
    now = h.clock.now()
    rsp = await cluster.get_profile(1, 0, 24)  # consumption received: no export here
    assert (rsp.status, rsp.intervals) == (ProfileStatus.INTERVAL_CHANNEL_NOT_SUPPORTED, [])
    rsp = await cluster.get_profile(9, 0, 24)
    assert (rsp.status, rsp.intervals) == (ProfileStatus.UNDEFINED_INTERVAL_CHANNEL, [])
    rsp = await cluster.get_profile(0, zcl(now + timedelta(days=1)), 24)
    assert (rsp.status, rsp.intervals) == (ProfileStatus.INVALID_END_TIME, [])
    rsp = await cluster.get_profile(0, 0, 200)  # more than one answer holds: the most it can
    assert rsp.status == ProfileStatus.MORE_PERIODS_REQUESTED_THAN_CAN_BE_RETURNED
    assert len(rsp.intervals) == MAX_PERIODS_PER_FRAME
    # the log reaches back 13 months and no further
    newest = floor_hh(now)
    oldest = newest - PROFILE_CAPACITY * HH
    rsp = await cluster.get_profile(0, zcl(oldest), 24)
    assert (rsp.status, rsp.intervals) == (ProfileStatus.NO_INTERVALS_AVAILABLE, [])
    rsp = await cluster.get_profile(0, zcl(oldest + 5 * HH), 24)
    assert rsp.status == ProfileStatus.SUCCESS and len(rsp.intervals) == 5
    assert from_zcl(rsp.end_time) == oldest + 5 * HH
    # an end time inside a half-hour selects the last interval ending at or before it
    rsp = await cluster.get_profile(0, zcl(newest - 3 * HH + timedelta(minutes=17)), 2)
    assert from_zcl(rsp.end_time) == newest - 3 * HH
    assert rsp.intervals == [
        h.esme.profile_raw(newest - 4 * HH),
        h.esme.profile_raw(newest - 5 * HH),
    ]


def test_registers_are_the_same_whenever_the_meter_started() -> None:
    """A gateway restarted days later (same seed, later --sim-start) finds the meters where
    real ones would be: register, tiers, today / yesterday, bill to date, gas register."""
    t0 = datetime(2026, 10, 28, 21, 13, 5, tzinfo=UTC)
    instant = datetime(2026, 11, 2, 9, 7, 12, tzinfo=UTC)  # across a month and a clock change
    early = home(seed=11, start=t0, prepayment=True)
    late = home(seed=11, start=instant, prepayment=True)
    t = t0
    while t < instant:  # the early meter lives through the days in between
        t = min(t + timedelta(minutes=7, seconds=13), instant)
        early.esme.advance(t)
        early.gsme.m3(t)
    late.esme.advance(instant)
    a, b = early.esme, late.esme
    ts = int(instant.timestamp())
    assert a.raw_register_at(instant) == b.raw_register_at(instant)
    assert a.register_at(instant) == b.register_at(instant)
    assert a._tier_units(ts) == b._tier_units(ts)
    assert sum(a._tier_units(ts).values()) == a.base_units + a.ledger.cumulative(ts)
    assert a._day_raw(ts) == b._day_raw(ts)
    assert a.bill_at(ts) == b.bill_at(ts)
    assert a.total_kwh == b.total_kwh and a.demand_kw == b.demand_kw
    assert early.gsme.raw_register_at(instant) == late.gsme.raw_register_at(instant)
    # a different seed is a different home
    other = home(seed=12, start=instant)
    assert other.esme.raw_register_at(instant) != b.raw_register_at(instant)


def test_ledger_half_hours_are_exact_sums_of_slots_across_clock_changes() -> None:
    h = home(seed=5, start=START)
    for meter in (h.esme, h.gsme):
        ledger = meter.ledger
        for day in (datetime(2026, 10, 25, tzinfo=UTC), datetime(2026, 3, 29, tzinfo=UTC)):
            a = int(day.timestamp()) - 3600
            b = a + 27 * 3600
            slots = sum(ledger.rate(t) * ledger.slot_s for t in range(a, b, ledger.slot_s))
            assert ledger.cumulative(b) - ledger.cumulative(a) == slots
            assert sum(ledger.half_hour(t) for t in range(a, b, 1800)) == slots
            mid = a + 12_345
            assert ledger.cumulative(mid) - ledger.cumulative(a) == sum(
                ledger.rate(t) * ledger.slot_s
                for t in range(a, mid - (mid - a) % ledger.slot_s, ledger.slot_s)
            ) + ledger.rate(mid) * ((mid - a) % ledger.slot_s)


# One commissioned home for the module's read-only profile tests (a start commissions in
# real time and primes the gas mirror with 13 months): they only read its history.
@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def commissioned():
    # on a ManualClock: the joiners' back-off and the interviews cost no host time; the
    # clock then stands still while the tests read (the meters answer in loop turns)
    clock = ManualClock(START)
    gateway = build_gateway(RadioOptions(sim_seed=7, sim_start=START, sim_clock=clock))
    await gateway.start()
    assert await clock.run(gateway.commission_expected(), within=600)
    yield gateway
    await gateway.stop()


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(
    ("label", "periods"),
    [("8 days", 8 * 48), ("5 weeks", 35 * 48), ("13 months", PROFILE_CAPACITY)],
)
async def test_gateway_reads_both_fuels_history(commissioned, label, periods) -> None:
    gateway = commissioned
    h = gateway.config.sim_home
    began = time.perf_counter()
    gas_frames = h.air.frames_down[str(h.gsme.ieee)]
    for meter, unit in ((h.esme, "kWh"), (h.gsme, "m3")):
        intervals = await gateway.read_profile(str(meter.ieee), None, periods)
        assert len(intervals) == periods, label
        last_end = floor_hh(gateway.now())
        assert intervals[-1].end_utc == last_end
        assert intervals[0].start_utc == last_end - periods * HH
        starts = [i.start_utc for i in intervals]
        assert all(b - a == HH for a, b in zip(starts, starts[1:], strict=False))
        assert {i.unit for i in intervals} == {unit}
        # exactly the register's movement (raw units / divisor 1000)
        delta = meter.raw_register_at(last_end) - meter.raw_register_at(intervals[0].start_utc)
        assert sum((i.quantity for i in intervals), Decimal(0)) == Decimal(delta) / 1000
        # an earlier end: the span ending there
        end = last_end - timedelta(days=2, minutes=10)
        older = await gateway.read_profile(str(meter.ieee), end, 48)
        assert older[-1].end_utc == floor_hh(end) and len(older) == 48
        assert older[5].quantity == Decimal(meter.profile_raw(older[5].start_utc)) / 1000
    # the sleeping gas meter was not asked: its history comes from the gateway's mirror
    assert h.air.frames_down[str(h.gsme.ieee)] == gas_frames
    assert time.perf_counter() - began < 10


@pytest.mark.asyncio(loop_scope="module")
async def test_gateway_profile_errors_are_clear(commissioned) -> None:
    gateway = commissioned
    h = gateway.config.sim_home
    with pytest.raises(ProfileUnavailable):
        await gateway.read_profile("00:11:22:33:44:55:66:77", None, 48)
    assert await gateway.read_profile(str(h.esme.ieee), None, 0) == []
    # before the meter's log begins: nothing, not an error
    assert await gateway.read_profile(str(h.esme.ieee), START - timedelta(days=500), 48) == []
    # the IHD has no Metering cluster
    with pytest.raises(ProfileUnavailable, match="Metering"):
        await gateway.read_profile(str(h.ihd.ieee), None, 48)


async def test_gas_gap_is_filled_from_the_meter_after_its_next_push() -> None:
    """Pushes lost while the radio was out leave a gap in the gateway's gas mirror; the
    gateway asks the meter for it in the moment it listens after its next push."""
    # on a ManualClock (it ran at 3600x in real time: six host seconds of waiting, and a
    # busy host's lag moved the outage against the pushes)
    clock = ManualClock(START)
    gateway = build_gateway(RadioOptions(sim_seed=7, sim_clock=clock))
    await gateway.start()
    try:
        assert await clock.run(gateway.commission_expected(), within=300)
        h = gateway.config.sim_home
        outage_start = floor_hh(clock.now()) + 2 * HH + timedelta(minutes=5)
        await clock.run_until(outage_start)
        h.unplug_radio()
        await clock.run_until(outage_start + 3 * HH)
        h.plug_radio()
        await clock.wait_for(lambda: gateway.radio_state == "connected", within=600)
        mirror = gateway._gas_profiles[str(h.gsme.ieee)]
        after = int((outage_start + 3 * HH).timestamp())

        def filled() -> bool:
            return mirror.last_push is not None and mirror.last_push[0] > after and not mirror.gaps

        await clock.wait_for(filled, within=2 * 3600)
        assert mirror.last_push is not None
        end = datetime.fromtimestamp(mirror.last_push[0], UTC)
        assert h.air.frames_down[str(h.gsme.ieee)] > 0  # it was asked, while it listened
        got = await gateway.read_profile(str(h.gsme.ieee), end, 24)
        assert len(got) == 24
        assert [i.quantity for i in got] == [
            Decimal(h.gsme.profile_raw(i.start_utc)) / 1000 for i in got
        ]
    finally:
        await gateway.stop()
