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
