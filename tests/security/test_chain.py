"""Path validation: each failure has its own reason; CRLs; cryptography's verifier agrees."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.x509 import verification

from han_home.shared.security import pki
from han_home.shared.security.chain import (
    ChainError,
    RevocationLists,
    validate_chain,
    webpki_verify,
)
from han_home.shared.security.profiles import CaKind, DeviceType, ProfileError, Role, role_of
from han_home.shared.security.reasons import Reason
from tests.security.conftest import BEFORE, METER, NOW

DAY = dt.timedelta(days=1)


def _cas(h: pki.Hierarchy) -> list[x509.Certificate]:
    return [ca.cert for ca in h.cas.values()]


def _leaf(h: pki.Hierarchy, role: Role, **kw) -> x509.Certificate:
    ca = kw.pop("ca", None) or h.ca_for(role)
    eui = METER if role is Role.DEVICE else None
    return pki.issue(ca, role, f"{role}", pki.new_key().public_key(), eui64=eui,
                     not_before=kw.pop("not_before", BEFORE), **kw)


def _refusal(h, cert, *, at=NOW, anchors=None, crls=None) -> Reason:
    with pytest.raises(ChainError) as info:
        validate_chain(cert, _cas(h), anchors or [h.root.cert], at, crls)
    return info.value.reason


@pytest.mark.parametrize("role", [Role.DEVICE, Role.SUPPLIER, Role.NETWORK_OPERATOR,
                                  Role.MANUFACTURER, Role.TECHNICIAN, Role.OCCUPIER])
def test_a_good_chain_for_every_role(hierarchy, role):
    cert = _leaf(hierarchy, role)
    validated = validate_chain(cert, _cas(hierarchy), [hierarchy.root.cert], NOW)
    assert validated.role is role
    assert validated.issuer_kind is hierarchy.ca_for(role).kind
    assert validated.path[-1] == hierarchy.root.cert
    assert (validated.eui64 == METER) is (role is Role.DEVICE)
    assert webpki_verify(cert, _cas(hierarchy), [hierarchy.root.cert], NOW) is role


@pytest.mark.parametrize(("role", "kind"), [
    (Role.NETWORK_OPERATOR, CaKind.SUPPLIER),
    (Role.SUPPLIER, CaKind.NETWORK_OPERATOR),
    (Role.MANUFACTURER, CaKind.INSTALLER),
    (Role.TECHNICIAN, CaKind.SUPPLIER),
    (Role.DEVICE, CaKind.SUPPLIER),
    (Role.APPLIANCE, CaKind.SUPPLIER),
])
def test_a_ca_cannot_certify_another_kinds_role(hierarchy, role, kind):
    ca = hierarchy.cas[kind]
    with pytest.raises(ProfileError):  # the issuing side refuses...
        _leaf(hierarchy, role, ca=ca)
    cert = _leaf(hierarchy, role, ca=ca, unchecked=True)  # ...and if a CA were misused:
    assert role_of(cert) is role
    assert _refusal(hierarchy, cert) is Reason.WRONG_CA_KIND
    with pytest.raises(verification.VerificationError):
        webpki_verify(cert, _cas(hierarchy), [hierarchy.root.cert], NOW)


def test_expired_and_not_yet_valid(hierarchy):
    cert = _leaf(hierarchy, Role.TECHNICIAN, days=10)
    assert _refusal(hierarchy, cert, at=BEFORE + 11 * DAY) is Reason.CERT_EXPIRED
    assert _refusal(hierarchy, cert, at=BEFORE - DAY) is Reason.CERT_NOT_YET_VALID
    validate_chain(cert, _cas(hierarchy), [hierarchy.root.cert], BEFORE + 9 * DAY)
    for at in (BEFORE + 11 * DAY, BEFORE - DAY):
        with pytest.raises(verification.VerificationError):
            webpki_verify(cert, _cas(hierarchy), [hierarchy.root.cert], at)


def test_an_expired_organisation_ca_expires_its_holders(hierarchy):
    ca = pki.make_ca(hierarchy.root, CaKind.SUPPLIER, "Short-lived supplier CA",
                     not_before=BEFORE, days=5)
    cert = _leaf(hierarchy, Role.SUPPLIER, ca=ca)
    with pytest.raises(ChainError) as info:
        validate_chain(cert, [ca.cert], [hierarchy.root.cert], NOW)
    assert info.value.reason is Reason.CERT_EXPIRED


def test_an_untrusted_anchor(hierarchy):
    other = pki.make_hierarchy(not_before=BEFORE)
    cert = _leaf(other, Role.SUPPLIER)
    with pytest.raises(ChainError) as info:  # the other hierarchy's CA is on offer, too
        validate_chain(cert, [*_cas(other), *_cas(hierarchy)], [hierarchy.root.cert], NOW)
    assert info.value.reason is Reason.UNTRUSTED_CHAIN
    # a rogue CA with the very same name as ours
    rogue_root = pki.make_root(hierarchy.root.cert.subject.rfc4514_string()[3:])
    rogue = pki.make_ca(rogue_root, CaKind.SUPPLIER, "Demo Energy Supplier CA",
                        "Demo Energy Supplier")
    forged = _leaf(hierarchy, Role.SUPPLIER, ca=rogue)
    assert forged.issuer == hierarchy.cas[CaKind.SUPPLIER].cert.subject
    assert _refusal(hierarchy, forged) is Reason.UNTRUSTED_CHAIN
    with pytest.raises(verification.VerificationError):
        webpki_verify(forged, [rogue.cert, *_cas(hierarchy)], [hierarchy.root.cert], NOW)


def test_the_hierarchy_has_one_shape(hierarchy):
    # an end entity straight under the root (pathLen / shape), and a CA as a signer
    key = pki.new_key()
    direct = pki.issue(hierarchy.root, Role.SUPPLIER, "direct", key.public_key(),
                       not_before=BEFORE, unchecked=True)
    assert _refusal(hierarchy, direct) is Reason.UNTRUSTED_CHAIN
    ca_as_leaf = hierarchy.cas[CaKind.SUPPLIER].cert
    assert _refusal(hierarchy, ca_as_leaf) is Reason.UNTRUSTED_CHAIN
    # a sub-CA under an organisation CA (pathLen 0) cannot certify anyone
    sub = pki.Issuer(
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "sub")]))
        .issuer_name(hierarchy.cas[CaKind.SUPPLIER].cert.subject)
        .public_key((k := pki.new_key()).public_key())
        .serial_number(1).not_valid_before(BEFORE).not_valid_after(NOW + 99 * DAY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(pki._ca_usage(), critical=True)
        .add_extension(pki._policy(CaKind.SUPPLIER), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(k.public_key()), critical=False)
        .sign(hierarchy.cas[CaKind.SUPPLIER].key, pki.hashes.SHA256()), k)
    leaf = _leaf(hierarchy, Role.SUPPLIER, ca=sub)
    with pytest.raises(ChainError) as info:
        validate_chain(leaf, [sub.cert, *_cas(hierarchy)], [hierarchy.root.cert], NOW)
    assert info.value.reason is Reason.UNTRUSTED_CHAIN


def test_revoked_by_crl(hierarchy):
    cert = _leaf(hierarchy, Role.TECHNICIAN)
    installer = hierarchy.cas[CaKind.INSTALLER]
    crls = RevocationLists()
    crls.add(pki.make_crl(installer, [], 1, this_update=BEFORE), installer.cert)
    validate_chain(cert, _cas(hierarchy), [hierarchy.root.cert], NOW, crls)
    crl = pki.make_crl(installer, [pki.Revocation(cert.serial_number, NOW - DAY,
                                                  x509.ReasonFlags.key_compromise)], 2,
                       this_update=NOW - DAY)
    crls.add(crl, installer.cert)
    assert _refusal(hierarchy, cert, crls=crls) is Reason.REVOKED
    # an older CRL (say, replayed by a gateway) does not un-revoke
    with pytest.raises(ChainError) as info:
        crls.add(pki.make_crl(installer, [], 1, this_update=BEFORE), installer.cert)
    assert info.value.reason is Reason.REPLAYED
    assert _refusal(hierarchy, cert, crls=crls) is Reason.REVOKED
    # other holders of that CA are unaffected
    validate_chain(_leaf(hierarchy, Role.TECHNICIAN), _cas(hierarchy), [hierarchy.root.cert],
                   NOW, crls)


def test_a_revoked_organisation_ca_revokes_its_holders(hierarchy):
    cert = _leaf(hierarchy, Role.SUPPLIER)
    crls = RevocationLists()
    supplier_ca = hierarchy.cas[CaKind.SUPPLIER].cert
    crls.add(pki.make_crl(hierarchy.root, [pki.Revocation(supplier_ca.serial_number, NOW)], 1),
             hierarchy.root.cert)
    assert _refusal(hierarchy, cert, crls=crls) is Reason.REVOKED


def test_a_crl_must_be_signed_by_the_ca_it_names(hierarchy):
    crls = RevocationLists()
    supplier, installer = hierarchy.cas[CaKind.SUPPLIER], hierarchy.cas[CaKind.INSTALLER]
    with pytest.raises(ChainError):
        crls.add(pki.make_crl(supplier, [], 1), installer.cert)
    forged = pki.make_crl(pki.Issuer(installer.cert, supplier.key), [], 1)  # name, wrong key
    with pytest.raises(ChainError) as info:
        crls.add(forged, installer.cert)
    assert info.value.reason is Reason.BAD_SIGNATURE


def test_device_certificates_carry_the_eui64(hierarchy):
    from han_home.shared.security.profiles import device_identity

    ca = hierarchy.cas[CaKind.MANUFACTURER]
    cert = pki.issue(ca, Role.DEVICE, "GSME", pki.new_key().public_key(), eui64=METER,
                     device_type=DeviceType.GSME)
    assert device_identity(cert) == (DeviceType.GSME, METER)
    with pytest.raises(ProfileError):
        pki.issue(ca, Role.DEVICE, "no EUI", pki.new_key().public_key())
    with pytest.raises(ProfileError):
        pki.issue(hierarchy.cas[CaKind.SUPPLIER], Role.SUPPLIER, "EUI",
                  pki.new_key().public_key(), eui64=METER)
