"""Signed command envelopes and signed responses: a small, strict, canonical TLV.

::

    envelope  := "HE" version(1 octet, = 1) field*
    field     := tag(1) length(2, big-endian) value(length)

Tags appear in strictly increasing order, each at most once, with no trailing bytes, and
every integer has a fixed width, so one envelope has exactly one encoding (what is signed
is what is decoded). At most ``MAX_ENVELOPE`` octets in all.

====  ============  ====================================================  ==============
tag   name          value                                                 presence
====  ============  ====================================================  ==============
1     KIND          1 octet: 1 command, 2 response                        always
2     ORIGINATOR    the signer's X.509 certificate, DER                   always
3     ISSUER        the signer's CA certificate, DER                      optional
4     TARGET        EUI-64 of the device addressed, 8 octets              command
5     OBJECT        ``acl.DataObject``, 1 octet                           command
6     ACTION        ``acl.Action``, 1 octet                               command
7     COUNTER       originator's counter, 8 octets unsigned               always
8     VALID_FROM    ZCL UTCTime (s since 2000-01-01 UTC), 4 octets        always
9     VALID_TO      ZCL UTCTime, 4 octets (>= VALID_FROM)                 always
10    REPLY_TO      SHA-256 of the command's signed octets, 32 octets     response
11    REASON        ``reasons.Reason``, 1 octet                           response
12    PAYLOAD       plaintext payload                                     optional
13    SEALED        ``sealing.Sealed`` (AAD = every octet before tag 13)  optional, not
                                                                          with 12
255   SIGNATURE     ECDSA P-256 / SHA-256 (DER) over every octet before   missing =
                    this field, by the ORIGINATOR's key                   unsigned
====  ============  ====================================================  ==============

``decode`` raises only ``DecodeError`` (``oversized`` set when the input is too long).
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import struct
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.utils import CryptographyDeprecationWarning

from han_home.shared.security import sealing
from han_home.shared.security.acl import Action, DataObject
from han_home.shared.security.profiles import eui64_of
from han_home.shared.security.reasons import Reason

MAGIC, VERSION = b"HE", 1
MAX_ENVELOPE = 4096
UTC_EPOCH_2000 = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


class Kind(enum.IntEnum):
    COMMAND = 1
    RESPONSE = 2


class Tag(enum.IntEnum):
    KIND = 1
    ORIGINATOR = 2
    ISSUER = 3
    TARGET = 4
    OBJECT = 5
    ACTION = 6
    COUNTER = 7
    VALID_FROM = 8
    VALID_TO = 9
    REPLY_TO = 10
    REASON = 11
    PAYLOAD = 12
    SEALED = 13
    SIGNATURE = 255


_FIXED = {Tag.KIND: 1, Tag.TARGET: 8, Tag.OBJECT: 1, Tag.ACTION: 1, Tag.COUNTER: 8,
          Tag.VALID_FROM: 4, Tag.VALID_TO: 4, Tag.REPLY_TO: 32, Tag.REASON: 1}
_COMMAND_ONLY = {Tag.TARGET, Tag.OBJECT, Tag.ACTION}
_RESPONSE_ONLY = {Tag.REPLY_TO, Tag.REASON}
_ALWAYS = {Tag.KIND, Tag.ORIGINATOR, Tag.COUNTER, Tag.VALID_FROM, Tag.VALID_TO}


class DecodeError(Exception):
    """Not a well-formed envelope."""

    def __init__(self, detail: str, *, oversized: bool = False) -> None:
        super().__init__(detail)
        self.oversized = oversized


@dataclass(frozen=True)
class Signer:
    """A certificate, its private key and (optionally) its CA's certificate."""

    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey = field(repr=False)
    issuer: x509.Certificate | None = None


@dataclass(frozen=True)
class Envelope:
    kind: Kind
    originator: x509.Certificate
    issuer: x509.Certificate | None
    counter: int
    valid_from: dt.datetime
    valid_to: dt.datetime
    target: bytes | None = None
    data_object: DataObject | None = None
    action: Action | None = None
    reply_to: bytes | None = None
    reason: Reason | None = None
    payload: bytes | None = field(default=None, repr=False)  # plaintext (never the sealed)
    sealed: sealing.Sealed | None = field(default=None, repr=False)
    signature: bytes | None = field(default=None, repr=False)
    signed_bytes: bytes = field(default=b"", repr=False, compare=False)
    header_bytes: bytes = field(default=b"", repr=False, compare=False)

    @property
    def digest(self) -> bytes:
        """SHA-256 of the signed octets: what a response's REPLY_TO names."""
        return hashlib.sha256(self.signed_bytes).digest()


# ---- time --------------------------------------------------------------------------------
def to_utctime(t: dt.datetime) -> int:
    if t.tzinfo is None:
        raise ValueError("times are UTC and carry their zone")
    seconds = int((t - UTC_EPOCH_2000).total_seconds())
    if not 0 <= seconds <= 0xFFFFFFFE:
        raise ValueError("time outside the ZCL UTCTime range")
    return seconds


def from_utctime(seconds: int) -> dt.datetime:
    return UTC_EPOCH_2000 + dt.timedelta(seconds=seconds)


# ---- encoding ----------------------------------------------------------------------------
def _field(tag: Tag, value: bytes) -> bytes:
    if len(value) > 0xFFFF:
        raise ValueError(f"field {tag.name} too long")
    return struct.pack(">BH", tag, len(value)) + value


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def _header(
    kind: Kind, signer: Signer, counter: int, valid_from: dt.datetime, valid_to: dt.datetime,
    *, target: bytes | None = None, data_object: DataObject | None = None,
    action: Action | None = None, reply_to: bytes | None = None, reason: Reason | None = None,
) -> bytes:
    if not 0 <= counter < 2**64:
        raise ValueError("the counter is an unsigned 64-bit number")
    start, end = to_utctime(valid_from), to_utctime(valid_to)
    if end < start:
        raise ValueError("valid_to is before valid_from")
    out = [MAGIC, bytes([VERSION]), _field(Tag.KIND, bytes([kind])),
           _field(Tag.ORIGINATOR, _der(signer.cert))]
    if signer.issuer is not None:
        out.append(_field(Tag.ISSUER, _der(signer.issuer)))
    if kind is Kind.COMMAND:
        assert target is not None and data_object is not None and action is not None
        if len(target) != 8:
            raise ValueError("the target is an EUI-64 (8 octets)")
        out += [_field(Tag.TARGET, target), _field(Tag.OBJECT, bytes([data_object])),
                _field(Tag.ACTION, bytes([action]))]
    out += [_field(Tag.COUNTER, counter.to_bytes(8, "big")),
            _field(Tag.VALID_FROM, start.to_bytes(4, "big")),
            _field(Tag.VALID_TO, end.to_bytes(4, "big"))]
    if kind is Kind.RESPONSE:
        assert reply_to is not None and reason is not None
        out += [_field(Tag.REPLY_TO, reply_to), _field(Tag.REASON, bytes([reason]))]
    return b"".join(out)


def _finish(header: bytes, signer: Signer | None, payload: bytes | None,
            seal_to: ec.EllipticCurvePublicKey | None) -> bytes:
    body = header
    if payload is not None:
        if seal_to is None:
            body += _field(Tag.PAYLOAD, payload)
        else:
            body += _field(Tag.SEALED, sealing.seal(seal_to, payload, header).to_bytes())
    if signer is not None:
        signature = signer.key.sign(body, ec.ECDSA(hashes.SHA256()))
        body += _field(Tag.SIGNATURE, signature)
    if len(body) > MAX_ENVELOPE:
        raise ValueError(f"the envelope would be {len(body)} octets (at most {MAX_ENVELOPE})")
    return body


def command(
    signer: Signer,
    target: bytes,
    data_object: DataObject,
    action: Action,
    payload: bytes | None,
    counter: int,
    valid_from: dt.datetime,
    valid_to: dt.datetime,
    *,
    seal_to: x509.Certificate | None = None,
    sign: bool = True,
) -> bytes:
    """A signed command; ``seal_to`` (the target's certificate) seals the payload to it."""
    key = None
    if seal_to is not None:
        if eui64_of(seal_to) != target:
            raise ValueError("seal_to is not the target device's certificate")
        try:
            usage = seal_to.extensions.get_extension_for_class(x509.KeyUsage).value
        except x509.ExtensionNotFound:
            usage = None
        if usage is None or not usage.key_agreement:
            raise ValueError("the target's certificate does not allow key agreement")
        public = seal_to.public_key()
        if not isinstance(public, ec.EllipticCurvePublicKey):
            raise ValueError("the target's key is not an EC key")
        key = public
    header = _header(Kind.COMMAND, signer, counter, valid_from, valid_to, target=target,
                     data_object=data_object, action=action)
    return _finish(header, signer if sign else None, payload, key)


def response(
    signer: Signer, reply_to: bytes, reason: Reason, counter: int, now: dt.datetime,
    payload: bytes | None = None,
) -> bytes:
    """A device's signed answer to a command (its digest), with the reason code."""
    header = _header(Kind.RESPONSE, signer, counter, now, now, reply_to=reply_to,
                     reason=reason)
    return _finish(header, signer, payload, None)


# ---- decoding ----------------------------------------------------------------------------
def _fields(data: bytes) -> Iterator[tuple[Tag, int, bytes]]:
    pos, last = 3, 0
    while pos < len(data):
        if pos + 3 > len(data):
            raise DecodeError("truncated field header")
        tag_value, length = struct.unpack_from(">BH", data, pos)
        try:
            tag = Tag(tag_value)
        except ValueError:
            raise DecodeError(f"unknown tag {tag_value}") from None
        if tag_value <= last:
            raise DecodeError("fields out of order or repeated")
        last = tag_value
        end = pos + 3 + length
        if end > len(data):
            raise DecodeError("truncated field")
        if tag in _FIXED and length != _FIXED[tag]:
            raise DecodeError(f"field {tag.name} has the wrong length")
        yield tag, pos, data[pos + 3:end]
        pos = end


def _cert(der: bytes) -> x509.Certificate:
    """Parse now every part verification reads (cryptography parses some parts lazily).
    What cryptography only warns about (a serial that is not positive, against RFC 5280;
    refused in its later releases) is refused here already, without the warning."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", CryptographyDeprecationWarning)
            cert = x509.load_der_x509_certificate(der)
            cert.public_key()
            _ = (cert.subject, cert.issuer, cert.not_valid_before_utc,
                 cert.not_valid_after_utc, cert.signature_hash_algorithm, cert.version)
            if cert.serial_number <= 0:
                raise ValueError("serial number not positive")
            list(cert.extensions)
    except Exception as exc:  # hostile input: any parser failure is "malformed"
        raise DecodeError("not a usable DER certificate") from exc
    return cert


def decode(data: bytes) -> Envelope:
    """Parse ``data`` strictly; raises ``DecodeError`` and nothing else."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise DecodeError("an envelope is octets")
    data = bytes(data)
    if len(data) > MAX_ENVELOPE:
        raise DecodeError(f"{len(data)} octets: at most {MAX_ENVELOPE}", oversized=True)
    if len(data) < 3 or data[:2] != MAGIC:
        raise DecodeError("not an envelope")
    if data[2] != VERSION:
        raise DecodeError(f"unknown version {data[2]}")
    values: dict[Tag, bytes] = {}
    offsets: dict[Tag, int] = {}
    for tag, offset, value in _fields(data):
        values[tag] = value
        offsets[tag] = offset
    missing = _ALWAYS - values.keys()
    if missing:
        raise DecodeError("missing " + ", ".join(sorted(t.name for t in missing)))
    try:
        kind = Kind(values[Tag.KIND][0])
    except ValueError:
        raise DecodeError("unknown kind") from None
    own, other = ((_COMMAND_ONLY, _RESPONSE_ONLY) if kind is Kind.COMMAND
                  else (_RESPONSE_ONLY, _COMMAND_ONLY))
    if own - values.keys() or other & values.keys():
        raise DecodeError(f"the fields do not make a {kind.name.lower()}")
    if Tag.PAYLOAD in values and Tag.SEALED in values:
        raise DecodeError("a payload is plain or sealed, not both")
    start = int.from_bytes(values[Tag.VALID_FROM], "big")
    end = int.from_bytes(values[Tag.VALID_TO], "big")
    if end < start:
        raise DecodeError("valid_to is before valid_from")
    try:
        data_object = DataObject(values[Tag.OBJECT][0]) if Tag.OBJECT in values else None
        action = Action(values[Tag.ACTION][0]) if Tag.ACTION in values else None
        reason = Reason(values[Tag.REASON][0]) if Tag.REASON in values else None
    except ValueError:
        raise DecodeError("unknown data object, action or reason") from None
    sealed = None
    if Tag.SEALED in values:
        try:
            sealed = sealing.Sealed.from_bytes(values[Tag.SEALED])
        except sealing.SealError:
            raise DecodeError("not a sealed payload") from None
    signed_end = offsets.get(Tag.SIGNATURE, len(data))
    return Envelope(
        kind=kind,
        originator=_cert(values[Tag.ORIGINATOR]),
        issuer=_cert(values[Tag.ISSUER]) if Tag.ISSUER in values else None,
        counter=int.from_bytes(values[Tag.COUNTER], "big"),
        valid_from=from_utctime(start),
        valid_to=from_utctime(end),
        target=values.get(Tag.TARGET),
        data_object=data_object,
        action=action,
        reply_to=values.get(Tag.REPLY_TO),
        reason=reason,
        payload=values.get(Tag.PAYLOAD),
        sealed=sealed,
        signature=values.get(Tag.SIGNATURE),
        signed_bytes=data[:signed_end],
        header_bytes=data[:offsets.get(Tag.SEALED, signed_end)],
    )
