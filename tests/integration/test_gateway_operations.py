"""The gateway's public operations for the installer's tools, on the virtual home: the
installer asks the gateway, never zigpy (the import-linter contract in pyproject.toml)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
import zigpy.types as t

from han_home.shared.han.registry import InstallState
from han_home.shared.han.se_device import SmartEnergyDevice
from han_home.shared.han.setup import RadioOptions, build_gateway
from han_home.shared.han.zcl_ids import BASIC_CLUSTER, METERING_CLUSTER

from .sim_helpers import wait_real as wait_for

START = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)


@pytest.fixture
async def gateway():
    gw = build_gateway(RadioOptions(sim_seed=7, sim_start=START, sim_speed=60))
    gw.config.gas_profile_prime_periods = 0  # the installer's operations, not gas history
    await gw.start()
    assert await gw.commission_expected()
    yield gw
    await gw.stop()


async def test_read_attribute_asks_the_device_now(gateway):
    home = gateway.config.sim_home
    esme = str(home.esme.ieee)
    build = await gateway.read_attribute(esme, BASIC_CLUSTER, "sw_build_id")
    assert build == home.esme.firmware
    register = await gateway.read_attribute(esme, METERING_CLUSTER, "current_summ_delivered")
    assert register == int((home.esme.total_kwh * 1000).to_integral_value()) or register > 0
    # the display has no Metering server: nothing to read, not an error
    assert await gateway.read_attribute(str(home.ihd.ieee), METERING_CLUSTER, "status") is None
    assert await gateway.read_attribute("00:00:00:00:00:00:00:99", BASIC_CLUSTER, 0x4000) is None


async def test_energy_scan_and_channel(gateway):
    home = gateway.config.sim_home
    home.air.interference[20] = 200  # a busy Wi-Fi channel next door
    energy = await gateway.energy_scan([15, 20, 25])
    assert set(energy) == {15, 20, 25}
    assert energy[20] > energy[15] and energy[20] > energy[25]
    assert gateway.network_channel() == home.air.channel


async def test_neighbour_table_lists_what_a_meter_hears_on_its_network(gateway):
    home = gateway.config.sim_home
    table = await gateway.neighbours(str(home.esme.ieee))
    heard = {n.eui64: n.lqi for n in table}
    coordinator = str(gateway.app.state.node_info.ieee)
    assert coordinator in heard
    assert str(home.gsme.ieee) in heard and str(home.ihd.ieee) in heard
    # neighbours' meters are on other networks: never in this network's table
    assert not {str(d.ieee) for d in home.neighbours} & set(heard)
    assert len(table) == len(heard) == 3  # paged: more entries than one frame carries


async def test_reconfigure_redoes_a_devices_setup(gateway):
    events = []
    gateway.subscribe(events.append)
    eui = str(gateway.config.sim_home.esme.ieee)
    assert gateway.reconfigure(eui)
    await wait_for(lambda: any(getattr(e, "kind", None) == "configured" for e in events))
    assert gateway.device(eui).state == InstallState.CONFIGURED
    assert not gateway.reconfigure("00:00:00:00:00:00:00:99")
    assert gateway.link_quality(eui)[0] == gateway.config.sim_home.esme.lqi


def _packet(data: bytes) -> t.ZigbeePacket:
    return t.ZigbeePacket(
        src=t.AddrModeAddress(addr_mode=t.AddrMode.NWK, address=0x1234),
        src_ep=1, dst=t.AddrModeAddress(addr_mode=t.AddrMode.NWK, address=0x0000), dst_ep=1,
        profile_id=0x0109, cluster_id=0x0702, data=t.SerializableBytes(data), lqi=200, rssi=-60,
    )


async def test_malformed_frames_are_debug_noise_but_bugs_are_warnings(gateway, caplog):
    device = next(d for d in gateway.app.devices.values() if isinstance(d, SmartEnergyDevice)
                  and d.nwk != 0)
    before = SmartEnergyDevice.malformed_frames
    with caplog.at_level(logging.DEBUG, logger="han_home.shared.han.se_device"):
        device.packet_received(_packet(b"\x18"))  # a ZCL header cut short
    assert SmartEnergyDevice.malformed_frames == before + 1
    assert [r.levelno for r in caplog.records] == [logging.DEBUG]
    caplog.clear()

    def broken(*_a, **_k):
        raise RuntimeError("a bug in a handler")

    device._parse_packet_header = broken  # a bug anywhere on the frame's path
    with caplog.at_level(logging.DEBUG, logger="han_home.shared.han.se_device"):
        device.packet_received(_packet(bytes.fromhex("18010a00000025e803000000000000")))
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "cluster 0x0702" in warnings[0].getMessage()
    assert "18010a00000025e803" in warnings[0].getMessage()


def test_refused_joiners_are_kept_bounded() -> None:
    """A neighbour's meter retries an open window all day: the gateway keeps the latest
    REFUSED_KEPT refusals (the installer's job counts them per device), not every one."""
    from han_home.shared.han.gateway import REFUSED_KEPT

    gw = build_gateway(RadioOptions(sim_seed=3))
    seen = []
    gw.subscribe(seen.append)
    for n in range(REFUSED_KEPT + 50):
        gw.join_refused(t.EUI64.convert(f"00:0d:6f:00:00:00:{n >> 8:02x}:{n & 0xff:02x}"),
                        200, -60, "not_expected")
    assert len(seen) == REFUSED_KEPT + 50  # every one is still reported as it happens
    assert len(gw.refused) == REFUSED_KEPT
    assert gw.refused[-1].eui64 == "00:0d:6f:00:00:00:00:95"
