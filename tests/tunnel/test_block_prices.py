"""Time-of-use AND block prices from a given time, signed by the supplier, through the
real gateway (mutual TLS) and the Tunneling cluster: the meter applies them, its Price
cluster publishes them from the start (PublishBlockPeriod, the thresholds and block
prices), and the display's costs follow from that moment, never before."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from han_home.shared.han.se_clusters import Price
from han_home.shared.han.zcl_ids import PRICE_CLUSTER
from han_home.shared.security import payloads
from han_home.shared.security.profiles import Role
from han_home.shared.security.reasons import Reason
from han_home.shared.security.wan_frames import WanStatus
from han_home.shared.sim import load

from .wan_world import eui_of, wan_world

R1, R2 = (Decimal("0.12"), Decimal("0.28"))  # tier 1 (off-peak), tier 2 (peak): block 1
B1, B2 = ((Decimal("0.15"), Decimal("0.18")), (Decimal("0.33"), Decimal("0.40")))


def test_block_prices_round_trip_and_bad_layouts():
    start = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    change = payloads.TariffChange(start, Decimal("0.5"), (R1, R2),
                                   (Decimal("100"), Decimal("250.5")), (B1, B2))
    assert payloads.TariffChange.decode(change.encode()) == change
    assert change.tier_block_rates(2) == (R2, *B2)
    plain = payloads.TariffChange(start, Decimal("0.5"), (R1, R2))
    assert payloads.TariffChange.decode(plain.encode()) == plain
    with pytest.raises(payloads.PayloadError):  # one block rate missing
        payloads.TariffChange.decode(change.encode()[:-4])
    with pytest.raises(ValueError):  # thresholds must increase
        payloads.TariffChange(start, Decimal("0.5"), (R1,), (Decimal(5), Decimal(5)),
                              ((R1, R1),))
    with pytest.raises(ValueError):  # every tier needs its block rates
        payloads.TariffChange(start, Decimal("0.5"), (R1, R2), (Decimal(5),), ((R1,),))


class _Heard:
    def __init__(self) -> None:
        self.commands: list[tuple[int, object, dt.datetime]] = []
        self.block_period = asyncio.Event()
        self.clock = None

    def cluster_command(self, tsn: int, command_id: int, args: object) -> None:
        self.commands.append((command_id, args, self.clock.now()))
        if command_id == 0x01:
            self.block_period.set()


async def test_block_prices_apply_from_their_start_on_meter_and_display(tmp_path):
    async with wan_world(tmp_path) as w:
        esme, supplier = w.home.esme, w.authors[Role.SUPPLIER]
        clock = w.home.clock
        price = w.gateway._zigpy_device(str(esme.ieee)).endpoints[1].in_clusters[PRICE_CLUSTER]
        heard = _Heard()
        heard.clock = clock
        price.add_listener(heard)
        got, _ = await price.read_attributes(["number_of_block_thresholds_in_use"])
        assert got["number_of_block_thresholds_in_use"] == 0

        # thresholds this month's use has already passed and has not: block 2 now
        month_start = load.local_midnight_ts(clock.now().astimezone(load.LONDON).date()
                                             .replace(day=1))
        used = esme.register_at(clock.now()) - esme.register_at(
            dt.datetime.fromtimestamp(month_start, dt.UTC))
        low, high = (used // 2).quantize(Decimal(1)), (used + 500).quantize(Decimal(1))
        start = (clock.now() + dt.timedelta(seconds=40)).replace(microsecond=0)
        change = payloads.TariffChange(start, Decimal("0.55"), (R1, R2), (low, high),
                                       (B1, B2))
        schedule = w.gateway.tariffs.electricity
        before = schedule.tariff_at(start - dt.timedelta(seconds=1))
        command = supplier.tariff(eui_of(esme), change)
        status, answer = await w.send(eui_of(esme), command)
        assert status is WanStatus.DELIVERED
        assert w.verify(answer, command).reason is Reason.ACCEPTED

        # not before the start: the meter serves no blocks, the display keeps old prices
        assert clock.now() < start
        got, _ = await price.read_attributes(["number_of_block_thresholds_in_use"])
        assert got["number_of_block_thresholds_in_use"] == 0
        assert schedule.tariff_at(start - dt.timedelta(seconds=1)) is before
        assert not heard.block_period.is_set()

        await asyncio.wait_for(heard.block_period.wait(), 10)  # at the start (60x time)
        when = next(at for cid, _a, at in heard.commands if cid == 0x01)
        assert start <= when < start + dt.timedelta(seconds=30)
        block_args = next(a for cid, a, _at in heard.commands if cid == 0x01)
        assert block_args.num_price_tiers_and_num_block_thresholds & 0x0F == 2
        # the PublishPrice sent at the start prices the next unit in block 2 of its tier
        _cid, publish, _at = next(c for c in heard.commands if c[0] == 0x00 and c[2] >= start)
        tier = publish.price_trailing_digit_and_tier & 0x0F
        assert publish.price == int(((B1, B2)[tier - 1][0]) * 10**5)

        names = ["block1_threshold", "block2_threshold", "number_of_block_thresholds_in_use",
                 "threshold_divisor", "tier1_block1_price", "tier1_block2_price",
                 "tier2_block3_price"]
        got, _ = await price.read_attributes(names)
        assert got == {"block1_threshold": int(low * 1000), "block2_threshold": int(high * 1000),
                       "number_of_block_thresholds_in_use": 2, "threshold_divisor": 1000,
                       "tier1_block1_price": int(R1 * 10**5), "tier1_block2_price": 15000,
                       "tier2_block3_price": 40000}
        assert Price.AttributeDefs.tier2_block3_price.id == 0x0422

        # the display: from the start, a half-hour across a threshold is split at it
        after = schedule.tariff_at(start)
        assert schedule.tariff_at(start - dt.timedelta(seconds=1)) is before
        t1 = after.rate_at(start, Decimal(0))
        tier_rates = {R1: (R1, *B1), R2: (R2, *B2)}[t1]
        assert after.price(start, Decimal(2), low - 1) == tier_rates[0] + tier_rates[1]
        assert after.rate_at(start, high) == tier_rates[2]
        assert after.standing_charge_gbp_per_day == Decimal("0.55")
        # and the meter bills the same way: one kWh across the low threshold
        cost = esme.tariff.block_cost(start, Decimal(2), low - 1)
        assert cost == tier_rates[0] + tier_rates[1]


# a plausible head (time, standing charge, 1..3 tiers) and any tail: the block layouts
_PAYLOADS = st.one_of(st.binary(max_size=120), st.builds(
    lambda head, tiers, tail: head + bytes([tiers]) + tail,
    st.binary(min_size=8, max_size=8), st.integers(1, 3), st.binary(max_size=64)))


@settings(max_examples=300, deadline=None)
@given(_PAYLOADS)
def test_any_tariff_payload_either_decodes_or_raises_payload_error(data):
    try:
        change = payloads.TariffChange.decode(data)
    except payloads.PayloadError:
        return
    assert payloads.TariffChange.decode(change.encode()) == change
