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


def _context(server: bool, cert_chain: Path, key: Path, passphrase: bytes,
             anchors: Path) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER if server else ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
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
