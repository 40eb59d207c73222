"""The gateway's end of the Tunneling cluster: carry an envelope to a meter, unchanged.

One tunnel per meter (RequestTunnel once, kept), one message at a time per meter (a
lock), the envelope cut into TransferData fragments and the meter's answer reassembled
from its TransferData. The gateway reads neither: it has no key to check or forge one.
TransferData is sent without waiting for a Default Response, so the meter's own
sequence numbers can never be mistaken for the answer to one of ours.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from han_home.shared.han.se_tunnel import (
    GATEWAY_MANUFACTURER,
    MAX_MESSAGE,
    PROTOCOL_HAN_ENVELOPE,
    FragmentError,
    RawOctets,
    Reassembler,
    Tunneling,
    TunnelOp,
    TunnelStatus,
    fragment,
)

LOGGER = logging.getLogger(__name__)
TUNNELING_CLUSTER = Tunneling.cluster_id


class TunnelError(Exception):
    """The envelope could not be carried (no such meter, no tunnel, no answer)."""

    def __init__(self, detail: str, *, no_answer: bool = False) -> None:
        super().__init__(detail)
        self.no_answer = no_answer


class _Listener:
    def __init__(self, client: TunnelClient, eui: str) -> None:
        self.client, self.eui = client, eui

    def cluster_command(self, tsn: int, command_id: int, args: Any) -> None:
        self.client._from_meter(self.eui, command_id, args)


class TunnelClient:
    def __init__(self, gateway: Any, timeout_s: float = 15.0) -> None:
        self.gateway = gateway
        self.timeout_s = timeout_s
        self._tunnels: dict[str, int] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._answers: dict[str, asyncio.Future[bytes]] = {}
        self._incoming: dict[str, Reassembler] = {}
        self._listening: set[str] = set()

    def _cluster(self, eui: str) -> Any:
        device = self.gateway._zigpy_device(eui)
        if device is None:
            raise TunnelError(f"no device {eui} on this network")
        for ep_id, ep in device.endpoints.items():
            cluster = ep.in_clusters.get(TUNNELING_CLUSTER) if ep_id else None
            if cluster is not None:
                return cluster
        raise TunnelError(f"{eui} has no Tunneling server")

    async def _open(self, eui: str, cluster: Any) -> int:
        if eui in self._tunnels:
            return self._tunnels[eui]
        if eui not in self._listening:
            cluster.add_listener(_Listener(self, eui))
            self._listening.add(eui)
        rsp = await cluster.request_tunnel(
            protocol_id=PROTOCOL_HAN_ENVELOPE, manufacturer_code=GATEWAY_MANUFACTURER,
            flow_control_support=False, maximum_incoming_transfer_size=MAX_MESSAGE)
        if int(rsp.tunnel_status) != TunnelStatus.SUCCESS:
            raise TunnelError(f"{eui} refused a tunnel: {TunnelStatus(rsp.tunnel_status).name}")
        self._tunnels[eui] = int(rsp.tunnel_id)
        return self._tunnels[eui]

    async def transfer(self, eui: str, message: bytes) -> bytes:
        """``message`` to the meter ``eui`` and its whole answer; ``TunnelError``."""
        return await self.transfer_fragments(eui, fragment(message))

    async def transfer_fragments(self, eui: str, parts: list[bytes]) -> bytes:
        """The given TransferData fragments as they are (tests send wrong ones this way)."""
        cluster = self._cluster(eui)
        lock = self._locks.setdefault(eui, asyncio.Lock())
        async with lock:
            try:
                tunnel_id = await asyncio.wait_for(self._open(eui, cluster), self.timeout_s)
            except TimeoutError:
                raise TunnelError(f"{eui} did not open a tunnel", no_answer=True) from None
            answer: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
            self._answers[eui] = answer
            self._incoming[eui] = Reassembler()
            try:
                for part in parts:
                    # by id: zigpy's cluster.transfer_data would be the server's
                    # (client-command) TransferData, which has the same name
                    await cluster.command(TunnelOp.TRANSFER_DATA, tunnel_id=tunnel_id,
                                          data=RawOctets(part), expect_reply=False)
                return await asyncio.wait_for(answer, self.timeout_s)
            except TimeoutError:
                self._tunnels.pop(eui, None)  # ask for a new tunnel next time
                raise TunnelError(f"{eui} did not answer", no_answer=True) from None
            finally:
                self._answers.pop(eui, None)

    def _from_meter(self, eui: str, command_id: int, args: Any) -> None:
        if int(getattr(args, "tunnel_id", -1)) != self._tunnels.get(eui):
            return  # another client's tunnel to the same meter (or a stale one)
        answer = self._answers.get(eui)
        if command_id == 0x02:  # TransferDataError: the meter lost our tunnel
            self._tunnels.pop(eui, None)
            if answer is not None and not answer.done():
                answer.set_exception(TunnelError(f"{eui}: {args.transfer_data_status!r}"))
            return
        if command_id != 0x01 or answer is None or answer.done():
            return  # nothing asked: a stray fragment is dropped
        try:
            message = self._incoming[eui].feed(bytes(args.data))
        except FragmentError as exc:
            answer.set_exception(TunnelError(f"{eui} answered wrongly fragmented: {exc}"))
            return
        if message is not None:
            answer.set_result(message)
