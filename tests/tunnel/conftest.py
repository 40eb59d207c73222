"""A virtual home on a ManualClock and the demo head ends' authors."""

from __future__ import annotations

import datetime as dt

import pytest

from han_home.shared.han.clock import ManualClock
from han_home.shared.security.headend import Author
from han_home.shared.security.profiles import Role
from han_home.shared.sim.demo_pki import demo_pki
from han_home.shared.sim.home import HomeOptions, VirtualHome

START = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


def eui(device) -> bytes:
    return bytes(reversed(device.ieee.serialize()))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def home(clock) -> VirtualHome:
    return VirtualHome(HomeOptions(seed=3, clock=clock))


@pytest.fixture
def authors(clock) -> dict[Role, Author]:
    world = demo_pki()
    return {role: Author(world.signer(role), clock.now)
            for role in (Role.SUPPLIER, Role.NETWORK_OPERATOR, Role.TECHNICIAN,
                         Role.OCCUPIER, Role.MANUFACTURER)}
