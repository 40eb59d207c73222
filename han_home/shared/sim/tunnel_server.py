"""A virtual meter's Tunneling server (0x0704): reassemble, hand to its authority, answer.

``TunnelingMeter`` is a mixin for a ``VirtualDevice``: it adds the Tunneling server to
endpoint 1, gives the device its key and certificate at manufacture (``demo_pki``), and
answers RequestTunnel / TransferData / CloseTunnel. A meter is manufactured when its
authority is first needed (a signed message, a certificate probe), not when the virtual
home is built: the PKI code, cryptography's X.509 layer and a key per meter would otherwise
sit in a display's memory for its whole life though most runs never send a signed command.
A message the tunnel cannot reassemble (mis-fragmented, oversized) is answered with the
meter's signed refusal, as a bad envelope is; the partial message is dropped.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zigpy.zcl import foundation

from han_home.shared.han.se_tunnel import (
    MAX_MESSAGE,
    PROTOCOL_HAN_ENVELOPE,
    FragmentError,
    Reassembler,
    TransferDataStatus,
    Tunneling,
    TunnelOp,
    TunnelStatus,
    fragment,
)
from han_home.shared.han.zcl_ids import PRICE_CLUSTER
from han_home.shared.sim.block_prices import block_period, block_price_attributes, zcl_time

if TYPE_CHECKING:  # imported on first use (see the module's docstring)
    from han_home.shared.sim.demo_pki import DemoPki
    from han_home.shared.sim.meter_authority import MeterAuthority

TUNNELING_CLUSTER = Tunneling.cluster_id
MAX_TUNNELS = 4
_TYPES = {"electricity_meter": "ESME", "gas_meter": "GSME"}  # security.profiles.DeviceType


class TunnelingMeter:
    """Mixin: put it before the meter class's other bases."""

    air: Any
    ieee: Any
    endpoints: dict[int, Any]
    clock_drift_s: float
    role: str
    model: str

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._tunnels: dict[int, Reassembler] = {}
        self._next_tunnel = 1
        self._authority: MeterAuthority | None = None

    @property
    def authority(self) -> MeterAuthority:
        """What checks and applies signed messages; the meter is manufactured on first use
        with the virtual home's demo PKI."""
        if self._authority is None:
            from han_home.shared.sim.demo_pki import demo_pki

            self.manufacture(demo_pki())
        assert self._authority is not None
        return self._authority

    def manufacture(self, world: DemoPki, state_dir: Path | None = None) -> None:
        """Its own key and certificate, and the trust anchors it is given."""
        from han_home.shared.security.profiles import DeviceType
        from han_home.shared.sim.meter_authority import MeterAuthority

        eui = bytes(reversed(self.ieee.serialize()))  # zigpy holds EUI-64s little-endian
        signer = world.device(eui, DeviceType[_TYPES.get(self.role, "ESME")],
                              f"{self.model} {self.ieee}")
        self._authority = MeterAuthority(self, signer, world.anchors, world.intermediates,
                                         state_dir)

    def meter_now(self) -> datetime:
        """The meter's own clock: the home's time plus its drift (a fault to inject)."""
        return self.air.clock.now() + timedelta(seconds=self.clock_drift_s)

    # ---- VirtualDevice hooks ------------------------------------------------------
    def add_endpoints(self) -> None:
        super().add_endpoints()  # type: ignore[misc]
        self.endpoints[1].servers[TUNNELING_CLUSTER] = {}
        price = self.endpoints[1].servers.get(PRICE_CLUSTER)
        if price is not None and self.role == "electricity_meter":
            price.update(block_price_attributes(self))

    def publish_block_period(self) -> None:
        """PublishBlockPeriod: the block period (this billing month) and its thresholds."""
        now = self.air.clock.now()
        start, minutes = block_period(now)
        thresholds = self.tariff.blocks_at(now)  # type: ignore[attr-defined]
        self.send_command(1, PRICE_CLUSTER, 0x01, payload={  # type: ignore[attr-defined]
            "provider_id": 1, "issuer_event_id": zcl_time(now),
            "block_period_start_time": zcl_time(start),
            "block_period_duration_in_minutes": minutes,
            "num_price_tiers_and_num_block_thresholds": (2 << 4) | len(thresholds),
            "block_period_control": 0})

    def supported_commands(self, cluster_id: int) -> frozenset[int]:
        if cluster_id == TUNNELING_CLUSTER:
            return frozenset(int(op) for op in TunnelOp)
        return super().supported_commands(cluster_id)  # type: ignore[misc]

    def handle_cluster_command(self, ep: Any, cluster_id: int, command_id: int, args: Any,
                               tsn: int) -> foundation.Status | None:
        if cluster_id != TUNNELING_CLUSTER:
            return super().handle_cluster_command(  # type: ignore[misc]
                ep, cluster_id, command_id, args, tsn)
        if command_id == TunnelOp.REQUEST_TUNNEL:
            self._request_tunnel(args, tsn)
            return None
        if command_id == TunnelOp.CLOSE_TUNNEL:
            self._tunnels.pop(int(args.tunnel_id), None)
            return foundation.Status.SUCCESS
        if command_id == TunnelOp.TRANSFER_DATA:
            return self._transfer_data(int(args.tunnel_id), bytes(args.data))
        return foundation.Status.SUCCESS  # TransferDataError from the client: noted

    def _request_tunnel(self, args: Any, tsn: int) -> None:
        status, tunnel_id = TunnelStatus.SUCCESS, 0xFFFF
        if int(args.protocol_id) != PROTOCOL_HAN_ENVELOPE:
            status = TunnelStatus.PROTOCOL_NOT_SUPPORTED
        elif bool(args.flow_control_support):
            status = TunnelStatus.FLOW_CONTROL_NOT_SUPPORTED
        else:
            if len(self._tunnels) >= MAX_TUNNELS:  # the oldest gives way
                self._tunnels.pop(next(iter(self._tunnels)))
            tunnel_id = self._next_tunnel
            self._next_tunnel = self._next_tunnel % 0xFFFE + 1
            self._tunnels[tunnel_id] = Reassembler()
        self.send_command(1, TUNNELING_CLUSTER, 0x00, tsn=tsn, payload={  # type: ignore[attr-defined]
            "tunnel_id": tunnel_id, "tunnel_status": status,
            "maximum_incoming_transfer_size": MAX_MESSAGE})

    def _transfer_data(self, tunnel_id: int, data: bytes) -> foundation.Status:
        reassembler = self._tunnels.get(tunnel_id)
        if reassembler is None:
            self.send_command(1, TUNNELING_CLUSTER, 0x02, payload={  # type: ignore[attr-defined]
                "tunnel_id": tunnel_id,
                "transfer_data_status": TransferDataStatus.NO_SUCH_TUNNEL})
            return foundation.Status.NOT_FOUND
        try:
            message = reassembler.feed(data)
        except FragmentError as exc:
            self._send(tunnel_id, self.authority.refuse_transport(data, exc.oversized))
            return foundation.Status.SUCCESS
        if message is not None:
            self._send(tunnel_id, self.authority.handle(message))
        return foundation.Status.SUCCESS

    def _send(self, tunnel_id: int, message: bytes) -> None:
        for part in fragment(message):
            self.send_command(1, TUNNELING_CLUSTER, 0x01, payload={  # type: ignore[attr-defined]
                "tunnel_id": tunnel_id, "data": part})
