"""A demo PKI world: the hierarchy, a meter's trust, a signer per role, a fixed clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from han_home.shared.security import pki
from han_home.shared.security.acl import Action, DataObject
from han_home.shared.security.envelope import Signer, command
from han_home.shared.security.profiles import CaKind, DeviceType, Role, parse_eui64
from han_home.shared.security.verify import CounterStore, DeviceTrust, MemoryCounterStore

NOW = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)
BEFORE = NOW - dt.timedelta(days=30)  # when the hierarchy was made
METER = parse_eui64("00:1B:C5:0C:60:00:10:01")
OTHER_METER = parse_eui64("00:1B:C5:0C:60:00:10:02")


class Clock:
    def __init__(self, now: dt.datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@dataclass
class World:
    hierarchy: pki.Hierarchy
    meter: Signer  # the device's certificate and key
    other_meter: Signer
    signers: dict[Role, Signer]
    clock: Clock = field(default_factory=Clock)
    counters: dict[Role, int] = field(default_factory=dict)
    issued: int = 0

    @property
    def anchors(self) -> list:
        return [self.hierarchy.root.cert]

    def trust(self, counters: CounterStore | None = None) -> DeviceTrust:
        return DeviceTrust(self.meter, self.anchors, counters or MemoryCounterStore(),
                           clock=self.clock)

    def signer(self, role: Role, **kw) -> Signer:
        """A fresh signer of ``role`` (kw: not_before, days, ca, unchecked)."""
        ca = kw.pop("ca", None) or self.hierarchy.ca_for(role)
        key = pki.new_key()
        self.issued += 1
        name = f"{role} test" if self.issued <= 5 else f"{role} test {self.issued}"
        cert = pki.issue(ca, role, name, key.public_key(),
                         not_before=kw.pop("not_before", BEFORE), **kw)
        return Signer(cert, key, ca.cert)

    def next_counter(self, role: Role) -> int:
        self.counters[role] = self.counters.get(role, 0) + 1
        return self.counters[role]

    def command(self, role: Role, data_object: DataObject, action: Action,
                payload: bytes | None = b"", *, signer: Signer | None = None,
                counter: int | None = None, target: bytes = METER, sealed: bool = False,
                valid_from: dt.datetime | None = None, valid_to: dt.datetime | None = None,
                sign: bool = True) -> bytes:
        return command(
            signer or self.signers[role], target, data_object, action, payload,
            counter if counter is not None else self.next_counter(role),
            valid_from or self.clock.now - dt.timedelta(minutes=5),
            valid_to or self.clock.now + dt.timedelta(hours=1),
            seal_to=self.meter.cert if sealed else None, sign=sign)


def _device(h: pki.Hierarchy, eui: bytes) -> Signer:
    key = pki.new_key()
    ca = h.cas[CaKind.MANUFACTURER]
    cert = pki.issue(ca, Role.DEVICE, "ESME test", key.public_key(), eui64=eui,
                     device_type=DeviceType.ESME, not_before=BEFORE)
    return Signer(cert, key, ca.cert)


@pytest.fixture(scope="session")
def hierarchy() -> pki.Hierarchy:
    return pki.make_hierarchy(not_before=BEFORE - dt.timedelta(days=1))


@pytest.fixture
def world(hierarchy: pki.Hierarchy) -> World:
    w = World(hierarchy, _device(hierarchy, METER), _device(hierarchy, OTHER_METER), {})
    for role in (Role.SUPPLIER, Role.NETWORK_OPERATOR, Role.MANUFACTURER, Role.TECHNICIAN,
                 Role.OCCUPIER):
        w.signers[role] = w.signer(role)
    return w
