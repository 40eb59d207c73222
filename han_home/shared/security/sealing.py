"""End-to-end sealing of a payload to one device's key (seed SP.2, SP.9).

ECDH P-256 between a fresh ephemeral key and the recipient's certified key, the shared
secret through the NIST SP 800-56A single-step KDF with SHA-256 (``ConcatKDFHash``) into a
128-bit key, then AES-128-GCM with the caller's associated data (the envelope header, so
a sealed payload cannot be moved under another header). A new ephemeral key per message
means a new session key per message; only the recipient's private key opens it.

Wire form: ephemeral public point (65 octets, X9.62 uncompressed) | nonce (12) | ciphertext
with its 16-octet tag.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.concatkdf import ConcatKDFHash

POINT_LEN, NONCE_LEN, TAG_LEN = 65, 12, 16
KDF_INFO = b"han-home/seal/v1 AES-128-GCM"


class SealError(Exception):
    """The sealed payload does not open (wrong key, tampered, or not a sealed payload)."""


@dataclass(frozen=True)
class Sealed:
    ephemeral: bytes
    nonce: bytes
    ciphertext: bytes = field(repr=False)

    def to_bytes(self) -> bytes:
        return self.ephemeral + self.nonce + self.ciphertext

    @classmethod
    def from_bytes(cls, data: bytes) -> Sealed:
        if len(data) < POINT_LEN + NONCE_LEN + TAG_LEN or data[0] != 0x04:
            raise SealError("not a sealed payload")
        return cls(data[:POINT_LEN], data[POINT_LEN:POINT_LEN + NONCE_LEN],
                   data[POINT_LEN + NONCE_LEN:])


def _point(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.X962,
                            serialization.PublicFormat.UncompressedPoint)


def _session_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    kdf = ConcatKDFHash(algorithm=hashes.SHA256(), length=16,
                        otherinfo=KDF_INFO + ephemeral + recipient)
    return kdf.derive(shared)


def seal(recipient: ec.EllipticCurvePublicKey, plaintext: bytes, aad: bytes) -> Sealed:
    if not isinstance(recipient, ec.EllipticCurvePublicKey) or recipient.curve.name != "secp256r1":
        raise SealError("the recipient key is not P-256")
    ephemeral_key = ec.generate_private_key(ec.SECP256R1())
    ephemeral = _point(ephemeral_key.public_key())
    key = _session_key(ephemeral_key.exchange(ec.ECDH(), recipient), ephemeral,
                       _point(recipient))
    nonce = os.urandom(NONCE_LEN)
    return Sealed(ephemeral, nonce, AESGCM(key).encrypt(nonce, plaintext, aad))


def open_sealed(recipient: ec.EllipticCurvePrivateKey, sealed: Sealed, aad: bytes) -> bytes:
    try:
        peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), sealed.ephemeral)
        shared = recipient.exchange(ec.ECDH(), peer)
        key = _session_key(shared, sealed.ephemeral, _point(recipient.public_key()))
        return AESGCM(key).decrypt(sealed.nonce, sealed.ciphertext, aad)
    except (InvalidTag, ValueError) as exc:
        raise SealError("the sealed payload does not open") from exc
