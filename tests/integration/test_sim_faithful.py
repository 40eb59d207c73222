"""The virtual home answers plain zigpy (no gateway) as a real SE network would (issue 8.6).

ZDO: address discovery, Match/Power descriptors, neighbour / routing / binding tables with
paging, Bind/Unbind, NOT_SUPPORTED for the rest. ZCL: Discover Attributes, Read Reporting
Configuration, Write Attributes statuses, Default Response rules, profile checks; reporting
by min / max interval and reportable change; a sleeping gas meter's frames wait in its
parent's queue for its next poll. All on a ManualClock.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import zigpy.exceptions
import zigpy.types as t
from zigpy.util import convert_install_code
from zigpy.zcl import ReportingConfig, foundation
from zigpy.zcl.clusters.smartenergy import Metering
from zigpy.zdo import types as zdo_t

from han_home.shared.han.clock import ManualClock
from han_home.shared.han.se_clusters import SE_PROFILE_ID
from han_home.shared.han.zcl_ids import (
    BASIC_CLUSTER,
    MESSAGING_CLUSTER,
    METERING_CLUSTER,
    PRICE_CLUSTER,
    MeteringAttr,
)
from han_home.shared.sim import codec
from han_home.shared.sim.device import MFG_ELSTER, MFG_LANDIS_GYR, MFG_SECURE_METERS
from han_home.shared.sim.network import COORDINATOR_IEEE, COORDINATOR_NWK

from .sim_helpers import home, started_app

START = datetime(2026, 11, 2, 9, 0, 5, tzinfo=UTC)
SUMMATION = MeteringAttr.current_summ_delivered.id
DEMAND = MeteringAttr.instantaneous_demand.id
ST = foundation.Status


class _Empty(t.Struct):
    """A command with no payload."""


class Net:
    """A plain zigpy coordinator with the home's three devices joined, and what they send."""

    def __init__(self, clock: ManualClock, h: Any, app: Any) -> None:
        self.clock, self.h, self.app = clock, h, app
        self.up: list[tuple[str, int, int, bytes]] = []  # (ieee, profile, cluster, data)
        original = h.air.from_device

        def sniff(device, src_ep, dst_ep, profile, cluster_id, data, tsn):
            self.up.append((str(device.ieee), profile, cluster_id, bytes(data)))
            original(device, src_ep, dst_ep, profile, cluster_id, data, tsn)

        h.air.from_device = sniff

    def dev(self, meter: Any) -> Any:
        return self.app.devices[meter.ieee]

    def cluster(self, meter: Any, cluster_id: int) -> Any:
        return self.dev(meter).endpoints[1].in_clusters[cluster_id]

    async def run(self, awaitable: Any, within: float = 30) -> Any:
        return await self.clock.run(awaitable, within=within)

    def sent(self, meter: Any, cluster_id: int) -> list[bytes]:
        return [d for ieee, _p, c, d in self.up if ieee == str(meter.ieee) and c == cluster_id]


@pytest.fixture
async def net():
    clock = ManualClock(START)
    h = home(seed=5, clock=clock)
    app = await started_app(h)
    h.start()
    devices = (h.esme, h.gsme, h.ihd)
    for d in devices:
        key = convert_install_code(bytes.fromhex(d.label.install_code))
        await app.permit_with_link_key(d.ieee, key, 60)
    await clock.wait_for(
        lambda: all(d.ieee in app.devices and app.devices[d.ieee].is_initialized for d in devices),
        within=60,
    )
    yield Net(clock, h, app)
    await h.stop()
    await app.shutdown()


async def sleep_gas_meter(n: Net) -> None:
    """Configure the gas meter as the gateway does: that ends its pairing mode."""
    metering = n.cluster(n.h.gsme, METERING_CLUSTER)
    await n.run(metering.configure_reporting("current_summ_delivered", 1800, 1800, 1))
    await asleep(n.h.gsme)


async def asleep(gsme: Any) -> None:
    """It listens a moment of the host's time after each exchange (GasMeter.LISTEN_S)."""
    for _ in range(200):
        if not gsme.awake:
            return
        await asyncio.sleep(0.01)
    raise TimeoutError("the gas meter stayed awake")


# ---- ZDO ------------------------------------------------------------------------------
async def test_address_discovery_and_descriptors(net) -> None:
    n, h = net, net.h
    esme = n.dev(h.esme)
    status, ieee, nwk, *_ = await n.run(
        esme.zdo.NWK_addr_req(h.esme.ieee, zdo_t.AddrRequestType.Single, 0)
    )
    assert (status, ieee, nwk) == (zdo_t.Status.SUCCESS, h.esme.ieee, h.esme.nwk)
    status, ieee, nwk, count, start, children = await n.run(
        esme.zdo.IEEE_addr_req(h.esme.nwk, zdo_t.AddrRequestType.Extended, 0)
    )
    assert (status, ieee, nwk, count, children) == (0, h.esme.ieee, h.esme.nwk, 0, [])
    status, *_ = await n.run(esme.zdo.NWK_addr_req(h.gsme.ieee, zdo_t.AddrRequestType.Single, 0))
    assert status == zdo_t.Status.DEVICE_NOT_FOUND  # asked the wrong device, unicast
    # node descriptors carry real manufacturer codes (the CSA's list), not a made-up one
    assert esme.node_desc.manufacturer_code == MFG_LANDIS_GYR == 0x1063
    assert n.dev(h.gsme).node_desc.manufacturer_code == MFG_ELSTER == 0x1057
    assert n.dev(h.ihd).node_desc.manufacturer_code == MFG_SECURE_METERS
    assert esme.node_desc.is_router and n.dev(h.gsme).node_desc.is_end_device
    # power descriptors: mains router; battery end device that wakes periodically
    pd = zdo_t.PowerDescriptor
    status, _nwk, power = await n.run(esme.zdo.Power_Desc_req(h.esme.nwk))
    assert status == 0 and power.current_power_source == pd.PowerSources.MainsPower
    assert power.current_power_mode == pd.CurrentPowerMode.RxOnSyncedWithNodeDesc
    status, _nwk, power = await n.run(n.dev(h.gsme).zdo.Power_Desc_req(h.gsme.nwk))
    assert power.current_power_source == pd.PowerSources.DisposableBattery
    assert power.current_power_mode == pd.CurrentPowerMode.RxOnPeriodically
    assert power.current_power_source_level == pd.PowerSourceLevel.Percent100  # 96 %


async def test_match_descriptor(net) -> None:
    n, h = net, net.h
    esme, ihd = n.dev(h.esme), n.dev(h.ihd)
    status, _nwk, match = await n.run(
        esme.zdo.Match_Desc_req(h.esme.nwk, SE_PROFILE_ID, [METERING_CLUSTER], [])
    )
    assert (status, match) == (0, [1])
    # on the HA profile the SE endpoint does not match, whatever the clusters
    _s, _nwk, match = await n.run(
        esme.zdo.Match_Desc_req(h.esme.nwk, 0x0104, [METERING_CLUSTER], [])
    )
    assert match == []
    # the IHD is a Metering client: it matches the output list, not the input list
    _s, _nwk, match = await n.run(
        ihd.zdo.Match_Desc_req(h.ihd.nwk, SE_PROFILE_ID, [], [METERING_CLUSTER])
    )
    assert match == [1]
    _s, _nwk, match = await n.run(
        ihd.zdo.Match_Desc_req(h.ihd.nwk, SE_PROFILE_ID, [METERING_CLUSTER], [])
    )
    assert match == []


async def test_neighbour_table_is_paged_and_true_to_the_spec(net) -> None:
    n, h = net, net.h
    esme = n.dev(h.esme)
    status, first = await n.run(esme.zdo.Mgmt_Lqi_req(0))
    assert status == 0 and first.Entries == 3 and first.StartIndex == 0
    by_ieee = {e.ieee: e for e in first.NeighborTableList}
    nb = zdo_t.Neighbor
    coordinator = by_ieee[COORDINATOR_IEEE]
    assert coordinator.nwk == COORDINATOR_NWK and coordinator.depth == 0
    assert coordinator.relationship == nb.Relationship.Parent
    assert coordinator.device_type == nb.DeviceType.Coordinator
    gas = by_ieee[h.gsme.ieee]  # overheard end device: not its child, receiver off
    assert gas.device_type == nb.DeviceType.EndDevice
    assert gas.rx_on_when_idle == nb.RxOnWhenIdle.Off
    assert gas.relationship == nb.Relationship.NoneOfTheAbove
    ihd = by_ieee[h.ihd.ieee]
    assert ihd.relationship == nb.Relationship.Sibling and ihd.rx_on_when_idle == nb.RxOnWhenIdle.On
    assert ihd.lqi == min(h.esme.lqi, h.ihd.lqi)
    assert all(
        e.extended_pan_id == n.app.state.network_info.extended_pan_id for e in by_ieee.values()
    )
    # paging: from index 1, and past the end (the total, no entries)
    _s, rest = await n.run(esme.zdo.Mgmt_Lqi_req(1))
    assert (
        rest.StartIndex == 1 and list(rest.NeighborTableList) == list(first.NeighborTableList)[1:]
    )
    _s, past = await n.run(esme.zdo.Mgmt_Lqi_req(7))
    assert past.Entries == 3 and list(past.NeighborTableList) == []
    # an end device knows only its parent
    _s, gas_table = await n.run(n.dev(h.gsme).zdo.Mgmt_Lqi_req(0))
    assert [e.ieee for e in gas_table.NeighborTableList] == [COORDINATOR_IEEE]


async def test_routing_table_of_the_mains_meter(net) -> None:
    n, h = net, net.h
    status, routes = await n.run(n.dev(h.esme).zdo.Mgmt_Rtg_req(0))
    assert status == 0 and routes.Entries == len(routes.RoutingTableList) == 2
    to_hub = routes.RoutingTableList[0]
    assert to_hub.DstNWK == COORDINATOR_NWK and to_hub.NextHop == COORDINATOR_NWK
    assert to_hub.ManyToOne == 1 and to_hub.RouteStatus == zdo_t.RouteStatus.Active
    assert {r.DstNWK for r in routes.RoutingTableList} == {COORDINATOR_NWK, h.ihd.nwk}
    status, *_ = await n.run(n.dev(h.gsme).zdo.Mgmt_Rtg_req(0))
    assert status == zdo_t.Status.NOT_SUPPORTED  # an end device routes nothing


async def test_bind_unbind_and_the_binding_table(net) -> None:
    n, h = net, net.h
    esme = n.dev(h.esme)
    clusters = [METERING_CLUSTER, PRICE_CLUSTER, MESSAGING_CLUSTER, BASIC_CLUSTER]
    for cid in clusters:
        assert (await n.run(n.cluster(h.esme, cid).bind()))[0] == zdo_t.Status.SUCCESS
    await n.run(n.cluster(h.esme, METERING_CLUSTER).bind())  # again: one entry still
    status, total, start, page = await n.run(esme.zdo.Mgmt_Bind_req(0))
    assert (status, total, start, len(page)) == (0, 4, 0, 3)
    _s, _total, start, page2 = await n.run(esme.zdo.Mgmt_Bind_req(3))
    assert start == 3 and len(page2) == 1
    entries = [*page, *page2]
    assert [e.ClusterId for e in entries] == clusters
    assert all(
        e.SrcAddress == h.esme.ieee and e.DstAddress.ieee == COORDINATOR_IEEE for e in entries
    )
    assert (await n.run(n.cluster(h.esme, PRICE_CLUSTER).unbind()))[0] == zdo_t.Status.SUCCESS
    assert (await n.run(n.cluster(h.esme, PRICE_CLUSTER).unbind()))[0] == zdo_t.Status.NO_ENTRY
    _s, total, _start, _page = await n.run(esme.zdo.Mgmt_Bind_req(0))
    assert total == 3
    dst = zdo_t.MultiAddress(addrmode=3, ieee=COORDINATOR_IEEE, endpoint=1)
    status, *_ = await n.run(esme.zdo.Bind_req(h.esme.ieee, 9, METERING_CLUSTER, dst))
    assert status == zdo_t.Status.INVALID_EP
    status, *_ = await n.run(esme.zdo.Bind_req(h.ihd.ieee, 1, METERING_CLUSTER, dst))
    assert status == zdo_t.Status.NOT_SUPPORTED  # no binding cache for other devices


async def test_unknown_zdo_requests_get_not_supported(net) -> None:
    n, h = net, net.h
    esme = n.dev(h.esme)
    # Mgmt_NWK_Update_req is not served: a real stack answers NOT_SUPPORTED, status only
    update = zdo_t.NwkUpdate(ScanChannels=t.Channels.ALL_CHANNELS, ScanDuration=0xFE, nwkUpdateId=1)
    before = len(n.up)
    await n.run(esme.zdo.request(zdo_t.ZDOCmd.Mgmt_NWK_Update_req, update, expect_reply=False))
    await n.clock.settle()
    ((ieee, profile, cluster, data),) = n.up[before:]
    assert (ieee, profile, cluster) == (str(h.esme.ieee), 0, 0x8038)
    assert data[1:] == bytes([zdo_t.Status.NOT_SUPPORTED])
    # a request zigpy has no name for (Complex_Desc_req, 0x0010)
    before = len(n.up)
    await n.run(
        esme.request(
            0, 0x0010, 0, 0, 0x42, bytes([0x42]) + h.esme.nwk.serialize(), expect_reply=False
        )
    )
    await n.clock.settle()
    ((_ieee, _p, cluster, data),) = n.up[before:]
    assert cluster == 0x8010 and data[:2] == bytes([0x42, zdo_t.Status.NOT_SUPPORTED])


# ---- ZCL ------------------------------------------------------------------------------
async def test_discover_attributes_gives_the_real_list_with_types(net) -> None:
    n, h = net, net.h
    metering = n.cluster(h.esme, METERING_CLUSTER)
    rsp = await n.run(metering.discover_attributes(0, 255))
    assert rsp.discovery_complete
    found = {r.attrid: r.datatype for r in rsp.attribute_info}
    assert set(found) == set(h.esme.endpoints[1].servers[METERING_CLUSTER])
    for attr_id, datatype in found.items():
        assert datatype == Metering.attributes[attr_id].zcl_type
    assert found[SUMMATION] == foundation.DataTypeId.uint48
    assert found[DEMAND] == foundation.DataTypeId.int24
    # paged: three at a time from an id on
    page = await n.run(metering.discover_attributes(0x0300, 3))
    assert not page.discovery_complete
    assert [r.attrid for r in page.attribute_info] == sorted(a for a in found if a >= 0x0300)[:3]


async def test_write_attributes_statuses(net) -> None:
    n, h = net, net.h
    metering = n.cluster(h.esme, METERING_CLUSTER)
    rsp = await n.run(
        metering.write_attributes_raw(
            [foundation.Attribute(SUMMATION, codec.type_value(METERING_CLUSTER, SUMMATION, 0))]
        )
    )
    assert [(r.status, r.attrid) for r in rsp[0]] == [(ST.READ_ONLY, SUMMATION)]
    unknown = foundation.Attribute(
        0x0777, foundation.TypeValue(foundation.DataTypeId.uint8, t.uint8_t(1))
    )
    rsp = await n.run(metering.write_attributes_raw([unknown]))
    assert [(r.status, r.attrid) for r in rsp[0]] == [(ST.UNSUPPORTED_ATTRIBUTE, 0x0777)]
    # the one writable attribute: Basic's location description
    basic = n.cluster(h.esme, BASIC_CLUSTER)
    rsp = await n.run(basic.write_attributes({"location_desc": "Under the stairs"}))
    assert [r.status for r in rsp[0]] == [ST.SUCCESS]
    got, _ = await n.run(basic.read_attributes(["location_desc"], allow_cache=False))
    assert got["location_desc"] == "Under the stairs"
    # wrong type: INVALID_DATA_TYPE, and nothing written
    wrong = foundation.Attribute(
        0x0010, foundation.TypeValue(foundation.DataTypeId.uint8, t.uint8_t(1))
    )
    rsp = await n.run(basic.write_attributes_raw([wrong]))
    assert [r.status for r in rsp[0]] == [ST.INVALID_DATA_TYPE]


async def test_unknown_commands_and_clusters_get_the_statuses_a_device_sends(net) -> None:
    n, h = net, net.h
    metering = n.cluster(h.esme, METERING_CLUSTER)
    # RequestFastPollMode (0x03) exists in zigpy's Metering but this meter does not serve it
    rsp = await n.run(metering.request_fast_poll_mode(fast_poll_update_period=2, duration=1))
    assert (rsp.command_id, rsp.status) == (0x03, ST.UNSUP_CLUSTER_COMMAND)
    # a general command the device does not implement (Discover Commands Received)
    rsp = await n.run(metering.discover_commands_received(0, 10))
    assert rsp.status == ST.UNSUP_GENERAL_COMMAND  # ZCL 7, ZCLVersion 3; ZCL 8: 0x81
    # another maker's manufacturer-specific command
    rsp = await n.run(metering.request(False, 0x10, _Empty, manufacturer=0x1002))
    assert rsp.status == ST.UNSUP_MANUF_CLUSTER_COMMAND
    # a cluster the endpoint does not have
    on_off = n.dev(h.esme).endpoints[1].add_input_cluster(0x0006)
    rsp = await n.run(on_off.read_attributes_raw([0]))
    assert (rsp.command_id, rsp.status) == (
        foundation.GeneralCommand.Read_Attributes,
        ST.UNSUPPORTED_CLUSTER,
    )


async def test_default_response_bit_is_respected(net) -> None:
    n, h = net, net.h
    messaging = n.cluster(h.esme, MESSAGING_CLUSTER)

    def confirmations() -> list[bytes]:
        return [
            d
            for d in n.sent(h.esme, MESSAGING_CLUSTER)
            if d[2] == foundation.GeneralCommand.Default_Response
        ]

    args = {"message_id": 1, "confirmation_time": 0}
    rsp = await n.run(messaging.message_confirmation(**args))  # zigpy: bit clear
    assert (rsp.command_id, rsp.status) == (0x01, ST.SUCCESS)
    assert len(confirmations()) == 1
    await n.run(
        messaging.message_confirmation(**args, disable_default_response=True, expect_reply=False)
    )
    await n.clock.settle()
    assert len(confirmations()) == 1  # success with the bit set: no answer
    # an error is answered whatever the bit says: GetLastMessage before any message
    rsp = await n.run(messaging.get_last_message(disable_default_response=True))
    assert rsp.status == ST.NOT_FOUND


async def test_a_frame_on_the_wrong_profile_is_dropped(net) -> None:
    n, h = net, net.h
    esme = n.dev(h.esme)
    read = codec.zcl_general(
        0x33,
        foundation.GeneralCommand.Read_Attributes,
        {"attribute_ids": [SUMMATION]},
        from_server=False,
        disable_default_response=False,
    )
    before = len(n.sent(h.esme, METERING_CLUSTER))
    await n.run(esme.request(0x0104, METERING_CLUSTER, 1, 1, 0x33, read, expect_reply=False))
    await n.clock.settle()
    assert len(n.sent(h.esme, METERING_CLUSTER)) == before  # HA profile: dropped
    await n.run(
        esme.request(
            SE_PROFILE_ID,
            METERING_CLUSTER,
            1,
            1,
            0x34,
            read[:1] + b"\x34" + read[2:],
            expect_reply=False,
        )
    )
    await n.clock.settle()
    assert len(n.sent(h.esme, METERING_CLUSTER)) == before + 1


async def test_read_attributes_gives_the_register_as_it_is_now(net) -> None:
    n, h = net, net.h
    metering = n.cluster(h.esme, METERING_CLUSTER)
    for _ in range(3):
        got, _ = await n.run(
            metering.read_attributes(["current_summ_delivered"], allow_cache=False)
        )
        assert got["current_summ_delivered"] == h.esme.raw_register_at(n.clock.now())
        await n.clock.advance(3600 + 17)


# ---- reporting ------------------------------------------------------------------------
def reports(n: Net, meter: Any, cluster_id: int, attr_id: int) -> list[int]:
    out = []
    for data in n.sent(meter, cluster_id):
        hdr, args = codec.decode_zcl(cluster_id, data)
        if hdr.command_id == foundation.GeneralCommand.Report_Attributes:
            out += [int(r.value.value) for r in args.attribute_reports if r.attrid == attr_id]
    return out


async def read_reporting_configuration(cluster: Any, attr_ids: list[int]) -> Any:
    """zigpy 2.4 has no helper for Read Reporting Configuration: the general command."""
    records = [foundation.ReadReportingConfigRecord(direction=0, attrid=a) for a in attr_ids]
    return await cluster.general_command(
        foundation.GeneralCommand.Read_Reporting_Configuration, records
    )


async def test_read_reporting_configuration_gives_what_was_configured(net) -> None:
    n, h = net, net.h
    metering = n.cluster(h.esme, METERING_CLUSTER)
    await n.run(metering.configure_reporting("current_summ_delivered", 30, 600, 5))
    await n.run(metering.configure_reporting("status", 1, 900, 0))
    rsp = await n.run(
        read_reporting_configuration(metering, [SUMMATION, MeteringAttr.status.id, DEMAND, 0x0777])
    )
    by_attr = {r.config.attrid: r for r in rsp.attribute_configs}
    summ = by_attr[SUMMATION]
    assert summ.status == ST.SUCCESS
    assert (summ.config.min_interval, summ.config.max_interval, summ.config.reportable_change) == (
        30,
        600,
        5,
    )
    assert summ.config.datatype == foundation.DataTypeId.uint48
    assert by_attr[MeteringAttr.status.id].config.max_interval == 900  # discrete: no change
    assert by_attr[DEMAND].status == ST.NOT_FOUND  # never configured
    assert by_attr[0x0777].status == ST.UNSUPPORTED_ATTRIBUTE
    # 0xFFFF: reporting off, and the configuration is gone
    await n.run(metering.configure_reporting("current_summ_delivered", 30, 0xFFFF, 5))
    rsp = await n.run(read_reporting_configuration(metering, [SUMMATION]))
    assert rsp.attribute_configs[0].status == ST.NOT_FOUND
    before = reports(n, h.esme, METERING_CLUSTER, SUMMATION)
    await n.clock.advance(3600)
    assert reports(n, h.esme, METERING_CLUSTER, SUMMATION) == before


async def test_reports_follow_min_max_and_reportable_change(net) -> None:
    n, h = net, net.h
    metering = n.cluster(h.esme, METERING_CLUSTER)
    await n.run(
        metering.configure_reporting_multiple(
            {
                Metering.AttributeDefs.current_summ_delivered: ReportingConfig(
                    30, 900, 50
                ),  # 50 Wh
                Metering.AttributeDefs.instantaneous_demand: ReportingConfig(1, 10, 1),
            }
        )
    )
    began = n.clock.now()
    n.up.clear()
    stamps: list[tuple[datetime, int]] = []
    original = h.esme.report_values

    def record(ep_id, cluster_id, values):
        stamps.extend((n.clock.now(), v) for a, v in values if a == SUMMATION)
        original(ep_id, cluster_id, values)

    h.esme.report_values = record
    await n.clock.advance(6 * 3600)
    sent = reports(n, h.esme, METERING_CLUSTER, SUMMATION)
    assert [v for _w, v in stamps] == sent and len(sent) > 6
    previous_t, previous_v = began, None
    for when, value in stamps:
        gap = (when - previous_t).total_seconds()
        assert gap <= 900  # never later than the maximum
        if previous_v is None:
            assert when.timestamp() % 900 == 0  # the first: on its maximum interval's grid
        else:
            assert gap >= 30  # never before the minimum interval
        if previous_v is not None and gap < 900:
            assert value - previous_v >= 50  # early only when it moved by the change
        assert value == h.esme.raw_register_at(when)
        previous_t, previous_v = when, value
    # demand: constant for 10 s slots, so a report per slot (it changes) and never faster
    demand_frames = reports(n, h.esme, METERING_CLUSTER, DEMAND)
    assert 0.9 * 6 * 360 <= len(demand_frames) <= 6 * 360 + 1
    # a change too large to reach: reports at the maximum interval only
    await n.run(metering.configure_reporting("current_summ_delivered", 30, 600, 10**9))
    stamps.clear()
    await n.clock.advance(3600)
    gaps = [(b[0] - a[0]).total_seconds() for a, b in zip(stamps, stamps[1:], strict=False)]
    assert gaps and set(gaps) == {600.0}


# ---- the sleeping gas meter ---------------------------------------------------------
async def test_frames_to_the_sleeping_gas_meter_wait_for_its_poll(net) -> None:
    n, h = net, net.h
    await sleep_gas_meter(n)
    metering = n.cluster(h.gsme, METERING_CLUSTER)
    asked_at = n.clock.now()
    next_push = datetime.fromtimestamp((int(asked_at.timestamp()) // 1800 + 1) * 1800, UTC)
    got, _ = await n.run(
        metering.read_attributes(["current_summ_delivered"], allow_cache=False), within=1900
    )
    # answered when it woke for its push and polled its parent, not before
    assert n.clock.now() >= next_push
    assert got["current_summ_delivered"] == h.gsme.raw_register_at(n.clock.now())
    assert not h.air.held.get(h.gsme.ieee)
    # the parent's buffer is bounded: a fifth frame waiting for it is refused
    await asleep(h.gsme)
    frame = t.ZigbeePacket(
        src=t.AddrModeAddress(addr_mode=t.AddrMode.NWK, address=COORDINATOR_NWK),
        src_ep=1,
        dst=t.AddrModeAddress(addr_mode=t.AddrMode.NWK, address=h.gsme.nwk),
        dst_ep=1,
        tsn=1,
        profile_id=SE_PROFILE_ID,
        cluster_id=METERING_CLUSTER,
        data=t.SerializableBytes(
            codec.zcl_general(
                1,
                foundation.GeneralCommand.Read_Attributes,
                {"attribute_ids": [SUMMATION]},
                from_server=False,
            )
        ),
    )
    assert [h.air.send_down(frame) for _ in range(4)] == [None] * 4
    assert h.air.send_down(frame) == t.MACStatus.MAC_TRANSACTION_OVERFLOW
    with pytest.raises(zigpy.exceptions.DeliveryError):
        await n.app.send_packet(frame)
    before = len(n.sent(h.gsme, METERING_CLUSTER))
    await n.clock.advance(1800)
    assert not h.air.held.get(h.gsme.ieee)
    assert len(n.sent(h.gsme, METERING_CLUSTER)) >= before + 4  # push + the 4 answers


async def test_held_frames_expire_when_the_child_never_polls(net) -> None:
    n, h = net, net.h
    await sleep_gas_meter(n)
    frame = t.ZigbeePacket(
        src=t.AddrModeAddress(addr_mode=t.AddrMode.NWK, address=COORDINATOR_NWK),
        src_ep=0,
        dst=t.AddrModeAddress(addr_mode=t.AddrMode.NWK, address=h.gsme.nwk),
        dst_ep=0,
        tsn=9,
        profile_id=0,
        cluster_id=0x0031,
        data=t.SerializableBytes(b"\x09\x00"),
    )
    assert h.air.send_down(frame) is None
    h.gsme.POLL_INTERVAL_S = 60  # type: ignore[misc]  # it would have polled long before
    h.air.held[h.gsme.ieee][0] = (n.clock.now().timestamp() + 66, frame)
    await n.clock.advance(timedelta(minutes=31).total_seconds())
    assert h.air.frames_expired[str(h.gsme.ieee)] == 1


async def test_broadcast_address_discovery_is_answered_by_the_device_asked_for(net) -> None:
    n, h = net, net.h
    before = len(n.up)
    for target, tsn in ((h.esme, 0x51), (h.gsme, 0x52)):
        request = zdo_t.ZDOCmd.NWK_addr_req
        data = codec.encode_zdo(tsn, request, [target.ieee, zdo_t.AddrRequestType.Single, 0])
        await n.app.send_packet(
            t.ZigbeePacket(
                src=t.AddrModeAddress(addr_mode=t.AddrMode.NWK, address=COORDINATOR_NWK),
                src_ep=0,
                dst=t.AddrModeAddress(
                    addr_mode=t.AddrMode.Broadcast, address=t.BroadcastAddress.RX_ON_WHEN_IDLE
                ),
                dst_ep=0,
                tsn=tsn,
                profile_id=0,
                cluster_id=request,
                data=t.SerializableBytes(data),
            )
        )
        await n.clock.settle()
    answers = n.up[before:]
    # only the ESME answers for itself; nobody answers for a sleeping end device (its
    # parent would, from its table: the coordinator is the radio itself here)
    assert [(ieee, cluster) for ieee, _p, cluster, _d in answers] == [(str(h.esme.ieee), 0x8000)]
    _tsn, (status, ieee, nwk, *_rest) = codec.decode_zdo(0x8000, answers[0][3])
    assert (status, ieee, nwk) == (zdo_t.Status.SUCCESS, h.esme.ieee, h.esme.nwk)
