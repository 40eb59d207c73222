"""Smart Energy Tunneling cluster (0x0704) and the fragmentation of envelopes over it.

zigpy 2.4 leaves Tunneling empty. The commands here follow the ZigBee Smart Energy
Standard 1.2 (07-5356, annex D.6) as far as this project uses them: the client (the
gateway) asks the server (a meter) for a tunnel with RequestTunnel, then both ends send
TransferData; TransferDataError reports a tunnel-level fault. The protocol carried is
the project's signed envelope (``shared/security/envelope.py``), under a
manufacturer-defined protocol id (SE: 200..254), as GB smart metering carries GBCS under
GB-HRGP (id 6).

One envelope (up to ``envelope.MAX_ENVELOPE`` octets: it carries certificates) is larger
than a ZCL frame, so each TransferData ``data`` is one fragment::

    index (1) | count (1) | chunk (1..CHUNK octets)

Fragments come in order 0..count-1, every chunk but the last is exactly CHUNK octets,
count never changes within a message, and the total never exceeds the envelope limit.
Anything else is refused (``FragmentError``: mis-fragmented or oversized) before the
envelope is looked at, and the partial message is dropped.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Final

import zigpy.types as t
from zigpy.zcl.clusters import smartenergy
from zigpy.zcl.foundation import BaseAttributeDefs, BaseCommandDefs, ZCLCommandDef

# GB-HRGP (SE 1.2 D.6.2.4.1's protocol id 6): the protocol GB smart metering tunnels its
# signed commands in, which these envelopes stand for. The manufacturer code matters only
# for manufacturer-defined protocols; the gateway gives its radio maker's (Silicon Labs,
# 0x1049) rather than 0x0000, which names nobody (Wireshark decodes it as Unknown).
PROTOCOL_HAN_ENVELOPE: Final = 6
GATEWAY_MANUFACTURER: Final = 0x1049
CHUNK: Final = 64  # octets of envelope per TransferData: fits an APS frame with headers
MAX_MESSAGE: Final = 4096  # = shared.security.envelope.MAX_ENVELOPE (not imported: layers)
MAX_FRAGMENTS: Final = (MAX_MESSAGE + CHUNK - 1) // CHUNK


class TunnelStatus(t.enum8):
    """RequestTunnelResponse status (SE 1.2 D.6.2.5.1)."""

    SUCCESS = 0x00
    BUSY = 0x01
    NO_MORE_TUNNEL_IDS = 0x02
    PROTOCOL_NOT_SUPPORTED = 0x03
    FLOW_CONTROL_NOT_SUPPORTED = 0x04


class TransferDataStatus(t.enum8):
    """TransferDataError status (SE 1.2 D.6.2.4.4)."""

    NO_SUCH_TUNNEL = 0x00
    WRONG_DEVICE = 0x01
    DATA_OVERFLOW = 0x02


class RawOctets(bytes):
    """The rest of the frame, as is (TransferData's ``data`` has no length prefix)."""

    def serialize(self) -> bytes:
        return bytes(self)

    @classmethod
    def deserialize(cls, data: bytes) -> tuple[RawOctets, bytes]:
        return cls(data), b""


class Tunneling(smartenergy.Tunneling):
    """Tunneling (0x0704): RequestTunnel / TransferData and their responses."""

    class AttributeDefs(BaseAttributeDefs):
        pass

    class ServerCommandDefs(BaseCommandDefs):  # client -> server (gateway -> meter)
        request_tunnel: Final = ZCLCommandDef(
            id=0x00,
            schema={
                "protocol_id": t.uint8_t,
                "manufacturer_code": t.uint16_t,
                "flow_control_support": t.Bool,
                "maximum_incoming_transfer_size": t.uint16_t,
            },
        )
        close_tunnel: Final = ZCLCommandDef(id=0x01, schema={"tunnel_id": t.uint16_t})
        transfer_data: Final = ZCLCommandDef(
            id=0x02, schema={"tunnel_id": t.uint16_t, "data": RawOctets}
        )
        transfer_data_error: Final = ZCLCommandDef(
            id=0x03, schema={"tunnel_id": t.uint16_t, "transfer_data_status": TransferDataStatus}
        )

    class ClientCommandDefs(BaseCommandDefs):  # server -> client (meter -> gateway)
        request_tunnel_response: Final = ZCLCommandDef(
            id=0x00,
            schema={
                "tunnel_id": t.uint16_t,
                "tunnel_status": TunnelStatus,
                "maximum_incoming_transfer_size": t.uint16_t,
            },
        )
        transfer_data: Final = ZCLCommandDef(
            id=0x01, schema={"tunnel_id": t.uint16_t, "data": RawOctets}
        )
        transfer_data_error: Final = ZCLCommandDef(
            id=0x02, schema={"tunnel_id": t.uint16_t, "transfer_data_status": TransferDataStatus}
        )


# ---- fragmentation (plain bytes; the tests read these octets) ---------------------------
class FragmentError(Exception):
    """A fragment sequence that does not make one message (mis-fragmented or oversized)."""

    def __init__(self, detail: str, *, oversized: bool = False) -> None:
        super().__init__(detail)
        self.oversized = oversized


def fragment(message: bytes, chunk: int = CHUNK) -> list[bytes]:
    """The TransferData ``data`` of each fragment of ``message``."""
    if not message:
        raise ValueError("nothing to send")
    if len(message) > MAX_MESSAGE:
        raise FragmentError(f"{len(message)} octets: at most {MAX_MESSAGE}", oversized=True)
    parts = [message[i:i + chunk] for i in range(0, len(message), chunk)]
    return [bytes((index, len(parts))) + part for index, part in enumerate(parts)]


@dataclass
class Reassembler:
    """Collects one message at a time; ``feed`` returns it once the last fragment came."""

    chunk: int = CHUNK
    _parts: list[bytes] = field(default_factory=list)
    _count: int = 0

    @property
    def pending(self) -> bool:
        return bool(self._parts)

    def reset(self) -> None:
        self._parts, self._count = [], 0

    def feed(self, data: bytes) -> bytes | None:
        try:
            return self._feed(bytes(data))
        except FragmentError:
            self.reset()  # nothing of a refused message is kept
            raise

    def _feed(self, data: bytes) -> bytes | None:
        if len(data) < 3:
            raise FragmentError("a fragment has an index, a count and at least one octet")
        index, count, chunk = data[0], data[1], data[2:]
        if count == 0:
            raise FragmentError("a message of no fragments")
        if count > MAX_FRAGMENTS:
            raise FragmentError(f"{count} fragments: more than {MAX_MESSAGE} octets",
                                oversized=True)
        if index == 0 and self._parts:
            raise FragmentError("a new message began before the last one ended")
        if index != len(self._parts) or index >= count:
            raise FragmentError(f"fragment {index} out of order")
        if self._parts and count != self._count:
            raise FragmentError("the fragment count changed within a message")
        if len(chunk) > self.chunk or (index < count - 1 and len(chunk) != self.chunk):
            raise FragmentError("a fragment of the wrong size")
        self._count = count
        self._parts.append(chunk)
        if index < count - 1:
            return None
        message = b"".join(self._parts)
        self.reset()
        if len(message) > MAX_MESSAGE:
            raise FragmentError(f"{len(message)} octets: at most {MAX_MESSAGE}", oversized=True)
        return message


class TunnelOp(enum.IntEnum):
    """Server command ids, for the virtual devices' dispatch."""

    REQUEST_TUNNEL = 0x00
    CLOSE_TUNNEL = 0x01
    TRANSFER_DATA = 0x02
    TRANSFER_DATA_ERROR = 0x03
