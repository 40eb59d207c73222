"""Path validation, step by step, each failure with its own ``Reason``; CRLs devices honour.

Why not only ``cryptography.x509.verification``: its ``PolicyBuilder`` (cryptography 50)
builds and checks the path well, and its ``ExtensionPolicy`` validators can read the role
EKU and the CA-kind policy (``webpki_verify`` below does exactly that, and the tests check
that both agree). But it reports one ``VerificationError`` for everything, checks validity
while it builds the path, and has no revocation; a device must tell "expired" from
"untrusted" from "revoked" in its signed answer. So ``validate_chain`` walks the
(fixed-depth) path itself:

1. path: leaf <- organisation CA <- trust anchor, each link by issuer name and signature
   (``verify_directly_issued_by``), ending at a certificate byte-equal to an anchor;
2. profile: basicConstraints / pathLen, keyUsage, P-256 keys, SHA-256 signatures, no
   unknown critical extension, one role in the leaf, one CA kind in each CA;
3. role bound to the issuing CA's kind (``profiles.ISSUED_BY``);
4. validity of every certificate at the device's time; revocation by the CRLs it holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import verification

from han_home.shared.security.profiles import (
    CA_KIND_OIDS,
    ISSUED_BY,
    ROLE_OIDS,
    CaKind,
    Role,
    ca_kind_of,
    eui64_of,
    role_of,
)
from han_home.shared.security.reasons import Reason

_E = TypeVar("_E", bound=x509.ExtensionType)
KNOWN_EXTENSIONS = {
    x509.BasicConstraints, x509.KeyUsage, x509.ExtendedKeyUsage, x509.SubjectKeyIdentifier,
    x509.AuthorityKeyIdentifier, x509.CertificatePolicies, x509.SubjectAlternativeName,
}


class ChainError(Exception):
    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


@dataclass(frozen=True)
class ValidatedChain:
    """A leaf that passed every step: its role, its issuer's kind, its EUI-64 if a device."""

    path: tuple[x509.Certificate, ...]  # leaf first, anchor last
    role: Role
    issuer_kind: CaKind
    eui64: bytes | None

    @property
    def leaf(self) -> x509.Certificate:
        return self.path[0]


def _fp(cert: x509.Certificate) -> bytes:
    return cert.fingerprint(hashes.SHA256())


class RevocationLists:
    """The newest CRL from each CA a device has been sent (by CA certificate fingerprint)."""

    def __init__(self) -> None:
        self._by_issuer: dict[bytes, x509.CertificateRevocationList] = {}

    def add(self, crl: x509.CertificateRevocationList, issuer: x509.Certificate) -> None:
        """Keep ``crl`` if ``issuer`` signed it and it is newer than the one held.

        The caller has already validated ``issuer`` as a CA of the device's hierarchy.
        A CRL past its nextUpdate is still honoured (a stale list still revokes).
        """
        if crl.issuer != issuer.subject:
            raise ChainError(Reason.UNTRUSTED_CHAIN, "the CRL names another issuer")
        usage = _ext(issuer, x509.KeyUsage)
        if usage is None or not usage.crl_sign:
            raise ChainError(Reason.UNTRUSTED_CHAIN, "the CRL's issuer may not sign CRLs")
        if not crl.is_signature_valid(issuer.public_key()):  # type: ignore[arg-type]
            raise ChainError(Reason.BAD_SIGNATURE, "the CRL's signature does not verify")
        new, old = _crl_number(crl), None
        held = self._by_issuer.get(_fp(issuer))
        if held is not None:
            old = _crl_number(held)
        if new is None or (old is not None and new <= old):
            raise ChainError(Reason.REPLAYED, "the CRL is not newer than the one held")
        self._by_issuer[_fp(issuer)] = crl

    def is_revoked(self, cert: x509.Certificate, issuer: x509.Certificate) -> bool:
        crl = self._by_issuer.get(_fp(issuer))
        return crl is not None and crl.get_revoked_certificate_by_serial_number(
            cert.serial_number) is not None

    def crls(self) -> list[tuple[bytes, x509.CertificateRevocationList]]:
        return list(self._by_issuer.items())


def _crl_number(crl: x509.CertificateRevocationList) -> int | None:
    try:
        return crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    except x509.ExtensionNotFound:
        return None


def _ext(cert: x509.Certificate, kind: type[_E]) -> _E | None:
    try:
        return cert.extensions.get_extension_for_class(kind).value
    except x509.ExtensionNotFound:
        return None
    except ValueError:  # a duplicated or undecodable extension
        return None


def _untrusted(detail: str) -> ChainError:
    return ChainError(Reason.UNTRUSTED_CHAIN, detail)


def _check_profile(path: Sequence[x509.Certificate], leaf: bool = True) -> None:
    """Profile of every certificate in ``path`` (leaf first, unless ``leaf`` is False)."""
    for index, cert in enumerate(path):
        depth = index if leaf else index + 1
        try:
            extensions = cert.extensions
        except ValueError as exc:
            raise _untrusted(f"unreadable extensions: {exc}") from None
        if cert.version is not x509.Version.v3:
            raise _untrusted("not an X.509 v3 certificate")
        key = cert.public_key()
        if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
            raise _untrusted("not a P-256 key")
        if not isinstance(cert.signature_hash_algorithm, hashes.SHA256):
            raise _untrusted("not signed with SHA-256")
        for ext in extensions:
            if ext.critical and type(ext.value) not in KNOWN_EXTENSIONS:
                raise _untrusted(f"unknown critical extension {ext.oid.dotted_string}")
        bc = _ext(cert, x509.BasicConstraints)
        usage = _ext(cert, x509.KeyUsage)
        if bc is None or usage is None:
            raise _untrusted("basicConstraints and keyUsage are required")
        if depth == 0:
            if bc.ca or not usage.digital_signature:
                raise _untrusted("the signer is a CA or may not sign")
        else:
            if not bc.ca or not usage.key_cert_sign:
                raise _untrusted("an issuer in the path is not a CA")
            if bc.path_length is not None and bc.path_length < depth - 1:
                raise _untrusted("path length constraint exceeded")
            if ca_kind_of(cert) is None:
                raise _untrusted("a CA without a project CA kind")


class LinkCache:
    """Links (child, issuer) whose signature already verified, by SHA-256 of both DERs.

    A meter sees the same few signers and CA certificates again and again: remembering
    that "this exact certificate is signed by this exact CA certificate" (both bound by
    their SHA-256) saves two ECDSA verifies per envelope. The envelope's own signature,
    validity, profile, role and revocation are still checked every time.
    """

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._links: set[tuple[bytes, bytes]] = set()

    def __contains__(self, link: tuple[bytes, bytes]) -> bool:
        return link in self._links

    def add(self, link: tuple[bytes, bytes]) -> None:
        if len(self._links) >= self.size:
            self._links.clear()
        self._links.add(link)


def build_path(
    leaf: x509.Certificate,
    intermediates: Sequence[x509.Certificate],
    anchors: Sequence[x509.Certificate],
    max_depth: int = 3,
    cache: LinkCache | None = None,
) -> tuple[x509.Certificate, ...]:
    anchor_fps = {_fp(a) for a in anchors}
    candidates = [(c, _fp(c)) for c in [*intermediates, *anchors]]
    path, path_fps = [leaf], [_fp(leaf)]
    while path_fps[-1] not in anchor_fps:
        if len(path) >= max_depth:
            raise _untrusted("no path to a trust anchor")
        child = path[-1]
        for issuer, issuer_fp in candidates:
            if issuer.subject != child.issuer or issuer_fp in path_fps:
                continue
            link = (path_fps[-1], issuer_fp)
            if cache is None or link not in cache:
                try:
                    child.verify_directly_issued_by(issuer)
                except (ValueError, TypeError, InvalidSignature):
                    continue
                if cache is not None:
                    cache.add(link)
            path.append(issuer)
            path_fps.append(issuer_fp)
            break
        else:
            raise _untrusted("no path to a trust anchor")
    return tuple(path)


def validate_chain(
    leaf: x509.Certificate,
    intermediates: Sequence[x509.Certificate],
    anchors: Sequence[x509.Certificate],
    at: dt.datetime,
    crls: RevocationLists | None = None,
    cache: LinkCache | None = None,
) -> ValidatedChain:
    """Every step of the module docstring, or ``ChainError`` with the first failing reason."""
    path = build_path(leaf, intermediates, anchors, cache=cache)
    if len(path) != 3:  # leaf, organisation CA, root: the hierarchy has this one shape
        raise _untrusted("the signer must be certified by an organisation CA under the root")
    _check_profile(path)
    if ca_kind_of(path[-1]) is not CaKind.ROOT:
        raise _untrusted("the trust anchor is not a root CA")
    role = role_of(leaf)
    if role is None:
        raise _untrusted("the certificate carries no single project role")
    kind = ca_kind_of(path[1])
    assert kind is not None  # _check_profile
    if role is Role.APPLIANCE or ISSUED_BY[role] is not kind:
        raise ChainError(Reason.WRONG_CA_KIND, f"a {kind} CA cannot certify a {role}")
    eui = eui64_of(leaf)
    if (role is Role.DEVICE) != (eui is not None):
        raise _untrusted("a device certificate carries one EUI-64, others none")
    for cert in path:
        if at < cert.not_valid_before_utc:
            raise ChainError(Reason.CERT_NOT_YET_VALID, "a certificate is not yet valid")
        if at > cert.not_valid_after_utc:
            raise ChainError(Reason.CERT_EXPIRED, "a certificate has expired")
    if crls is not None:
        for cert, issuer in zip(path, path[1:], strict=False):
            if crls.is_revoked(cert, issuer):
                raise ChainError(Reason.REVOKED, "a certificate in the path is revoked")
    return ValidatedChain(path, role, kind, eui)


def validate_ca(
    ca: x509.Certificate, anchors: Sequence[x509.Certificate], at: dt.datetime
) -> x509.Certificate:
    """An organisation CA certificate (e.g. a CRL's issuer) directly under an anchor."""
    path = build_path(ca, [], anchors, max_depth=2)
    if len(path) != 2:
        raise _untrusted("not an organisation CA under a trust anchor")
    bc = _ext(ca, x509.BasicConstraints)
    if bc is None or not bc.ca or ca_kind_of(ca) in (None, CaKind.ROOT):
        raise _untrusted("not an organisation CA")
    _check_profile(path, leaf=False)
    for cert in path:
        if not cert.not_valid_before_utc <= at <= cert.not_valid_after_utc:
            raise ChainError(Reason.CERT_EXPIRED, "a CA certificate is outside its validity")
    return ca


# ---- the same rules through cryptography's own verifier (for TLS end points, and a check) --
def webpki_verify(
    leaf: x509.Certificate,
    intermediates: Sequence[x509.Certificate],
    anchors: Sequence[x509.Certificate],
    at: dt.datetime,
) -> Role:
    """``cryptography.x509.verification`` with the project's extension policies.

    Raises ``verification.VerificationError`` on any failure (no reason code, no CRLs).
    """
    def leaf_role(_policy: object, cert: x509.Certificate,
                  eku: x509.ExtendedKeyUsage) -> None:
        roles = [oid for oid in eku if oid in ROLE_OIDS.values()]
        if len(roles) != 1:
            raise ValueError("one project role expected")

    def ca_kind(_policy: object, cert: x509.Certificate,
                policies: x509.CertificatePolicies | None) -> None:
        kinds = [p for p in policies or [] if p.policy_identifier in CA_KIND_OIDS.values()]
        if len(kinds) != 1:
            raise ValueError("one project CA kind expected")

    ca_policy = verification.ExtensionPolicy.webpki_defaults_ca().may_be_present(
        x509.CertificatePolicies, verification.Criticality.NON_CRITICAL, ca_kind)
    ee_policy = (
        verification.ExtensionPolicy.permit_all()
        .require_present(x509.BasicConstraints, verification.Criticality.CRITICAL, None)
        .require_present(x509.KeyUsage, verification.Criticality.CRITICAL, None)
        .require_present(x509.ExtendedKeyUsage, verification.Criticality.AGNOSTIC, leaf_role)
    )
    verifier = (
        verification.PolicyBuilder()
        .store(verification.Store(list(anchors)))
        .time(at)
        .max_chain_depth(1)
        .extension_policies(ca_policy=ca_policy, ee_policy=ee_policy)
        .build_client_verifier()
    )
    verified = verifier.verify(leaf, list(intermediates))
    chain = verified.chain
    role = role_of(leaf)
    kind = ca_kind_of(chain[1]) if len(chain) > 1 else None
    if role is None or kind is None or role is Role.APPLIANCE or ISSUED_BY[role] is not kind:
        raise verification.VerificationError(f"a {kind} CA cannot certify a {role}")
    return role
