"""A HAN capture Wireshark reads: the gateway's application frames as pcap.

Each frame the gateway sent or received (ZCL and ZDO, as zigpy handed them over) is
written as an IEEE 802.15.4 data frame (link type 230, no FCS) carrying a ZigBee NWK
header and an APS data header around its payload, so Wireshark decodes every layer down
to the Smart Energy attributes. Security headers are left out on purpose: the payloads are
the decrypted ones, and no key (network, link or install-code key) is ever written.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

LINKTYPE_IEEE802_15_4_NOFCS = 230
PCAP_MAGIC = 0xA1B2C3D4
MAC_BROADCAST = 0xFFFF
NWK_PROTOCOL_VERSION = 2  # ZigBee PRO
NWK_RADIUS = 30


@dataclass(frozen=True)
class HanFrame:
    """One application frame on the HAN, as the gateway saw it."""

    at: datetime
    src_nwk: int
    dst_nwk: int
    src_ep: int
    dst_ep: int
    profile: int
    cluster: int
    payload: bytes  # the ZCL frame (or ZDO frame), decrypted
    broadcast: bool = False


def _mac(seq: int, pan_id: int, dst: int, src: int) -> bytes:
    # data frame, PAN ID compression, 16-bit destination and source, 2003 frame version;
    # ack requested on unicasts
    fcf = 0x0001 | 0x0040 | (0x2 << 10) | (0x2 << 14)
    if dst != MAC_BROADCAST:
        fcf |= 0x0020
    return struct.pack("<HBHHH", fcf, seq & 0xFF, pan_id, dst, src)


def _nwk(seq: int, dst: int, src: int) -> bytes:
    fcf = 0x0000 | (NWK_PROTOCOL_VERSION << 2)  # data frame, no security (payload in clear)
    return struct.pack("<HHHBB", fcf, dst, src, NWK_RADIUS, seq & 0xFF)


def _aps(counter: int, frame: HanFrame) -> bytes:
    control = 0x08 if frame.broadcast else 0x00  # data frame; broadcast or unicast delivery
    return struct.pack("<BBHHBB", control, frame.dst_ep, frame.cluster, frame.profile,
                       frame.src_ep, counter & 0xFF)


def frame_bytes(index: int, frame: HanFrame, pan_id: int) -> bytes:
    """The whole 802.15.4 frame (without FCS) of the index-th captured frame."""
    mac_dst = MAC_BROADCAST if frame.broadcast else frame.dst_nwk
    return (_mac(index, pan_id, mac_dst, frame.src_nwk) + _nwk(index, frame.dst_nwk,
                                                               frame.src_nwk)
            + _aps(index, frame) + frame.payload)


def write_pcap(out: BinaryIO, frames: Iterable[HanFrame], pan_id: int) -> int:
    """Write a pcap file; returns how many frames it holds."""
    out.write(struct.pack("<IHHiIII", PCAP_MAGIC, 2, 4, 0, 0, 65535,
                          LINKTYPE_IEEE802_15_4_NOFCS))
    count = 0
    for index, frame in enumerate(frames):
        data = frame_bytes(index, frame, pan_id)
        ts = frame.at.timestamp()
        seconds = int(ts)
        micros = int(round((ts - seconds) * 1_000_000))
        if micros >= 1_000_000:
            seconds, micros = seconds + 1, micros - 1_000_000
        out.write(struct.pack("<IIII", seconds, micros, len(data), len(data)))
        out.write(data)
        count += 1
    return count


def save_pcap(path: Path, frames: Iterable[HanFrame], pan_id: int) -> int:
    with path.open("wb") as out:
        return write_pcap(out, frames, pan_id)
