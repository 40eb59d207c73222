"""Smart Energy (0x0109) frames reach the gateway through zigpy, not around it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import pytest_asyncio
import zigpy.types as t
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from zigpy.device import Device as PlainZigpyDevice
from zigpy.zcl import foundation

from han_home.shared.han.clock import ManualClock
from han_home.shared.han.se_clusters import SE_PROFILE_ID
from han_home.shared.han.se_device import SmartEnergyDevice
from han_home.shared.sim import codec

from .sim_helpers import home, started_app

METERING = 0x0702


def report_frame(demand_w: int, tsn: int = 9) -> bytes:
    return codec.zcl_general(
        tsn,
        foundation.GeneralCommand.Report_Attributes,
        {
            "attribute_reports": [
                foundation.Attribute(0x0400, codec.type_value(METERING, 0x0400, demand_w))
            ]
        },
        from_server=True,
    )


def se_packet(
    nwk: int, data: bytes, *, profile: int = SE_PROFILE_ID, cluster: int = METERING
) -> t.ZigbeePacket:
    return t.ZigbeePacket(
        src=t.AddrModeAddress(addr_mode=t.AddrMode.NWK, address=t.NWK(nwk)),
        src_ep=1,
        dst=t.AddrModeAddress(addr_mode=t.AddrMode.NWK, address=t.NWK(0)),
        dst_ep=1,
        tsn=data[1] if len(data) > 1 else 0,
        profile_id=profile,
        cluster_id=cluster,
        data=t.SerializableBytes(data),
        lqi=200,
        rssi=-60,
    )


async def joined_meter():
    clock = ManualClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    h = home(seed=3, clock=clock)
    app = await started_app(h)
    h.start()
    label = h.esme.label
    from zigpy.util import convert_install_code

    await app.permit_with_link_key(
        h.esme.ieee, convert_install_code(bytes.fromhex(label.install_code)), 30
    )
    await clock.wait_for(
        lambda: h.esme.ieee in app.devices and app.devices[h.esme.ieee].is_initialized, within=30
    )
    return h, app, app.devices[h.esme.ieee]


async def test_a_real_se_report_arrives_as_a_zigpy_attribute_report() -> None:
    h, app, device = await joined_meter()
    try:
        assert isinstance(device, SmartEnergyDevice)
        seen = []
        device.endpoints[1].in_clusters[METERING].on_event(
            "attribute_report", lambda ev: seen.append((ev.attribute_name, ev.value))
        )
        app.packet_received(se_packet(device.nwk, report_frame(1234)))
        assert seen == [("instantaneous_demand", 1234)]
    finally:
        await h.stop()
        await app.shutdown()


async def test_a_repeated_frame_is_dropped_only_within_ten_simulated_seconds() -> None:
    """zigpy's duplicate filter counts the air's seconds: a day of reports run in a few real
    seconds (fast or manual clock) is not thinned by how quickly the host happened to run."""
    h, app, device = await joined_meter()
    try:
        seen = []
        device.endpoints[1].in_clusters[METERING].on_event(
            "attribute_report", lambda ev: seen.append(ev.value)
        )
        frame = se_packet(device.nwk, report_frame(4321, tsn=50))
        app.packet_received(frame)
        app.packet_received(frame)  # a retransmission straight away: dropped
        await h.clock.advance(9)
        app.packet_received(frame)  # still inside the window: dropped
        await h.clock.advance(2)
        app.packet_received(frame)  # the same bytes 11 simulated seconds on: a new report
        assert seen == [4321, 4321]
    finally:
        await h.stop()
        await app.shutdown()


async def test_plain_zigpy_device_drops_the_same_frame() -> None:
    """Documents why SmartEnergyDevice exists: zigpy 2.4 ignores profile 0x0109.
    If zigpy learns Smart Energy, this fails and the work-around can go."""
    h, app, device = await joined_meter()
    try:
        plain = PlainZigpyDevice(app, device.ieee, device.nwk)
        plain.node_desc = device.node_desc
        ep = plain.add_endpoint(1)
        ep.profile_id = SE_PROFILE_ID
        ep.add_input_cluster(METERING)
        ep.status = device.endpoints[1].status
        plain.status = device.status
        seen = []
        ep.in_clusters[METERING].on_event("attribute_report", seen.append)
        plain.packet_received(se_packet(device.nwk, report_frame(1234, tsn=77)))
        assert seen == []
    finally:
        await h.stop()
        await app.shutdown()


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def shared_meter():
    # Hypothesis runs every example on one event loop; interview the meter once.
    h, app, device = await joined_meter()
    yield h, app, device
    await h.stop()
    await app.shutdown()


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def shared_gateway():
    from han_home.shared.han.setup import RadioOptions, build_gateway

    clock = ManualClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    gw = build_gateway(RadioOptions(sim_seed=5, sim_clock=clock))
    gw.config.gas_profile_prime_periods = 0  # frames are the point here, not gas history
    await gw.start()
    assert await clock.run(gw.commission_expected(), within=300)
    yield gw
    await gw.stop()


@pytest.mark.asyncio(loop_scope="module")
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
async def test_garbage_and_mutated_frames_never_crash_the_gateway(shared_meter, data) -> None:
    h, app, device = shared_meter
    good = report_frame(1500)
    mode = data.draw(st.sampled_from(["random", "mutate", "truncate"]))
    if mode == "random":
        frame = data.draw(st.binary(max_size=64))
    elif mode == "mutate":
        frame = bytearray(good)
        for _ in range(data.draw(st.integers(1, 4))):
            i = data.draw(st.integers(0, len(frame) - 1))
            frame[i] = data.draw(st.integers(0, 255))
        frame = bytes(frame)
    else:
        frame = good[: data.draw(st.integers(0, len(good) - 1))]
    cluster = data.draw(st.sampled_from([METERING, 0x0700, 0x0703, 0x0705, 0x0000, 0x1234]))
    src_ep = data.draw(st.sampled_from([0, 1, 7]))
    packet = se_packet(device.nwk, frame, cluster=cluster)
    packet = packet.replace(src_ep=src_ep)
    app.packet_received(packet)  # must not raise
    # and the gateway still hears a good report afterwards
    seen = []
    unsub = (
        device.endpoints[1]
        .in_clusters[METERING]
        .on_event("attribute_report", lambda ev: seen.append(ev.value))
    )
    # a fresh value each time: zigpy rightly drops an identical frame repeated at once
    _SHARED["n"] = int(_SHARED.get("n", 0)) + 1  # type: ignore[call-overload]
    app.packet_received(se_packet(device.nwk, report_frame(10_000 + int(_SHARED["n"]))))
    unsub()
    assert len(seen) == 1


_SHARED: dict[str, object] = {}


@pytest.mark.asyncio(loop_scope="module")
@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
async def test_mutated_frames_through_the_whole_gateway_never_stop_live_readings(
    shared_gateway, data
) -> None:
    from han_home.shared.han.client import ReadingEvent

    gw = shared_gateway
    home = gw.config.sim_home
    device = gw.app.devices[home.esme.ieee]
    attr = data.draw(st.sampled_from([0x0000, 0x0400, 0x0A00, 0x0401, 0x0100]))
    good = codec.zcl_general(
        3,
        foundation.GeneralCommand.Report_Attributes,
        {"attribute_reports": [foundation.Attribute(attr, codec.type_value(METERING, attr, 42))]},
        from_server=True,
    )
    frame = bytearray(good)
    for _ in range(data.draw(st.integers(1, 3))):
        frame[data.draw(st.integers(0, len(frame) - 1))] = data.draw(st.integers(0, 255))
    cluster = data.draw(st.sampled_from([METERING, 0x0700, 0x0705, 0x0703]))
    gw.app.packet_received(se_packet(device.nwk, bytes(frame), cluster=cluster))
    seen = []
    unsubscribe = gw.subscribe(lambda e: seen.append(e) if isinstance(e, ReadingEvent) else None)
    _SHARED["n"] = int(_SHARED.get("n", 0)) + 1  # type: ignore[call-overload]
    gw.app.packet_received(se_packet(device.nwk, report_frame(20_000 + int(_SHARED["n"]))))
    unsubscribe()
    assert [e.reading.kind for e in seen] == ["demand"]
