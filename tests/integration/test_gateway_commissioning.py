"""The gateway commissions the virtual home: listed devices join with their install codes,
neighbours and wrong codes are refused, readings flow, and the radio may vanish.

The home runs on a ManualClock: simulated time moves only when a test advances it, so
"stale after three intervals" is checked to the second, with no wall-clock wait."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
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
from han_home.shared.han.clock import ManualClock
from han_home.shared.han.gateway import ExpectedDevice, Gateway, GatewayConfig
from han_home.shared.han.registry import InstallState, Role
from han_home.shared.han.setup import ROLE_OF_LABEL, RadioOptions, build_gateway
from han_home.shared.sim.home import DEFAULT_MESSAGES, HomeOptions, VirtualHome
from han_home.shared.sim.meters import SupplierMessage

START = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)


@pytest.fixture
async def gateway():
    gw = build_gateway(RadioOptions(sim_seed=7, sim_clock=ManualClock(START)))
    await gw.start()
    yield gw
    await gw.stop()


def clock_of(gateway) -> ManualClock:
    assert isinstance(gateway.clock, ManualClock)
    return gateway.clock


async def commissioned(gateway) -> bool:
    return await clock_of(gateway).run(gateway.commission_expected(), within=300)


async def test_home_devices_join_with_their_install_codes_and_neighbours_are_refused(gateway):
    events = []
    gateway.subscribe(events.append)
    assert await commissioned(gateway)
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
    clock = clock_of(gateway)
    ok = await clock.run(
        gateway.commission(
            [ExpectedDevice.from_install_code(label.eui64, other_code, Role.ELECTRICITY)],
            window_s=3,
            timeout_s=3,
        ),
        within=10,
    )
    assert not ok
    assert 3 <= clock.elapsed.total_seconds() < 3.2  # gave up when the window ended
    assert not home.esme.joined
    assert any(
        e.kind == DeviceEventKind.REFUSED and e.eui64 == label.eui64 and e.detail == "wrong_key"
        for e in events
        if hasattr(e, "kind")
    )


async def test_readings_flow_with_units_and_the_gas_meter_is_never_polled(gateway):
    readings = []
    gateway.subscribe(lambda e: readings.append(e.reading) if isinstance(e, ReadingEvent) else 0)
    assert await commissioned(gateway)
    home = gateway.config.sim_home
    polls_after_commissioning = home.air.frames_down[str(home.gsme.ieee)]
    await clock_of(gateway).wait_for(
        lambda: any(
            r.fuel == Fuel.GAS
            and r.kind == ReadingKind.SUMMATION
            and r.received >= START.replace(minute=30)
            for r in readings
        ),
        within=3600,
    )
    # the gas meter pushes on its half-hour: received exactly then, not a host-latency later
    pushed = [r for r in readings if r.fuel == Fuel.GAS and r.kind == ReadingKind.SUMMATION]
    assert pushed[-1].received == START.replace(minute=30)
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


async def test_supplier_message_in_welsh_arrives_whole():
    # the home's Welsh message, sent two minutes after joining rather than the next day
    welsh = SupplierMessage(120, DEFAULT_MESSAGES[1].text)
    assert "Cysylltwch â ni" in welsh.text
    clock = ManualClock(START)
    home = VirtualHome(HomeOptions(seed=7, clock=clock, messages=(DEFAULT_MESSAGES[0], welsh)))
    gateway = Gateway(GatewayConfig(radio="sim", sim_home=home, expected=expected_of(home)))
    readings = []
    gateway.subscribe(lambda e: readings.append(e.reading) if isinstance(e, ReadingEvent) else 0)
    await gateway.start()
    try:
        assert await commissioned(gateway)
        await clock.wait_for(
            lambda: sum(r.kind == ReadingKind.MESSAGE for r in readings) >= 2, within=3600
        )
        texts = [r.text for r in readings if r.kind == ReadingKind.MESSAGE]
        assert welsh.text in texts  # whole: â survives the air (UTF-8 length)
    finally:
        await gateway.stop()


def expected_of(home) -> list[ExpectedDevice]:
    return [
        ExpectedDevice.from_install_code(lb.eui64, lb.install_code, ROLE_OF_LABEL[lb.device_type])
        for lb in home.labels()
    ]


async def test_radio_vanishes_and_comes_back(gateway):
    events = []
    gateway.subscribe(events.append)
    assert await commissioned(gateway)
    clock = clock_of(gateway)
    await clock.advance(60)
    home = gateway.config.sim_home
    last_demand = gateway.latest()[(Fuel.ELECTRICITY, ReadingKind.DEMAND)]
    home.unplug_radio()
    unplugged = len(events)
    await clock.wait_for(lambda: gateway.radio_state != RadioState.CONNECTED, within=1)
    # no data arrives while the radio is away, and the demand value goes stale at exactly
    # three times its 10 s interval after the last reading
    await clock.wait_for(lambda: any(isinstance(e, StaleEvent) for e in events), within=60)
    [stale] = [e for e in events if isinstance(e, StaleEvent)]
    assert (stale.fuel, stale.kind) == (Fuel.ELECTRICITY, ReadingKind.DEMAND)
    assert stale.last is last_demand
    assert clock.now() - last_demand.received == timedelta(seconds=30.001)
    assert 30 < stale.age_seconds <= 30.001
    await clock.advance(300)
    assert not any(isinstance(e, ReadingEvent) for e in events[unplugged:])
    home.plug_radio()
    await clock.wait_for(lambda: gateway.radio_state == RadioState.CONNECTED, within=60)
    mark = len(events)
    await clock.wait_for(lambda: any(isinstance(e, ReadingEvent) for e in events[mark:]), within=10)
    states = [e.state for e in events if isinstance(e, RadioEvent)]
    assert RadioState.LOST in states and states[-1] == RadioState.CONNECTED
