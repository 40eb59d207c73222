"""The virtual meters' fast report encoder gives exactly zigpy's bytes, for every attribute
they report, and the gateway decodes them as zigpy's own frames."""

from __future__ import annotations

from datetime import UTC, datetime

from zigpy.zcl import foundation

from han_home.shared.han.clock import ManualClock
from han_home.shared.sim import codec

from .sim_helpers import home


def zigpy_report(tsn: int, cluster_id: int, values: list[tuple[int, object]]) -> bytes:
    return codec.zcl_general(
        tsn,
        foundation.GeneralCommand.Report_Attributes,
        {
            "attribute_reports": [
                foundation.Attribute(a, codec.type_value(cluster_id, a, v)) for a, v in values
            ]
        },
        from_server=True,
    )


def test_fast_report_bytes_are_zigpys_bytes() -> None:
    h = home(seed=3, clock=ManualClock(datetime(2026, 11, 2, 9, tzinfo=UTC)))
    checked = 0
    for device in (h.esme, h.gsme, *h.neighbours):
        for ep in device.endpoints.values():
            for cluster_id, attrs in ep.servers.items():
                if cluster_id == 0x0000:
                    attrs = device.basic_attributes()
                values = [(a, device.attribute(ep, cluster_id, a)) for a in attrs]
                values = [(a, v) for a, v in values if v is not None]
                for tsn in (0, 1, 255, 256 + 7):
                    assert codec.report_attributes(tsn, cluster_id, values) == zigpy_report(
                        tsn & 0xFF, cluster_id, values
                    ), (device.role, hex(cluster_id))
                    for one in values:
                        assert codec.report_attributes(tsn, cluster_id, [one]) == zigpy_report(
                            tsn & 0xFF, cluster_id, [one]
                        ), (device.role, hex(cluster_id), hex(one[0]))
                        checked += 1
    assert checked > 100


def zigpy_cluster_command(tsn: int, cluster_id: int, command_id: int, payload: dict,
                          from_server: bool) -> bytes:
    """A cluster command entirely through zigpy's ZCLHeader, as the encoder once did."""
    from zigpy.zcl import Cluster

    cls = Cluster._registry[cluster_id]
    commands = cls.client_commands if from_server else cls.server_commands
    direction = (foundation.Direction.Server_to_Client if from_server
                 else foundation.Direction.Client_to_Server)
    hdr = foundation.ZCLHeader.cluster(tsn, command_id, direction=direction)
    hdr.frame_control = hdr.frame_control.replace(disable_default_response=True)
    return hdr.serialize() + commands[command_id].schema(**payload).serialize()


def test_cluster_command_bytes_are_zigpys_and_decode_back() -> None:
    """GetProfile and its response (the 13-month first-start paging) and the tunnel's
    commands, both directions, at the edges of the sequence number."""
    cases = [
        (0x0702, 0x00, {"interval_channel": 0, "end_time": 12345, "number_of_periods": 24},
         False),
        (0x0702, 0x00, {"end_time": 99, "status": 0, "profile_interval_period": 0,
                        "number_of_periods_delivered": 3, "intervals": [1, 2, 0xFFFFFF]}, True),
        (0x0704, 0x01, {"tunnel_id": 1, "data": b"xy"}, True),
        (0x0704, 0x02, {"tunnel_id": 1, "data": b"\x00\x01HE"}, False),
    ]
    for cluster_id, command_id, payload, from_server in cases:
        for tsn in (0, 1, 200, 255, 256 + 9):
            fast = codec.zcl_cluster_command(tsn, cluster_id, command_id, payload,
                                             from_server=from_server)
            assert fast == zigpy_cluster_command(tsn & 0xFF, cluster_id, command_id, payload,
                                                 from_server), (hex(cluster_id), command_id)
            if not from_server:  # what a meter receives: header parsed once, then the command
                hdr, rest = foundation.ZCLHeader.deserialize(fast)
                assert (hdr.tsn, hdr.command_id) == (tsn & 0xFF, command_id)
                args = codec.decode_zcl_payload(cluster_id, hdr, rest)
                assert codec.decode_zcl(cluster_id, fast)[1] == args
                assert {k: getattr(args, k) for k in payload} == payload
