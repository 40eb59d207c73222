"""Mutual TLS with Python's ``ssl`` and the project's certificates (for the gateway's end points).

The gateway's WAN and maintenance end points (not built here) accept only clients with a
certificate of this PKI; OpenSSL checks the chain to the anchors, then ``peer_chain``
applies the project's own rules (role bound to CA kind, validity, CRLs) and gives the role
the ACL needs. Keys stay encrypted at rest: ``ssl`` opens them with the passphrase.

* ``server_context(cert_chain, key, passphrase, anchors)``: TLS 1.3, client certificate
  required;
* ``client_context(cert_chain, key, passphrase, anchors)``: TLS 1.3, no host-name check
  (a gateway is named by its EUI-64, checked in ``peer_chain`` with ``expect_eui64``);
* ``write_chain(path, cert, ca)``: leaf + its CA certificate, what ``cert_chain`` means.

A gateway's own certificate (a device of type ``gateway``) carries ``serverAuth``.
"""

from __future__ import annotations

import datetime as dt
import ssl
from collections.abc import Sequence
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from han_home.shared.security.chain import (
    ChainError,
    LinkCache,
    RevocationLists,
    ValidatedChain,
    validate_chain,
)
from han_home.shared.security.reasons import Reason


def write_chain(path: Path, cert: x509.Certificate, ca: x509.Certificate | None) -> Path:
    pem = cert.public_bytes(serialization.Encoding.PEM)
    if ca is not None:
        pem += ca.public_bytes(serialization.Encoding.PEM)
    path.write_bytes(pem)
    return path


TLS13_SUITE = "TLS_AES_128_GCM_SHA256"


def only_suite(ctx: ssl.SSLContext, suite: str = TLS13_SUITE) -> None:
    """Restrict TLS 1.3 to one cipher suite and the key exchange to P-256.

    Python's ``ssl`` (3.11-3.13) has no call for TLS 1.3 suites (``set_ciphers`` is for
    TLS 1.2 and older), so this calls OpenSSL's ``SSL_CTX_set_ciphersuites`` on the
    context's ``SSL_CTX`` (CPython keeps it right after the object header), through the
    very libssl the ``_ssl`` module is linked with, then checks the result with
    ``get_ciphers``: a failure raises, never leaves the default suites in place.
    """
    import _ssl
    import ctypes

    ctx.set_ecdh_curve("prime256v1")
    try:
        setter = ctypes.CDLL(_ssl.__file__).SSL_CTX_set_ciphersuites
    except (OSError, AttributeError) as exc:
        raise RuntimeError("this OpenSSL cannot restrict TLS 1.3 cipher suites") from exc
    setter.argtypes, setter.restype = [ctypes.c_void_p, ctypes.c_char_p], ctypes.c_int
    ssl_ctx = ctypes.c_void_p.from_address(id(ctx) + object.__basicsize__).value
    if not ssl_ctx or setter(ssl_ctx, suite.encode()) != 1:
        raise RuntimeError(f"OpenSSL refused the cipher suite {suite}")
    tls13 = {c["name"] for c in ctx.get_ciphers() if c.get("protocol") == "TLSv1.3"}
    if tls13 != {suite}:
        raise RuntimeError(f"TLS 1.3 suites are {sorted(tls13)}, not only {suite}")


def _context(server: bool, cert_chain: Path, key: Path, passphrase: bytes,
             anchors: Path) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER if server else ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    only_suite(ctx)
    ctx.load_cert_chain(str(cert_chain), str(key), password=passphrase)
    ctx.load_verify_locations(cafile=str(anchors))
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


def server_context(cert_chain: Path, key: Path, passphrase: bytes,
                   anchors: Path) -> ssl.SSLContext:
    return _context(True, cert_chain, key, passphrase, anchors)


def client_context(cert_chain: Path, key: Path, passphrase: bytes,
                   anchors: Path) -> ssl.SSLContext:
    return _context(False, cert_chain, key, passphrase, anchors)


def peer_chain(
    ssl_object: ssl.SSLObject | ssl.SSLSocket,
    anchors: Sequence[x509.Certificate],
    intermediates: Sequence[x509.Certificate],
    *,
    at: dt.datetime | None = None,
    crls: RevocationLists | None = None,
    cache: LinkCache | None = None,
    expect_eui64: bytes | None = None,
) -> ValidatedChain:
    """The peer's certificate under the project's rules; ``ChainError`` if refused.

    Python 3.11's ``ssl`` gives only the peer's leaf certificate, so the organisation CA
    certificates come from ``intermediates`` (the gateway holds them).
    """
    der = ssl_object.getpeercert(binary_form=True)
    if not der:
        raise ChainError(Reason.UNSIGNED, "the peer presented no certificate")
    validated = validate_chain(x509.load_der_x509_certificate(der), intermediates, anchors,
                               at or dt.datetime.now(dt.UTC), crls, cache)
    if expect_eui64 is not None and validated.eui64 != expect_eui64:
        raise ChainError(Reason.WRONG_TARGET, "the peer is not the expected device")
    return validated


def write_identity(folder: Path, name: str, signer_cert: x509.Certificate,
                   signer_key: object, issuer: x509.Certificate | None,
                   anchors: Sequence[x509.Certificate], passphrase: bytes) -> tuple[Path, Path,
                                                                                   Path]:
    """(chain, encrypted key, anchors) files for ``server_context`` / ``client_context``."""
    from han_home.shared.security.keystore import KeyStore

    folder.mkdir(parents=True, exist_ok=True)
    chain_path = write_chain(folder / f"{name}.chain.pem", signer_cert, issuer)
    key_path = KeyStore(folder / "keys", passphrase).save(name, signer_key)  # type: ignore[arg-type]
    anchor_path = folder / "anchors.pem"
    anchor_path.write_bytes(b"".join(a.public_bytes(serialization.Encoding.PEM)
                                     for a in anchors))
    return chain_path, key_path, anchor_path
