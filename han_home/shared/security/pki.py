"""Issuing: the root, one CA per organisation kind, end-entity certificates, CRLs.

Every key is ECDSA P-256, every signature ECDSA with SHA-256, every certificate X.509 v3:

* root: ``basicConstraints CA, pathLen 1`` (critical), ``keyCertSign | cRLSign``, policy
  ``ARC.2.0`` (root);
* organisation CA: ``CA, pathLen 0``, ``keyCertSign | cRLSign``, policy ``ARC.2.<kind>``;
* end entity: ``CA false`` (critical), ``digitalSignature`` (devices also ``keyAgreement``:
  commands to them are sealed to their key), EKU = one role ``ARC.1.<role>`` (+ TLS
  ``clientAuth`` for the people and head ends that connect to the gateway, ``serverAuth``
  for a gateway device); devices carry their EUI-64 in the SAN (``profiles.py``).

A device key both signs responses and receives sealed payloads: a simplification of GBCS,
where a device has separate signing and key-agreement certificates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from han_home.shared.security.profiles import (
    CA_KIND_OIDS,
    ISSUED_BY,
    ROLE_OIDS,
    CaKind,
    DeviceType,
    ProfileError,
    Role,
    ca_kind_of,
    hardware_module_name,
)

CURVE = ec.SECP256R1()
DAY = dt.timedelta(days=1)
DEFAULT_DAYS = {
    "root": 365 * 25,
    "ca": 365 * 15,
    Role.DEVICE: 365 * 20,  # a meter's life
    Role.SUPPLIER: 365 * 2,
    Role.NETWORK_OPERATOR: 365 * 2,
    Role.MANUFACTURER: 365 * 3,
    Role.TECHNICIAN: 365,
    Role.OCCUPIER: 365 * 2,
}


def new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(CURVE)


@dataclass(frozen=True, repr=False)
class Issuer:
    """A CA: its certificate and private key (keep the key in a ``KeyStore``)."""

    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    def __repr__(self) -> str:  # never the key
        return f"Issuer({self.cert.subject.rfc4514_string()!r})"

    @property
    def kind(self) -> CaKind | None:
        return ca_kind_of(self.cert)


def _name(common_name: str, organisation: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organisation:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    return x509.Name(attrs)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _base(
    subject: x509.Name,
    issuer: x509.Name,
    public_key: ec.EllipticCurvePublicKey,
    not_before: dt.datetime,
    days: int,
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_before + days * DAY)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def _ca_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=False, content_commitment=False, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
        encipher_only=False, decipher_only=False,
    )


def _policy(kind: CaKind) -> x509.CertificatePolicies:
    return x509.CertificatePolicies([x509.PolicyInformation(CA_KIND_OIDS[kind], None)])


def make_root(
    common_name: str = "HAN Home demo root CA",
    *,
    key: ec.EllipticCurvePrivateKey | None = None,
    not_before: dt.datetime | None = None,
    days: int | None = None,
) -> Issuer:
    key = key or new_key()
    name = _name(common_name)
    cert = (
        _base(name, name, key.public_key(), not_before or _now(), days or DEFAULT_DAYS["root"])
        .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
        .add_extension(_ca_usage(), critical=True)
        .add_extension(_policy(CaKind.ROOT), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Issuer(cert, key)


def _aki(issuer: Issuer) -> x509.AuthorityKeyIdentifier:
    ski = issuer.cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski)


def make_ca(
    root: Issuer,
    kind: CaKind,
    common_name: str,
    organisation: str | None = None,
    *,
    key: ec.EllipticCurvePrivateKey | None = None,
    not_before: dt.datetime | None = None,
    days: int | None = None,
) -> Issuer:
    """An organisation's CA under the root (a network operator, a supplier, ...)."""
    if kind is CaKind.ROOT:
        raise ProfileError("an organisation CA cannot be of kind root")
    if root.kind is not CaKind.ROOT:
        raise ProfileError("organisation CAs are issued by the root")
    key = key or new_key()
    cert = (
        _base(_name(common_name, organisation), root.cert.subject, key.public_key(),
              not_before or _now(), days or DEFAULT_DAYS["ca"])
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_ca_usage(), critical=True)
        .add_extension(_policy(kind), critical=False)
        .add_extension(_aki(root), critical=False)
        .sign(root.key, hashes.SHA256())
    )
    return Issuer(cert, key)


def issue(
    ca: Issuer,
    role: Role,
    common_name: str,
    public_key: ec.EllipticCurvePublicKey,
    *,
    eui64: bytes | None = None,
    device_type: DeviceType | None = None,
    not_before: dt.datetime | None = None,
    days: int | None = None,
    unchecked: bool = False,
) -> x509.Certificate:
    """An end-entity certificate for ``role``, refused unless ``ca`` is the kind for it.

    ``unchecked=True`` skips that refusal: only tests use it, to prove that validation
    refuses such a certificate even if a CA were misused to sign one.
    """
    if not isinstance(public_key, ec.EllipticCurvePublicKey) or public_key.curve.name != CURVE.name:
        raise ProfileError("end-entity keys are ECDSA P-256")
    if not unchecked:
        if role is Role.APPLIANCE:
            raise ProfileError("appliances are not certified")
        if ca.kind is not ISSUED_BY[role]:
            raise ProfileError(f"a {ca.kind} CA cannot issue a {role} certificate")
    if (role is Role.DEVICE) != (eui64 is not None):
        raise ProfileError("a device certificate needs an EUI-64 (and only devices have one)")
    is_device = role is Role.DEVICE
    usage = x509.KeyUsage(
        digital_signature=True, content_commitment=False, key_encipherment=False,
        data_encipherment=False, key_agreement=is_device, key_cert_sign=False, crl_sign=False,
        encipher_only=False, decipher_only=False,
    )
    ekus = [ROLE_OIDS[role]]
    if not is_device:
        ekus.append(ExtendedKeyUsageOID.CLIENT_AUTH)
    elif device_type is DeviceType.GATEWAY:  # the TLS end points' server
        ekus.append(ExtendedKeyUsageOID.SERVER_AUTH)
    default_days = DEFAULT_DAYS.get(role, 365)
    builder = (
        _base(_name(common_name), ca.cert.subject, public_key, not_before or _now(),
              days or default_days)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.ExtendedKeyUsage(ekus), critical=False)
        .add_extension(_aki(ca), critical=False)
    )
    if eui64 is not None:
        san = hardware_module_name(device_type or DeviceType.ESME, eui64)
        builder = builder.add_extension(x509.SubjectAlternativeName([san]), critical=False)
    return builder.sign(ca.key, hashes.SHA256())


@dataclass(frozen=True)
class Revocation:
    serial: int
    when: dt.datetime
    reason: x509.ReasonFlags = x509.ReasonFlags.unspecified


def make_crl(
    ca: Issuer,
    revoked: Iterable[Revocation],
    number: int,
    *,
    this_update: dt.datetime | None = None,
    days: int = 30,
) -> x509.CertificateRevocationList:
    """A CRL signed by ``ca``; ``number`` must grow with each one (devices refuse older)."""
    this_update = this_update or _now()
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.cert.subject)
        .last_update(this_update)
        .next_update(this_update + days * DAY)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(_aki(ca), critical=False)
    )
    for r in revoked:
        entry = (
            x509.RevokedCertificateBuilder()
            .serial_number(r.serial)
            .revocation_date(r.when)
        )
        if r.reason is not x509.ReasonFlags.unspecified:
            entry = entry.add_extension(x509.CRLReason(r.reason), critical=False)
        builder = builder.add_revoked_certificate(entry.build())
    return builder.sign(ca.key, hashes.SHA256())


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the DER certificate, colon-separated hex (as browsers show it)."""
    return ":".join(f"{b:02X}" for b in cert.fingerprint(hashes.SHA256()))


@dataclass(frozen=True)
class Hierarchy:
    """The root and one CA per organisation kind (what ``han-pki demo`` makes)."""

    root: Issuer
    cas: dict[CaKind, Issuer]

    def ca_for(self, role: Role) -> Issuer:
        return self.cas[ISSUED_BY[role]]


ORGANISATIONS = {
    CaKind.NETWORK_OPERATOR: "Demo Network Operator",
    CaKind.SUPPLIER: "Demo Energy Supplier",
    CaKind.MANUFACTURER: "Demo Meter Manufacturer",
    CaKind.INSTALLER: "Demo Installer Company",
}


def make_hierarchy(not_before: dt.datetime | None = None) -> Hierarchy:
    root = make_root(not_before=not_before)
    cas = {
        kind: make_ca(root, kind, f"{org} CA", org, not_before=not_before)
        for kind, org in ORGANISATIONS.items()
    }
    return Hierarchy(root, cas)
