"""Devices' certificates as the gateway can show them (installer diagnostics, the display).

A meter's certificate is public, and every answer the meter gives carries it, signed with
the key it certifies. So the gateway asks for it with an *unsigned* probe (a read-clock
with no signature: the gateway holds no key that could sign a command, and needs none):
the meter refuses it (UNSIGNED) in an answer signed by its own key, the gateway checks
that signature against the certificate in the answer, then the certificate's chain
against the anchors the home was given. A device whose certificate does not chain (another
scheme's, a forged one, expired, revoked) is flagged: ``CertificateSummary.chains`` False
with the reason, before anyone commissions it further.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from han_home.shared.han.tunnel_client import TunnelClient, TunnelError
from han_home.shared.security import chain, envelope
from han_home.shared.security.acl import Action, DataObject
from han_home.shared.security.envelope import Signer
from han_home.shared.security.profiles import (
    ca_kind_of,
    device_identity,
    format_eui64,
    holder_of,
    role_of,
)
from han_home.shared.security.reasons import Reason


@dataclass(frozen=True)
class CertificateSummary:
    """One device's certificate in plain terms (no key material)."""

    eui64: str  # the device asked (as the registry writes it)
    holder: str  # the certificate's common name
    role: str | None  # profiles.Role value
    device_type: str | None  # profiles.DeviceType value
    issuer: str  # the issuing CA's common name
    issuer_kind: str | None  # profiles.CaKind value of the issuing CA, when known
    not_after: dt.datetime
    anchor: str | None  # the trust anchor it chains to (common name), None if it does not
    chains: bool
    problem: str | None = None  # a Reason name when it does not chain


def _cn(name: x509.Name) -> str:
    attrs = name.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(attrs[0].value) if attrs else name.rfc4514_string()


def summarise(eui64: str, cert: x509.Certificate, issuer: x509.Certificate | None,
              anchors: Sequence[x509.Certificate], intermediates: Sequence[x509.Certificate],
              at: dt.datetime, crls: chain.RevocationLists | None = None) -> CertificateSummary:
    identity = device_identity(cert)
    role = role_of(cert)
    known = [c for c in [*([issuer] if issuer else []), *intermediates]
             if c.subject == cert.issuer]
    kind = ca_kind_of(known[0]) if known else None
    anchor, problem = None, None
    try:
        validated = chain.validate_chain(cert, [*known, *intermediates], anchors, at, crls)
        anchor = _cn(validated.path[-1].subject)
        if identity is None or format_eui64(identity[1]).lower() != eui64.lower():
            problem = Reason.WRONG_TARGET.name  # certified, but for another device
    except chain.ChainError as exc:
        problem = exc.reason.name
    except ValueError:
        problem = Reason.UNTRUSTED_CHAIN.name
    return CertificateSummary(
        eui64=eui64, holder=holder_of(cert), role=role.value if role else None,
        device_type=identity[0].value if identity else None, issuer=_cn(cert.issuer),
        issuer_kind=kind.value if kind else None, not_after=cert.not_valid_after_utc,
        anchor=anchor if problem is None else None, chains=problem is None, problem=problem)


class GatewaySecurity:
    """The gateway's certificate side: its own identity and its devices' certificates."""

    def __init__(self, gateway: Any, identity: Signer, anchors: Sequence[x509.Certificate],
                 intermediates: Sequence[x509.Certificate],
                 tunnel: TunnelClient | None = None) -> None:
        self.gateway = gateway
        self.identity = identity
        self.anchors, self.intermediates = list(anchors), list(intermediates)
        self.tunnel = tunnel or TunnelClient(gateway)
        self.crls = chain.RevocationLists()

    def own_summary(self) -> CertificateSummary:
        identity = device_identity(self.identity.cert)
        eui = format_eui64(identity[1]) if identity else ""
        return summarise(eui, self.identity.cert, self.identity.issuer, self.anchors,
                         self.intermediates, self.gateway.now(), self.crls)

    async def device_summary(self, eui64: str) -> CertificateSummary | None:
        """The device's certificate, as its own signed answer gives it; None if it has no
        Tunneling server or does not answer (nothing to show, not a failure)."""
        target = bytes.fromhex(eui64.replace(":", ""))
        now = self.gateway.now()
        probe = envelope.command(self.identity, target, DataObject.METER_CLOCK, Action.READ,
                                 None, 1, now, now + dt.timedelta(minutes=5), sign=False)
        try:
            answer = envelope.decode(await self.tunnel.transfer(eui64, probe))
        except (TunnelError, envelope.DecodeError):
            return None
        key = answer.originator.public_key()
        try:
            if not isinstance(key, ec.EllipticCurvePublicKey) or answer.signature is None:
                raise InvalidSignature
            key.verify(answer.signature, answer.signed_bytes, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:  # it does not hold the key its certificate names
            return summarise(eui64, answer.originator, answer.issuer, [], [], now)
        return summarise(eui64, answer.originator, answer.issuer, self.anchors,
                         self.intermediates, now, self.crls)
