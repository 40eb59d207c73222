"""ZCL frame headers parsed once per distinct header, not once per frame.

A meter reports about 11,000 frames a day (demand every 10 s, registers every minute).
zigpy parses each frame's 3-byte ZCL header twice (to match it to a request, then with
its command), and its generic `Struct` machinery makes one parse cost ~50 us: on a
virtual home at 6000x (or a test crossing a simulated day) that was a quarter of the
gateway's CPU. A header is a pure function of its bytes, and a day's frames have a few
hundred distinct ones (the sequence number wraps at 256), so each is parsed by zigpy
once and then handed out as a copy (under 1 us): a caller may change its copy freely.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from zigpy.zcl import foundation

MANUFACTURER_SPECIFIC = 0x04  # frame control bit 2: a 2-byte manufacturer code follows


def header_length(data: bytes) -> int:
    """Bytes taken by the ZCL header at the start of `data` (3, or 5 with a code)."""
    return 5 if data and data[0] & MANUFACTURER_SPECIFIC else 3


# A simulated day of a home's meters has 336 distinct headers (frame controls x commands x
# 256 sequence numbers); each kept costs ~0.9 KiB, so the cache is bounded well below the
# display's memory budget (~450 KiB at most).
@lru_cache(maxsize=512)
def _parsed(head: bytes) -> foundation.ZCLHeader:
    hdr, rest = foundation.ZCLHeader.deserialize(head)
    assert not rest
    return hdr


def parse_header(data: bytes) -> tuple[foundation.ZCLHeader, bytes]:
    """`foundation.ZCLHeader.deserialize(data)`, from a cache: the header and the rest.
    Raises what zigpy raises for a frame too short to hold a header."""
    size = header_length(data)
    if len(data) < size:
        return foundation.ZCLHeader.deserialize(data)  # zigpy's own error for a short frame
    return _copy(_parsed(bytes(data[:size]))), data[size:]


def _copy(hdr: foundation.ZCLHeader) -> foundation.ZCLHeader:
    """A copy of its own, so the cached header is never handed out. Field by field, not
    through the constructor (zigpy's `Struct.__new__` is most of a parse's cost); the
    frame control is a frozen int struct that zigpy only ever replaces, so it is shared."""
    new = object.__new__(type(hdr))
    new.__dict__.update(hdr.__dict__)
    return new


def command_of(cluster: Any, hdr: foundation.ZCLHeader, rest: bytes) -> Any:
    """The command a ZCL frame for `cluster` carries after its parsed header: zigpy 2.4's
    `Cluster.deserialize` without parsing the header again (unknown commands are the
    raw bytes, as there)."""
    if hdr.frame_control.frame_type == foundation.FrameType.CLUSTER_COMMAND:
        if hdr.direction == foundation.Direction.Server_to_Client:
            commands = cluster.client_commands
        else:
            commands = cluster.server_commands
        if hdr.command_id not in commands:
            return rest
        command = commands[hdr.command_id]
    else:
        if hdr.command_id not in foundation.GENERAL_COMMANDS:
            return rest
        command = foundation.GENERAL_COMMANDS[foundation.GeneralCommand(hdr.command_id)]
    response, _ = command.schema.deserialize(rest)
    return response
