"""A virtual home on a ManualClock and the demo head ends' authors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from han_home.shared.han.clock import ManualClock
from han_home.shared.i18n import catalog
from han_home.shared.security.headend import Author
from han_home.shared.security.profiles import Role
from han_home.shared.sim.demo_pki import demo_pki
from han_home.shared.sim.home import HomeOptions, VirtualHome

START = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def own_translator() -> Iterator[None]:
    """The CLI sets the process's language (--lang cy): each test gets its own translator."""
    previous = catalog.set_translator(catalog.Translator("en"))
    yield
    catalog.set_translator(previous)


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
