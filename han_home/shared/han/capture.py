"""The gateway's frame tap for a HAN capture (pcap.py writes it).

Received frames come from zigpy's ``handle_message`` listener event; sent frames from
the radio's ``send_packet``, which the tap wraps while a capture runs. Only application
frames (ZCL, ZDO) are seen: the radio's own security (keys) never passes here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import zigpy.types as t

from han_home.shared.han.pcap import HanFrame

COORDINATOR = 0x0000
CAPTURE_LIMIT = 200_000  # frames: a join window has a few thousand; a bound on memory


class FrameTap:
    def __init__(self, app: Any, now: Callable[[], datetime]) -> None:
        self.app, self.now = app, now
        self.frames: list[HanFrame] = []
        self._original_send = app.send_packet
        app.send_packet = self._send_packet

    def close(self) -> list[HanFrame]:
        self.app.send_packet = self._original_send
        return self.frames

    def _add(self, frame: HanFrame) -> None:
        if len(self.frames) < CAPTURE_LIMIT:
            self.frames.append(frame)

    def received(self, device: Any, profile: int, cluster: int, src_ep: int, dst_ep: int,
                 message: bytes) -> None:
        self._add(HanFrame(self.now(), int(device.nwk), COORDINATOR, int(src_ep),
                           int(dst_ep), int(profile), int(cluster), bytes(message)))

    async def _send_packet(self, packet: t.ZigbeePacket) -> None:
        dst = packet.dst
        if dst is not None and dst.addr_mode != t.AddrMode.Group:
            broadcast = dst.addr_mode == t.AddrMode.Broadcast
            nwk = self._nwk_of(dst)
            if nwk is not None:
                self._add(HanFrame(self.now(), COORDINATOR, nwk, int(packet.src_ep or 0),
                                   int(packet.dst_ep or 0), int(packet.profile_id or 0),
                                   int(packet.cluster_id), packet.data.serialize(), broadcast))
        await self._original_send(packet)

    def _nwk_of(self, dst: t.AddrModeAddress) -> int | None:
        if dst.addr_mode in (t.AddrMode.NWK, t.AddrMode.Broadcast):
            return int(dst.address)  # type: ignore[arg-type]  # a 16-bit address here
        device = self.app.devices.get(dst.address)
        return int(device.nwk) if device is not None else None
