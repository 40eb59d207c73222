"""The credit's scale comes from the Prepayment cluster's own attributes, on the bytes:
Currency Scaling Factor (0x0502) and Currency (0x0503), never 0x0617 (the Price cluster's
Price Trailing Digit, which a real prepayment meter would answer as unsupported)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import zigpy.types as t

from han_home.shared.energy.readings import ReadingKind
from han_home.shared.han.clock import ManualClock
from han_home.shared.han.setup import RadioOptions, build_gateway
from han_home.shared.han.zcl_ids import PREPAYMENT_CLUSTER
from han_home.shared.sim.network import COORDINATOR_NWK

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
READ_ATTRIBUTES, READ_ATTRIBUTES_RSP = 0x00, 0x01


def _attribute_ids(zcl: bytes) -> list[int]:
    """The attribute ids of a Read Attributes request (3-byte header, no manufacturer)."""
    body = zcl[3:]
    return [int.from_bytes(body[i:i + 2], "little") for i in range(0, len(body), 2)]


async def test_the_gateway_asks_for_0x0502_and_0x0503_and_the_meter_answers_them():
    gw = build_gateway(RadioOptions(sim_seed=7, sim_clock=ManualClock(START)))
    gw.config.gas_profile_prime_periods = 0
    home = gw.config.sim_home
    down: list[bytes] = []
    up: list[bytes] = []
    send_down, from_device = home.air.send_down, home.air.from_device

    def sniff_down(packet):
        if packet.cluster_id == PREPAYMENT_CLUSTER:
            down.append(packet.data.serialize())
        return send_down(packet)

    def sniff_up(device, src_ep, dst_ep, profile, cluster_id, data, tsn):
        if cluster_id == PREPAYMENT_CLUSTER and device is home.esme:
            up.append(bytes(data))
        from_device(device, src_ep, dst_ep, profile, cluster_id, data, tsn)

    home.air.send_down, home.air.from_device = sniff_down, sniff_up
    credits = []
    gw.reading_hooks.append(lambda r: credits.append(r) if r.kind == ReadingKind.CREDIT else None)
    await gw.start()
    try:
        assert await gw.clock.run(gw.commission_expected(), within=300)
        reads = [d for d in down if d[0] & 0x03 == 0 and d[2] == READ_ATTRIBUTES]
        asked = {a for d in reads for a in _attribute_ids(d)}
        assert {0x0502, 0x0503} <= asked and 0x0617 not in asked
        answers = b"".join(d[3:] for d in up if d[2] == READ_ATTRIBUTES_RSP)
        # id 0x0502, SUCCESS, enum8 (0x30), 1 = x0.00001: pence to three places
        assert bytes([0x02, 0x05, 0x00, 0x30, 0x01]) in answers
        # id 0x0503, SUCCESS, uint16 (0x21), 826 (GBP) little-endian
        assert bytes([0x03, 0x05, 0x00, 0x21, 0x3A, 0x03]) in answers
        record = gw.device(str(home.esme.ieee))
        assert record.scaling["prepayment_trailing_digit"] == 5
        # the display's credit is the meter's account, to the penny
        assert credits and credits[-1].value.quantize(Decimal("0.01")) == \
            home.esme.account.credit_gbp.quantize(Decimal("0.01"))

        # asked for 0x0617 on its Prepayment cluster, the meter says "unsupported"
        request = bytes([0x00, 0x77, READ_ATTRIBUTES, 0x17, 0x06])
        up.clear()
        home.esme.receive(t.ZigbeePacket(
            src=t.AddrModeAddress(addr_mode=t.AddrMode.NWK, address=COORDINATOR_NWK),
            src_ep=1, dst=t.AddrModeAddress(addr_mode=t.AddrMode.NWK, address=home.esme.nwk),
            dst_ep=1, tsn=0x77, profile_id=0x0109, cluster_id=PREPAYMENT_CLUSTER,
            data=t.SerializableBytes(request)))
        assert up == [bytes([0x18, 0x77, READ_ATTRIBUTES_RSP, 0x17, 0x06, 0x86])]
    finally:
        await gw.stop()
