"""Certificate profiles: roles, CA kinds, the private OID arc and where the EUI-64 lives.

The project's private arc is a UUID OID (ITU-T X.667 / RFC 4122 section 4: ``2.25.<uuid>``),
which anyone may mint without registration; it is NOT an IANA Private Enterprise Number and
a real deployment would move to its scheme's own arc (GBCS uses the DCC's). Under it:

* ``ARC.1.<n>``  end-entity roles, carried as an **extended key usage** (one per certificate);
* ``ARC.2.<n>``  CA kinds, carried as a **certificate policy** of each CA certificate;
* ``ARC.3.<n>``  device types, the ``hwType`` of a device's HardwareModuleName.

A device's EUI-64 is carried as GBCS does: a subjectAltName ``otherName`` of type
``id-on-hardwareModuleName`` (RFC 4108, 1.3.6.1.5.5.7.8.4), ``hwSerialNum`` = the 8 EUI-64
octets, ``hwType`` = the device type. The subject's common name is a label for people only;
no decision reads it.

The binding of role to issuing CA kind (``ISSUED_BY``) is the rule validation enforces: a
supplier CA cannot issue a network-operator certificate, whatever the certificate says.
"""

from __future__ import annotations

import enum
import re

from cryptography import x509

ARC = "2.25.281909203643248217578852727492655807000"
HARDWARE_MODULE_NAME = x509.ObjectIdentifier("1.3.6.1.5.5.7.8.4")


class Role(enum.StrEnum):
    """Who holds a key. The first six are the ACL's roles; ``DEVICE`` signs responses."""

    SUPPLIER = "supplier"
    NETWORK_OPERATOR = "network_operator"
    MANUFACTURER = "manufacturer"
    TECHNICIAN = "technician"
    OCCUPIER = "occupier"
    APPLIANCE = "appliance"
    DEVICE = "device"


class CaKind(enum.StrEnum):
    ROOT = "root"
    NETWORK_OPERATOR = "network_operator"
    SUPPLIER = "supplier"
    MANUFACTURER = "manufacturer"
    INSTALLER = "installer"


class DeviceType(enum.StrEnum):
    ESME = "esme"  # electricity meter
    GSME = "gsme"  # gas meter
    GATEWAY = "gateway"  # comms hub / HAN coordinator
    IHD = "ihd"  # in-home display


ROLE_OIDS: dict[Role, x509.ObjectIdentifier] = {
    role: x509.ObjectIdentifier(f"{ARC}.1.{n}")
    for n, role in enumerate(
        (Role.SUPPLIER, Role.NETWORK_OPERATOR, Role.MANUFACTURER, Role.TECHNICIAN,
         Role.OCCUPIER, Role.APPLIANCE, Role.DEVICE),
        start=1,
    )
}
CA_KIND_OIDS: dict[CaKind, x509.ObjectIdentifier] = {
    kind: x509.ObjectIdentifier(f"{ARC}.2.{n}") for n, kind in enumerate(CaKind)
}
DEVICE_TYPE_OIDS: dict[DeviceType, x509.ObjectIdentifier] = {
    t: x509.ObjectIdentifier(f"{ARC}.3.{n}") for n, t in enumerate(DeviceType, start=1)
}
_ROLE_BY_OID = {oid: role for role, oid in ROLE_OIDS.items()}
_KIND_BY_OID = {oid: kind for kind, oid in CA_KIND_OIDS.items()}
_TYPE_BY_OID = {oid: t for t, oid in DEVICE_TYPE_OIDS.items()}

# Which CA kind may issue which end-entity role (and nothing else). Devices are certified
# at manufacture (as GBCS device certificates are); the occupier's own tools (a remote
# display) are certified by the supplier who serves the home. Appliances are never
# certified: they reach the metering side only through the gateway's read-only bridge.
ISSUED_BY: dict[Role, CaKind] = {
    Role.SUPPLIER: CaKind.SUPPLIER,
    Role.OCCUPIER: CaKind.SUPPLIER,
    Role.NETWORK_OPERATOR: CaKind.NETWORK_OPERATOR,
    Role.MANUFACTURER: CaKind.MANUFACTURER,
    Role.DEVICE: CaKind.MANUFACTURER,
    Role.TECHNICIAN: CaKind.INSTALLER,
}

_EUI = re.compile(r"^[0-9A-Fa-f]{16}$")


class ProfileError(ValueError):
    """A certificate or a value does not fit the project's profile."""


def parse_eui64(text: str) -> bytes:
    """``00:0D:6F:00:0A:BC:DE:F0``, ``000D6F000ABCDEF0`` or with dashes/spaces -> 8 bytes."""
    digits = re.sub(r"[\s:\-]", "", text)
    if not _EUI.match(digits):
        raise ProfileError(f"not an EUI-64: {text!r}")
    return bytes.fromhex(digits)


def format_eui64(eui: bytes) -> str:
    return ":".join(f"{b:02X}" for b in eui)


# ---- HardwareModuleName (RFC 4108): SEQUENCE { hwType OID, hwSerialNum OCTET STRING } ----
def _der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def _der_oid(oid: x509.ObjectIdentifier) -> bytes:
    arcs = [int(a) for a in oid.dotted_string.split(".")]
    values = [arcs[0] * 40 + arcs[1], *arcs[2:]]
    body = bytearray()
    for v in values:
        chunk = [v & 0x7F]
        v >>= 7
        while v:
            chunk.append(0x80 | (v & 0x7F))
            v >>= 7
        body.extend(reversed(chunk))
    return b"\x06" + _der_len(len(body)) + bytes(body)


def hardware_module_name(device_type: DeviceType, eui: bytes) -> x509.OtherName:
    if len(eui) != 8:
        raise ProfileError("an EUI-64 has 8 octets")
    inner = _der_oid(DEVICE_TYPE_OIDS[device_type]) + b"\x04\x08" + eui
    return x509.OtherName(HARDWARE_MODULE_NAME, b"\x30" + _der_len(len(inner)) + inner)


def _parse_hardware_module_name(der: bytes) -> tuple[DeviceType, bytes] | None:
    for device_type, oid in DEVICE_TYPE_OIDS.items():
        prefix = _der_oid(oid) + b"\x04\x08"
        inner_len = len(prefix) + 8
        head = b"\x30" + _der_len(inner_len) + prefix
        if len(der) == len(head) + 8 and der.startswith(head):
            return device_type, der[len(head):]
    return None


# ---- reading a certificate's profile ------------------------------------------------------
def role_of(cert: x509.Certificate) -> Role | None:
    """The one project role in the EKU, or None (no role, or more than one)."""
    try:
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return None
    roles = [_ROLE_BY_OID[oid] for oid in eku if oid in _ROLE_BY_OID]
    return roles[0] if len(roles) == 1 else None


def ca_kind_of(cert: x509.Certificate) -> CaKind | None:
    """The one project CA kind in the certificate policies, or None."""
    try:
        policies = cert.extensions.get_extension_for_class(x509.CertificatePolicies).value
    except x509.ExtensionNotFound:
        return None
    kinds = [_KIND_BY_OID[p.policy_identifier] for p in policies
             if p.policy_identifier in _KIND_BY_OID]
    return kinds[0] if len(kinds) == 1 else None


def device_identity(cert: x509.Certificate) -> tuple[DeviceType, bytes] | None:
    """(device type, EUI-64) from the SAN HardwareModuleName, or None."""
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return None
    found = [parsed for name in san.get_values_for_type(x509.OtherName)
             if name.type_id == HARDWARE_MODULE_NAME
             and (parsed := _parse_hardware_module_name(name.value)) is not None]
    return found[0] if len(found) == 1 else None


def eui64_of(cert: x509.Certificate) -> bytes | None:
    identity = device_identity(cert)
    return identity[1] if identity else None


def holder_of(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()
