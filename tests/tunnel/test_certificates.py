"""Devices' certificates through the gateway: summary, and a device that does not chain."""

from __future__ import annotations

from han_home.shared.security import pki
from han_home.shared.sim.demo_pki import DemoPki, give_gateway_identity

from .wan_world import wan_world


async def test_certificate_summaries_and_a_device_from_another_scheme(tmp_path):
    async with wan_world(tmp_path) as w:
        security = give_gateway_identity(w.gateway)
        esme = w.home.esme
        summary = await w.gateway.certificate_summary(str(esme.ieee))
        assert summary.chains and summary.problem is None
        assert (summary.role, summary.device_type) == ("device", "esme")
        assert summary.issuer == "Demo Meter Manufacturer CA"
        assert summary.issuer_kind == "manufacturer"
        assert summary.anchor == "HAN Home demo root CA"
        assert summary.not_after.year == 2043
        own = security.own_summary()
        assert own.chains and own.device_type == "gateway"
        # the display (an IHD) has no Tunneling server: nothing to show, not an error
        assert await w.gateway.certificate_summary(str(w.home.ihd.ieee)) is None
        # a meter certified under another scheme's root is flagged
        esme.manufacture(DemoPki(pki.make_hierarchy()))
        flagged = await w.gateway.certificate_summary(str(esme.ieee))
        assert not flagged.chains and flagged.problem == "UNTRUSTED_CHAIN"
        assert flagged.anchor is None


async def test_two_tunnels_to_one_meter_at_once_keep_their_answers_apart(tmp_path):
    import asyncio

    from han_home.shared.han.tunnel_client import TunnelClient
    from han_home.shared.security import envelope
    from han_home.shared.security.profiles import Role

    from .wan_world import eui_of

    async with wan_world(tmp_path) as w:
        esme = w.home.esme
        other = TunnelClient(w.gateway)  # e.g. the certificate probe's own client
        author = w.authors[Role.SUPPLIER]
        one, two = author.read_clock(eui_of(esme)), author.read_clock(eui_of(esme))
        a, b = await asyncio.gather(w.wan.tunnel.transfer(str(esme.ieee), one),
                                    other.transfer(str(esme.ieee), two))
        assert envelope.decode(a).reply_to == envelope.decode(one).digest
        assert envelope.decode(b).reply_to == envelope.decode(two).digest
