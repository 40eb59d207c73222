"""The gateway commissions the virtual home: listed devices join with their install codes,
neighbours and wrong codes are refused, readings flow, and the radio may vanish."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from han_home.shared.energy.readings import Fuel, ReadingKind
from han_home.shared.han.client import (
    DeviceEventKind,
    RadioEvent,
    RadioState,
    ReadingEvent,
    StaleEvent,
)
from han_home.shared.han.gateway import ExpectedDevice
from han_home.shared.han.registry import InstallState, Role
from han_home.shared.han.setup import RadioOptions, build_gateway

from .sim_helpers import wait_for

START = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)


@pytest.fixture
async def gateway():
    gw = build_gateway(RadioOptions(sim_seed=7, sim_start=START, sim_speed=60))
    await gw.start()
    yield gw
    await gw.stop()


async def test_home_devices_join_with_their_install_codes_and_neighbours_are_refused(gateway):
    events = []
    gateway.subscribe(events.append)
    assert await gateway.commission_expected()
    home = gateway.config.sim_home
    own = {str(d.ieee) for d in home.own}
    neighbours = {str(d.ieee) for d in home.neighbours}
    configured = {r.eui64 for r in gateway.devices() if r.state == InstallState.CONFIGURED}
    assert configured == own
    admitted = {str(ieee) for ieee in gateway.app.devices} - {str(gateway.app.state.node_info.ieee)}
    assert admitted == own, "exactly the listed devices are on the network"
    refused = {e.eui64 for e in events if getattr(e, "kind", None) == DeviceEventKind.REFUSED}
    assert refused & neighbours, "neighbours tried during the window and were refused"
    assert not refused & own
    roles = {r.eui64: r.role for r in gateway.devices()}
    assert roles[str(home.esme.ieee)] == Role.ELECTRICITY
    assert roles[str(home.gsme.ieee)] == Role.GAS
    assert roles[str(home.ihd.ieee)] == Role.DISPLAY


async def test_a_wrong_install_code_keeps_the_device_out(gateway):
    home = gateway.config.sim_home
    label = home.esme.label
    other_code = home.gsme.label.install_code  # a valid code, but not this meter's
    events = []
    gateway.subscribe(events.append)
    ok = await gateway.commission(
        [ExpectedDevice.from_install_code(label.eui64, other_code, Role.ELECTRICITY)],
        window_s=3,
        timeout_s=3,
    )
    assert not ok
    assert not home.esme.joined
    assert any(
        e.kind == DeviceEventKind.REFUSED and e.eui64 == label.eui64 and e.detail == "wrong_key"
        for e in events
        if hasattr(e, "kind")
    )


async def test_readings_flow_with_units_and_the_gas_meter_is_never_polled(gateway):
    readings = []
    gateway.subscribe(lambda e: readings.append(e.reading) if isinstance(e, ReadingEvent) else 0)
    assert await gateway.commission_expected()
    home = gateway.config.sim_home
    polls_after_commissioning = home.air.frames_down[str(home.gsme.ieee)]
    home.clock.set_speed(900)
    await wait_for(
        lambda: any(
            r.fuel == Fuel.GAS
            and r.kind == ReadingKind.SUMMATION
            and r.received > START.replace(minute=30)
            for r in readings
        ),
        timeout=60,
    )
    latest = gateway.latest()
    demand = latest[(Fuel.ELECTRICITY, ReadingKind.DEMAND)]
    assert demand.unit == "kW" and 0 < demand.value < 10
    summation = latest[(Fuel.ELECTRICITY, ReadingKind.SUMMATION)]
    assert summation.unit == "kWh"
    # divisor 1000 applied: the meter's register in kWh, not Wh
    assert abs(summation.value - home.esme.register_at(summation.received)) < 1
    gas = latest[(Fuel.GAS, ReadingKind.SUMMATION)]
    assert gas.unit == "m3" and abs(gas.value - home.gsme.m3(gas.received)) < 1
    assert latest[(Fuel.GAS, ReadingKind.CALORIFIC_VALUE)].value == 39.5
    assert latest[(Fuel.ELECTRICITY, ReadingKind.CREDIT)].unit == "GBP"
    assert latest[(Fuel.ELECTRICITY, ReadingKind.PRICE)].value in (
        Decimal("0.135"),
        Decimal("0.275"),
    )
    assert home.air.frames_down[str(home.gsme.ieee)] == polls_after_commissioning


async def test_supplier_message_in_welsh_arrives_whole(gateway):
    readings = []
    gateway.subscribe(lambda e: readings.append(e.reading) if isinstance(e, ReadingEvent) else 0)
    assert await gateway.commission_expected()
    gateway.config.sim_home.clock.set_speed(20000)
    await wait_for(lambda: sum(r.kind == ReadingKind.MESSAGE for r in readings) >= 2, timeout=60)
    texts = [r.text for r in readings if r.kind == ReadingKind.MESSAGE]
    assert any("Cysylltwch â ni" in t for t in texts)  # â survives the air (UTF-8 length)


async def test_radio_vanishes_and_comes_back(gateway):
    events = []
    gateway.subscribe(events.append)
    assert await gateway.commission_expected()
    home = gateway.config.sim_home
    home.unplug_radio()
    await wait_for(lambda: gateway.radio_state != RadioState.CONNECTED, timeout=5)
    # no data arrives while the radio is away, and the demand value goes stale
    await wait_for(lambda: any(isinstance(e, StaleEvent) for e in events), timeout=10)
    await asyncio.sleep(0.5)
    home.plug_radio()
    await wait_for(lambda: gateway.radio_state == RadioState.CONNECTED, timeout=20)
    mark = len(events)
    await wait_for(lambda: any(isinstance(e, ReadingEvent) for e in events[mark:]), timeout=10)
    states = [e.state for e in events if isinstance(e, RadioEvent)]
    assert RadioState.LOST in states and states[-1] == RadioState.CONNECTED
