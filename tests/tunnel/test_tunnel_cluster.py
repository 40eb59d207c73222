"""The Tunneling cluster's frames, byte for byte, and the fragmentation of envelopes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from zigpy.zcl import Cluster

from han_home.shared.han import se_tunnel
from han_home.shared.han.se_tunnel import (
    CHUNK,
    MAX_MESSAGE,
    FragmentError,
    Reassembler,
    Tunneling,
    TunnelStatus,
    fragment,
)
from han_home.shared.sim import codec


def test_the_cluster_replaces_zigpys_empty_one():
    assert Cluster._registry[0x0704] is Tunneling
    assert Tunneling.server_commands[0x00].name == "request_tunnel"
    assert Tunneling.client_commands[0x01].name == "transfer_data"


def test_request_tunnel_bytes():
    data = codec.zcl_cluster_command(
        0x2A, 0x0704, 0x00,
        {"protocol_id": 200, "manufacturer_code": 0x1234, "flow_control_support": False,
         "maximum_incoming_transfer_size": 0x0500},
        from_server=False,
    )
    # frame control (cluster, client->server, no default response), tsn, command 0x00,
    # protocol 200, manufacturer 0x1234 LE, flow control 0, max transfer 0x0500 LE
    assert data == bytes([0x11, 0x2A, 0x00, 200, 0x34, 0x12, 0x00, 0x00, 0x05])
    hdr, args = codec.decode_zcl(0x0704, data)
    assert hdr.command_id == 0x00 and args.protocol_id == 200


def test_request_tunnel_response_and_transfer_data_bytes():
    rsp = codec.zcl_cluster_command(7, 0x0704, 0x00, {
        "tunnel_id": 0x0102, "tunnel_status": TunnelStatus.SUCCESS,
        "maximum_incoming_transfer_size": 4096}, from_server=True)
    assert rsp == bytes([0x19, 7, 0x00, 0x02, 0x01, 0x00, 0x00, 0x10])
    # TransferData: the data is the rest of the frame, no length prefix
    up = codec.zcl_cluster_command(8, 0x0704, 0x02, {"tunnel_id": 1, "data": b"\x00\x01HE"},
                                   from_server=False)
    assert up == bytes([0x11, 8, 0x02, 0x01, 0x00, 0x00, 0x01]) + b"HE"
    _hdr, args = codec.decode_zcl(0x0704, up)
    assert bytes(args.data) == b"\x00\x01HE"
    down = codec.zcl_cluster_command(9, 0x0704, 0x01, {"tunnel_id": 1, "data": b"xy"},
                                     from_server=True)
    assert down[2] == 0x01 and down.endswith(b"xy")


def test_fragments_carry_index_count_and_full_chunks():
    message = bytes(range(256)) * 2 + b"tail"  # 516 octets
    parts = fragment(message)
    assert len(parts) == 9
    assert [p[:2] for p in parts] == [bytes((i, 9)) for i in range(9)]
    assert all(len(p) == 2 + CHUNK for p in parts[:-1]) and parts[-1][2:] == message[512:]
    r = Reassembler()
    assert [r.feed(p) for p in parts[:-1]] == [None] * 8
    assert r.feed(parts[-1]) == message and not r.pending


@pytest.mark.parametrize("case", ["skip", "repeat", "count changes", "short middle",
                                  "long chunk", "zero count", "index past count", "restart",
                                  "empty"])
def test_wrongly_fragmented_is_refused_and_nothing_kept(case):
    parts = fragment(bytes(300))
    bad = {
        "skip": [parts[0], parts[2]],
        "repeat": [parts[0], parts[0]],
        "count changes": [parts[0], bytes((1, 6)) + parts[1][2:]],
        "short middle": [parts[0], parts[1][:-1]],
        "long chunk": [bytes((0, 2)) + bytes(CHUNK + 1)],
        "zero count": [bytes((0, 0, 1))],
        "index past count": [bytes((3, 2)) + bytes(4)],
        "restart": [parts[0], parts[1], parts[0]],
        "empty": [bytes((0, 1))],
    }[case]
    r = Reassembler()
    with pytest.raises(FragmentError) as err:
        for p in bad:
            r.feed(p)
    assert not err.value.oversized and not r.pending
    # the next, well-formed message still goes through
    assert [r.feed(p) for p in parts][-1] == bytes(300)


def test_oversized_is_refused_on_the_first_fragment():
    r = Reassembler()
    with pytest.raises(FragmentError) as err:
        r.feed(bytes((0, se_tunnel.MAX_FRAGMENTS + 1)) + bytes(CHUNK))
    assert err.value.oversized
    with pytest.raises(FragmentError):
        fragment(bytes(MAX_MESSAGE + 1))
    assert r.feed(fragment(bytes(MAX_MESSAGE))[0]) is None  # the limit itself is fine


@given(st.lists(st.binary(max_size=80), max_size=12))
def test_any_fragments_either_make_a_message_or_raise_fragment_error(frames):
    r = Reassembler()
    for f in frames:
        try:
            got = r.feed(f)
        except FragmentError:
            continue
        assert got is None or len(got) <= MAX_MESSAGE


@given(st.binary(min_size=1, max_size=MAX_MESSAGE))
def test_round_trip(message):
    r = Reassembler()
    out = [r.feed(p) for p in fragment(message)]
    assert out[-1] == message and out[:-1] == [None] * (len(out) - 1)
