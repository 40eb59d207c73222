"""The virtual air: carries frames between the sim radio and virtual devices, in-process.

It counts every frame (the benchmark's "frames per simulated hour"), applies frame
loss and per-channel interference, and can unplug the radio to test recovery.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter, deque
from collections.abc import Callable
from typing import TYPE_CHECKING

import zigpy.types as t

from han_home.shared.han.clock import Clock
from han_home.shared.sim.network import COORDINATOR_NWK

if TYPE_CHECKING:
    from han_home.shared.sim.device import VirtualDevice

LOGGER = logging.getLogger(__name__)


class VirtualAir:
    def __init__(self, clock: Clock, seed: int = 0, loss_rate: float = 0.0) -> None:
        self.clock = clock
        self.rng = random.Random(seed)
        self.loss_rate = loss_rate
        self.channel = 15
        # channel -> background energy 0..255 (Wi-Fi, microwave ovens, neighbours' HANs)
        self.interference: dict[int, int] = {ch: 20 for ch in range(11, 27)}
        self.devices: dict[t.EUI64, VirtualDevice] = {}
        self.radio_present = True
        self.frames_up: Counter[str] = Counter()  # device -> coordinator, by device ieee
        self.frames_down: Counter[str] = Counter()  # coordinator -> device, by device ieee
        self._to_coordinator: Callable[[t.ZigbeePacket], None] | None = None
        self._join_handler: Callable[[VirtualDevice], None] | None = None
        self._leave_handler: Callable[[VirtualDevice], None] | None = None
        self._next_nwk = 0x1000
        self.permit_open = asyncio.Event()
        self.on_radio_lost: Callable[[], None] | None = None
        # The parent's indirect queue: frames for a sleeping child, by child, with the
        # instant each expires; delivered when the child polls (IEEE 802.15.4 indirect
        # transmission). Bounded, as a real parent's buffer is.
        self.held: dict[t.EUI64, deque[tuple[float, t.ZigbeePacket]]] = {}
        self.indirect_capacity = 4
        self.frames_expired: Counter[str] = Counter()  # held frames the child never polled for

    # ---- wiring ---------------------------------------------------------------
    def attach_radio(
        self,
        to_coordinator: Callable[[t.ZigbeePacket], None],
        join_handler: Callable[[VirtualDevice], None],
        leave_handler: Callable[[VirtualDevice], None],
    ) -> None:
        self._to_coordinator = to_coordinator
        self._join_handler = join_handler
        self._leave_handler = leave_handler

    def detach_radio(self) -> None:
        self._to_coordinator = None
        self._join_handler = None
        self._leave_handler = None

    def add(self, device: VirtualDevice) -> None:
        self.devices[device.ieee] = device

    def allocate_nwk(self) -> t.NWK:
        self._next_nwk += 0x0101
        return t.NWK(self._next_nwk & 0xFFF7)

    def device_by_nwk(self, nwk: int) -> VirtualDevice | None:
        for device in self.devices.values():
            if device.nwk == nwk:
                return device
        return None

    def _lost(self) -> bool:
        return self.loss_rate > 0 and self.rng.random() < self.loss_rate

    # ---- frames ---------------------------------------------------------------
    def from_device(
        self,
        device: VirtualDevice,
        src_ep: int,
        dst_ep: int,
        profile: int,
        cluster_id: int,
        data: bytes,
        tsn: int,
    ) -> None:
        if device.nwk is None:
            return
        self.frames_up[str(device.ieee)] += 1
        if not self.radio_present or self._to_coordinator is None or self._lost():
            return
        packet = t.ZigbeePacket(
            # on the air now, on the virtual home's clock (as a radio library stamps the
            # frames it reads), however late the event loop hands it to zigpy
            timestamp=device.frame_instant(),
            src=t.AddrModeAddress(addr_mode=t.AddrMode.NWK, address=device.nwk),
            src_ep=src_ep,
            dst=t.AddrModeAddress(addr_mode=t.AddrMode.NWK, address=COORDINATOR_NWK),
            dst_ep=dst_ep,
            tsn=tsn,
            profile_id=profile,
            cluster_id=cluster_id,
            data=t.SerializableBytes(data),
            lqi=device.lqi,
            rssi=device.rssi,
        )
        # Deliver on the next loop turn, as a radio would: never re-enter the sender.
        asyncio.get_running_loop().call_soon(self._deliver_up, packet)

    def _deliver_up(self, packet: t.ZigbeePacket) -> None:
        if self._to_coordinator is not None and self.radio_present:
            self._to_coordinator(packet)

    def to_device(self, packet: t.ZigbeePacket) -> bool:
        """Send a frame from the coordinator. Returns False if nobody could receive it."""
        return self.send_down(packet) is None

    def send_down(self, packet: t.ZigbeePacket) -> t.MACStatus | None:
        """Send a frame from the coordinator: None when it went (or waits in the parent's
        queue for a sleeping child), else the MAC status a radio would report."""
        addr = packet.dst.address if packet.dst is not None else None
        device = self.devices.get(addr) if isinstance(addr, t.EUI64) else self.device_by_nwk(addr)
        if device is None or not device.joined:
            return t.MACStatus.MAC_NO_ACK
        self.frames_down[str(device.ieee)] += 1
        if not device.awake:
            if not device.sleepy:
                return t.MACStatus.MAC_NO_ACK
            return self._hold(device, packet)
        if self._lost():
            return t.MACStatus.MAC_NO_ACK
        asyncio.get_running_loop().call_soon(device.receive, packet)
        return None

    def broadcast(self, packet: t.ZigbeePacket) -> None:
        """A broadcast from the coordinator: every joined device whose receiver is on hears
        it (sleeping end devices get broadcasts from their parent's buffer only in
        0xFFFF broadcasts, which the gateway does not send them)."""
        for device in self.devices.values():
            if device.joined and device.awake and not device.sleepy and not self._lost():
                self.frames_down[str(device.ieee)] += 1
                asyncio.get_running_loop().call_soon(device.receive, packet)

    def _hold(self, device: VirtualDevice, packet: t.ZigbeePacket) -> t.MACStatus | None:
        queue = self.held.setdefault(device.ieee, deque())
        now = self.clock.now().timestamp()
        self._expire(device, queue, now)
        if len(queue) >= self.indirect_capacity:
            return t.MACStatus.MAC_TRANSACTION_OVERFLOW
        queue.append((now + device.indirect_hold_s(), packet))
        return None

    def _expire(self, device: VirtualDevice, queue: deque, now: float) -> None:
        while queue and queue[0][0] < now:
            queue.popleft()
            self.frames_expired[str(device.ieee)] += 1

    def poll(self, device: VirtualDevice) -> int:
        """A sleepy child's data poll: its parent hands over what it held for it, in
        order (a frame per poll on a real MAC; the child polls again while one is
        pending, so the whole queue goes in one wake). Returns how many were delivered."""
        queue = self.held.get(device.ieee)
        if not queue or not device.joined:
            return 0
        self._expire(device, queue, self.clock.now().timestamp())
        delivered = 0
        loop = asyncio.get_running_loop()
        while queue:
            _expires, packet = queue.popleft()
            if self._lost():
                continue
            loop.call_soon(device.receive, packet)
            delivered += 1
        return delivered

    # ---- joining --------------------------------------------------------------
    def request_join(self, device: VirtualDevice) -> None:
        if self.radio_present and self._join_handler is not None:
            self._join_handler(device)

    def device_left(self, device: VirtualDevice) -> None:
        self.held.pop(device.ieee, None)  # its parent forgets what it held for it
        if self._leave_handler is not None:
            self._leave_handler(device)
        device.left_network()

    def unplug(self) -> None:
        """The radio stick vanishes: frames stop, and the host sees its serial link drop."""
        self.radio_present = False
        if self.on_radio_lost is not None:
            asyncio.get_running_loop().call_soon(self.on_radio_lost)

    def plug(self) -> None:
        self.radio_present = True

    # ---- diagnostics ----------------------------------------------------------
    def energy(self, channel: int) -> int:
        noise = self.rng.randint(0, 6)
        return max(0, min(255, self.interference.get(channel, 0) + noise))
