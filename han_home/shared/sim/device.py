"""A virtual Zigbee device: answers ZDO and ZCL with real bytes, joins with its install code."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import zigpy.types as t
import zigpy.util
from zigpy.zcl import foundation
from zigpy.zcl.clusters.general import Basic
from zigpy.zdo import types as zdo_t

from han_home.shared.han.se_clusters import SE_PROFILE_ID
from han_home.shared.han.zcl_ids import BASIC_CLUSTER, attribute_table
from han_home.shared.sim import codec
from han_home.shared.sim.network import COORDINATOR_IEEE, COORDINATOR_NWK, EXTENDED_PAN_ID

if TYPE_CHECKING:
    from han_home.shared.sim.air import VirtualAir

LOGGER = logging.getLogger(__name__)

AttrGetter = Callable[[], Any]


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

    @property
    def qr(self) -> str:
        return f"Z:{self.eui64.replace(':', '').upper()}$I:{self.install_code}"


class VirtualDevice:
    """Base of every virtual home device. Subclasses add endpoints and behaviour."""

    role = "other"
    sleepy = False
    manufacturer = "Virtual Home"
    model = "SIM"
    firmware = "1.0.0"

    def __init__(self, air: VirtualAir, ieee: str, install_code: bytes, home: str) -> None:
        self.air = air
        self.ieee = t.EUI64.convert(ieee)
        self.install_code = install_code
        self.link_key = zigpy.util.convert_install_code(install_code)
        self.home = home
        self.nwk: t.NWK | None = None
        self.awake = True  # sleepy devices stay awake while commissioning
        self.lqi = 200
        self.rssi = -60
        self.clock_drift_s = 0.0
        self.endpoints: dict[int, VirtualEndpoint] = {}
        self.bindings: list[tuple[int, int, int]] = []  # (src ep, cluster, dst ep)
        # (endpoint, cluster) -> attribute id -> max interval (s)
        self.reporting: dict[tuple[int, int], dict[int, int]] = {}
        self._report_tasks: dict[tuple[int, int, int], asyncio.Task[None]] = {}
        self._tsn = 0
        self.received_requests = 0  # frames addressed to this device after joining
        self.add_endpoints()

    # ---- identity -------------------------------------------------------------
    @property
    def label(self) -> DeviceLabel:
        return DeviceLabel(str(self.ieee), self.install_code.hex().upper(), self.role)

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
        try:
            if packet.dst_ep == 0:
                self._handle_zdo(packet.cluster_id, data)
            else:
                self._handle_zcl(packet, data)
        except Exception:  # a real device ignores frames it cannot parse
            LOGGER.debug("%s ignored a frame it could not parse", self.ieee, exc_info=True)

    def _reply_zdo(self, cluster_id: int, tsn: int, args: list[Any]) -> None:
        data = codec.encode_zdo(tsn, cluster_id, args)
        self.air.from_device(self, 0, 0, 0x0000, cluster_id, data, tsn)

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
            manufacturer_code=0x1234,
            maximum_buffer_size=82,
            maximum_incoming_transfer_size=82,
            server_mask=0,
            maximum_outgoing_transfer_size=82,
            descriptor_capability_field=zdo_t.DescriptorCapability.NONE,
        )

    def _handle_zdo(self, cluster_id: int, data: bytes) -> None:
        tsn, args = codec.decode_zdo(cluster_id, data)
        cmd = zdo_t.ZDOCmd(cluster_id)
        ok = zdo_t.Status.SUCCESS
        if cmd == zdo_t.ZDOCmd.Node_Desc_req:
            self._reply_zdo(0x8002, tsn, [ok, self.nwk, self.node_descriptor()])
        elif cmd == zdo_t.ZDOCmd.Active_EP_req:
            self._reply_zdo(0x8005, tsn, [ok, self.nwk, list(self.endpoints)])
        elif cmd == zdo_t.ZDOCmd.Simple_Desc_req:
            ep = self.endpoints.get(args[1])
            if ep is None:
                self._reply_zdo(0x8004, tsn, [zdo_t.Status.NOT_ACTIVE, self.nwk, None])
                return
            desc = zdo_t.SizePrefixedSimpleDescriptor(
                endpoint=ep.endpoint_id,
                profile=ep.profile,
                device_type=ep.device_type,
                device_version=0,
                input_clusters=list(ep.servers),
                output_clusters=ep.clients,
            )
            self._reply_zdo(0x8004, tsn, [ok, self.nwk, desc])
        elif cmd == zdo_t.ZDOCmd.Bind_req:
            src_ep, cluster = args[1], args[2]
            dst_ep = getattr(args[3], "endpoint", 1) or 1
            self.bindings.append((src_ep, cluster, dst_ep))
            self._reply_zdo(0x8021, tsn, [ok])
        elif cmd == zdo_t.ZDOCmd.Mgmt_Lqi_req:
            table = self.neighbour_table()
            start = int(args[0]) if args else 0
            self._reply_zdo(
                0x8031,
                tsn,
                [
                    ok,
                    zdo_t.Neighbors(
                        Entries=len(table),
                        StartIndex=start,
                        NeighborTableList=table[start : start + 3],  # 3 fit one frame
                    ),
                ],
            )
        elif cmd == zdo_t.ZDOCmd.Mgmt_Leave_req:
            self._reply_zdo(0x8034, tsn, [ok])
            self.air.device_left(self)

    def neighbour_table(self) -> list[zdo_t.Neighbor]:
        """What this device hears on its own network: the coordinator (its parent) and the
        other joined devices, each at the weaker of the two devices' link qualities."""
        if not self.joined:
            return []
        def entry(ieee: t.EUI64, nwk: int, kind: Any, relation: Any, lqi: int) -> Any:
            return zdo_t.Neighbor(
                extended_pan_id=EXTENDED_PAN_ID,
                ieee=ieee,
                nwk=t.NWK(nwk),
                device_type=kind,
                rx_on_when_idle=zdo_t.Neighbor.RxOnWhenIdle.On,
                relationship=relation,
                reserved1=0,
                permit_joining=zdo_t.Neighbor.PermitJoins.Unknown,
                reserved2=0,
                depth=0 if nwk == COORDINATOR_NWK else 1,
                lqi=max(0, min(255, lqi)),
            )

        rel, kinds = zdo_t.Neighbor.Relationship, zdo_t.Neighbor.DeviceType
        table = [entry(COORDINATOR_IEEE, COORDINATOR_NWK, kinds.Coordinator, rel.Parent, self.lqi)]
        for other in self.air.devices.values():
            if other is self or not other.joined or other.nwk is None:
                continue
            table.append(
                entry(other.ieee, int(other.nwk), kinds.EndDevice if other.sleepy else
                      kinds.Router, rel.Sibling, min(self.lqi, other.lqi))
            )
        return table

    def attribute(self, ep: VirtualEndpoint, cluster_id: int, attr_id: int) -> Any:
        if cluster_id == BASIC_CLUSTER:
            value = self.basic_attributes().get(attr_id)
        else:
            value = ep.servers.get(cluster_id, {}).get(attr_id)
        return value() if callable(value) else value

    def _handle_zcl(self, packet: t.ZigbeePacket, data: bytes) -> None:
        ep = self.endpoints.get(packet.dst_ep)
        if ep is None or packet.cluster_id not in ep.servers:
            return
        hdr, args = codec.decode_zcl(packet.cluster_id, data)
        cid = packet.cluster_id
        if hdr.frame_control.is_cluster:
            self.handle_cluster_command(ep, cid, hdr.command_id, args, hdr.tsn)
            return
        if hdr.command_id == foundation.GeneralCommand.Read_Attributes:
            records = []
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
            self.send_zcl(
                ep.endpoint_id,
                packet.src_ep,
                cid,
                codec.zcl_general(
                    hdr.tsn,
                    foundation.GeneralCommand.Read_Attributes_rsp,
                    {"status_records": records},
                    from_server=True,
                ),
                hdr.tsn,
            )
        elif hdr.command_id == foundation.GeneralCommand.Configure_Reporting:
            config = self.reporting.setdefault((ep.endpoint_id, cid), {})
            statuses = []
            for record in args.config_records:
                if self.attribute(ep, cid, record.attrid) is None:
                    statuses.append(
                        foundation.ConfigureReportingResponseRecord(
                            status=foundation.Status.UNSUPPORTED_ATTRIBUTE,
                            direction=0,
                            attrid=record.attrid,
                        )
                    )
                    continue
                config[record.attrid] = max(1, int(record.max_interval))
            self.send_zcl(
                ep.endpoint_id,
                packet.src_ep,
                cid,
                codec.zcl_general(
                    hdr.tsn,
                    foundation.GeneralCommand.Configure_Reporting_rsp,
                    {
                        "status_records": statuses
                        or [
                            foundation.ConfigureReportingResponseRecord(
                                status=foundation.Status.SUCCESS
                            )
                        ]
                    },
                    from_server=True,
                ),
                hdr.tsn,
            )
            self.reporting_changed(ep.endpoint_id, cid)

    def handle_cluster_command(
        self, ep: VirtualEndpoint, cluster_id: int, command_id: int, args: Any, tsn: int
    ) -> None:
        """Subclasses answer cluster-specific commands (Price, Prepayment, Messaging)."""

    # ---- frames out -----------------------------------------------------------
    def send_zcl(self, src_ep: int, dst_ep: int, cluster_id: int, data: bytes, tsn: int) -> None:
        ep = self.endpoints.get(src_ep)
        profile = ep.profile if ep else SE_PROFILE_ID
        self.air.from_device(self, src_ep, dst_ep, profile, cluster_id, data, tsn)

    def report(self, ep_id: int, cluster_id: int, attr_ids: list[int]) -> None:
        ep = self.endpoints[ep_id]
        values = [(a, self.attribute(ep, cluster_id, a)) for a in attr_ids]
        tsn = self.next_tsn()
        data = codec.report_attributes(tsn, cluster_id, values)
        self.send_zcl(ep_id, self.bound_endpoint(ep_id, cluster_id), cluster_id, data, tsn)

    def bound_endpoint(self, ep_id: int, cluster_id: int) -> int:
        for src, cid, dst in self.bindings:
            if src == ep_id and cid == cluster_id:
                return dst
        return 1

    def send_command(
        self, ep_id: int, cluster_id: int, command_id: int, payload: dict, tsn: int | None = None
    ) -> None:
        tsn = self.next_tsn() if tsn is None else tsn
        data = codec.zcl_cluster_command(tsn, cluster_id, command_id, payload, from_server=True)
        self.send_zcl(ep_id, self.bound_endpoint(ep_id, cluster_id), cluster_id, data, tsn)

    def default_response(self, cluster_id: int, command_id: int, tsn: int, ok: bool) -> None:
        status = foundation.Status.SUCCESS if ok else foundation.Status.FAILURE
        data = codec.zcl_general(
            tsn,
            foundation.GeneralCommand.Default_Response,
            {"command_id": command_id, "status": status},
            from_server=True,
        )
        self.send_zcl(1, 1, cluster_id, data, tsn)

    # ---- reporting ------------------------------------------------------------
    def reporting_changed(self, ep_id: int, cluster_id: int) -> None:
        """Restart one reporter per distinct interval, each sending its attributes in one frame."""
        for key in [k for k in self._report_tasks if k[:2] == (ep_id, cluster_id)]:
            self._report_tasks.pop(key).cancel()
        by_interval: dict[int, list[int]] = {}
        for attr_id, interval in self.reporting.get((ep_id, cluster_id), {}).items():
            by_interval.setdefault(interval, []).append(attr_id)
        for interval, attrs in by_interval.items():
            self._report_tasks[(ep_id, cluster_id, interval)] = (
                asyncio.get_running_loop().create_task(
                    self._report_loop(ep_id, cluster_id, interval, attrs)
                )
            )

    async def _report_loop(
        self, ep_id: int, cluster_id: int, interval: int, attrs: list[int]
    ) -> None:
        clock = self.air.clock
        # Align reports to the interval grid, as meters report on the minute / half-hour.
        epoch = clock.now().timestamp()
        next_t = (int(epoch) // interval + 1) * interval
        while self.joined:
            await clock.sleep_until(datetime.fromtimestamp(next_t + self.report_offset(), UTC))
            if self.joined:
                self.before_report(cluster_id)
                self.report(ep_id, cluster_id, attrs)
            next_t += interval
            # When the host falls behind a fast clock, skip missed slots rather than
            # sending a backlog: a real meter reports its current values, not history.
            now_s = clock.now().timestamp()
            if next_t < now_s:
                next_t = (int(now_s) // interval + 1) * interval

    def report_offset(self) -> float:
        return 0.0

    def before_report(self, cluster_id: int) -> None:
        """Hook: bring values up to date (e.g. integrate the register) before reporting."""
