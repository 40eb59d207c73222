"""Let Smart Energy (profile 0x0109) frames through zigpy.

zigpy 2.4 parses ZCL only for the HA and ZLL profiles and drops 0x0109 frames in
`ZigbeeDevice._parse_packet_header` (zigpy issue #1709). `SmartEnergyDevice` parses
them as ZCL too, and survives malformed frames instead of raising into the radio
library. `SmartEnergyAppMixin` makes any zigpy ControllerApplication (the virtual
home's, or znp / ezsp / deconz) create such devices. Verified against zigpy 2.4.x.
"""

from __future__ import annotations

import logging
import struct
from datetime import datetime
from typing import Any

import zigpy.application
import zigpy.types as t
from zigpy.device import Device as ZigbeeDevice
from zigpy.device import ResponseKey
from zigpy.zcl import Cluster, foundation

# importing se_clusters also registers the Smart Energy cluster definitions with zigpy
from han_home.shared.han.se_clusters import SE_PROFILE_ID
from han_home.shared.han.zcl_header import command_of, parse_header

LOGGER = logging.getLogger(__name__)
# What zigpy's deserialisers raise on a frame that is short, too long or out of range: a
# malformed frame from the air (noise, a foreign stack, an attacker) is routine, not a bug.
MALFORMED_FRAME_ERRORS: tuple[type[Exception], ...] = (
    ValueError,
    KeyError,
    IndexError,
    struct.error,
)


def _frame(packet: t.ZigbeePacket) -> str:
    data = packet.data.serialize()
    return (
        f"profile 0x{int(packet.profile_id or 0):04x} cluster 0x{int(packet.cluster_id):04x} "
        f"ep {packet.src_ep}->{packet.dst_ep} data {data.hex()}"
    )


def drop_frame(packet: t.ZigbeePacket, source: object, exc: Exception) -> None:
    """Count and log a frame the stack could not handle: malformed frames at DEBUG (they
    are noise on a busy air), anything else at WARNING with the frame (it is a bug)."""
    SmartEnergyDevice.malformed_frames += 1
    if isinstance(exc, MALFORMED_FRAME_ERRORS):
        LOGGER.debug("Dropped a malformed frame from %s: %s", source, _frame(packet),
                     exc_info=True)
    else:
        LOGGER.warning("Unexpected error handling a frame from %s (%s): %r", source,
                       _frame(packet), exc, exc_info=True)


class SmartEnergyDevice(ZigbeeDevice):
    """A zigpy device that understands ZCL carried on the Smart Energy profile."""

    malformed_frames = 0  # class-wide counter, for diagnostics

    def _parse_packet_header(self, packet: t.ZigbeePacket) -> Any:
        if packet.profile_id == SE_PROFILE_ID and packet.src_ep != 0:
            hdr, _ = parse_header(packet.data.serialize())
            if (hdr.frame_control.frame_type == foundation.FrameType.GLOBAL_COMMAND
                    and hdr.command_id == foundation.GeneralCommand.Read_Attributes_rsp):
                self.read_reply_heard_at = packet.timestamp

            return hdr, ResponseKey(
                endpoint_id=packet.src_ep,
                cluster_id=packet.cluster_id,
                direction=hdr.frame_control.direction,
                tsn=hdr.tsn,
            )
        return super()._parse_packet_header(packet)

    def _parse_packet_command(self, packet: t.ZigbeePacket, endpoint: Any,
                              zcl_cluster: Any) -> Any:
        # A meter's frames: the header from the cache (zcl_header.py), not parsed again.
        # A cluster with its own deserialize (a quirk) keeps zigpy's path.
        if (packet.profile_id == SE_PROFILE_ID and packet.src_ep != 0
                and zcl_cluster is not None
                and type(zcl_cluster).deserialize is Cluster.deserialize):
            hdr, rest = parse_header(packet.data.serialize())
            return command_of(zcl_cluster, hdr, rest)
        return super()._parse_packet_command(packet, endpoint, zcl_cluster)

    # when the radio received the frame being handled (zigpy's packet timestamp), for the
    # listeners its reports reach while it is handled (gateway._receipt_time), and the
    # newest Read Attributes reply's, for the reader resumed after it (gateway reads)
    heard_at: datetime | None = None
    read_reply_heard_at: datetime | None = None

    def packet_received(self, packet: t.ZigbeePacket) -> None:
        self.heard_at = packet.timestamp
        try:
            super().packet_received(packet)
        except Exception as exc:  # a bad frame must never take the gateway down
            drop_frame(packet, self.ieee, exc)
        finally:
            self.heard_at = None


class SmartEnergyAppMixin:
    """Mix into a ControllerApplication so devices it creates speak Smart Energy."""

    def add_device(self, ieee: t.EUI64, nwk: t.NWK) -> ZigbeeDevice:
        assert isinstance(ieee, t.EUI64)
        dev = SmartEnergyDevice(self, ieee, nwk)  # type: ignore[arg-type]
        self.devices[ieee] = dev  # type: ignore[attr-defined]
        return dev

    def packet_received(self, packet: t.ZigbeePacket) -> None:
        try:
            super().packet_received(packet)  # type: ignore[misc]
        except Exception as exc:  # e.g. a ZDO frame too short to parse
            drop_frame(packet, packet.src, exc)


def smart_energy_app_class(
    base: type[zigpy.application.ControllerApplication],
) -> type[zigpy.application.ControllerApplication]:
    """Return `base` with Smart Energy device handling mixed in."""
    if issubclass(base, SmartEnergyAppMixin):
        return base
    return type(f"SmartEnergy{base.__name__}", (SmartEnergyAppMixin, base), {})
