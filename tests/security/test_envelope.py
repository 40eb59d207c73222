"""The envelope codec: round trip, canonical form, strictness; Hypothesis over the decoder."""

from __future__ import annotations

import datetime as dt
import struct

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from han_home.shared.security import envelope
from han_home.shared.security.acl import Action, DataObject
from han_home.shared.security.envelope import MAX_ENVELOPE, DecodeError, Kind, Tag, decode
from han_home.shared.security.profiles import Role
from han_home.shared.security.reasons import Reason
from tests.security.conftest import METER, NOW


def test_round_trip(world):
    data = world.command(Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"tariff table",
                         counter=7)
    env = decode(data)
    assert env.kind is Kind.COMMAND
    assert env.originator == world.signers[Role.SUPPLIER].cert
    assert env.issuer == world.signers[Role.SUPPLIER].issuer
    assert (env.target, env.data_object, env.action, env.counter) == (
        METER, DataObject.TARIFF, Action.WRITE, 7)
    assert env.payload == b"tariff table" and env.sealed is None
    assert env.valid_from == NOW - dt.timedelta(minutes=5)
    assert env.valid_to == NOW + dt.timedelta(hours=1)
    assert env.signature is not None and data.startswith(env.signed_bytes)
    assert len(data) < 1400  # two P-256 certificates and a signature


def test_the_encoding_is_canonical(world):
    """Same values, same octets (up to the randomised ECDSA signature)."""
    signer = world.signers[Role.SUPPLIER]
    a, b = (envelope.command(signer, METER, DataObject.TARIFF, Action.WRITE, b"x", 3,
                             NOW, NOW, sign=False) for _ in range(2))
    assert a == b
    assert decode(a).signed_bytes == a and decode(a).signature is None


def test_a_sealed_round_trip(world):
    data = world.command(Role.SUPPLIER, DataObject.TOP_UP, Action.EXECUTE, b"1000p",
                         sealed=True)
    env = decode(data)
    assert env.payload is None and env.sealed is not None
    assert b"1000p" not in data
    assert data.startswith(env.header_bytes) and len(env.header_bytes) < len(env.signed_bytes)


def test_responses_round_trip(world):
    data = envelope.response(world.meter, b"\x01" * 32, Reason.REPLAYED, 9, NOW, b"value")
    env = decode(data)
    assert env.kind is Kind.RESPONSE and env.reason is Reason.REPLAYED
    assert env.reply_to == b"\x01" * 32 and env.target is None and env.payload == b"value"


def _fields(data: bytes) -> list[tuple[int, bytes]]:
    out, pos = [], 3
    while pos < len(data):
        tag, length = struct.unpack_from(">BH", data, pos)
        out.append((tag, data[pos + 3:pos + 3 + length]))
        pos += 3 + length
    return out


def _join(fields: list[tuple[int, bytes]]) -> bytes:
    return b"HE\x01" + b"".join(struct.pack(">BH", t, len(v)) + v for t, v in fields)


@pytest.mark.parametrize("change", [
    "swap", "duplicate", "unknown_tag", "drop_counter", "short_target", "trailing",
    "bad_version", "bad_magic", "bad_object", "bad_cert", "window_backwards", "both_payloads",
    "response_fields_in_command", "empty",
])
def test_strictness(world, change):
    data = world.command(Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"p", sign=False)
    fields = _fields(data)
    tags = [t for t, _ in fields]
    i = tags.index(Tag.COUNTER)
    if change == "swap":
        fields[i], fields[i + 1] = fields[i + 1], fields[i]
    elif change == "duplicate":
        fields.insert(i, fields[i])
    elif change == "unknown_tag":
        fields.append((200, b""))
    elif change == "drop_counter":
        del fields[i]
    elif change == "short_target":
        fields[tags.index(Tag.TARGET)] = (Tag.TARGET, METER[:7])
    elif change == "bad_object":
        fields[tags.index(Tag.OBJECT)] = (Tag.OBJECT, b"\xee")
    elif change == "bad_cert":
        fields[tags.index(Tag.ORIGINATOR)] = (Tag.ORIGINATOR, b"\x30\x03\x02\x01\x00")
    elif change == "window_backwards":
        fields[tags.index(Tag.VALID_TO)] = (Tag.VALID_TO, b"\x00\x00\x00\x01")
    elif change == "both_payloads":
        fields.append((Tag.SEALED, b"\x04" + b"\x00" * 100))
    elif change == "response_fields_in_command":
        fields.insert(tags.index(Tag.PAYLOAD), (Tag.REASON, b"\x00"))
    raw = _join(fields)
    if change == "trailing":
        raw += b"\x00"
    elif change == "bad_version":
        raw = b"HE\x02" + raw[3:]
    elif change == "bad_magic":
        raw = b"EH" + raw[2:]
    elif change == "empty":
        raw = b""
    with pytest.raises(DecodeError):
        decode(raw)


def test_truncated_anywhere_is_malformed_or_unsigned(world):
    data = world.command(Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"payload")
    signed = len(decode(data).signed_bytes)
    # cut exactly before the signature or the (optional) payload: well-formed, unsigned
    boundaries = {signed, signed - 3 - len(b"payload")}
    for n in range(len(data)):
        if n in boundaries:
            assert decode(data[:n]).signature is None
            continue
        with pytest.raises(DecodeError):
            decode(data[:n])


def test_oversized(world):
    with pytest.raises(DecodeError) as info:
        decode(b"HE\x01" + b"\x00" * MAX_ENVELOPE)
    assert info.value.oversized
    with pytest.raises(ValueError):  # the builder refuses to make one
        world.command(Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"x" * MAX_ENVELOPE)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_random_input_raises_only_decode_error(data):
    try:
        decode(data)
    except DecodeError:
        pass


@st.composite
def _mutations(draw):
    kind = draw(st.sampled_from(["flip", "insert", "delete", "cut", "splice"]))
    pos = draw(st.integers(min_value=0, max_value=2000))
    blob = draw(st.binary(min_size=1, max_size=8))
    return kind, pos, blob


def _mutate(data: bytes, mutation) -> bytes:
    kind, pos, blob = mutation
    pos %= len(data)
    if kind == "flip":
        return data[:pos] + bytes([data[pos] ^ (blob[0] or 1)]) + data[pos + 1:]
    if kind == "insert":
        return data[:pos] + blob + data[pos:]
    if kind == "delete":
        return data[:pos] + data[pos + len(blob):]
    if kind == "cut":
        return data[:pos]
    return data[:pos] + blob + data[pos + len(blob):]


@pytest.fixture(scope="module")
def sample(hierarchy):
    from tests.security.conftest import World, _device

    w = World(hierarchy, _device(hierarchy, METER), _device(hierarchy, METER), {})
    w.signers[Role.SUPPLIER] = w.signer(Role.SUPPLIER)
    return w, [w.command(Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"tariff"),
               w.command(Role.SUPPLIER, DataObject.TOP_UP, Action.EXECUTE, b"500", sealed=True)]


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.integers(min_value=0, max_value=1), _mutations())
def test_mutated_envelopes_decode_or_raise_decode_error_and_are_never_accepted(
        sample, which, mutation):
    w, good = sample
    data = _mutate(good[which], mutation)
    try:
        decode(data)
    except DecodeError:
        pass
    verdict = w.trust().verify(data)  # never raises
    if data != good[which]:
        assert verdict.reason is not Reason.ACCEPTED


def test_a_certificate_with_a_negative_serial_is_malformed_and_not_warned_about(world):
    """RFC 5280 serials are positive; cryptography only warns today (and will refuse
    later): the envelope refuses such a certificate now, quietly, as malformed."""
    import warnings

    from cryptography.hazmat.primitives.serialization import Encoding

    data = world.command(Role.SUPPLIER, DataObject.TARIFF, Action.WRITE, b"tariff")
    der = world.signers[Role.SUPPLIER].cert.public_bytes(Encoding.DER)
    at = der.index(b"\xa0\x03\x02\x01\x02") + 5  # after the version: the serial INTEGER
    assert der[at] == 0x02 and der[at + 1] >= 2
    bad = der[:at + 2] + bytes([der[at + 2] | 0x80]) + der[at + 3:]  # its sign bit set
    assert bad != der and der in data
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(DecodeError, match="certificate"):
            decode(data.replace(der, bad))
    assert not [w for w in caught if "serial" in str(w.message)]
