"""Head end -> mutual TLS 1.3 -> gateway -> Tunneling cluster -> meter, and back."""

from __future__ import annotations

import asyncio
import ssl
import time
from decimal import Decimal

import pytest

from han_home.shared.security import payloads, tls
from han_home.shared.security.profiles import Role
from han_home.shared.security.reasons import Reason
from han_home.shared.security.wan_frames import WanStatus, deliver
from han_home.shared.sim.demo_pki import demo_pki

from .wan_world import client_context, eui_of, wan_world


async def test_a_top_up_travels_end_to_end_and_the_meter_answers_signed(tmp_path):
    async with wan_world(tmp_path) as w:
        esme = w.home.esme
        before = esme.account.credit_gbp
        supplier = w.authors[Role.SUPPLIER]
        t0 = time.perf_counter()
        # the head end learns the meter's certificate from a signed answer (clock read)
        cmd = supplier.read_clock(eui_of(esme))
        status, answer = await w.send(eui_of(esme), cmd)
        assert status is WanStatus.DELIVERED
        meter_cert = w.verify(answer, cmd).originator
        top_up = supplier.top_up(eui_of(esme), meter_cert, payloads.TopUp(5, Decimal("20")))
        status, answer = await w.send(eui_of(esme), top_up)
        assert status is WanStatus.DELIVERED
        assert w.verify(answer, top_up).reason is Reason.ACCEPTED
        assert esme.account.credit_gbp >= before + Decimal("20") - Decimal("0.5")  # minus use
        assert time.perf_counter() - t0 < 5
        assert w.wan.delivered == 2


async def test_the_wan_end_point_tls_who_may_connect_and_what_it_routes(tmp_path):
    """One gateway (the suite stays quick): TLS 1.3 with AES-128-GCM and P-256; a client
    outside the PKI gets no route; unknown devices and oversized frames are refused."""
    from han_home.shared.security import pki
    from han_home.shared.security.envelope import Signer

    async with wan_world(tmp_path) as w:
        ctx = w.client_ssl[Role.TECHNICIAN]
        reader, writer = await asyncio.open_connection("127.0.0.1", w.port, ssl=ctx)
        ssl_object = writer.get_extra_info("ssl_object")
        assert ssl_object.version() == "TLSv1.3"
        assert ssl_object.cipher()[0] == tls.TLS13_SUITE
        peer = tls.peer_chain(ssl_object, demo_pki().anchors, demo_pki().intermediates,
                              expect_eui64=bytes(reversed(
                                  w.gateway.app.state.node_info.ieee.serialize())))
        assert peer.role is Role.DEVICE  # the gateway is a device: it can sign no command
        writer.close()

        # a stranger's hierarchy: OpenSSL refuses the handshake
        other = pki.make_hierarchy()
        key = pki.new_key()
        cert = pki.issue(other.ca_for(Role.SUPPLIER), Role.SUPPLIER, "Stranger",
                         key.public_key())
        stranger = Signer(cert, key, other.ca_for(Role.SUPPLIER).cert)
        ctx = client_context(tmp_path / "stranger", stranger, "stranger")
        cmd = w.authors[Role.SUPPLIER].read_clock(eui_of(w.home.esme))
        with pytest.raises((ssl.SSLError, ConnectionError, asyncio.IncompleteReadError)):
            await deliver("127.0.0.1", w.port, ctx, eui_of(w.home.esme), cmd)
        assert w.wan.delivered == 0

        cmd = w.authors[Role.SUPPLIER].read_clock(eui_of(w.home.esme))
        status, body = await w.send(bytes(8), cmd)
        assert (status, body) == (WanStatus.UNKNOWN_DEVICE, b"")
        status, body = await w.send(eui_of(w.home.esme), b"HE" + bytes(5000))
        assert (status, body) == (WanStatus.OVERSIZED, b"")
        assert w.wan.delivered == 0


async def test_the_display_hears_of_a_change_only_once_the_meter_applied_it(tmp_path):
    import datetime as dt

    from han_home.ihd_app.changes import ChangeLog, describe
    from han_home.shared.i18n import set_language

    async with wan_world(tmp_path) as w:
        esme, supplier = w.home.esme, w.authors[Role.SUPPLIER]
        log = ChangeLog()
        w.gateway.subscribe(log.on_event)
        target = eui_of(esme)
        # refused (a supplier may not set the clock): no notice
        status, _ = await w.send(target, supplier.set_clock(target))
        assert status is WanStatus.DELIVERED and log.notices == []
        cmd = supplier.read_clock(target)
        _status, answer = await w.send(target, cmd)
        meter = w.verify(answer, cmd).originator
        await w.send(target, supplier.top_up(target, meter, payloads.TopUp(8, Decimal("20"))))
        start = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
        schedule = w.gateway.tariffs.electricity
        before = schedule.tariff_at(start - dt.timedelta(seconds=1))
        await w.send(target, supplier.tariff(target, payloads.TariffChange(
            start, Decimal("0.6"), (Decimal("0.14"), Decimal("0.3")))))
        # the display's costs: the old prices until the start, the new ones from then
        assert schedule.tariff_at(start - dt.timedelta(seconds=1)) is before
        after = schedule.tariff_at(start)
        assert after.standing_charge_gbp_per_day == Decimal("0.6")
        assert {b.tier: b.rate_gbp_per_kwh for b in after.bands} == {
            1: Decimal("0.14"), 2: Decimal("0.3")}
        assert [b.start for b in after.bands] == [b.start for b in before.bands]
        esme.clock_drift_s = -420
        await w.send(target, w.authors[Role.NETWORK_OPERATOR].set_clock(target))
        clock, tariff, top_up = log.notices
        assert (top_up.kind, top_up.role, top_up.amount_gbp) == ("top_up", Role.SUPPLIER, 20)
        assert top_up.organisation == "Demo Energy Supplier"
        assert tariff.effective == start
        # seven minutes, less the simulated seconds the command took to arrive (60x time)
        assert clock.role is Role.NETWORK_OPERATOR and 400 <= clock.offset_s <= 421
        set_language("en")
        assert describe(top_up) == ("Credit added: £20.00, by your energy supplier "
                                    "(Demo Energy Supplier).")
        assert describe(tariff).startswith("Your tariff changes from 1 December 2026")
        assert "7 min" in describe(clock) or "7 minutes" in describe(clock)
        set_language("cy")
        try:
            assert "£20.00" in describe(top_up) and "Credit added" not in describe(top_up)
        finally:
            set_language("en")
