"""The attack matrix, through the real gateway (mutual TLS) and the Tunneling cluster.

Every attack is refused with its own reason, nothing on the meter changes, and the
legitimate command sent after it is still accepted. The matrix is printed as a table
(``pytest -s``) and kept in ``MATRIX`` for the report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from cryptography.hazmat.primitives.asymmetric.ec import ECDSA
from cryptography.hazmat.primitives.hashes import SHA256

from han_home.shared.han.se_tunnel import MAX_FRAGMENTS, fragment
from han_home.shared.security import envelope, payloads, pki
from han_home.shared.security.acl import Action, DataObject
from han_home.shared.security.envelope import Signer
from han_home.shared.security.pki import Revocation
from han_home.shared.security.profiles import CaKind, Role
from han_home.shared.security.wan_frames import WanStatus
from han_home.shared.sim.demo_pki import MADE, SIGNER_DAYS, demo_pki

from .wan_world import eui_of, wan_world

MATRIX: list[tuple[str, str, str, str, str]] = []


def _state(esme) -> tuple:
    """What a command could change (credit only goes down by use while the home runs)."""
    a = esme.account
    return (a.emergency_limit_gbp, a.debt_gbp, a.recovery_gbp_per_day, esme.clock_drift_s,
            id(esme.tariff), esme.last_message, len(esme.authority.applied))


def _signer(role: Role, *, ca=None, unchecked=False, not_before=None, days=None) -> Signer:
    world = demo_pki()
    issuer = ca or world.hierarchy.ca_for(role)
    key = pki.new_key()
    cert = pki.issue(issuer, role, f"attack {role}", key.public_key(), unchecked=unchecked,
                     not_before=not_before or MADE, days=days or SIGNER_DAYS)
    return Signer(cert, key, issuer.cert)


def _flip(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1:]


async def test_attack_matrix(tmp_path):
    async with wan_world(tmp_path) as w:
        esme, gsme = w.home.esme, w.home.gsme
        # the meter keeps its counters on disk: a restart reads them back
        esme.authority.state_dir = tmp_path / "esme-nvm"
        esme.authority.restart()
        target = eui_of(esme)
        supplier, net = w.authors[Role.SUPPLIER], w.authors[Role.NETWORK_OPERATOR]
        tech = w.authors[Role.TECHNICIAN]
        now = w.home.clock.now
        cert = esme.authority.signer.cert

        def raw(signer: Signer, *, counter=None, valid_from=None, valid_to=None, sign=True,
                to=target, obj=DataObject.SUPPLIER_MESSAGES, action=Action.WRITE,
                payload=b"\x00\x00\x00\x07Hi") -> bytes:
            return envelope.command(
                signer, to, obj, action, payload,
                counter if counter is not None else supplier.next_counter(),
                valid_from or now() - dt.timedelta(minutes=5),
                valid_to or now() + dt.timedelta(minutes=30), sign=sign)

        def meters_answer(answer: bytes, cmd: bytes) -> envelope.Envelope:
            """Signed by the ESME's own key, naming this command (or these octets)."""
            rsp = envelope.decode(answer)
            assert rsp.kind is envelope.Kind.RESPONSE and rsp.originator == cert
            cert.public_key().verify(rsp.signature, rsp.signed_bytes, ECDSA(SHA256()))
            names = {hashlib.sha256(cmd[:envelope.MAX_ENVELOPE]).digest()}
            try:
                names.add(envelope.decode(cmd).digest)
            except envelope.DecodeError:
                pass
            assert rsp.reply_to in names
            return rsp

        async def through_wan(cmd: bytes):
            status, answer = await w.send(target, cmd)
            if status is not WanStatus.DELIVERED:
                return f"gateway: {status.name}", None
            return meters_answer(answer, cmd).reason.name, answer

        async def through_tunnel(parts: list[bytes]):
            answer = await w.wan.tunnel.transfer_fragments(str(esme.ieee), parts)
            rsp = envelope.decode(answer)  # a transport refusal names no command
            assert rsp.originator == cert  # but it is the meter's, signed
            return rsp.reason.name, answer

        async def row(name: str, expected: str, attempt):
            before, credit = _state(esme), esme.account.credit_gbp
            got, _answer = await attempt
            esme.advance()
            applied = _state(esme) != before or esme.account.credit_gbp > credit
            follow = supplier.message(target, payloads.SupplierMessage(900 + len(MATRIX), "ok"))
            after, _ = await through_wan(follow)
            MATRIX.append((name, expected, got, "yes" if applied else "no", after))
            assert got == expected, name
            assert not applied, name
            assert after == "ACCEPTED", name

        # a legitimate command first, kept for the replays
        first = supplier.message(target, payloads.SupplierMessage(1, "First"))
        assert (await through_wan(first))[0] == "ACCEPTED"
        first_counter = envelope.decode(first).counter

        sup = demo_pki().signer(Role.SUPPLIER)
        await row("unsigned", "UNSIGNED", through_wan(raw(sup, sign=False)))
        signed = raw(sup)
        await row("bad signature", "BAD_SIGNATURE", through_wan(_flip(signed, len(signed) - 3)))
        tampered = raw(sup, payload=b"\x00\x00\x00\x07Hi!")
        at = tampered.index(b"Hi!")
        await row("tampered payload", "BAD_SIGNATURE", through_wan(_flip(tampered, at)))
        await row("wrong target (GSME's envelope to the ESME)", "WRONG_TARGET",
                  through_wan(raw(sup, to=eui_of(gsme))))
        await row("command expired", "COMMAND_EXPIRED", through_wan(raw(
            sup, valid_from=now() - dt.timedelta(hours=2),
            valid_to=now() - dt.timedelta(hours=1))))
        await row("command not yet valid", "COMMAND_NOT_YET_VALID", through_wan(raw(
            sup, valid_from=now() + dt.timedelta(hours=1),
            valid_to=now() + dt.timedelta(hours=2))))
        old = _signer(Role.SUPPLIER, not_before=MADE, days=30)
        await row("signer's certificate expired", "CERT_EXPIRED", through_wan(raw(old)))
        future = _signer(Role.SUPPLIER, not_before=now() + dt.timedelta(days=3))
        await row("signer's certificate not yet valid", "CERT_NOT_YET_VALID",
                  through_wan(raw(future)))
        revoked = _signer(Role.SUPPLIER)
        supplier_ca = demo_pki().hierarchy.cas[CaKind.SUPPLIER]
        crl = pki.make_crl(supplier_ca, [Revocation(revoked.cert.serial_number, MADE)], 1,
                           this_update=now() - dt.timedelta(hours=1))
        esme.authority.trust.accept_crl(crl, supplier_ca.cert)
        await row("revoked signer", "REVOKED", through_wan(raw(revoked)))
        wrong_kind = _signer(Role.SUPPLIER, ca=demo_pki().hierarchy.cas[CaKind.INSTALLER],
                             unchecked=True)
        await row("supplier role from the installer CA", "WRONG_CA_KIND",
                  through_wan(raw(wrong_kind)))
        await row("supplier sets the clock", "ROLE_NOT_ALLOWED",
                  through_wan(supplier.set_clock(target)))
        await row("technician tops up", "ROLE_NOT_ALLOWED", through_wan(
            tech.top_up(target, cert, payloads.TopUp(1, Decimal("50")))))
        await row("network operator tops up", "ROLE_NOT_ALLOWED", through_wan(
            net.top_up(target, cert, payloads.TopUp(2, Decimal("50")))))
        await row("top-up not sealed", "NOT_ENCRYPTED", through_wan(raw(
            sup, obj=DataObject.TOP_UP, action=Action.EXECUTE,
            payload=payloads.TopUp(3, Decimal("50")).encode())))
        await row("replayed (same counter)", "REPLAYED", through_wan(first))
        await row("replayed (lower counter)", "REPLAYED",
                  through_wan(raw(sup, counter=first_counter - 1)))
        esme.authority.restart()  # power cycle: counters read back from the meter's memory
        await row("replayed after a meter restart", "REPLAYED", through_wan(first))
        whole = raw(sup)
        await row("truncated envelope", "MALFORMED", through_wan(whole[:-40]))
        parts = fragment(raw(sup))
        await row("mis-fragmented (a fragment skipped)", "MALFORMED",
                  through_tunnel([parts[0], parts[2]]))
        await row("mis-fragmented (short middle fragment)", "MALFORMED",
                  through_tunnel([parts[0], parts[1][:-5], *parts[2:]]))
        await row("oversized (declared in the tunnel)", "OVERSIZED",
                  through_tunnel([bytes((0, MAX_FRAGMENTS + 1)) + bytes(64)]))
        await row("oversized (at the WAN end point)", "gateway: OVERSIZED",
                  through_wan(whole + bytes(5000)))
        await row("gateway's own key signs a command", "ROLE_NOT_ALLOWED",
                  through_wan(raw(w.gateway_signer)))

        header = ("attack", "expected", "answer (signed by the meter)", "applied",
                  "next legit")
        widths = [max(len(r[i]) for r in [header, *MATRIX]) for i in range(5)]
        lines = [" | ".join(c.ljust(wd) for c, wd in zip(r, widths, strict=True))
                 for r in [header, *MATRIX]]
        print("\n" + "\n".join([lines[0], "-+-".join("-" * wd for wd in widths), *lines[1:]]))
        assert len(MATRIX) == 23
