"""The cached ZCL header parse gives what zigpy's own parse gives, and copies of its own."""

from __future__ import annotations

from unittest.mock import MagicMock

import pytest
from hypothesis import given
from hypothesis import strategies as st
from zigpy.zcl import foundation
from zigpy.zcl.clusters.smartenergy import Metering

from han_home.shared.han.zcl_header import command_of, parse_header
from han_home.shared.sim import codec

REPORT = codec.zcl_general(
    9,
    foundation.GeneralCommand.Report_Attributes,
    {"attribute_reports": [
        foundation.Attribute(0x0400, codec.type_value(0x0702, 0x0400, 1234))]},
    from_server=True,
)


@given(st.binary(min_size=0, max_size=12))
def test_any_bytes_parse_as_zigpy_parses_them(data: bytes) -> None:
    try:
        expected = foundation.ZCLHeader.deserialize(data)
    except Exception as exc:  # a frame too short: the same error type
        with pytest.raises(type(exc)):
            parse_header(data)
        return
    got = parse_header(data)
    assert got == expected
    assert got[0].serialize() == expected[0].serialize()


def test_each_parse_is_a_header_of_its_own() -> None:
    first, _ = parse_header(REPORT)
    first.tsn = 200  # a caller changing its header changes nobody else's
    second, rest = parse_header(REPORT)
    assert second.tsn == 9 and second is not first
    assert second.direction == foundation.Direction.Server_to_Client
    assert rest == REPORT[3:]


def test_a_manufacturer_specific_header_is_five_bytes() -> None:
    data = bytes([0x1C, 0x34, 0x12, 0x05, 0x0A]) + b"\x00\x04"
    hdr, rest = parse_header(data)
    assert hdr.manufacturer == 0x1234 and hdr.tsn == 5 and hdr.command_id == 0x0A
    assert rest == b"\x00\x04"


def test_the_command_is_what_zigpys_cluster_deserialises() -> None:
    cluster = Metering(MagicMock(), is_server=True)  # zigpy's own deserialize logs its device
    hdr, rest = parse_header(REPORT)
    assert command_of(cluster, hdr, rest) == cluster.deserialize(REPORT)[1]
    unknown = bytes([0x19, 0x01, 0xEE]) + b"\xab"  # a cluster command Metering lacks
    hdr, rest = parse_header(unknown)
    assert command_of(cluster, hdr, rest) == cluster.deserialize(unknown)[1] == b"\xab"
