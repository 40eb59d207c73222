"""The virtual home's radio: a zigpy ControllerApplication whose air is in-process.

The gateway drives it exactly as it drives znp / ezsp / deconz. Joining follows the
GB HAN trust-centre policy: a device is admitted only while the gateway permits its
EUI-64 with the link key derived from that device's install code; anything else that
asks to join is refused and reported (`join_refused` listener event).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any

import zigpy.application
import zigpy.config as conf
import zigpy.exceptions
import zigpy.state
import zigpy.types as t
from zigpy.zdo import types as zdo_t

from han_home.shared.han.clock import Clock
from han_home.shared.han.se_clusters import SE_PROFILE_ID
from han_home.shared.han.se_device import SmartEnergyAppMixin
from han_home.shared.sim.air import VirtualAir
from han_home.shared.sim.device import MFG_SILICON_LABS, VirtualDevice
from han_home.shared.sim.network import COORDINATOR_IEEE, COORDINATOR_NWK, EXTENDED_PAN_ID

LOGGER = logging.getLogger(__name__)


class SimControllerApplication(SmartEnergyAppMixin, zigpy.application.ControllerApplication):
    """A zigpy radio for the virtual home. Config key `sim_air` carries the VirtualAir."""

    SCHEMA = conf.CONFIG_SCHEMA.extend({"sim_air": object}, extra=0)

    def __init__(self, config: dict[str, Any]) -> None:
        self.air: VirtualAir = config["sim_air"]
        super().__init__(config)
        self._connected = False
        self._permits: dict[t.EUI64, tuple[t.KeyData, datetime]] = {}
        self._window_until: datetime | None = None
        self._window_task: asyncio.Task[None] | None = None

    # ---- radio life -----------------------------------------------------------
    async def connect(self) -> None:
        if not self.air.radio_present:
            raise zigpy.exceptions.TransientConnectionError("Virtual radio is unplugged")
        self.air.attach_radio(self.packet_received, self._join_request, self._left)
        self._connected = True

    async def disconnect(self) -> None:
        self._connected = False
        self._close_window()
        self.air.detach_radio()

    async def _watchdog_feed(self) -> None:
        if not self.air.radio_present:
            raise zigpy.exceptions.ControllerException("Virtual radio is unplugged")

    async def load_network_info(self, *, load_devices: bool = False) -> None:
        self.state.node_info = zigpy.state.NodeInfo(
            nwk=COORDINATOR_NWK,
            ieee=COORDINATOR_IEEE,
            logical_type=zdo_t.LogicalType.Coordinator,
            model="Virtual HAN radio",
            manufacturer="han-home",
            version="1.0",
        )
        self.state.network_info = zigpy.state.NetworkInfo(
            extended_pan_id=EXTENDED_PAN_ID,
            pan_id=t.PanId(0x1A62),
            nwk_update_id=0,
            nwk_manager_id=COORDINATOR_NWK,
            channel=self.air.channel,
            channel_mask=t.Channels.from_channel_list([self.air.channel]),
            security_level=5,
            network_key=zigpy.state.Key(key=t.KeyData(range(16))),
            tc_link_key=zigpy.state.Key(key=t.KeyData(b"ZigBeeAlliance09")),
            stack_specific={},
            source="han-home sim",
        )

    async def write_network_info(self, *, network_info, node_info) -> None:
        self.air.channel = network_info.channel or self.air.channel

    async def reset_network_info(self) -> None:
        return None

    async def start_network(self) -> None:
        await self.load_network_info()
        coordinator = self.add_device(COORDINATOR_IEEE, COORDINATOR_NWK)
        coordinator.node_desc = zdo_t.NodeDescriptor(
            logical_type=zdo_t.LogicalType.Coordinator,
            complex_descriptor_available=0,
            user_descriptor_available=0,
            reserved=0,
            aps_flags=0,
            frequency_band=zdo_t.FrequencyBand.Freq2400MHz,
            mac_capability_flags=zdo_t.MACCapabilityFlags.AllocateAddress
            | zdo_t.MACCapabilityFlags.MainsPowered
            | zdo_t.MACCapabilityFlags.RxOnWhenIdle
            | zdo_t.MACCapabilityFlags.FullFunctionDevice,
            manufacturer_code=MFG_SILICON_LABS,  # the radio's chip maker, as EZSP sticks say
            maximum_buffer_size=82,
            maximum_incoming_transfer_size=255,
            server_mask=0x2C41,
            maximum_outgoing_transfer_size=255,
            descriptor_capability_field=zdo_t.DescriptorCapability.NONE,
        )
        ep = coordinator.add_endpoint(1)
        ep.status = zigpy.endpoint.Status.ZDO_INIT
        ep.profile_id = SE_PROFILE_ID
        ep.device_type = 0x0500  # energy service interface
        coordinator.model, coordinator.manufacturer = "Virtual HAN radio", "han-home"
        self.device_initialized(coordinator)

    def add_device(self, ieee: t.EUI64, nwk: t.NWK) -> Any:
        device = super().add_device(ieee, nwk)
        # zigpy drops a frame identical to one it saw in the last 10 s of the event loop's
        # time. On the virtual air those are the home's seconds: under a fast or a manual
        # clock a day of reports passes in seconds, and whether two equal demand reports
        # 256 sequence numbers apart got through would depend on how fast the host was.
        debouncer = getattr(device, "_packet_debouncer", None)  # zigpy 2.4 internals
        if debouncer is not None:
            debouncer._loop = _AirTime(self.air.clock)
        return device

    async def force_remove(self, dev) -> None:
        device = self.air.devices.get(dev.ieee)
        if device is not None and device.joined:
            self.air.device_left(device)

    async def add_endpoint(self, descriptor: zdo_t.SimpleDescriptor) -> None:
        return None

    # ---- frames ---------------------------------------------------------------
    async def send_packet(self, packet: t.ZigbeePacket) -> None:
        if not self._connected or not self.air.radio_present:
            raise zigpy.exceptions.DeliveryError("Virtual radio is unplugged")
        if packet.dst is None or packet.dst.addr_mode == t.AddrMode.Group:
            return
        if packet.dst.addr_mode == t.AddrMode.Broadcast:
            if packet.dst_ep == 0:  # ZDO broadcasts (address discovery, Match_Desc)
                self.air.broadcast(packet)
            return
        status = self.air.send_down(packet)
        if status is not None:
            raise zigpy.exceptions.DeliveryError(
                f"{status.name} from {packet.dst.address!r}", status=status
            )

    async def energy_scan(
        self, channels: t.Channels, duration_exp: int, count: int
    ) -> dict[int, float]:
        results: dict[int, float] = {}
        for channel in channels:
            samples = [self.air.energy(channel) for _ in range(max(1, count))]
            results[channel] = max(samples)
            await asyncio.sleep(0.01 * (2**duration_exp) / 8)  # scans take time on real radios
        return results

    # ---- joining --------------------------------------------------------------
    async def permit_ncp(self, time_s: int = 60) -> None:
        if time_s == 0:
            self._close_window()
        else:
            self._open_window(time_s)

    async def permit_with_link_key(
        self, node: t.EUI64, link_key: t.KeyData, time_s: int = 60
    ) -> None:
        until = self._host.now() + timedelta(seconds=time_s)
        self._permits[t.EUI64(node)] = (t.KeyData(link_key), until)
        self._open_window(time_s)

    @property
    def _host(self) -> Clock:
        # A radio's permit timer counts the host's seconds (see han_home/shared/han/clock.py)
        return self.air.clock.host

    def _open_window(self, time_s: int) -> None:
        until = self._host.now() + timedelta(seconds=time_s)
        self._window_until = max(self._window_until or until, until)
        self.air.permit_open.set()
        if self._window_task is None or self._window_task.done():
            self._window_task = asyncio.get_running_loop().create_task(self._window_timer())

    async def _window_timer(self) -> None:
        while self._window_until is not None and self._host.now() < self._window_until:
            await self._host.sleep_until(self._window_until)
        self._close_window()

    def _close_window(self) -> None:
        self._window_until = None
        self._permits.clear()  # keys live only as long as the window
        self.air.permit_open.clear()
        if self._window_task is not None and self._window_task is not asyncio.current_task():
            self._window_task.cancel()
        self._window_task = None

    @property
    def window_open(self) -> bool:
        return self.air.permit_open.is_set()

    def _join_request(self, device: VirtualDevice) -> None:
        if not self.window_open:
            return
        permit = self._permits.get(device.ieee)
        if permit is None or permit[1] < self._host.now() or permit[0] != device.link_key:
            reason = "not_listed" if permit is None else "wrong_key"
            # the join request's MAC capability says mains powered (a router: an ESME) or
            # not (a sleepy end device: a GSME)
            self.listener_event("join_refused", device.ieee, device.lqi, device.rssi, reason,
                                not device.sleepy)
            return
        nwk = self.air.allocate_nwk()
        device.joined_network(nwk)
        self.handle_join(nwk, device.ieee, COORDINATOR_NWK)

    def _left(self, device: VirtualDevice) -> None:
        if device.nwk is not None:
            self.handle_leave(device.nwk, device.ieee)


class _AirTime:
    """Stands in for the event loop in zigpy's packet debouncer: time in clock seconds."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def time(self) -> float:
        return self.clock.now().timestamp()


# the radio registry (shared/han/radios.py) finds every radio library by this name
ControllerApplication = SimControllerApplication
