"""A virtual Zigbee device: answers ZDO and ZCL with real bytes, joins with its install code."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import zigpy.types as t
import zigpy.util
from zigpy.zcl import foundation
from zigpy.zcl.clusters.general import Basic
from zigpy.zdo import types as zdo_t

from han_home.shared.han.se_clusters import SE_PROFILE_ID
from han_home.shared.han.zcl_ids import BASIC_CLUSTER, IDENTIFY_CLUSTER, attribute_table
from han_home.shared.sim import codec
from han_home.shared.sim.network import COORDINATOR_IEEE, COORDINATOR_NWK, EXTENDED_PAN_ID

if TYPE_CHECKING:
    from han_home.shared.sim.air import VirtualAir

LOGGER = logging.getLogger(__name__)

AttrGetter = Callable[[], Any]
ZDO_PROFILE = 0x0000

# ZigBee Alliance (CSA) manufacturer codes, as Wireshark's packet-zbee.h lists them: the
# virtual devices carry makers' codes that GB meters really carry, not a made-up 0x1234.
MFG_LANDIS_GYR = 0x1063  # electricity meters
MFG_ELSTER = 0x1057  # gas meters (Elster, now Honeywell)
MFG_SECURE_METERS = 0x1084  # Secure Meters (UK): meters and in-home displays
MFG_SILICON_LABS = 0x1049  # the coordinator's radio (EmberZNet sticks report it)


LEAVE_REJOIN = 0x80  # Mgmt_Leave_req options: rejoin after leaving (0x40: remove children)


@dataclass
class VirtualEndpoint:
    endpoint_id: int
    device_type: int
    # server clusters: cluster id -> attribute id -> value or zero-argument getter
    servers: dict[int, dict[int, Any]]
    clients: list[int] = field(default_factory=list)
    profile: int = SE_PROFILE_ID


@dataclass(frozen=True)
class DeviceLabel:
    """What is printed on the box: read by the engineer, scanned as a QR code."""

    eui64: str
    install_code: str  # hex, 36 digits incl. CRC
    device_type: str  # electricity_meter | gas_meter | display | other
    home: str = "this"  # this | neighbour-N: whose premises the device is in
    site_id: str = ""  # a meter's MPAN core (electricity) or MPRN (gas)
    serial: str = ""  # the serial number printed on a meter's case

    @property
    def qr(self) -> str:
        return f"Z:{self.eui64.replace(':', '').upper()}$I:{self.install_code}"


class VirtualDevice:
    """Base of every virtual home device. Subclasses add endpoints and behaviour."""

    role = "other"
    sleepy = False
    manufacturer = "Virtual Home"
    manufacturer_code = MFG_SECURE_METERS
    model = "SIM"
    firmware = "1.0.0"
    SAMPLE_S = 10  # the device refreshes its values (and checks its reports) this often
    BINDING_TABLE_SIZE = 16
    MGMT_ENTRIES_PER_FRAME = 3  # neighbour (22 octets) / binding (21) entries in one frame
    MGMT_ROUTES_PER_FRAME = 10  # routing entries are 5 octets
    WRITABLE = frozenset({(BASIC_CLUSTER, Basic.AttributeDefs.location_desc.id)})

    def __init__(self, air: VirtualAir, ieee: str, install_code: bytes, home: str) -> None:
        self.air = air
        self.ieee = t.EUI64.convert(ieee)
        self.install_code = install_code
        self.link_key = zigpy.util.convert_install_code(install_code)
        self.home = home
        # a meter's premises id (SiteID 0x0307: MPAN core or MPRN) and its case's serial
        # number (MeterSerialNumber 0x0308); set by the home, empty on other devices
        self.site_id = ""
        self.serial = ""
        self.sit_out_window = False  # told to leave for good: waits for the next window
        self.nwk: t.NWK | None = None
        self.awake = True  # sleepy devices stay awake while commissioning
        self.lqi = 200
        self.rssi = -60
        self.clock_drift_s = 0.0
        self.endpoints: dict[int, VirtualEndpoint] = {}
        self.bindings: list[zdo_t.Binding] = []  # the device's APS binding table
        # (endpoint, cluster) -> attribute id -> what the gateway configured
        self.reporting: dict[tuple[int, int], dict[int, ReportConfig]] = {}
        self._written: dict[tuple[int, int], Any] = {}  # (cluster, attribute) -> value
        self._report_tasks: dict[tuple[int, int, int], asyncio.Task[None]] = {}
        self._tsn = 0
        self.received_requests = 0  # frames addressed to this device after joining
        # ZCL Identify (0x0003): when its identify signal (a flashing LED, a display
        # message) ends, in the home's seconds; tests read `identifying`
        self.identify_until = 0.0
        self.identify_requests = 0
        self.add_endpoints()
        for ep in self.endpoints.values():
            ep.servers.setdefault(IDENTIFY_CLUSTER, {0x0000: self.identify_remaining})

    # ---- identity -------------------------------------------------------------
    @property
    def label(self) -> DeviceLabel:
        return DeviceLabel(str(self.ieee), self.install_code.hex().upper(), self.role,
                           "this" if self.home == "home" else self.home, self.site_id,
                           self.serial)

    @property
    def joined(self) -> bool:
        return self.nwk is not None

    def add_endpoints(self) -> None:
        """Subclasses add their endpoints here."""

    def basic_attributes(self) -> dict[int, Any]:
        return attribute_table(
            Basic,
            zcl_version=3,  # ZCL version
            app_version=1,  # application version
            manufacturer=self.manufacturer,
            model=self.model,
            power_source=0x03 if self.sleepy else 0x01,  # battery / mains
            sw_build_id=self.firmware,
            location_desc=self._written.get(
                (BASIC_CLUSTER, Basic.AttributeDefs.location_desc.id), ""
            ),
        )

    def next_tsn(self) -> int:
        self._tsn = (self._tsn + 1) & 0xFF
        return self._tsn

    # ---- joining --------------------------------------------------------------
    async def run(self) -> None:
        """Life of the device: look for an open network, join, then behave."""
        while True:
            if self.joined:
                await self.live()
                continue
            await self.air.permit_open.wait()
            while self.sit_out_window and self.air.permit_open.is_set():
                await self.air.clock.host.sleep(0.5)
            self.sit_out_window = False
            if not self.air.permit_open.is_set():
                continue
            # A joiner answers a permit-join beacon after a short random back-off, and
            # at least 20 ms of the host's time so neighbours cannot flood a fast home.
            clock = self.air.clock
            await asyncio.gather(
                clock.sleep(self.air.rng.uniform(0.2, 2.0)), clock.host.sleep(0.02)
            )
            if not self.joined:
                self.air.request_join(self)

    async def live(self) -> None:
        """Behaviour while joined; the base device just waits to be told to leave."""
        while self.joined:
            await self.air.clock.sleep(60)

    def joined_network(self, nwk: t.NWK) -> None:
        self.nwk = nwk

    def left_network(self) -> None:
        self.nwk = None
        for task in self._report_tasks.values():
            task.cancel()
        self._report_tasks.clear()
        self.reporting.clear()
        self.bindings.clear()

    # ---- frames in ------------------------------------------------------------
    def receive(self, packet: t.ZigbeePacket) -> None:
        data = packet.data.serialize()
        self.received_requests += 1
        broadcast = packet.dst is not None and packet.dst.addr_mode == t.AddrMode.Broadcast
        try:
            if packet.dst_ep == 0:
                if packet.profile_id == ZDO_PROFILE:  # APS: ZDO lives on profile 0 only
                    self._handle_zdo(packet.cluster_id, data, broadcast=broadcast)
            elif not broadcast:
                self._handle_zcl(packet, data)
        except Exception:  # a real device ignores frames it cannot parse
            LOGGER.debug("%s ignored a frame it could not parse", self.ieee, exc_info=True)

    def _reply_zdo(self, cluster_id: int, tsn: int, args: list[Any]) -> None:
        data = codec.encode_zdo(tsn, cluster_id, args)
        self.air.from_device(self, 0, 0, ZDO_PROFILE, cluster_id, data, tsn)

    def _refuse_zdo(self, cluster_id: int, tsn: int, status: zdo_t.Status) -> None:
        """An error answer as a real stack sends it: the status, and the NWK address of
        interest where the response has one; nothing else."""
        rsp = cluster_id | 0x8000
        data = bytes((tsn & 0xFF, int(status)))
        try:
            names, _types = zdo_t.CLUSTERS[zdo_t.ZDOCmd(rsp)]
        except (KeyError, ValueError):
            names = []
        if len(names) > 1 and names[1] == "NWKAddrOfInterest" and self.nwk is not None:
            data += self.nwk.serialize()
        self.air.from_device(self, 0, 0, ZDO_PROFILE, rsp, data, tsn)

    def node_descriptor(self) -> zdo_t.NodeDescriptor:
        flags = zdo_t.MACCapabilityFlags.AllocateAddress
        if not self.sleepy:
            flags |= (
                zdo_t.MACCapabilityFlags.FullFunctionDevice
                | zdo_t.MACCapabilityFlags.MainsPowered
                | zdo_t.MACCapabilityFlags.RxOnWhenIdle
            )
        return zdo_t.NodeDescriptor(
            logical_type=zdo_t.LogicalType.EndDevice if self.sleepy else zdo_t.LogicalType.Router,
            complex_descriptor_available=0,
            user_descriptor_available=0,
            reserved=0,
            aps_flags=0,
            frequency_band=zdo_t.FrequencyBand.Freq2400MHz,
            mac_capability_flags=flags,
            manufacturer_code=self.manufacturer_code,
            maximum_buffer_size=82,
            maximum_incoming_transfer_size=82,
            server_mask=0,
            maximum_outgoing_transfer_size=82,
            descriptor_capability_field=zdo_t.DescriptorCapability.NONE,
        )

    def power_descriptor(self) -> zdo_t.PowerDescriptor:
        pd = zdo_t.PowerDescriptor
        if not self.sleepy:
            return pd(
                current_power_mode=pd.CurrentPowerMode.RxOnSyncedWithNodeDesc,
                available_power_sources=pd.PowerSources.MainsPower,
                current_power_source=pd.PowerSources.MainsPower,
                current_power_source_level=pd.PowerSourceLevel.Percent100,
            )
        pct = self.battery_percent()
        level = (
            pd.PowerSourceLevel.Percent100 if pct > 83 else pd.PowerSourceLevel.Percent66
            if pct > 50 else pd.PowerSourceLevel.Percent33 if pct > 17
            else pd.PowerSourceLevel.Critical
        )
        return pd(
            current_power_mode=pd.CurrentPowerMode.RxOnPeriodically,
            available_power_sources=pd.PowerSources.DisposableBattery,
            current_power_source=pd.PowerSources.DisposableBattery,
            current_power_source_level=level,
        )

    def battery_percent(self) -> float:
        return 100.0

    POLL_INTERVAL_S = 0  # a sleepy device's data-poll period (0: its receiver is always on)

    def indirect_hold_s(self) -> float:
        """How long its parent keeps a frame for it: until its next poll, with a margin
        (a parent sizes its indirect timeout to its children's poll period)."""
        return self.POLL_INTERVAL_S * 1.1 if self.POLL_INTERVAL_S else 7.68

    def simple_descriptor(self, ep: VirtualEndpoint) -> zdo_t.SizePrefixedSimpleDescriptor:
        return zdo_t.SizePrefixedSimpleDescriptor(
            endpoint=ep.endpoint_id,
            profile=ep.profile,
            device_type=ep.device_type,
            device_version=0,
            input_clusters=list(ep.servers),
            output_clusters=ep.clients,
        )

    def _handle_zdo(self, cluster_id: int, data: bytes, *, broadcast: bool = False) -> None:
        if cluster_id & 0x8000:
            return  # a response: the device asked nothing
        try:
            cmd = zdo_t.ZDOCmd(cluster_id)
            tsn, args = codec.decode_zdo(cluster_id, data)
        except (KeyError, ValueError):
            if not broadcast and data:
                self._refuse_zdo(cluster_id, data[0], zdo_t.Status.NOT_SUPPORTED)
            return
        if cmd in (zdo_t.ZDOCmd.Device_annce, zdo_t.ZDOCmd.Parent_annce):
            return  # announcements: nothing to answer (and no parent role here)
        handler = self._ZDO_HANDLERS.get(cmd)
        if handler is None:
            if not broadcast:
                self._refuse_zdo(cluster_id, tsn, zdo_t.Status.NOT_SUPPORTED)
            return
        handler(self, tsn, args, broadcast)

    def _is_me(self, nwk: int) -> bool:
        return self.nwk is not None and int(nwk) == int(self.nwk)

    def _zdo_addr(self, rsp: int, tsn: int, args: list[Any]) -> None:
        """NWK_addr_rsp / IEEE_addr_rsp: Single gives the address; Extended adds the
        device's associated children (none: the coordinator is every child's parent)."""
        request_type, start = args[1], int(args[2])
        if request_type == zdo_t.AddrRequestType.Single:
            answer = [zdo_t.Status.SUCCESS, self.ieee, self.nwk]
        elif request_type == zdo_t.AddrRequestType.Extended:
            answer = [zdo_t.Status.SUCCESS, self.ieee, self.nwk, t.uint8_t(0), t.uint8_t(start), []]
        else:
            answer = [zdo_t.Status.INV_REQUESTTYPE, self.ieee, self.nwk]
        self._reply_zdo(rsp, tsn, answer)

    def _zdo_nwk_addr_req(self, tsn: int, args: list[Any], broadcast: bool) -> None:
        if args[0] == self.ieee:
            self._zdo_addr(0x8000, tsn, args)
        elif not broadcast:  # only the device asked for answers a broadcast
            self._reply_zdo(0x8000, tsn, [zdo_t.Status.DEVICE_NOT_FOUND, args[0], t.NWK(0xFFFF)])

    def _zdo_ieee_addr_req(self, tsn: int, args: list[Any], broadcast: bool) -> None:
        if self._is_me(args[0]):
            self._zdo_addr(0x8001, tsn, args)
        elif not broadcast:
            unknown = t.EUI64([0xFF] * 8)
            self._reply_zdo(0x8001, tsn, [zdo_t.Status.DEVICE_NOT_FOUND, unknown, args[0]])

    def _zdo_node_desc_req(self, tsn: int, args: list[Any], broadcast: bool) -> None:
        if broadcast and not self._is_me(args[0]):
            return
        self._reply_zdo(0x8002, tsn, [zdo_t.Status.SUCCESS, self.nwk, self.node_descriptor()])

    def _zdo_power_desc_req(self, tsn: int, args: list[Any], broadcast: bool) -> None:
        if broadcast and not self._is_me(args[0]):
            return
        self._reply_zdo(0x8003, tsn, [zdo_t.Status.SUCCESS, self.nwk, self.power_descriptor()])

    def _zdo_active_ep_req(self, tsn: int, args: list[Any], broadcast: bool) -> None:
        if broadcast and not self._is_me(args[0]):
            return
        self._reply_zdo(0x8005, tsn, [zdo_t.Status.SUCCESS, self.nwk, list(self.endpoints)])

    def _zdo_simple_desc_req(self, tsn: int, args: list[Any], broadcast: bool) -> None:
        if broadcast:
            return
        ep_id = int(args[1])
        ep = self.endpoints.get(ep_id)
        if ep is None:
            status = zdo_t.Status.INVALID_EP if not 1 <= ep_id <= 240 else zdo_t.Status.NOT_ACTIVE
            self._reply_zdo(0x8004, tsn, [status, self.nwk, None])
            return
        self._reply_zdo(0x8004, tsn, [zdo_t.Status.SUCCESS, self.nwk, self.simple_descriptor(ep)])

    def _zdo_match_desc_req(self, tsn: int, args: list[Any], broadcast: bool) -> None:
        """Endpoints on the asked profile with any of the asked clusters (servers among
        the input list, clients among the output list); a broadcast gets an answer only
        from a device that matches."""
        nwk, profile, ins, outs = args
        if not (self._is_me(nwk) or int(nwk) in (0xFFFF, 0xFFFD, 0xFFFC)):
            if not broadcast:
                self._reply_zdo(0x8006, tsn, [zdo_t.Status.DEVICE_NOT_FOUND, nwk, []])
            return
        servers, clients = {int(c) for c in ins}, {int(c) for c in outs}
        matches = [
            ep.endpoint_id
            for ep in self.endpoints.values()
            if int(profile) in (ep.profile, 0xFFFF)
            and (servers & set(ep.servers) or clients & set(ep.clients))
        ]
        if broadcast and not matches:
            return
        self._reply_zdo(0x8006, tsn, [zdo_t.Status.SUCCESS, self.nwk, matches])

    def _zdo_bind_req(self, tsn: int, args: list[Any], broadcast: bool) -> None:
        if broadcast:
            return
        self._reply_zdo(0x8021, tsn, [self.bind(args[0], int(args[1]), int(args[2]), args[3])])

    def _zdo_unbind_req(self, tsn: int, args: list[Any], broadcast: bool) -> None:
        if broadcast:
            return
        self._reply_zdo(0x8022, tsn, [self.unbind(args[0], int(args[1]), int(args[2]), args[3])])

    def _zdo_mgmt_lqi_req(self, tsn: int, args: list[Any], broadcast: bool) -> None:
        if broadcast:
            return
        table, start = self.neighbour_table(), int(args[0])
        page = table[start : start + self.MGMT_ENTRIES_PER_FRAME]
        self._reply_zdo(
            0x8031,
            tsn,
            [
                zdo_t.Status.SUCCESS,
                zdo_t.Neighbors(Entries=len(table), StartIndex=start, NeighborTableList=page),
            ],
        )

    def _zdo_mgmt_rtg_req(self, tsn: int, args: list[Any], broadcast: bool) -> None:
        if broadcast:
            return
        if self.sleepy:  # an end device routes nothing and keeps no routing table
            self._refuse_zdo(0x0032, tsn, zdo_t.Status.NOT_SUPPORTED)
            return
        table, start = self.routing_table(), int(args[0])
        page = table[start : start + self.MGMT_ROUTES_PER_FRAME]
        self._reply_zdo(
            0x8032,
            tsn,
            [
                zdo_t.Status.SUCCESS,
                zdo_t.Routes(Entries=len(table), StartIndex=start, RoutingTableList=page),
            ],
        )

    def _zdo_mgmt_bind_req(self, tsn: int, args: list[Any], broadcast: bool) -> None:
        if broadcast:
            return
        start = int(args[0])
        page = self.bindings[start : start + self.MGMT_ENTRIES_PER_FRAME]
        self._reply_zdo(0x8033, tsn, [zdo_t.Status.SUCCESS, len(self.bindings), start, page])

    def _zdo_mgmt_permit_joining_req(self, tsn: int, args: list[Any], broadcast: bool) -> None:
        # Joining goes through the trust centre (the gateway's radio); a router just agrees.
        if not broadcast:
            if self.sleepy:
                self._refuse_zdo(0x0036, tsn, zdo_t.Status.NOT_SUPPORTED)
            else:
                self._reply_zdo(0x8036, tsn, [zdo_t.Status.SUCCESS])

    def _zdo_mgmt_leave_req(self, tsn: int, args: list[Any], broadcast: bool) -> None:
        if broadcast:
            return
        self._reply_zdo(0x8034, tsn, [zdo_t.Status.SUCCESS])
        # Told to leave without rejoining (the gateway found it belongs to other premises):
        # it does not ask this window again; a new window (re-pairing) may admit it.
        self.sit_out_window = not int(args[1]) & LEAVE_REJOIN if len(args) > 1 else False
        self.air.device_left(self)

    _ZDO_HANDLERS: dict[zdo_t.ZDOCmd, Callable[[VirtualDevice, int, list[Any], bool], None]] = {
        zdo_t.ZDOCmd.NWK_addr_req: _zdo_nwk_addr_req,
        zdo_t.ZDOCmd.IEEE_addr_req: _zdo_ieee_addr_req,
        zdo_t.ZDOCmd.Node_Desc_req: _zdo_node_desc_req,
        zdo_t.ZDOCmd.Power_Desc_req: _zdo_power_desc_req,
        zdo_t.ZDOCmd.Active_EP_req: _zdo_active_ep_req,
        zdo_t.ZDOCmd.Simple_Desc_req: _zdo_simple_desc_req,
        zdo_t.ZDOCmd.Match_Desc_req: _zdo_match_desc_req,
        zdo_t.ZDOCmd.Bind_req: _zdo_bind_req,
        zdo_t.ZDOCmd.Unbind_req: _zdo_unbind_req,
        zdo_t.ZDOCmd.Mgmt_Lqi_req: _zdo_mgmt_lqi_req,
        zdo_t.ZDOCmd.Mgmt_Rtg_req: _zdo_mgmt_rtg_req,
        zdo_t.ZDOCmd.Mgmt_Bind_req: _zdo_mgmt_bind_req,
        zdo_t.ZDOCmd.Mgmt_Permit_Joining_req: _zdo_mgmt_permit_joining_req,
        zdo_t.ZDOCmd.Mgmt_Leave_req: _zdo_mgmt_leave_req,
    }

    # ---- binding table ---------------------------------------------------------
    def bind(self, src: t.EUI64, src_ep: int, cluster: int, dst: Any) -> zdo_t.Status:
        if src != self.ieee:
            return zdo_t.Status.NOT_SUPPORTED  # no binding cache for other devices
        if src_ep not in self.endpoints:
            return zdo_t.Status.INVALID_EP
        entry = zdo_t.Binding(SrcAddress=self.ieee, SrcEndpoint=src_ep, ClusterId=cluster,
                              DstAddress=dst)
        if any(self._same_binding(b, entry) for b in self.bindings):
            return zdo_t.Status.SUCCESS  # already there: the table keeps one entry
        if len(self.bindings) >= self.BINDING_TABLE_SIZE:
            return zdo_t.Status.TABLE_FULL
        self.bindings.append(entry)
        return zdo_t.Status.SUCCESS

    def unbind(self, src: t.EUI64, src_ep: int, cluster: int, dst: Any) -> zdo_t.Status:
        if src != self.ieee:
            return zdo_t.Status.NOT_SUPPORTED
        if src_ep not in self.endpoints:
            return zdo_t.Status.INVALID_EP
        entry = zdo_t.Binding(SrcAddress=self.ieee, SrcEndpoint=src_ep, ClusterId=cluster,
                              DstAddress=dst)
        for binding in self.bindings:
            if self._same_binding(binding, entry):
                self.bindings.remove(binding)
                return zdo_t.Status.SUCCESS
        return zdo_t.Status.NO_ENTRY

    @staticmethod
    def _same_binding(a: Any, b: Any) -> bool:
        if (a.SrcEndpoint, a.ClusterId) != (b.SrcEndpoint, b.ClusterId):
            return False
        da, db = a.DstAddress, b.DstAddress
        if da.addrmode != db.addrmode:
            return False
        if da.addrmode == 0x01:  # group
            return bool(da.nwk == db.nwk)
        return bool(da.ieee == db.ieee and da.endpoint == db.endpoint)

    def neighbour_table(self) -> list[zdo_t.Neighbor]:
        """What this device hears on its own network (Mgmt_Lqi_rsp entries, ZigBee
        2.4.4.4.2): its parent (the coordinator, depth 0); a router also lists the other
        routers (siblings) and the end devices it overhears (none of the above), each at
        the weaker of the two devices' link qualities. An end device knows only its
        parent. Other networks' devices are never listed: the table is of this PAN."""
        if not self.joined:
            return []
        nb = zdo_t.Neighbor
        rel, kinds, rx = nb.Relationship, nb.DeviceType, nb.RxOnWhenIdle

        def entry(ieee: t.EUI64, nwk: int, kind: Any, relation: Any, rx_on: Any, lqi: int) -> Any:
            return zdo_t.Neighbor(
                extended_pan_id=EXTENDED_PAN_ID,
                ieee=ieee,
                nwk=t.NWK(nwk),
                device_type=kind,
                rx_on_when_idle=rx_on,
                relationship=relation,
                reserved1=0,
                permit_joining=zdo_t.Neighbor.PermitJoins.Unknown,
                reserved2=0,
                depth=0 if nwk == COORDINATOR_NWK else 1,
                lqi=max(0, min(255, lqi)),
            )

        table = [entry(COORDINATOR_IEEE, COORDINATOR_NWK, kinds.Coordinator, rel.Parent,
                       rx.On, self.lqi)]
        if self.sleepy:
            return table
        for other in self.air.devices.values():
            if other is self or not other.joined or other.nwk is None:
                continue
            if other.sleepy:
                kind, relation, rx_on = kinds.EndDevice, rel.NoneOfTheAbove, rx.Off
            else:
                kind, relation, rx_on = kinds.Router, rel.Sibling, rx.On
            table.append(entry(other.ieee, int(other.nwk), kind, relation, rx_on,
                               min(self.lqi, other.lqi)))
        return table

    def routing_table(self) -> list[zdo_t.Route]:
        """A router's routes: to the coordinator, a concentrator (many-to-one, as a GB
        comms hub is), and a direct route to each other router it has talked to."""
        if not self.joined or self.sleepy:
            return []

        def route(dst: int, next_hop: int, many_to_one: int) -> zdo_t.Route:
            return zdo_t.Route(
                DstNWK=t.NWK(dst),
                RouteStatus=zdo_t.RouteStatus.Active,
                MemoryConstrained=0,
                ManyToOne=many_to_one,
                RouteRecordRequired=0,
                Reserved=0,
                NextHop=t.NWK(next_hop),
            )

        routes = [route(COORDINATOR_NWK, COORDINATOR_NWK, 1)]
        for other in self.air.devices.values():
            if other is self or other.sleepy or not other.joined or other.nwk is None:
                continue
            routes.append(route(int(other.nwk), int(other.nwk), 0))
        return routes

    def attribute(self, ep: VirtualEndpoint, cluster_id: int, attr_id: int) -> Any:
        if (cluster_id, attr_id) in self._written:
            return self._written[(cluster_id, attr_id)]
        if cluster_id == BASIC_CLUSTER:
            value = self.basic_attributes().get(attr_id)
        else:
            value = ep.servers.get(cluster_id, {}).get(attr_id)
        return value() if callable(value) else value

    def attribute_ids(self, ep: VirtualEndpoint, cluster_id: int) -> list[int]:
        table = self.basic_attributes() if cluster_id == BASIC_CLUSTER else ep.servers[cluster_id]
        return sorted(a for a, v in table.items() if v is not None)

    # ---- Identify (ZCL 0x0003) ----------------------------------------------------
    @property
    def identifying(self) -> bool:
        """True while the device shows its identify signal."""
        return self.identify_remaining() > 0

    def identify_remaining(self) -> int:
        """IdentifyTime (attribute 0x0000): seconds of identifying left."""
        return max(0, int(self.identify_until - self.air.clock.now().timestamp() + 0.999))

    def _identify_command(self, request: _Request, command_id: int, rest: bytes) -> None:
        if command_id == 0x00 and len(rest) >= 2:  # Identify(IdentifyTime uint16)
            seconds = int.from_bytes(rest[:2], "little")
            self.identify_requests += 1
            self.identify_until = self.air.clock.now().timestamp() + seconds
            request.done(foundation.Status.SUCCESS)
        elif command_id == 0x01:  # IdentifyQuery: answered only while identifying
            remaining = self.identify_remaining()
            if remaining:
                tsn = request.hdr.tsn
                self.send_zcl(request.ep.endpoint_id, request.src_ep, IDENTIFY_CLUSTER,
                              bytes([0x19, tsn, 0x00]) + remaining.to_bytes(2, "little"), tsn)
            else:
                request.done(foundation.Status.SUCCESS)
        else:
            request.done(foundation.Status.UNSUP_CLUSTER_COMMAND if command_id > 0x01
                         else foundation.Status.MALFORMED_COMMAND)

    def one_instant(self) -> AbstractContextManager[None]:
        """Values read inside are taken at one instant (meters override this)."""
        return nullcontext()

    def frame_instant(self) -> datetime:
        """The instant a frame it sends now goes on the air (a radio stamps its receipt
        with it): now, or for a meter the instant the frame's values were taken."""
        clock_now: datetime = self.air.clock.now()
        return clock_now

    def supported_commands(self, cluster_id: int) -> frozenset[int]:
        """Cluster-specific commands (client to server) this device's servers implement."""
        return frozenset()

    def _profile_ok(self, ep: VirtualEndpoint, profile: int) -> bool:
        return profile in (ep.profile, 0xFFFF)

    def _handle_zcl(self, packet: t.ZigbeePacket, data: bytes) -> None:
        ep = self.endpoints.get(packet.dst_ep)
        if ep is None:
            return  # APS: no such endpoint, the frame is dropped
        cid = packet.cluster_id
        # APS delivers a frame to an endpoint only on that endpoint's profile (or the
        # wildcard): a Smart Energy device drops an HA-profile frame for its SE clusters.
        if not self._profile_ok(ep, packet.profile_id):
            return
        hdr, rest = foundation.ZCLHeader.deserialize(data)
        if hdr.direction != foundation.Direction.Client_to_Server:
            return  # addressed to a client cluster: this device's clients ask nothing
        request = _Request(self, ep, packet.src_ep, cid, hdr)
        foreign = hdr.manufacturer not in (None, self.manufacturer_code)
        if hdr.frame_control.is_manufacturer_specific and foreign:
            request.done(
                foundation.Status.UNSUP_MANUF_CLUSTER_COMMAND
                if hdr.frame_control.is_cluster
                else foundation.Status.UNSUP_MANUF_GENERAL_COMMAND
            )
            return
        if cid not in ep.servers:
            request.done(foundation.Status.UNSUPPORTED_CLUSTER)
            return
        if hdr.frame_control.is_cluster and cid == IDENTIFY_CLUSTER:
            self._identify_command(request, hdr.command_id, rest)
            return
        if hdr.frame_control.is_cluster:
            if hdr.command_id not in self.supported_commands(cid):
                request.done(foundation.Status.UNSUP_CLUSTER_COMMAND)
                return
            try:
                args = codec.decode_zcl_payload(cid, hdr, rest)
            except (KeyError, ValueError):
                request.done(foundation.Status.MALFORMED_COMMAND)
                return
            request.done(self.handle_cluster_command(ep, cid, hdr.command_id, args, hdr.tsn))
            return
        handler = self._GENERAL_HANDLERS.get(hdr.command_id)
        if handler is None:
            # ZCL 7 (Basic ZCLVersion 3, what zigpy's statuses follow): 0x82; ZCL 8 folds
            # it into UNSUP_COMMAND (0x81)
            request.done(foundation.Status.UNSUP_GENERAL_COMMAND)
            return
        try:
            schema = foundation.GENERAL_COMMANDS[foundation.GeneralCommand(hdr.command_id)].schema
            args, _ = schema.deserialize(rest)
        except (KeyError, ValueError):
            request.done(foundation.Status.MALFORMED_COMMAND)
            return
        request.done(handler(self, request, args))

    def _answer(self, request: _Request, command: foundation.GeneralCommand, payload: dict) -> None:
        self.send_zcl(
            request.ep.endpoint_id,
            request.src_ep,
            request.cluster_id,
            codec.zcl_general(request.hdr.tsn, command, payload, from_server=True),
            request.hdr.tsn,
        )

    def _read_attributes(self, request: _Request, args: Any) -> None:
        ep, cid = request.ep, request.cluster_id
        records = []
        with self.one_instant():
            for attr_id in args.attribute_ids:
                value = self.attribute(ep, cid, attr_id)
                if value is None:
                    records.append(
                        foundation.ReadAttributeRecord(
                            attrid=attr_id, status=foundation.Status.UNSUPPORTED_ATTRIBUTE
                        )
                    )
                else:
                    records.append(
                        foundation.ReadAttributeRecord(
                            attrid=attr_id,
                            status=foundation.Status.SUCCESS,
                            value=codec.type_value(cid, attr_id, value),
                        )
                    )
        self._answer(request, foundation.GeneralCommand.Read_Attributes_rsp,
                     {"status_records": records})

    def writable(self, cluster_id: int, attr_id: int) -> bool:
        """Attributes a HAN peer may write. A GB meter takes its configuration through
        signed commands, never ZCL writes: only Basic's location description is writable."""
        return (cluster_id, attr_id) in self.WRITABLE

    def _write_status(self, ep: VirtualEndpoint, cid: int, record: Any) -> foundation.Status:
        try:
            py_type, zcl_type = codec.attribute_type(cid, record.attrid)
        except KeyError:
            return foundation.Status.UNSUPPORTED_ATTRIBUTE
        if self.attribute(ep, cid, record.attrid) is None:
            return foundation.Status.UNSUPPORTED_ATTRIBUTE
        if not self.writable(cid, record.attrid):
            return foundation.Status.READ_ONLY
        if int(record.value.type) != int(zcl_type):
            return foundation.Status.INVALID_DATA_TYPE
        return foundation.Status.SUCCESS

    def _write_attributes(self, request: _Request, args: Any) -> foundation.Status | None:
        ep, cid, command = request.ep, request.cluster_id, request.hdr.command_id
        statuses = [(r, self._write_status(ep, cid, r)) for r in args.attributes]
        undivided = command == foundation.GeneralCommand.Write_Attributes_Undivided
        failed = [(r, s) for r, s in statuses if s != foundation.Status.SUCCESS]
        if not (undivided and failed):
            for record, status in statuses:
                if status == foundation.Status.SUCCESS:
                    self._written[(cid, record.attrid)] = record.value.value
        if command == foundation.GeneralCommand.Write_Attributes_No_Response:
            request.answered = True  # no answer, not even a Default Response
            return None
        out = [
            foundation.WriteAttributesStatusRecord(status=s, attrid=r.attrid) for r, s in failed
        ] or [foundation.WriteAttributesStatusRecord(status=foundation.Status.SUCCESS)]
        self._answer(request, foundation.GeneralCommand.Write_Attributes_rsp,
                     {"status_records": out})
        return None

    def _configure_reporting(self, request: _Request, args: Any) -> None:
        ep, cid = request.ep, request.cluster_id
        config = self.reporting.setdefault((ep.endpoint_id, cid), {})
        statuses = []
        for record in args.config_records:
            if record.direction == foundation.ReportingDirection.ReceiveReports:
                continue  # timeouts for reports we would receive: nothing to do
            try:
                _py, zcl_type = codec.attribute_type(cid, record.attrid)
            except KeyError:
                zcl_type = None
            if zcl_type is None or self.attribute(ep, cid, record.attrid) is None:
                status = foundation.Status.UNSUPPORTED_ATTRIBUTE
            elif int(record.datatype) != int(zcl_type):
                status = foundation.Status.INVALID_DATA_TYPE
            elif record.max_interval != 0 and record.min_interval > record.max_interval:
                status = foundation.Status.INVALID_VALUE
            else:
                status = foundation.Status.SUCCESS
            if status != foundation.Status.SUCCESS:
                statuses.append(
                    foundation.ConfigureReportingResponseRecord(
                        status=status, direction=0, attrid=record.attrid
                    )
                )
                continue
            if record.max_interval == REPORTING_OFF:
                config.pop(record.attrid, None)  # 0xFFFF: stop reporting it
                continue
            type_class = foundation.DataType.from_type_id(zcl_type).type_class
            analog = type_class == foundation.DataClass.Analog
            config[record.attrid] = ReportConfig(
                int(record.min_interval),
                int(record.max_interval),
                int(record.reportable_change) if analog else None,
                int(zcl_type),
                # as if last reported on its grid: its reports fall on whole minutes
                since=_grid_floor(self.air.clock.now().timestamp(), int(record.max_interval)),
            )
        self._answer(
            request,
            foundation.GeneralCommand.Configure_Reporting_rsp,
            {
                "status_records": statuses
                or [foundation.ConfigureReportingResponseRecord(status=foundation.Status.SUCCESS)]
            },
        )
        self.reporting_changed(ep.endpoint_id, cid)

    def _read_reporting_configuration(self, request: _Request, args: Any) -> None:
        ep, cid = request.ep, request.cluster_id
        config = self.reporting.get((ep.endpoint_id, cid), {})
        out = []
        for record in args.attribute_records:
            cfg = foundation.AttributeReportingConfig()
            cfg.direction = foundation.ReportingDirection(record.direction)
            cfg.attrid = record.attrid
            got = config.get(record.attrid)
            if self.attribute(ep, cid, record.attrid) is None:
                status = foundation.Status.UNSUPPORTED_ATTRIBUTE
            elif record.direction != foundation.ReportingDirection.SendReports or got is None:
                status = foundation.Status.NOT_FOUND
            else:
                status = foundation.Status.SUCCESS
                cfg.datatype = foundation.DataTypeId(got.datatype)
                cfg.min_interval, cfg.max_interval = got.min_s, got.max_s
                cfg.reportable_change = got.change if got.change is not None else 0
            out.append(foundation.AttributeReportingConfigWithStatus(status=status, config=cfg))
        self._answer(request, foundation.GeneralCommand.Read_Reporting_Configuration_rsp,
                     {"attribute_configs": out})

    def _discover_attributes(self, request: _Request, args: Any) -> None:
        ids = self.attribute_ids(request.ep, request.cluster_id)
        after = [a for a in ids if a >= args.start_attribute_id]
        page = after[: args.max_attribute_ids]
        records = [
            foundation.DiscoverAttributesResponseRecord(
                attrid=a, datatype=int(codec.attribute_type(request.cluster_id, a)[1])
            )
            for a in page
        ]
        self._answer(
            request,
            foundation.GeneralCommand.Discover_Attributes_rsp,
            {"discovery_complete": t.Bool(len(page) == len(after)), "attribute_info": records},
        )

    def _default_response_in(self, request: _Request, args: Any) -> None:
        request.answered = True  # never answer a Default Response

    _GENERAL_HANDLERS: dict[int, Callable[[VirtualDevice, _Request, Any], Any]] = {
        foundation.GeneralCommand.Read_Attributes: _read_attributes,
        foundation.GeneralCommand.Write_Attributes: _write_attributes,
        foundation.GeneralCommand.Write_Attributes_Undivided: _write_attributes,
        foundation.GeneralCommand.Write_Attributes_No_Response: _write_attributes,
        foundation.GeneralCommand.Configure_Reporting: _configure_reporting,
        foundation.GeneralCommand.Read_Reporting_Configuration: _read_reporting_configuration,
        foundation.GeneralCommand.Discover_Attributes: _discover_attributes,
        foundation.GeneralCommand.Default_Response: _default_response_in,
    }

    def handle_cluster_command(
        self, ep: VirtualEndpoint, cluster_id: int, command_id: int, args: Any, tsn: int
    ) -> foundation.Status | None:
        """Subclasses answer the commands `supported_commands` lists. Return None when a
        specific response was sent, else the status for the Default Response."""
        return foundation.Status.SUCCESS

    # ---- frames out -----------------------------------------------------------
    def send_zcl(self, src_ep: int, dst_ep: int, cluster_id: int, data: bytes, tsn: int) -> None:
        ep = self.endpoints.get(src_ep)
        profile = ep.profile if ep else SE_PROFILE_ID
        self.air.from_device(self, src_ep, dst_ep, profile, cluster_id, data, tsn)

    def report(self, ep_id: int, cluster_id: int, attr_ids: list[int]) -> None:
        ep = self.endpoints[ep_id]
        with self.one_instant():
            values = [(a, self.attribute(ep, cluster_id, a)) for a in attr_ids]
        self.report_values(ep_id, cluster_id, values)

    def report_values(self, ep_id: int, cluster_id: int, values: list[tuple[int, Any]]) -> None:
        tsn = self.next_tsn()
        data = codec.report_attributes(tsn, cluster_id, values)
        self.send_zcl(ep_id, self.bound_endpoint(ep_id, cluster_id), cluster_id, data, tsn)

    def bound_endpoint(self, ep_id: int, cluster_id: int) -> int:
        for binding in self.bindings:
            if binding.SrcEndpoint == ep_id and binding.ClusterId == cluster_id:
                dst = binding.DstAddress
                if dst.addrmode == 0x03:
                    return int(dst.endpoint)
        return 1

    def send_command(
        self, ep_id: int, cluster_id: int, command_id: int, payload: dict, tsn: int | None = None
    ) -> None:
        tsn = self.next_tsn() if tsn is None else tsn
        data = codec.zcl_cluster_command(tsn, cluster_id, command_id, payload, from_server=True)
        self.send_zcl(ep_id, self.bound_endpoint(ep_id, cluster_id), cluster_id, data, tsn)

    def default_response(
        self,
        cluster_id: int,
        command_id: int,
        tsn: int,
        status: foundation.Status | bool,
        *,
        src_ep: int = 1,
        dst_ep: int = 1,
    ) -> None:
        if isinstance(status, bool):
            status = foundation.Status.SUCCESS if status else foundation.Status.FAILURE
        data = codec.zcl_general(
            tsn,
            foundation.GeneralCommand.Default_Response,
            {"command_id": command_id, "status": status},
            from_server=True,
        )
        self.send_zcl(src_ep, dst_ep, cluster_id, data, tsn)

    # ---- reporting ------------------------------------------------------------
    def reporting_changed(self, ep_id: int, cluster_id: int) -> None:
        """(Re)start the cluster's reporter: one task sends each attribute when due."""
        task = self._report_tasks.pop((ep_id, cluster_id, 0), None)
        if task is not None:
            task.cancel()
        if self.reporting.get((ep_id, cluster_id)):
            self._report_tasks[(ep_id, cluster_id, 0)] = asyncio.get_running_loop().create_task(
                self._report_loop(ep_id, cluster_id)
            )

    def due_reports(
        self, ep_id: int, cluster_id: int, now_s: float
    ) -> list[tuple[int, Any]]:
        """The attributes to report now, per ZCL 2.5.7/2.5.11: once the minimum interval
        has passed, an analog value that moved by at least its reportable change (a
        discrete one that changed); any value whose maximum interval passed (0: none)."""
        config = self.reporting.get((ep_id, cluster_id), {})
        ep = self.endpoints[ep_id]
        due: list[tuple[int, Any]] = []
        with self.one_instant():
            for attr_id, cfg in config.items():
                elapsed = now_s - cfg.since
                if elapsed < cfg.min_s:
                    continue
                value = self.attribute(ep, cluster_id, attr_id)
                if value is None:
                    continue
                if cfg.max_s and now_s >= cfg.periodic_due() or cfg.changed(value):
                    due.append((attr_id, value))
                    cfg.last_value, cfg.since = value, now_s
        return due

    def _next_check(self, ep_id: int, cluster_id: int, now_s: float) -> float:
        """The next instant a report may fall due: the device samples its values on a
        grid of `SAMPLE_S` (they change no faster), and sends a value at its maximum
        interval even between samples."""
        grid = (int(now_s) // self.SAMPLE_S + 1) * self.SAMPLE_S
        deadlines = [
            max(cfg.periodic_due(), cfg.since + cfg.min_s)
            for cfg in self.reporting.get((ep_id, cluster_id), {}).values()
            if cfg.max_s
        ]
        return min([grid, *(d for d in deadlines if d > now_s)])

    async def _report_loop(self, ep_id: int, cluster_id: int) -> None:
        clock = self.air.clock
        next_t = self._next_check(ep_id, cluster_id, clock.now().timestamp())
        while self.joined:
            await clock.sleep_until(datetime.fromtimestamp(next_t + self.report_offset(), UTC))
            if not self.joined:
                return
            self.before_report(cluster_id)
            due = self.due_reports(ep_id, cluster_id, next_t)
            if due:
                self.report_values(ep_id, cluster_id, due)
            # When the host falls behind a fast clock, skip missed slots rather than
            # sending a backlog: a real meter reports its current values, not history.
            next_t = self._next_check(ep_id, cluster_id, max(next_t, clock.now().timestamp()))

    def report_offset(self) -> float:
        return 0.0

    def before_report(self, cluster_id: int) -> None:
        """Hook: bring values up to date (e.g. integrate the register) before reporting."""


def _grid_floor(ts: float, step: int) -> float:
    return float(int(ts) // step * step) if step else ts


REPORTING_OFF = 0xFFFF  # a maximum interval of 0xFFFF: do not report the attribute


@dataclass
class ReportConfig:
    """One attribute's reporting configuration (Configure Reporting, direction 0)."""

    min_s: int
    max_s: int  # 0: no periodic report, only on change
    change: int | None  # reportable change (analog types); None: any change (discrete)
    datatype: int
    since: float = 0.0  # when it was last reported (or configured)
    last_value: Any = None

    def periodic_due(self) -> float:
        """The next periodic report: max_s after the last one (the first falls on the
        maximum interval's grid: a meter reports on the minute, on the half-hour)."""
        return self.since + self.max_s

    def changed(self, value: Any) -> bool:
        if self.last_value is None:
            # nothing reported since it was configured: the first report is the periodic
            # one, on the grid (one that only reports changes starts at once)
            return not self.max_s
        if self.change is None:
            return bool(value != self.last_value)
        return abs(int(value) - int(self.last_value)) >= max(1, self.change)


class _Request:
    """A ZCL request being answered: where the answer goes, and whether one was sent."""

    def __init__(
        self, device: VirtualDevice, ep: VirtualEndpoint, src_ep: int, cluster_id: int,
        hdr: foundation.ZCLHeader,
    ) -> None:
        self.device, self.ep, self.src_ep, self.cluster_id, self.hdr = (
            device, ep, src_ep, cluster_id, hdr
        )
        self.answered = False

    def done(self, status: foundation.Status | None) -> None:
        """ZCL 2.5.12.2: a Default Response for an error always; for success only when
        no other answer was sent and the request did not set "disable default response"."""
        if status is None or self.answered:
            return
        if status == foundation.Status.SUCCESS and self.hdr.frame_control.disable_default_response:
            return
        self.device.default_response(
            self.cluster_id, self.hdr.command_id, self.hdr.tsn, status,
            src_ep=self.ep.endpoint_id, dst_ep=self.src_ep,
        )
