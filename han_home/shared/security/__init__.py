"""Security: PKI, access control, signed and sealed command envelopes. Plain Python.

Seed 2.4, SP.1, SP.2, SP.5/SP.6, SP.9, OP.5, HA.12/HA.14: every device and every
organisation's signer has its own P-256 key and X.509 certificate; commands from head ends
(supplier, network operator, manufacturer) and technicians are signed end to end and
verified by the meter itself, so the gateway can route them (Tunneling cluster) but never
forge them; secrets and money are sealed to the device's key.

Modules (each docstring has the details):

* ``profiles``  roles, CA kinds, the private OID arc, the EUI-64 in the SAN;
* ``pki``       ``make_hierarchy()``, ``make_root``, ``make_ca``, ``issue``, ``make_crl``,
  ``fingerprint``;
* ``chain``     ``validate_chain(leaf, intermediates, anchors, at, crls) -> ValidatedChain``
  (raises ``ChainError`` with a ``Reason``), ``RevocationLists``, ``webpki_verify`` (the
  same rules through ``cryptography.x509.verification``, for TLS end points);
* ``acl``       ``ACL``, ``allowed(role, data_object, action)``, ``needs_sealing``;
* ``envelope``  ``command(...)``, ``response(...)``, ``decode(octets)`` (TLV, canonical);
* ``sealing``   ``seal`` / ``open_sealed``: ECDH P-256 + ConcatKDF(SHA-256) + AES-128-GCM;
* ``verify``    ``DeviceTrust(signer, anchors, counters).handle(octets) -> Verdict``,
  ``JsonCounterStore``, ``check_response`` (the head end's side);
* ``keystore``  ``KeyStore(folder, passphrase)``: encrypted PKCS#8, files 0600;
* ``tls``       ``server_context`` / ``client_context`` (``ssl``, TLS 1.3, mutual) and
  ``peer_chain`` (the peer's role under the project's rules);
* ``cli``       ``han-pki``: demo hierarchy, issue, revoke / CRL, show, verify;
* ``payloads``  the layouts of the commands a meter applies (clock, tariff, top-up, ...);
* ``headend``   ``Author``: a head end signs those commands (counters that only grow);
* ``wan_frames`` the gateway WAN end point's frames inside mutual TLS, ``deliver``;
* ``headend_cli`` ``han-headend``: author, sign, send; print the meter's verified answer.

A meter::

    trust = DeviceTrust(Signer(device_cert, device_key, manufacturer_ca_cert),
                        anchors=[root_cert], counters=JsonCounterStore(path))
    verdict = trust.handle(octets)          # Accepted | Refused, .reason, .response
    send(verdict.response)                  # signed by the device, carries the reason
    if isinstance(verdict, Accepted):
        apply(verdict.data_object, verdict.action, verdict.payload)
"""

from han_home.shared.security.acl import ACL, Action, DataObject, allowed, needs_sealing
from han_home.shared.security.chain import ChainError, RevocationLists, validate_chain
from han_home.shared.security.envelope import DecodeError, Envelope, Signer, command, decode
from han_home.shared.security.profiles import CaKind, DeviceType, Role
from han_home.shared.security.reasons import Reason
from han_home.shared.security.verify import (
    Accepted,
    CounterStore,
    DeviceTrust,
    JsonCounterStore,
    MemoryCounterStore,
    Refused,
    Verdict,
    check_response,
)

__all__ = [
    "ACL",
    "Accepted",
    "Action",
    "CaKind",
    "ChainError",
    "CounterStore",
    "DataObject",
    "DecodeError",
    "DeviceTrust",
    "DeviceType",
    "Envelope",
    "JsonCounterStore",
    "MemoryCounterStore",
    "Reason",
    "Refused",
    "RevocationLists",
    "Role",
    "Signer",
    "Verdict",
    "allowed",
    "check_response",
    "command",
    "decode",
    "needs_sealing",
    "validate_chain",
]
