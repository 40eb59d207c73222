"""What a meter accepts and refuses: the attack matrix, counters across restarts, responses."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from han_home.shared.security import envelope, pki
from han_home.shared.security.acl import Action, DataObject
from han_home.shared.security.chain import ChainError
from han_home.shared.security.envelope import MAX_ENVELOPE, Signer, decode
from han_home.shared.security.profiles import CaKind, Role
from han_home.shared.security.reasons import Reason
from han_home.shared.security.verify import (
    Accepted,
    CounterStoreError,
    DeviceTrust,
    JsonCounterStore,
    Refused,
    check_response,
)
from tests.security.conftest import BEFORE, METER, NOW, OTHER_METER, World

DAY = dt.timedelta(days=1)
SECRET = b"TOPUP:0000012345:credit-token-secret"


def _flip(data: bytes, needle: bytes) -> bytes:
    i = data.index(needle)
    return data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1:]


def _flip_in_field(data: bytes, tag: envelope.Tag) -> bytes:
    """Flip one bit inside that field's value (found by walking the fields, not by a byte
    search that could land in a certificate's random bytes)."""
    for field_tag, pos, value in envelope._fields(data):
        if field_tag == tag:
            i = pos + 3 + len(value) // 2
            return data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1:]
    raise AssertionError(f"no {tag.name} field")


def _sealed_to_other_meter(w: World) -> bytes:
    """A top-up for this meter sealed to another meter's key (a mix-up or an attack)."""
    signer = w.signers[Role.SUPPLIER]
    header = envelope._header(envelope.Kind.COMMAND, signer, w.next_counter(Role.SUPPLIER),
                              NOW - DAY, NOW + DAY, target=METER,
                              data_object=DataObject.TOP_UP, action=Action.EXECUTE)
    return envelope._finish(header, signer, SECRET, w.other_meter.cert.public_key())


def _rewrapped(w: World) -> bytes:
    """Another certified supplier lifts a sealed top-up into its own signed header."""
    original = decode(w.command(Role.SUPPLIER, DataObject.TOP_UP, Action.EXECUTE, SECRET,
                                sealed=True))
    thief = w.signer(Role.SUPPLIER)
    header = envelope._header(envelope.Kind.COMMAND, thief, 1, NOW - DAY, NOW + DAY,
                              target=METER, data_object=DataObject.TOP_UP,
                              action=Action.EXECUTE)
    assert original.sealed is not None
    body = header + envelope._field(envelope.Tag.SEALED, original.sealed.to_bytes())
    sig = thief.key.sign(body, pki.ec.ECDSA(pki.hashes.SHA256()))
    return body + envelope._field(envelope.Tag.SIGNATURE, sig)


def _revoked(w: World, trust: DeviceTrust) -> bytes:
    signer = w.signer(Role.SUPPLIER)
    ca = w.hierarchy.cas[CaKind.SUPPLIER]
    trust.accept_crl(pki.make_crl(ca, [pki.Revocation(signer.cert.serial_number, NOW - DAY)],
                                  number=int(NOW.timestamp())), ca.cert)
    return w.command(Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"t", signer=signer,
                     counter=1)


def _oversized(w: World) -> bytes:
    data = w.command(Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"t")
    return data + b"\x00" * (MAX_ENVELOPE + 1 - len(data))


def _response_as_command(w: World) -> bytes:
    return envelope.response(w.other_meter, b"\x00" * 32, Reason.ACCEPTED, 1, NOW)


# name -> (attack(world, trust) -> octets, expected reason)
ATTACKS = {
    "unsigned": (lambda w, t: w.command(Role.SUPPLIER, DataObject.TARIFF, Action.WRITE,
                                        b"t", sign=False), Reason.UNSIGNED),
    "bad signature": (lambda w, t: w.command(
        Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"t",
        signer=Signer(w.signers[Role.SUPPLIER].cert, pki.new_key(),
                      w.signers[Role.SUPPLIER].issuer)), Reason.BAD_SIGNATURE),
    "tampered payload": (lambda w, t: _flip(w.command(
        Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"TARIFF-TABLE"), b"TARIFF-TABLE"),
        Reason.BAD_SIGNATURE),
    "tampered object": (lambda w, t: w.command(
        Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"t").replace(
        b"\x05\x00\x01\x03\x06\x00\x01\x02", b"\x05\x00\x01\x08\x06\x00\x01\x02"),
        Reason.BAD_SIGNATURE),
    "tampered sealed payload": (lambda w, t: _flip_in_field(w.command(
        Role.SUPPLIER, DataObject.TOP_UP, Action.EXECUTE, SECRET, sealed=True),
        envelope.Tag.SEALED), Reason.BAD_SIGNATURE),
    "wrong target": (lambda w, t: w.command(Role.SUPPLIER, DataObject.TARIFF, Action.WRITE,
                                            b"t", target=OTHER_METER), Reason.WRONG_TARGET),
    "command expired": (lambda w, t: w.command(
        Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"t", valid_from=NOW - 2 * DAY,
        valid_to=NOW - DAY), Reason.COMMAND_EXPIRED),
    "command not yet valid": (lambda w, t: w.command(
        Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"t", valid_from=NOW + DAY,
        valid_to=NOW + 2 * DAY), Reason.COMMAND_NOT_YET_VALID),
    "certificate expired": (lambda w, t: w.command(
        Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"t",
        signer=w.signer(Role.SUPPLIER, days=10)), Reason.CERT_EXPIRED),
    "certificate not yet valid": (lambda w, t: w.command(
        Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"t",
        signer=w.signer(Role.SUPPLIER, not_before=NOW + DAY)), Reason.CERT_NOT_YET_VALID),
    "revoked": (_revoked, Reason.REVOKED),
    "untrusted anchor": (lambda w, t: w.command(
        Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"t",
        signer=World(pki.make_hierarchy(BEFORE), w.meter, w.other_meter, {}).signer(
            Role.SUPPLIER)), Reason.UNTRUSTED_CHAIN),
    "wrong CA kind": (lambda w, t: w.command(
        Role.NETWORK_OPERATOR, DataObject.METER_CLOCK, Action.WRITE, b"2027-03-01T12:00Z",
        signer=w.signer(Role.NETWORK_OPERATOR, ca=w.hierarchy.cas[CaKind.SUPPLIER],
                        unchecked=True)), Reason.WRONG_CA_KIND),
    "supplier sets the clock": (lambda w, t: w.command(
        Role.SUPPLIER, DataObject.METER_CLOCK, Action.WRITE, b"2027-03-01T12:00Z"),
        Reason.ROLE_NOT_ALLOWED),
    "technician tops up": (lambda w, t: w.command(
        Role.TECHNICIAN, DataObject.TOP_UP, Action.EXECUTE, SECRET, sealed=True),
        Reason.ROLE_NOT_ALLOWED),
    "occupier writes the tariff": (lambda w, t: w.command(
        Role.OCCUPIER, DataObject.TARIFF, Action.WRITE, b"free"), Reason.ROLE_NOT_ALLOWED),
    "manufacturer disconnects": (lambda w, t: w.command(
        Role.MANUFACTURER, DataObject.SUPPLY_SWITCH, Action.EXECUTE, b"off"),
        Reason.ROLE_NOT_ALLOWED),
    "top-up in clear": (lambda w, t: w.command(
        Role.SUPPLIER, DataObject.TOP_UP, Action.EXECUTE, SECRET), Reason.NOT_ENCRYPTED),
    "sealed to another meter": (lambda w, t: _sealed_to_other_meter(w),
                                Reason.DECRYPT_FAILED),
    "sealed payload under another header": (lambda w, t: _rewrapped(w),
                                            Reason.DECRYPT_FAILED),
    "truncated": (lambda w, t: w.command(Role.SUPPLIER, DataObject.TARIFF, Action.WRITE,
                                         b"t")[:-5], Reason.MALFORMED),
    "oversized": (lambda w, t: _oversized(w), Reason.OVERSIZED),
    "garbage": (lambda w, t: b"\x00" * 40, Reason.MALFORMED),
    "a response, not a command": (lambda w, t: _response_as_command(w), Reason.MALFORMED),
}


def _legit(w: World, trust: DeviceTrust) -> None:
    for role, obj, action, payload, sealed in (
        (Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"tariff v2", False),
        (Role.SUPPLIER, DataObject.TOP_UP, Action.EXECUTE, SECRET, True),
        (Role.NETWORK_OPERATOR, DataObject.METER_CLOCK, Action.WRITE, b"clock", False),
    ):
        verdict = trust.handle(w.command(role, obj, action, payload, sealed=sealed))
        assert isinstance(verdict, Accepted), verdict
        assert verdict.payload == payload and verdict.role is role


@pytest.mark.parametrize("name", list(ATTACKS))
def test_attack_is_refused_with_its_reason_and_the_legitimate_command_still_passes(
        world, name):
    attack, reason = ATTACKS[name]
    trust = world.trust()
    _legit(world, trust)
    verdict = trust.handle(attack(world, trust))
    assert isinstance(verdict, Refused)
    assert verdict.reason is reason, verdict.detail
    # the refusal is a signed response from this meter, carrying the reason
    answer = decode(verdict.response)
    assert answer.reason is reason and answer.originator == world.meter.cert
    assert answer.signature is not None
    world.meter.cert.public_key().verify(answer.signature, answer.signed_bytes,
                                         pki.ec.ECDSA(pki.hashes.SHA256()))
    _legit(world, trust)


def test_replayed_same_and_lower_counter(world):
    trust = world.trust()
    first = world.command(Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"a", counter=10)
    assert trust.handle(first).reason is Reason.ACCEPTED
    assert trust.handle(first).reason is Reason.REPLAYED
    lower = world.command(Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"a", counter=9)
    assert trust.handle(lower).reason is Reason.REPLAYED
    higher = world.command(Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"a", counter=11)
    assert trust.handle(higher).reason is Reason.ACCEPTED
    # counters are per originator: another supplier starts from its own
    other = world.signer(Role.SUPPLIER)
    assert trust.handle(world.command(Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"b",
                                      signer=other, counter=1)).reason is Reason.ACCEPTED


def test_a_refused_command_does_not_use_up_its_counter(world):
    trust = world.trust()
    early = world.command(Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"a", counter=5,
                          valid_from=NOW + DAY, valid_to=NOW + 2 * DAY)
    assert trust.handle(early).reason is Reason.COMMAND_NOT_YET_VALID
    world.clock.now = NOW + 1.5 * DAY
    assert trust.handle(early).reason is Reason.ACCEPTED


def test_counters_survive_a_restart(world, tmp_path):
    path = tmp_path / "meter" / "counters.json"
    trust = world.trust(JsonCounterStore(path))
    accepted = world.command(Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"a", counter=41)
    assert trust.handle(accepted).reason is Reason.ACCEPTED
    assert [p.name for p in path.parent.iterdir()] == ["counters.json"]  # no temp files left
    restarted = world.trust(JsonCounterStore(path))  # a new process reading the same file
    assert restarted.handle(accepted).reason is Reason.REPLAYED
    lower = world.command(Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"a", counter=40)
    assert restarted.handle(lower).reason is Reason.REPLAYED
    nxt = world.command(Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"a", counter=42)
    assert restarted.handle(nxt).reason is Reason.ACCEPTED
    assert 42 in json.loads(path.read_text())["counters"].values()


def test_a_damaged_counter_file_stops_the_device_rather_than_reopen_replays(tmp_path):
    path = tmp_path / "counters.json"
    path.write_text('{"version": 1, "counters": {"x": ')
    with pytest.raises(CounterStoreError):
        JsonCounterStore(path)


def test_a_renewed_certificate_keeps_its_holders_counter(world):
    trust = world.trust()
    old = world.signers[Role.SUPPLIER]
    assert trust.handle(world.command(Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"a",
                                      counter=7)).reason is Reason.ACCEPTED
    key = pki.new_key()
    renewed = Signer(pki.issue(world.hierarchy.cas[CaKind.SUPPLIER], Role.SUPPLIER,
                               "supplier test", key.public_key(), not_before=BEFORE),
                     key, old.issuer)
    assert renewed.cert.subject == old.cert.subject
    again = world.command(Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"a", counter=7,
                          signer=renewed)
    assert trust.handle(again).reason is Reason.REPLAYED


def test_the_device_can_be_given_its_organisation_cas_at_commissioning(world):
    trust = DeviceTrust(world.meter, world.anchors, world.trust().counters,
                        intermediates=[ca.cert for ca in world.hierarchy.cas.values()],
                        clock=world.clock)
    signer = world.signers[Role.SUPPLIER]
    bare = Signer(signer.cert, signer.key, None)  # the envelope carries no CA certificate
    data = world.command(Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"a", signer=bare)
    assert trust.handle(data).reason is Reason.ACCEPTED
    assert world.trust().handle(data).reason is Reason.UNTRUSTED_CHAIN


def test_crls_the_device_refuses(world):
    trust = world.trust()
    other = pki.make_hierarchy(BEFORE)
    foreign = other.cas[CaKind.SUPPLIER]
    with pytest.raises(ChainError):
        trust.accept_crl(pki.make_crl(foreign, [], 1), foreign.cert)
    ca = world.hierarchy.cas[CaKind.SUPPLIER]
    trust.accept_crl(pki.make_crl(ca, [], 5), ca.cert)
    with pytest.raises(ChainError) as info:
        trust.accept_crl(pki.make_crl(ca, [], 4), ca.cert)
    assert info.value.reason is Reason.REPLAYED


def test_the_head_end_checks_the_signed_response(world):
    trust = world.trust()
    data = world.command(Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"a")
    verdict = trust.handle(data)
    answer = check_response(verdict.response, data, world.anchors, at=NOW)
    assert answer.reason is Reason.ACCEPTED and answer.reply_to == decode(data).digest
    refusal = trust.handle(data)
    assert check_response(refusal.response, data, world.anchors, at=NOW).reason \
        is Reason.REPLAYED
    # a response from another meter, or about another command, is not this one's answer
    other = World(world.hierarchy, world.other_meter, world.meter, {}, world.clock)
    with pytest.raises(ChainError):
        check_response(other.trust().handle(data).response, data, world.anchors, at=NOW)
    data2 = world.command(Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"b")
    with pytest.raises(ChainError):
        check_response(verdict.response, data2, world.anchors, at=NOW)
    # a read answered with the value, signed by the meter
    read = world.command(Role.SUPPLIER, DataObject.CONSUMPTION_REGISTERS, Action.READ, None)
    accepted = trust.handle(read)
    assert isinstance(accepted, Accepted)
    value = trust.respond(accepted.envelope, Reason.ACCEPTED, b"12345.678 kWh")
    assert check_response(value, read, world.anchors, at=NOW).payload == b"12345.678 kWh"


def test_logs_never_carry_payloads_or_keys(world, caplog):
    caplog.set_level(logging.DEBUG)
    trust = world.trust()
    verdict = trust.handle(world.command(Role.SUPPLIER, DataObject.TOP_UP, Action.EXECUTE,
                                         SECRET, sealed=True))
    assert isinstance(verdict, Accepted) and verdict.payload == SECRET
    for name in ATTACKS:
        attack, _ = ATTACKS[name]
        trust.handle(attack(world, trust))
    text = caplog.text + "".join(repr(r.args) for r in caplog.records)
    text += repr(verdict) + repr(trust) + repr(world.meter)
    assert caplog.records and "accepted TOP_UP EXECUTE" in caplog.text
    key_pem = world.meter.key.private_bytes(serialization.Encoding.PEM,
                                            serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption()).decode()
    key_int = world.meter.key.private_numbers().private_value
    for secret in (SECRET.decode(), SECRET.hex(), "credit-token", key_pem.splitlines()[1],
                   str(key_int), f"{key_int:x}"):
        assert secret not in text


def test_an_unreadable_certificate_is_malformed(world):
    data = world.command(Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"t")
    der = world.signers[Role.SUPPLIER].cert.public_bytes(serialization.Encoding.DER)
    broken = data.replace(der[-40:], bytes(40))
    assert world.trust().handle(broken).reason in (Reason.MALFORMED, Reason.BAD_SIGNATURE)
    assert isinstance(x509.load_der_x509_certificate(der), x509.Certificate)


def test_remembered_signatures_never_skip_revocation_or_expiry(world):
    trust = world.trust()
    signer = world.signer(Role.SUPPLIER, days=40)
    first = world.command(Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"a", signer=signer)
    assert trust.handle(first).reason is Reason.ACCEPTED  # its chain is now remembered
    world.clock.now = BEFORE + 41 * DAY
    late = world.command(Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"a", signer=signer)
    assert trust.handle(late).reason is Reason.CERT_EXPIRED
    world.clock.now = NOW
    ca = world.hierarchy.cas[CaKind.SUPPLIER]
    trust.accept_crl(pki.make_crl(ca, [pki.Revocation(signer.cert.serial_number, NOW)], 1),
                     ca.cert)
    again = world.command(Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"a", signer=signer)
    assert trust.handle(again).reason is Reason.REVOKED


def test_crls_survive_a_restart(world, tmp_path):
    folder = tmp_path / "crls"
    signer = world.signer(Role.SUPPLIER)
    trust = DeviceTrust(world.meter, world.anchors, world.trust().counters, clock=world.clock,
                        crl_dir=folder)
    ca = world.hierarchy.cas[CaKind.SUPPLIER]
    trust.accept_crl(pki.make_crl(ca, [pki.Revocation(signer.cert.serial_number, NOW)], 3),
                     ca.cert)
    restarted = DeviceTrust(world.meter, world.anchors, world.trust().counters,
                            clock=world.clock, crl_dir=folder)
    data = world.command(Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"a", signer=signer)
    assert restarted.handle(data).reason is Reason.REVOKED
    with pytest.raises(ChainError):  # and it still refuses an older CRL
        restarted.accept_crl(pki.make_crl(ca, [], 2), ca.cert)
    (next(folder.glob("*.crl.pem"))).write_bytes(b"damaged")
    with pytest.raises(CounterStoreError):
        DeviceTrust(world.meter, world.anchors, world.trust().counters, crl_dir=folder)
