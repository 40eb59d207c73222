"""A commissioned virtual home behind a real gateway with its WAN end point (real TLS)."""

from __future__ import annotations

import datetime as dt
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from han_home.shared.han.setup import RadioOptions, build_gateway
from han_home.shared.han.wan import WanEndpoint
from han_home.shared.security import tls
from han_home.shared.security.envelope import Signer
from han_home.shared.security.headend import Author
from han_home.shared.security.profiles import DeviceType, Role
from han_home.shared.security.verify import check_response
from han_home.shared.security.wan_frames import WanStatus, deliver
from han_home.shared.sim.demo_pki import demo_pki

START = dt.datetime(2026, 10, 24, 12, 0, tzinfo=dt.UTC)
PASS = b"test passphrase"


def eui_of(device: Any) -> bytes:
    return bytes(reversed(device.ieee.serialize()))


@dataclass
class WanWorld:
    gateway: Any
    wan: WanEndpoint
    port: int
    client_ssl: dict[Role, Any]
    authors: dict[Role, Author]
    gateway_signer: Signer

    @property
    def home(self) -> Any:
        return self.gateway.config.sim_home

    async def send(self, target: bytes, envelope: bytes, *, via: Role = Role.SUPPLIER,
                   route: bytes | None = None) -> tuple[WanStatus, bytes]:
        """Head end -> gateway (TLS) -> tunnel -> meter; the WAN status and the answer."""
        return await deliver("127.0.0.1", self.port, self.client_ssl[via], route or target,
                             envelope)

    def verify(self, answer: bytes, command: bytes) -> Any:
        world = demo_pki()
        return check_response(answer, command, world.anchors,
                              intermediates=world.intermediates, at=self.home.clock.now())


def client_context(folder: Path, signer: Signer, name: str) -> Any:
    world = demo_pki()
    chain, key, anchors = tls.write_identity(folder, name, signer.cert, signer.key,
                                             signer.issuer, world.anchors, PASS)
    return tls.client_context(chain, key, PASS, anchors)


@asynccontextmanager
async def wan_world(folder: Path, speed: float = 60, start: dt.datetime = START,
                    clock: Any = None):
    """``clock``: a ManualClock for the virtual home (time moves only when the test says)."""
    world = demo_pki()
    gateway = build_gateway(RadioOptions(sim_seed=7, sim_start=start, sim_speed=speed,
                                         sim_clock=clock))
    # no tunnel test reads the gas meter's 13 months: its mirror is not primed (~800
    # GetProfile exchanges at every start, most of a start's cost)
    gateway.config.gas_profile_prime_periods = 0
    await gateway.start()
    try:
        commissioned = gateway.commission_expected()
        assert await (clock.run(commissioned, within=600) if clock else commissioned)
        coordinator = bytes(reversed(gateway.app.state.node_info.ieee.serialize()))
        gw = world.device(coordinator, DeviceType.GATEWAY, "Gateway")
        chain, key, anchors = tls.write_identity(folder / "gateway", "gateway", gw.cert,
                                                 gw.key, gw.issuer, world.anchors, PASS)
        wan = WanEndpoint(gateway, tls.server_context(chain, key, PASS, anchors),
                          world.anchors, world.intermediates)
        port = await wan.start()
        roles = (Role.SUPPLIER, Role.NETWORK_OPERATOR, Role.TECHNICIAN, Role.OCCUPIER)
        contexts = {r: client_context(folder / r.value, world.signer(r), r.value)
                    for r in roles}
        clock = gateway.config.sim_home.clock
        authors = {r: Author(world.signer(r), clock.now) for r in roles}
        try:
            yield WanWorld(gateway, wan, port, contexts, authors, gw)
        finally:
            await wan.stop()
    finally:
        await gateway.stop()
