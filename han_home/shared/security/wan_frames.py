"""The gateway's WAN end point protocol, inside mutual TLS 1.3: one frame each way.

::

    request := "HW" | op (1, = 1 deliver) | target EUI-64 (8) | length (4, big-endian) | envelope
             | "HW" | op (1, = 2 result)  | ticket (8)         | length (4) = 0
    reply   := "HW" | status (1)                              | length (4, big-endian) | body

The target is the route (which meter the tunnel goes to), outside the envelope: the
gateway does not parse, check or change the envelope; the meter checks its own TARGET
field against itself, so a misrouted envelope is refused there (WRONG_TARGET). ``body``
is the meter's signed response when the status is DELIVERED, else empty.

A sleepy meter (the battery gas meter) cannot be reached now: the gateway holds the
envelope for its next wake (``han/sleepy_outbox.py``) and replies HELD at once with a
ticket (8 random octets) as the body: the gateway's word, signed by nobody, not an answer
from the meter. A later ``result`` request with that ticket (from the same head-end
certificate) gets DELIVERED with the meter's signed answer once it came, HELD again
while it waits, or UNKNOWN_TICKET.
"""

from __future__ import annotations

import asyncio
import enum
import struct

MAGIC = b"HW"
OP_DELIVER = 1
OP_RESULT = 2
TICKET_LENGTH = 8
MAX_BODY = 4096  # = envelope.MAX_ENVELOPE: the gateway reads no more than one envelope
_REQUEST = struct.Struct(">2sB8sI")
_REPLY = struct.Struct(">2sBI")


class WanStatus(enum.IntEnum):
    DELIVERED = 0  # the body is the meter's signed response
    UNKNOWN_DEVICE = 1  # no such device on this gateway's network (or no Tunneling server)
    OVERSIZED = 2  # longer than one envelope: not read, not routed
    NO_ANSWER = 3  # the meter did not answer in time
    BAD_FRAME = 4  # not a WAN frame
    HELD = 5  # for a sleepy meter's next wake; the body is the ticket (not a meter answer)
    UNKNOWN_TICKET = 6  # no held envelope of this head end with that ticket
    HELD_FULL = 7  # the gateway already holds all it will for that sleepy meter


class FrameError(Exception):
    def __init__(self, status: WanStatus, detail: str) -> None:
        super().__init__(detail)
        self.status = status


def request(target: bytes, body: bytes) -> bytes:
    if len(target) != 8:
        raise ValueError("the target is an EUI-64 (8 octets)")
    return _REQUEST.pack(MAGIC, OP_DELIVER, target, len(body)) + body


def result_request(ticket: bytes) -> bytes:
    if len(ticket) != TICKET_LENGTH:
        raise ValueError("a ticket is 8 octets")
    return _REQUEST.pack(MAGIC, OP_RESULT, ticket, 0)


def reply(status: WanStatus, body: bytes = b"") -> bytes:
    return _REPLY.pack(MAGIC, status, len(body)) + body


async def read_request(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    """(target, envelope) of a deliver request; ``FrameError`` otherwise."""
    op, target, body = await read_frame(reader)
    if op != OP_DELIVER:
        raise FrameError(WanStatus.BAD_FRAME, "not a deliver request")
    return target, body


async def read_frame(reader: asyncio.StreamReader) -> tuple[int, bytes, bytes]:
    """(op, target or ticket, envelope); ``FrameError`` for a bad or oversized frame (the
    body is not read)."""
    head = await reader.readexactly(_REQUEST.size)
    magic, op, target, length = _REQUEST.unpack(head)
    if magic != MAGIC or op not in (OP_DELIVER, OP_RESULT) or (op == OP_RESULT and length):
        raise FrameError(WanStatus.BAD_FRAME, "not a WAN request")
    if length > MAX_BODY:
        raise FrameError(WanStatus.OVERSIZED, f"{length} octets: at most {MAX_BODY}")
    return op, target, await reader.readexactly(length)


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
    return await _one(host, port, ssl_context, request(target, envelope), timeout_s)


async def fetch_result(host: str, port: int, ssl_context: object, ticket: bytes,
                       timeout_s: float = 30.0) -> tuple[WanStatus, bytes]:
    """Ask what became of a held envelope: (DELIVERED, answer), (HELD, ticket) or
    (UNKNOWN_TICKET, b"")."""
    return await _one(host, port, ssl_context, result_request(ticket), timeout_s)


async def _one(host: str, port: int, ssl_context: object, frame: bytes,
               timeout_s: float) -> tuple[WanStatus, bytes]:
    async def exchange() -> tuple[WanStatus, bytes]:
        reader, writer = await asyncio.open_connection(host, port, ssl=ssl_context)
        try:
            writer.write(frame)
            await writer.drain()
            return await read_reply(reader)
        finally:
            writer.close()
            try:
                await writer.wait_closed()
            except (OSError, ConnectionError):  # the gateway may close first (TLS)
                pass
    return await asyncio.wait_for(exchange(), timeout_s)
