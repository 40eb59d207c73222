"""The ACL walked cell by cell against an independent statement of its intent (seed SP.1)."""

from __future__ import annotations

import itertools

import pytest

from han_home.shared.security import acl
from han_home.shared.security.acl import ACL, Action, DataObject, allowed
from han_home.shared.security.profiles import Role

# One line per data object: for read / write / execute, the roles allowed, as letters:
# S supplier, N network operator, M manufacturer, T technician, O occupier, A appliance.
EXPECTED = """
CONSUMPTION_REGISTERS  r=SNTOA  w=       x=
DEMAND                 r=SNTOA  w=       x=
TARIFF                 r=STOA   w=S      x=
PREPAYMENT_CREDIT      r=STOA   w=       x=
TOP_UP                 r=SO     w=       x=S
DEBT                   r=SO     w=S      x=
SUPPLIER_MESSAGES      r=SOA    w=S      x=
METER_CLOCK            r=SNMTOA w=N      x=
FIRMWARE               r=SNMTO  w=M      x=M
NETWORK_MEMBERSHIP     r=SNT    w=NT     x=T
DIAGNOSTICS            r=SNMT   w=       x=NT
SUPPLY_SWITCH          r=SNTOA  w=       x=S
SECURITY_CREDENTIALS   r=NT     w=N      x=
EMERGENCY_CREDIT       r=STOA   w=S      x=SO
REVOCATION_LIST        r=NT     w=N      x=
"""
LETTER = {"S": Role.SUPPLIER, "N": Role.NETWORK_OPERATOR, "M": Role.MANUFACTURER,
          "T": Role.TECHNICIAN, "O": Role.OCCUPIER, "A": Role.APPLIANCE}
ACTION = {"r": Action.READ, "w": Action.WRITE, "x": Action.EXECUTE}
ACL_ROLES = tuple(LETTER.values())


def expected() -> dict[tuple[DataObject, Action], set[Role]]:
    table = {}
    for line in EXPECTED.strip().splitlines():
        name, *cells = line.split()
        for cell in cells:
            action, letters = cell.split("=")
            table[DataObject[name], ACTION[action]] = {LETTER[c] for c in letters}
    return table


def test_the_grid_covers_every_data_object_and_action():
    assert {obj for obj, _ in expected()} == set(DataObject)
    assert len(expected()) == len(DataObject) * len(Action)


@pytest.mark.parametrize("data_object", list(DataObject), ids=lambda o: o.name)
def test_every_cell(data_object: DataObject):
    grid = expected()
    for role, action in itertools.product([*Role], Action):
        want = role in grid[data_object, action]
        assert allowed(role, data_object, action) is want, (role, data_object, action)


def test_the_stated_principles_hold_across_the_table():
    for data_object, action in itertools.product(DataObject, Action):
        roles = ACL.get(data_object, {}).get(action, frozenset())
        if action is not Action.READ:
            # the appliance side (occupier and appliances) never writes or executes, but
            # the occupier takes the emergency credit the meter offers (decided, issue 9)
            home = {Role.OCCUPIER, Role.APPLIANCE}
            if (data_object, action) == (DataObject.EMERGENCY_CREDIT, Action.EXECUTE):
                home = {Role.APPLIANCE}
            assert not roles & home, (data_object, action)
        assert Role.DEVICE not in roles  # devices answer, they do not command
    # OP.5: only the network operator sets the clock
    assert ACL[DataObject.METER_CLOCK][Action.WRITE] == {Role.NETWORK_OPERATOR}
    # metrology is never written
    for obj in (DataObject.CONSUMPTION_REGISTERS, DataObject.DEMAND):
        assert set(ACL[obj]) == {Action.READ}
    # SP.1's example: firmware is the manufacturer's responsibility alone
    assert ACL[DataObject.FIRMWARE][Action.WRITE] == ACL[DataObject.FIRMWARE][Action.EXECUTE] \
        == {Role.MANUFACTURER}
    # money moves only by the supplier
    assert ACL[DataObject.TOP_UP][Action.EXECUTE] == {Role.SUPPLIER}
    assert Action.WRITE not in ACL[DataObject.PREPAYMENT_CREDIT]
    # the occupier reads everything about the home's own supply, nothing engineering-only
    for obj in (DataObject.DIAGNOSTICS, DataObject.NETWORK_MEMBERSHIP,
                DataObject.SECURITY_CREDENTIALS):
        assert not allowed(Role.OCCUPIER, obj, Action.READ)


def test_every_row_has_its_intent_written_down():
    assert set(acl.INTENT) == set(DataObject) == set(ACL)


def test_sensitive_objects_need_sealing_when_written():
    assert acl.needs_sealing(DataObject.TOP_UP, Action.EXECUTE)
    assert acl.needs_sealing(DataObject.SECURITY_CREDENTIALS, Action.WRITE)
    assert not acl.needs_sealing(DataObject.TOP_UP, Action.READ)
    assert not acl.needs_sealing(DataObject.TARIFF, Action.WRITE)
