"""Build a gateway from command-line style options (shared by han-gateway and the apps)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from han_home.shared.han.gateway import Gateway, GatewayConfig
from han_home.shared.han.registry import Role
from han_home.shared.han.tariffs import Tariffs

ROLE_OF_LABEL = {
    "electricity_meter": Role.ELECTRICITY,
    "gas_meter": Role.GAS,
    "display": Role.DISPLAY,
}
# Radios that bring a world of their own (clock, meters, labels) build their gateway
# configuration themselves; found by module name, like every radio (see radios.py).
VIRTUAL_RADIO_SETUP = {"sim": "han_home.shared.sim.setup"}


@dataclass
class RadioOptions:
    radio: str = "sim"
    device: str | None = None
    sim_seed: int = 7
    sim_start: datetime | None = None
    sim_speed: float = 1.0
    prepayment: bool = True
    tariffs: Tariffs | None = None  # a real home's configured tariff (the sim brings its own)
    sim_clock: Any = None  # a Clock for the virtual home (tests: ManualClock); else SimClock
    sim_layout: str = "house"  # the virtual home: a house, or a flat in a block ("flats")


def build_gateway(options: RadioOptions, *, commission_home: bool = True) -> Gateway:
    """A gateway on the chosen radio. On the virtual home, its own devices are expected
    (commissioned from its labels, as an installer would have done)."""
    setup = VIRTUAL_RADIO_SETUP.get(options.radio)
    if setup is None:
        return Gateway(
            GatewayConfig(radio=options.radio, device_path=options.device, tariffs=options.tariffs)
        )
    config: GatewayConfig = importlib.import_module(setup).gateway_config(
        options, commission_home=commission_home
    )
    return Gateway(config)
