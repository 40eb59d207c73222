"""The virtual home's PKI: one demo hierarchy per process, a certificate per device.

Making a hierarchy costs five P-256 keys and signatures; a test run makes many virtual
homes, so the hierarchy and the head-end signers are made once (``demo_pki()``, cached)
and each virtual device gets its own key and certificate from the manufacturer's CA when
it is made (its "manufacture"). Dated from 2024-01-01, so every simulated date the
project uses lies inside the certificates' validity.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from han_home.shared.security import pki
from han_home.shared.security.envelope import Signer
from han_home.shared.security.profiles import CaKind, DeviceType, Role

MADE = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
SIGNER_DAYS = 365 * 10  # demo signers outlive the simulated dates (real ones: 1-3 years)
SIGNER_NAMES = {
    Role.SUPPLIER: "Demo Energy Supplier head end",
    Role.NETWORK_OPERATOR: "Demo Network Operator signer",
    Role.MANUFACTURER: "Demo Meter Manufacturer firmware",
    Role.TECHNICIAN: "Demo technician",
    Role.OCCUPIER: "Demo occupier",
}


@dataclass
class DemoPki:
    hierarchy: pki.Hierarchy
    _signers: dict[Role, Signer] = field(default_factory=dict, repr=False)

    @property
    def anchors(self) -> list:
        return [self.hierarchy.root.cert]

    @property
    def intermediates(self) -> list:
        return [ca.cert for ca in self.hierarchy.cas.values()]

    def device(self, eui64: bytes, device_type: DeviceType, label: str) -> Signer:
        """A new device key and its certificate from the manufacturer's CA."""
        ca = self.hierarchy.cas[CaKind.MANUFACTURER]
        key = pki.new_key()
        cert = pki.issue(ca, Role.DEVICE, label, key.public_key(), eui64=eui64,
                         device_type=device_type, not_before=MADE)
        return Signer(cert, key, ca.cert)

    def signer(self, role: Role) -> Signer:
        """The demo head end's (or technician's, occupier's) signer for ``role``."""
        if role not in self._signers:
            ca = self.hierarchy.ca_for(role)
            key = pki.new_key()
            cert = pki.issue(ca, role, SIGNER_NAMES[role], key.public_key(), not_before=MADE,
                             days=SIGNER_DAYS)
            self._signers[role] = Signer(cert, key, ca.cert)
        return self._signers[role]


@cache
def demo_pki() -> DemoPki:
    return DemoPki(pki.make_hierarchy(not_before=MADE))


# han-pki's file names for the demo holders (shared/security/cli.py DEMO_HOLDERS)
EXPORT_NAMES = {
    Role.SUPPLIER: "supplier-hes",
    Role.NETWORK_OPERATOR: "network-operator",
    Role.MANUFACTURER: "manufacturer-firmware",
    Role.TECHNICIAN: "technician",
    Role.OCCUPIER: "occupier",
}


def export(world: DemoPki, folder: Path, passphrase: bytes) -> Path:
    """The hierarchy's certificates and the head-end signers in han-pki's layout, so that
    ``han-headend --pki folder`` signs for this virtual home. CA keys are not written:
    nobody outside the process issues under them."""
    from cryptography.hazmat.primitives import serialization

    from han_home.shared.security.keystore import KeyStore

    def pem(cert: Any) -> bytes:
        return cert.public_bytes(serialization.Encoding.PEM)

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "root.pem").write_bytes(pem(world.hierarchy.root.cert))
    (folder / "ca").mkdir(exist_ok=True)
    for kind, ca in world.hierarchy.cas.items():
        (folder / "ca" / f"{kind.value}.pem").write_bytes(pem(ca.cert))
    (folder / "certs").mkdir(exist_ok=True)
    keys = KeyStore(folder / "keys", passphrase)
    for role, name in EXPORT_NAMES.items():
        signer = world.signer(role)
        (folder / "certs" / f"{name}.pem").write_bytes(pem(signer.cert))
        keys.save(name, signer.key)
    return folder


def give_gateway_identity(gateway: Any, world: DemoPki | None = None) -> Any:
    """A started gateway on the virtual home gets its own device certificate (type gateway,
    its coordinator's EUI-64) and the demo anchors: ``gateway.security``."""
    from han_home.shared.han.certificates import GatewaySecurity

    world = world or demo_pki()
    eui = bytes(reversed(gateway.app.state.node_info.ieee.serialize()))
    signer = world.device(eui, DeviceType.GATEWAY, "HAN Home gateway")
    gateway.security = GatewaySecurity(gateway, signer, world.anchors, world.intermediates)
    return gateway.security
