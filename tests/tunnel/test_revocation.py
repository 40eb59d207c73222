"""Revocation delivered over the HAN: the network operator sends a CA's CRL through the
WAN end point and the tunnel; the meter checks it and from then on refuses envelopes
from the revoked signer (REVOKED), while another signer's are still accepted."""

from __future__ import annotations

import datetime as dt
import struct
from decimal import Decimal

from han_home.shared.security import payloads, pki
from han_home.shared.security.envelope import Signer
from han_home.shared.security.headend import Author
from han_home.shared.security.profiles import Role
from han_home.shared.security.reasons import Reason
from han_home.shared.security.wan_frames import WanStatus
from han_home.shared.sim.demo_pki import MADE, demo_pki

from .conftest import eui
from .test_meter_applies import answer
from .wan_world import eui_of, wan_world


def second_supplier_signer(name: str = "Demo Energy Supplier billing head end") -> Signer:
    """Another signer of the same supplier (its own key and certificate)."""
    ca = demo_pki().hierarchy.ca_for(Role.SUPPLIER)
    key = pki.new_key()
    cert = pki.issue(ca, Role.SUPPLIER, name, key.public_key(), not_before=MADE, days=3650)
    return Signer(cert, key, ca.cert)


def revoking(signer: Signer, number: int, at: dt.datetime, ca=None):
    ca = ca or demo_pki().hierarchy.ca_for(Role.SUPPLIER)
    return pki.make_crl(ca, [pki.Revocation(signer.cert.serial_number, at)], number,
                        this_update=at)


def test_a_meter_installs_a_crl_only_from_the_network_operator_and_its_ca(home, authors, clock):
    esme, gsme = home.esme, home.gsme
    rogue = Author(second_supplier_signer("Rogue head end"), clock.now)
    crl = revoking(rogue.signer, 7, clock.now())
    # the supplier may not deliver CRLs; a CRL signed by a stranger's CA is not installed
    assert answer(esme, authors[Role.SUPPLIER].crl(eui(esme), crl), clock).reason is (
        Reason.ROLE_NOT_ALLOWED)
    stranger = pki.make_hierarchy(not_before=MADE)
    forged = pki.make_crl(stranger.ca_for(Role.SUPPLIER),
                          [pki.Revocation(rogue.signer.cert.serial_number, clock.now())], 9,
                          this_update=clock.now())
    assert answer(esme, authors[Role.NETWORK_OPERATOR].crl(eui(esme), forged), clock).reason \
        is Reason.NOT_APPLIED
    top_up = rogue.top_up(eui(esme), esme.authority.signer.cert,
                          payloads.TopUp(1, Decimal("5")))
    assert answer(esme, top_up, clock).reason is Reason.ACCEPTED  # not revoked yet

    for meter in (esme, gsme):  # both meters install it, each checking it itself
        rsp = answer(meter, authors[Role.NETWORK_OPERATOR].crl(eui(meter), crl), clock)
        assert rsp.reason is Reason.ACCEPTED
        assert struct.unpack(">QI", rsp.payload) == (7, 1)
        # the same (or an older) CRL again is not installed twice
        again = answer(meter, authors[Role.NETWORK_OPERATOR].crl(eui(meter), crl), clock)
        assert again.reason is Reason.NOT_APPLIED
    refused = rogue.set_clock(eui(gsme))  # any envelope of the revoked signer
    assert answer(gsme, refused, clock).reason is Reason.REVOKED
    credit = esme.account.credit_gbp
    top_up = rogue.top_up(eui(esme), esme.authority.signer.cert,
                          payloads.TopUp(2, Decimal("5")))
    assert answer(esme, top_up, clock).reason is Reason.REVOKED
    esme.authority.restart()  # a power cut does not un-revoke it
    top_up = rogue.top_up(eui(esme), esme.authority.signer.cert,
                          payloads.TopUp(3, Decimal("5")))
    assert answer(esme, top_up, clock).reason is Reason.REVOKED
    esme.advance()
    assert esme.account.credit_gbp == credit


async def test_revoke_a_supplier_signer_push_the_crl_through_the_wan(tmp_path):
    async with wan_world(tmp_path) as w:
        esme, clock = w.home.esme, w.home.clock
        target = eui_of(esme)
        billing = Author(second_supplier_signer(), clock.now)
        supplier, operator = w.authors[Role.SUPPLIER], w.authors[Role.NETWORK_OPERATOR]
        cmd = supplier.read_clock(target)
        _status, rsp = await w.send(target, cmd)
        meter = w.verify(rsp, cmd).originator

        async def top_up(author: Author, top_up_id: int) -> Reason:
            command = author.top_up(target, meter, payloads.TopUp(top_up_id, Decimal("10")))
            status, rsp = await w.send(target, command)  # over the demo supplier's TLS
            assert status is WanStatus.DELIVERED
            return w.verify(rsp, command).reason

        assert await top_up(billing, 1) is Reason.ACCEPTED
        # the supplier's CA revokes that signer; the network operator pushes the CRL
        crl = revoking(billing.signer, 2, clock.now())
        command = operator.crl(target, crl)
        status, rsp = await w.send(target, command, via=Role.NETWORK_OPERATOR)
        assert status is WanStatus.DELIVERED
        assert w.verify(rsp, command).reason is Reason.ACCEPTED
        esme.advance()
        before = esme.account.credit_gbp
        assert await top_up(billing, 2) is Reason.REVOKED
        esme.advance()
        assert esme.account.credit_gbp <= before  # nothing added (only use since)
        assert await top_up(supplier, 3) is Reason.ACCEPTED  # another signer's: accepted
        esme.advance()
        assert esme.account.credit_gbp > before + Decimal("9")
