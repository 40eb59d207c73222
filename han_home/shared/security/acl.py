"""Access control per data object (seed SP.1): the one table meters, gateway and apps consult.

``ACL[data object][action]`` is the set of roles allowed; anything not listed is refused.
The intent, row by row, is in ``INTENT`` (and tests/security/test_acl.py asserts every cell
against an independent copy of it). Principles:

* metrology is never written by anyone (registers, demand): only read;
* the supplier owns the commercial objects (tariff, credit, top-up, debt, messages, the
  supply switch); the network operator owns the clock (OP.5), network membership and the
  trust anchors; the manufacturer owns firmware (SP.1's example: "the responsibility of the
  equipment manufacturer");
* the technician commissions and diagnoses, and reads what installing needs; never money;
* the occupier and the occupier's appliances only read, and only what is about the home's
  own use; nothing on the appliance side writes or executes anything (seed HA.13), with
  one decided exception: the occupier may take the emergency credit the meter offers.

``SENSITIVE`` objects carry secrets or money: their write/execute payloads must be sealed
end to end (SP.2), a plaintext one is refused.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from han_home.shared.security.profiles import Role


class DataObject(enum.IntEnum):
    """On the wire as one octet: never renumber."""

    CONSUMPTION_REGISTERS = 1
    DEMAND = 2
    TARIFF = 3  # tariff and prices
    PREPAYMENT_CREDIT = 4  # credit balance, emergency credit state
    TOP_UP = 5
    DEBT = 6
    SUPPLIER_MESSAGES = 7
    METER_CLOCK = 8
    FIRMWARE = 9
    NETWORK_MEMBERSHIP = 10  # commissioning: the device log, joining, install codes
    DIAGNOSTICS = 11
    SUPPLY_SWITCH = 12  # contactor / valve
    SECURITY_CREDENTIALS = 13  # trust anchors, keys, certificates
    EMERGENCY_CREDIT = 14  # its parameters (limit, threshold) and taking it
    REVOCATION_LIST = 15  # the CRLs a device honours (public, signed by their CA)


class Action(enum.IntEnum):
    READ = 1
    WRITE = 2
    EXECUTE = 3


SUP, NET, MAN, TEC, OCC, APP = (Role.SUPPLIER, Role.NETWORK_OPERATOR, Role.MANUFACTURER,
                                Role.TECHNICIAN, Role.OCCUPIER, Role.APPLIANCE)


def _r(*roles: Role) -> frozenset[Role]:
    return frozenset(roles)


NOBODY: frozenset[Role] = frozenset()

ACL: Mapping[DataObject, Mapping[Action, frozenset[Role]]] = {
    DataObject.CONSUMPTION_REGISTERS: {Action.READ: _r(SUP, NET, TEC, OCC, APP)},
    DataObject.DEMAND: {Action.READ: _r(SUP, NET, TEC, OCC, APP)},
    DataObject.TARIFF: {Action.READ: _r(SUP, TEC, OCC, APP), Action.WRITE: _r(SUP)},
    DataObject.PREPAYMENT_CREDIT: {Action.READ: _r(SUP, TEC, OCC, APP)},
    DataObject.TOP_UP: {Action.READ: _r(SUP, OCC), Action.EXECUTE: _r(SUP)},
    DataObject.DEBT: {Action.READ: _r(SUP, OCC), Action.WRITE: _r(SUP)},
    DataObject.SUPPLIER_MESSAGES: {Action.READ: _r(SUP, OCC, APP), Action.WRITE: _r(SUP)},
    DataObject.METER_CLOCK: {Action.READ: _r(SUP, NET, MAN, TEC, OCC, APP), Action.WRITE: _r(NET)},
    DataObject.FIRMWARE: {
        Action.READ: _r(SUP, NET, MAN, TEC, OCC),
        Action.WRITE: _r(MAN),  # load an image into the idle slot
        Action.EXECUTE: _r(MAN),  # switch to it
    },
    DataObject.NETWORK_MEMBERSHIP: {
        Action.READ: _r(SUP, NET, TEC),
        Action.WRITE: _r(NET, TEC),
        Action.EXECUTE: _r(TEC),  # open a join window on site
    },
    DataObject.DIAGNOSTICS: {Action.READ: _r(SUP, NET, MAN, TEC), Action.EXECUTE: _r(NET, TEC)},
    DataObject.SUPPLY_SWITCH: {Action.READ: _r(SUP, NET, TEC, OCC, APP), Action.EXECUTE: _r(SUP)},
    DataObject.SECURITY_CREDENTIALS: {Action.READ: _r(NET, TEC), Action.WRITE: _r(NET)},
    # The one thing the occupier may execute: take the emergency credit the meter offers.
    # Decided (seed PC.1, PC.3): the supplier alone sets how much and from when (WRITE); the
    # meter alone decides whether it is available; what is used is recovered as debt. So an
    # occupier's credential can only take what the supplier's signed parameters allow.
    DataObject.EMERGENCY_CREDIT: {
        Action.READ: _r(SUP, TEC, OCC, APP),
        Action.WRITE: _r(SUP),
        Action.EXECUTE: _r(SUP, OCC),
    },
    # A CRL is public and signed by its CA (the device checks that signature too), so it
    # is not sealed; only the network operator, who runs the HAN's trust, delivers one.
    DataObject.REVOCATION_LIST: {Action.READ: _r(NET, TEC), Action.WRITE: _r(NET)},
}

SENSITIVE: frozenset[DataObject] = frozenset(
    {DataObject.TOP_UP, DataObject.SECURITY_CREDENTIALS, DataObject.NETWORK_MEMBERSHIP}
)

INTENT: Mapping[DataObject, str] = {
    DataObject.CONSUMPTION_REGISTERS: "metrology: read by all but the manufacturer, never written",
    DataObject.DEMAND: "metrology: as the registers",
    DataObject.TARIFF: "the supplier sets it; the home and the technician read it",
    DataObject.PREPAYMENT_CREDIT: "the balance moves only by top-up or use; read by the home",
    DataObject.TOP_UP: "only the supplier adds credit (sealed); the occupier sees the history",
    DataObject.DEBT: "the supplier's account; the occupier reads it, not the appliances",
    DataObject.SUPPLIER_MESSAGES: "the supplier writes, the home reads",
    DataObject.METER_CLOCK: "only the network operator sets the clock (OP.5); all read it",
    DataObject.FIRMWARE: "only the manufacturer loads and activates images (SP.1, SP.8)",
    DataObject.NETWORK_MEMBERSHIP: "the network operator and the technician (sealed: keys)",
    DataObject.DIAGNOSTICS: "engineering data; never the home's",
    DataObject.SUPPLY_SWITCH: "only the supplier operates the switch; the home sees its state",
    DataObject.SECURITY_CREDENTIALS: "only the network operator replaces anchors (sealed)",
    DataObject.EMERGENCY_CREDIT: "the supplier sets it; the occupier (or supplier) takes it",
    DataObject.REVOCATION_LIST: "the network operator delivers CRLs; each is its CA's",
}


def allowed(role: Role, data_object: DataObject, action: Action) -> bool:
    """True when ``role`` may perform ``action`` on ``data_object``; False for any unknown."""
    return role in ACL.get(data_object, {}).get(action, NOBODY)


def needs_sealing(data_object: DataObject, action: Action) -> bool:
    return data_object in SENSITIVE and action is not Action.READ
