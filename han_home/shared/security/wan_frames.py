"""The gateway's WAN end point protocol, inside mutual TLS 1.3: one frame each way.

::

    request := "HW" | op (1, = 1 deliver) | target EUI-64 (8) | length (4, big-endian) | envelope
    reply   := "HW" | status (1)                              | length (4, big-endian) | body

The target is the route (which meter the tunnel goes to), outside the envelope: the
gateway does not parse, check or change the envelope; the meter checks its own TARGET
field against itself, so a misrouted envelope is refused there (WRONG_TARGET). ``body``
is the meter's signed response when the status is DELIVERED, else empty.
"""

from __future__ import annotations

import asyncio
import enum
import struct

MAGIC = b"HW"
OP_DELIVER = 1
MAX_BODY = 4096  # = envelope.MAX_ENVELOPE: the gateway reads no more than one envelope
_REQUEST = struct.Struct(">2sB8sI")
_REPLY = struct.Struct(">2sBI")


class WanStatus(enum.IntEnum):
    DELIVERED = 0  # the body is the meter's signed response
    UNKNOWN_DEVICE = 1  # no such device on this gateway's network (or no Tunneling server)
    OVERSIZED = 2  # longer than one envelope: not read, not routed
    NO_ANSWER = 3  # the meter did not answer in time
    BAD_FRAME = 4  # not a WAN frame


class FrameError(Exception):
    def __init__(self, status: WanStatus, detail: str) -> None:
        super().__init__(detail)
        self.status = status


def request(target: bytes, body: bytes) -> bytes:
    if len(target) != 8:
        raise ValueError("the target is an EUI-64 (8 octets)")
    return _REQUEST.pack(MAGIC, OP_DELIVER, target, len(body)) + body


def reply(status: WanStatus, body: bytes = b"") -> bytes:
    return _REPLY.pack(MAGIC, status, len(body)) + body


async def read_request(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    """(target, envelope); ``FrameError`` for a bad or oversized frame (body not read)."""
    head = await reader.readexactly(_REQUEST.size)
    magic, op, target, length = _REQUEST.unpack(head)
    if magic != MAGIC or op != OP_DELIVER:
        raise FrameError(WanStatus.BAD_FRAME, "not a WAN request")
    if length > MAX_BODY:
        raise FrameError(WanStatus.OVERSIZED, f"{length} octets: at most {MAX_BODY}")
    return target, await reader.readexactly(length)


async def read_reply(reader: asyncio.StreamReader) -> tuple[WanStatus, bytes]:
    head = await reader.readexactly(_REPLY.size)
    magic, status, length = _REPLY.unpack(head)
    if magic != MAGIC or length > MAX_BODY:
        raise FrameError(WanStatus.BAD_FRAME, "not a WAN reply")
    try:
        return WanStatus(status), await reader.readexactly(length)
    except ValueError:
        raise FrameError(WanStatus.BAD_FRAME, "unknown status") from None


async def deliver(host: str, port: int, ssl_context: object, target: bytes, envelope: bytes,
                  timeout_s: float = 30.0) -> tuple[WanStatus, bytes]:
    """One envelope to the gateway at (host, port) and its reply, over mutual TLS."""
    async def exchange() -> tuple[WanStatus, bytes]:
        reader, writer = await asyncio.open_connection(host, port, ssl=ssl_context)
        try:
            writer.write(request(target, envelope))
            await writer.drain()
            return await read_reply(reader)
        finally:
            writer.close()
            try:
                await writer.wait_closed()
            except (OSError, ConnectionError):  # the gateway may close first (TLS)
                pass
    return await asyncio.wait_for(exchange(), timeout_s)
