"""Let Smart Energy (profile 0x0109) frames through zigpy.

zigpy 2.4 parses ZCL only for the HA and ZLL profiles and drops 0x0109 frames in
`ZigbeeDevice._parse_packet_header` (zigpy issue #1709). `SmartEnergyDevice` parses
them as ZCL too, and survives malformed frames instead of raising into the radio
library. `SmartEnergyAppMixin` makes any zigpy ControllerApplication (the virtual
home's, or znp / ezsp / deconz) create such devices. Verified against zigpy 2.4.x.
"""

from __future__ import annotations

import logging
from typing import Any

import zigpy.application
import zigpy.types as t
from zigpy.device import Device as ZigbeeDevice
from zigpy.device import ResponseKey
from zigpy.zcl import foundation

from han_home.shared.han import se_clusters  # noqa: F401  (registers the SE cluster definitions)
from han_home.shared.han.se_clusters import SE_PROFILE_ID

LOGGER = logging.getLogger(__name__)


class SmartEnergyDevice(ZigbeeDevice):
    """A zigpy device that understands ZCL carried on the Smart Energy profile."""

    malformed_frames = 0  # class-wide counter, for diagnostics

    def _parse_packet_header(self, packet: t.ZigbeePacket) -> Any:
        if packet.profile_id == SE_PROFILE_ID and packet.src_ep != 0:
            hdr, _ = foundation.ZCLHeader.deserialize(packet.data.serialize())

            return hdr, ResponseKey(
                endpoint_id=packet.src_ep,
                cluster_id=packet.cluster_id,
                direction=hdr.frame_control.direction,
                tsn=hdr.tsn,
            )
        return super()._parse_packet_header(packet)

    def packet_received(self, packet: t.ZigbeePacket) -> None:
        try:
            super().packet_received(packet)
        except Exception:  # noqa: BLE001  a bad frame must never take the gateway down
            type(self).malformed_frames += 1
            LOGGER.debug("Dropped a malformed frame from %s", self.ieee, exc_info=True)


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
        except Exception:  # noqa: BLE001  e.g. a ZDO frame too short to parse
            SmartEnergyDevice.malformed_frames += 1
            LOGGER.debug("Dropped a malformed frame", exc_info=True)


def smart_energy_app_class(
    base: type[zigpy.application.ControllerApplication],
) -> type[zigpy.application.ControllerApplication]:
    """Return `base` with Smart Energy device handling mixed in."""
    if issubclass(base, SmartEnergyAppMixin):
        return base
    return type(f"SmartEnergy{base.__name__}", (SmartEnergyAppMixin, base), {})
